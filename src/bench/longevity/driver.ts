// `agentos bench longevity`: does memory last? A small agent (100 memory files, 1,000 reward records)
// and a large one (10,000 files, 100,000 records), generated with the product's own writers, each
// measured on what its whole life depends on: one loop iteration (everything but the model call),
// a learning run with nothing new to learn, reading the whole reward log, peak memory, and the
// biggest file the runtime wrote. Growth is the large iteration's time over the small one's.
// eslint-disable-next-line no-restricted-imports
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { generateAgent } from './generate.js';
import {
  phasesRunInChildProcess,
  runPhase,
  runPhaseInChild,
  type PhaseName,
  type PhaseResult,
} from './phase.js';
import { benchScratchDir } from '../scratch.js';

export const LongevityBenchConfigSchema = z.strictObject({
  seed: z.number().int().default(1),
  small: z
    .strictObject({
      files: z.number().int().min(4).default(100),
      records: z.number().int().min(1).default(1_000),
    })
    .default({ files: 100, records: 1_000 }),
  large: z
    .strictObject({
      files: z.number().int().min(4).default(10_000),
      records: z.number().int().min(1).default(100_000),
    })
    .default({ files: 10_000, records: 100_000 }),
  /** Measured iterations per size and round (after one that warms the process up). */
  iterations: z.number().int().min(1).max(50).default(7),
  /**
   * Rounds of iterations: each round runs both sizes' iterations, one after the other (the order
   * alternates), each in a fresh process; the median is over every round's iterations. A spell in
   * which the machine is slower then falls on both sizes, not on one.
   */
  rounds: z.number().int().min(1).max(10).default(3),
});
export type LongevityBenchConfig = z.infer<typeof LongevityBenchConfigSchema>;

/** The targets, from what a lasting agent needs, not from these defaults. */
export const LONGEVITY_TARGETS = {
  large_iteration_ms: 1_000,
  growth: 2,
  large_peak_rss_mb: 300,
  large_learn_ms: 10_000,
  large_read_rewards_ms: 1_000,
  largest_file_kb: 256,
};

export interface SizeResult {
  files: number;
  records: number;
  iteration_ms: number;
  /** Every measured iteration, round after round. */
  iterations_ms: number[];
  /** The first iteration of the first round's process: warms it up and builds the memory index. */
  first_iteration_ms: number;
  learn_ms: number;
  read_rewards_ms: number;
  /** The first of the three reads, which builds the derived copy of the sealed shards under .git/. */
  read_rewards_first_ms: number;
  records_read: number;
  /** The largest peak resident memory of the phases' processes (see peak_rss_scope). */
  peak_rss_mb: number;
  /** 'phase processes': each phase ran in its own process; 'bench process': all in this one. */
  peak_rss_scope: 'phase processes' | 'bench process';
  /**
   * Each phase's process. `settle` is the learning run that catches up with the generated memory
   * before `learn` is measured: reported, not part of peak_rss_mb.
   */
  peak_rss_by_phase_mb: { read_rewards: number; iterations: number; settle: number; learn: number };
  largest_file_kb: number;
  /** How long each part of the measurement took, to see where the bench's own time goes. */
  timings_ms: { generate: number; iterations: number; learn: number; read_rewards: number };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Flushes the system's pending writes (`sync`), where there is such a command. */
function settleWrites(): void {
  // A system command, not git: the rule that sends git through src/git/git.ts does not apply.
  spawnSync('sync', [], { stdio: 'ignore' });
}

function largestFileKb(folder: string): number {
  let largest = 0;
  const walk = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) walk(child);
      else largest = Math.max(largest, statSync(child).size);
    }
  };
  walk(folder);
  return Math.round((largest / 1024) * 10) / 10;
}

const round = (ms: number): number => Math.round(ms);

/** A generated agent, and what its phases measured so far. */
interface Subject {
  size: { files: number; records: number };
  dir: string;
  seed: number;
  generate_ms: number;
  reads: PhaseResult[];
  read_ms: number;
  iterations: PhaseResult[];
  iterations_ms: number;
}

async function generateSubject(
  size: { files: number; records: number },
  seed: number,
  subjects: Subject[],
): Promise<Subject> {
  const dir = benchScratchDir('longevity', tmpdir());
  const subject: Subject = {
    size,
    dir,
    seed,
    generate_ms: 0,
    reads: [],
    read_ms: 0,
    iterations: [],
    iterations_ms: 0,
  };
  // Listed before anything is written, so the caller removes the folder whatever happens.
  subjects.push(subject);
  const start = performance.now();
  await generateAgent({ dir, ...size, seed });
  subject.generate_ms = performance.now() - start;
  return subject;
}

/**
 * Runs a phase on the subject: in a fresh process (as `agentos run` and `agentos learn` are), so
 * its peak memory is its own; from TypeScript sources (the tests), in this process.
 */
function runOn(subject: Subject, phase: PhaseName, config: LongevityBenchConfig, round = 0) {
  const input = {
    phase,
    dir: subject.dir,
    seed: subject.seed,
    iterations: config.iterations,
    round,
  };
  // What came before (the generator's hundreds of megabytes, a memory index the last phase built,
  // the log's derived copy) is written out first, as the system long since has for a user's
  // memory: the phase's first fsync could otherwise wait for all of it.
  settleWrites();
  return phasesRunInChildProcess() ? runPhaseInChild(input) : runPhase(input);
}

/**
 * Three reads of the whole log, each in its own process as `agentos metrics` is: the first also
 * builds the derived copy of the sealed shards under .git/agentos/ that the others read.
 */
async function readLog(subject: Subject, config: LongevityBenchConfig): Promise<void> {
  const start = performance.now();
  for (let i = 0; i < 3; i++) subject.reads.push(await runOn(subject, 'read', config));
  subject.read_ms = performance.now() - start;
}

/** One round of iterations on the subject, in a fresh process. */
async function iterate(subject: Subject, config: LongevityBenchConfig): Promise<void> {
  const start = performance.now();
  subject.iterations.push(await runOn(subject, 'iterations', config, subject.iterations.length));
  subject.iterations_ms += performance.now() - start;
}

/** The subject's learning runs, then its result. */
async function finish(subject: Subject, config: LongevityBenchConfig): Promise<SizeResult> {
  const inChild = phasesRunInChildProcess();
  const settled = await runOn(subject, 'settle', config);
  const start = performance.now();
  const learned = await runOn(subject, 'learn', config);
  const learn = performance.now() - start;
  const readTimes = subject.reads.map((r) => r.times_ms[0] ?? 0);
  const readPeak = Math.max(...subject.reads.map((r) => r.peak_rss_mb));
  const times = subject.iterations.flatMap((r) => r.times_ms);
  const iterationsPeak = Math.max(...subject.iterations.map((r) => r.peak_rss_mb));
  return {
    ...subject.size,
    iteration_ms: round(median(times)),
    iterations_ms: times.map(round),
    first_iteration_ms: round(subject.iterations[0]?.first_ms ?? 0),
    learn_ms: round(learned.times_ms[0] ?? 0),
    read_rewards_ms: round(median(readTimes)),
    read_rewards_first_ms: round(readTimes[0] ?? 0),
    records_read: Math.min(...subject.reads.map((r) => r.records_read)),
    peak_rss_mb: inChild
      ? Math.max(readPeak, iterationsPeak, learned.peak_rss_mb)
      : Math.round(process.resourceUsage().maxRSS / 1024),
    peak_rss_scope: inChild ? 'phase processes' : 'bench process',
    peak_rss_by_phase_mb: {
      read_rewards: readPeak,
      iterations: iterationsPeak,
      settle: settled.peak_rss_mb,
      learn: learned.peak_rss_mb,
    },
    largest_file_kb: largestFileKb(join(subject.dir, 'agents')),
    timings_ms: {
      generate: round(subject.generate_ms),
      iterations: round(subject.iterations_ms),
      learn: round(learn),
      read_rewards: round(subject.read_ms),
    },
  };
}

export async function runLongevityBench(config: LongevityBenchConfig) {
  const began = performance.now();
  const subjects: Subject[] = [];
  try {
    const small = await generateSubject(config.small, config.seed, subjects);
    const large = await generateSubject(config.large, config.seed + 100, subjects);
    for (const subject of subjects) await readLog(subject, config);
    // The sizes take turns, the order alternating from round to round (small first, then large
    // first, ...), so that both sizes' iterations are measured across the same stretch of time.
    for (let r = 0; r < config.rounds; r++)
      for (const subject of r % 2 === 0 ? [small, large] : [large, small])
        await iterate(subject, config);
    // Each round's own ratio of medians: how much growth moves with the machine from round to round.
    const byRound = small.iterations.map((smallRound, r) => {
      const ratio =
        median(large.iterations[r]?.times_ms ?? []) / Math.max(1, median(smallRound.times_ms));
      return Math.round(ratio * 100) / 100;
    });
    return result(await finish(small, config), await finish(large, config), byRound, began);
  } finally {
    for (const subject of subjects) rmSync(subject.dir, { recursive: true, force: true });
  }
}

function result(small: SizeResult, large: SizeResult, growthByRound: number[], began: number) {
  const growth = Math.round((large.iteration_ms / Math.max(1, small.iteration_ms)) * 100) / 100;
  const largest = Math.max(small.largest_file_kb, large.largest_file_kb);
  return {
    small,
    large,
    growth,
    growth_by_round: growthByRound,
    largest_file_kb: largest,
    targets: LONGEVITY_TARGETS,
    targets_met: {
      large_iteration_ms: large.iteration_ms <= LONGEVITY_TARGETS.large_iteration_ms,
      growth: growth <= LONGEVITY_TARGETS.growth,
      large_peak_rss_mb: large.peak_rss_mb <= LONGEVITY_TARGETS.large_peak_rss_mb,
      large_learn_ms: large.learn_ms <= LONGEVITY_TARGETS.large_learn_ms,
      large_read_rewards_ms: large.read_rewards_ms <= LONGEVITY_TARGETS.large_read_rewards_ms,
      largest_file_kb: largest <= LONGEVITY_TARGETS.largest_file_kb,
      every_record_read:
        small.records_read === small.records && large.records_read === large.records,
    },
    total_ms: round(performance.now() - began),
  };
}
