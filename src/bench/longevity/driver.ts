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
import { phasesRunInChildProcess, runPhase, runPhaseInChild, type PhaseName } from './phase.js';
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
  /** Measured iterations per size (after one that warms the process up); the median is reported. */
  iterations: z.number().int().min(1).max(50).default(7),
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
  iterations_ms: number[];
  /** The first iteration of the process: warms it up and builds the memory index (not in the median). */
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

async function measureSize(
  size: { files: number; records: number },
  config: LongevityBenchConfig,
  seed: number,
): Promise<SizeResult> {
  const dir = benchScratchDir('longevity', tmpdir());
  try {
    let start = performance.now();
    await generateAgent({ dir, ...size, seed });
    const generate = performance.now() - start;
    // The generator has just written hundreds of megabytes: let the system write them out before
    // anything is timed, as it has long done for a user's memory, so no phase pays for its flush.
    settleWrites();

    // Each phase in a fresh process (as `agentos run` and `agentos learn` are), so its peak memory is
    // its own; from TypeScript sources (the tests), in this process.
    const inChild = phasesRunInChildProcess();
    const run = (phase: PhaseName) =>
      (inChild ? runPhaseInChild : runPhase)({
        phase,
        dir,
        seed,
        iterations: config.iterations,
      });
    // Three reads, each in its own process as `agentos metrics` is: the first also builds the
    // derived copy of the sealed shards under .git/agentos/ that the others read.
    start = performance.now();
    const reads = [await run('read'), await run('read'), await run('read')];
    const readRewards = performance.now() - start;
    const read = {
      times_ms: reads.map((r) => r.times_ms[0] ?? 0),
      first_ms: reads[0]?.times_ms[0] ?? 0,
      records_read: Math.min(...reads.map((r) => r.records_read)),
      peak_rss_mb: Math.max(...reads.map((r) => r.peak_rss_mb)),
    };
    start = performance.now();
    const iterated = await run('iterations');
    const iterations = performance.now() - start;
    const settled = await run('settle');
    start = performance.now();
    const learned = await run('learn');
    const learn = performance.now() - start;

    return {
      ...size,
      iteration_ms: round(median(iterated.times_ms)),
      iterations_ms: iterated.times_ms.map(round),
      first_iteration_ms: round(iterated.first_ms),
      learn_ms: round(learned.times_ms[0] ?? 0),
      read_rewards_ms: round(median(read.times_ms)),
      read_rewards_first_ms: round(read.first_ms),
      records_read: read.records_read,
      peak_rss_mb: inChild
        ? Math.max(read.peak_rss_mb, iterated.peak_rss_mb, learned.peak_rss_mb)
        : Math.round(process.resourceUsage().maxRSS / 1024),
      peak_rss_scope: inChild ? 'phase processes' : 'bench process',
      peak_rss_by_phase_mb: {
        read_rewards: read.peak_rss_mb,
        iterations: iterated.peak_rss_mb,
        settle: settled.peak_rss_mb,
        learn: learned.peak_rss_mb,
      },
      largest_file_kb: largestFileKb(join(dir, 'agents')),
      timings_ms: {
        generate: round(generate),
        iterations: round(iterations),
        learn: round(learn),
        read_rewards: round(readRewards),
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runLongevityBench(config: LongevityBenchConfig) {
  const began = performance.now();
  const small = await measureSize(config.small, config, config.seed);
  const large = await measureSize(config.large, config, config.seed + 100);
  const growth = Math.round((large.iteration_ms / Math.max(1, small.iteration_ms)) * 100) / 100;
  const largest = Math.max(small.largest_file_kb, large.largest_file_kb);
  return {
    small,
    large,
    growth,
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
