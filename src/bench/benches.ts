// The benchmarks `agentos bench <name>` runs: each parses its configuration (defaults, then a file,
// then flags) and returns plain results, printed as one JSON object {bench, config, results}.
import type { z } from 'zod';
import { runWorldBench } from './world/driver.js';
import { WorldBenchConfigSchema } from './world/simulation.js';

export interface BenchDefinition {
  name: string;
  summary: string;
  /** Validates a configuration (missing keys take their defaults). */
  schema: z.ZodType<{ seed: number } & Record<string, unknown>>;
  run(config: Record<string, unknown>): Record<string, unknown> & {
    targets_met?: Record<string, boolean>;
  };
}

export const BENCHES: readonly BenchDefinition[] = [
  {
    name: 'world',
    summary:
      'a simulated world with ground truth and a noisy task stream through the world-model rules',
    schema: WorldBenchConfigSchema,
    run: (config) => ({ ...runWorldBench(WorldBenchConfigSchema.parse(config)) }),
  },
];
