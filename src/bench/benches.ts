// The benchmarks `agentos bench <name>` runs: each parses its configuration (defaults, then a file,
// then flags) and returns plain results, printed as one JSON object {bench, config, results}.
import type { z } from 'zod';
import { runRoutingBench } from './routing/driver.js';
import { RoutingBenchConfigSchema } from './routing/simulation.js';
import { LongevityBenchConfigSchema, runLongevityBench } from './longevity/driver.js';
import { MetricsBenchConfigSchema, runMetricsBench } from './metrics/driver.js';
import { ContextBenchConfigSchema } from './context/config.js';
import { runContextBench } from './context/driver.js';
import { runWorldBench } from './world/driver.js';
import { LearningBenchConfigSchema, runLearningBench } from './learning/driver.js';
import { WorldBenchConfigSchema } from './world/simulation.js';

export type BenchResults = Record<string, unknown> & { targets_met?: Record<string, boolean> };

export interface BenchDefinition {
  name: string;
  summary: string;
  /** Validates a configuration (missing keys take their defaults). */
  schema: z.ZodType<{ seed: number } & Record<string, unknown>>;
  run(config: Record<string, unknown>): Promise<BenchResults> | BenchResults;
}

export const BENCHES: readonly BenchDefinition[] = [
  {
    name: 'world',
    summary:
      'a simulated world with ground truth and a noisy task stream through the world-model rules',
    schema: WorldBenchConfigSchema,
    run: (config) => ({ ...runWorldBench(WorldBenchConfigSchema.parse(config)) }),
  },
  {
    name: 'longevity',
    summary:
      'a small and a large agent (10,000 memory files, 100,000 reward records): iteration, learning run and log read times, memory, file sizes',
    schema: LongevityBenchConfigSchema,
    run: async (config) => ({
      ...(await runLongevityBench(LongevityBenchConfigSchema.parse(config))),
    }),
  },
  {
    name: 'metrics',
    summary:
      'agentos metrics --json on 100,000 reward records, 10,000 world files, 3 agents and 5,000 commits: seconds and peak memory',
    schema: MetricsBenchConfigSchema,
    run: async (config) => ({ ...(await runMetricsBench(MetricsBenchConfigSchema.parse(config))) }),
  },
  {
    name: 'routing',
    summary:
      "a task stream with hidden difficulty routed by every baseline and by the learned policy (the product's own module)",
    schema: RoutingBenchConfigSchema,
    run: (config) => ({ ...runRoutingBench(RoutingBenchConfigSchema.parse(config)) }),
  },
  {
    name: 'learning',
    summary:
      'a task stream from a hidden world through the real loop with a simulated model: agentos against no-memory, load-everything, no-learning-runs and static-routing',
    schema: LearningBenchConfigSchema,
    run: async (config) => ({
      ...(await runLearningBench(LearningBenchConfigSchema.parse(config))),
    }),
  },
  {
    name: 'context',
    summary:
      "a generated memory with the items each task needs: recall and token share of load-everything, tags-only, bm25-only and the product's own context assembly",
    schema: ContextBenchConfigSchema,
    run: async (config) => ({
      ...(await runContextBench(ContextBenchConfigSchema.parse(config))),
    }),
  },
];
