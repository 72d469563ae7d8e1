// `agentos bench longevity`: does memory last? A small agent (100 memory files, 1,000 reward records)
// and a large one (10,000 files, 100,000 records), generated with the product's own writers, each
// measured on what its whole life depends on: one loop iteration (everything but the model call),
// a learning run with nothing new to learn, reading the whole reward log, peak memory, and the
// biggest file the runtime wrote. Growth is the large iteration's time over the small one's.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import type { Git } from '../../git/git.js';
import { runLearning } from '../../learning/run.js';
import type { Model } from '../../llm/model.js';
import { OfflineModel } from '../../llm/offline/offline-model.js';
import { runIteration } from '../../loop/iteration.js';
import { readRewardLog } from '../../memory/reward-log.js';
import { Random } from '../random.js';
import { BENCH_AGENT, generateAgent, phrase } from './generate.js';

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
  learn_ms: number;
  read_rewards_ms: number;
  records_read: number;
  peak_rss_mb: number;
  largest_file_kb: number;
  /** How long each part of the measurement took, to see where the bench's own time goes. */
  timings_ms: { generate: number; iterations: number; learn: number; read_rewards: number };
}

/** The model's own time is left out: it is the iteration around it that is measured. */
function timedModel(model: Model): Model & { spentMs: number } {
  const timed = {
    spentMs: 0,
    kind: model.kind,
    async solve(request: Parameters<Model['solve']>[0]) {
      const start = performance.now();
      try {
        return await model.solve(request);
      } finally {
        timed.spentMs += performance.now() - start;
      }
    },
  };
  return timed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
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

const rssMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);
const round = (ms: number): number => Math.round(ms);

async function measureSize(
  size: { files: number; records: number },
  config: LongevityBenchConfig,
  seed: number,
): Promise<SizeResult> {
  const dir = mkdtempSync(join(tmpdir(), 'agentos-bench-longevity-'));
  try {
    let start = performance.now();
    const git: Git = await generateAgent({ dir, ...size, seed });
    const generate = performance.now() - start;

    // The whole log, as a learning run or a metrics report reads it: the median of three reads.
    start = performance.now();
    const reads: number[] = [];
    let recordsRead = 0;
    for (let i = 0; i < 3; i++) {
      const began = performance.now();
      recordsRead = readRewardLog(dir, BENCH_AGENT).records.length;
      reads.push(performance.now() - began);
    }
    const readRewards = performance.now() - start;

    const model = timedModel(new OfflineModel());
    const random = new Random(seed + 1);
    const times: number[] = [];
    start = performance.now();
    for (let i = 0; i <= config.iterations; i++) {
      const text = `Fix the ${phrase(random, 3)} with ${phrase(random, 2)} and retry`;
      model.spentMs = 0;
      const began = performance.now();
      await runIteration(
        { repoRoot: dir, git, model },
        { id: `bench-${i}`, text, agent: BENCH_AGENT, source: 'cli' },
      );
      // The first iteration warms the process (module loading, the JIT) and builds the memory
      // index, as an agent's first run after an upgrade does; the rest are what every run costs.
      if (i > 0) times.push(performance.now() - began - model.spentMs);
    }
    const iterations = performance.now() - start;

    // A learning run settles whatever the generated memory calls for; the second has nothing new.
    await runLearning({ repoRoot: dir, git, agent: BENCH_AGENT });
    start = performance.now();
    await runLearning({ repoRoot: dir, git, agent: BENCH_AGENT });
    const learn = performance.now() - start;

    return {
      ...size,
      iteration_ms: round(median(times)),
      iterations_ms: times.map(round),
      learn_ms: round(learn),
      read_rewards_ms: round(median(reads)),
      records_read: recordsRead,
      peak_rss_mb: rssMb(),
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
  // Small first: peak RSS only grows within a process, so the large size's figure is its own.
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
