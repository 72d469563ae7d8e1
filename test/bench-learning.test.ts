// `agentos bench learning` on a small configuration: the JSON keys the docs name, the same figures
// for the same seed, variants that really switch off what they name, and the README's charts.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateStream, generateWorld } from '../src/bench/learning/world.js';
import { LearningBenchConfigSchema } from '../src/bench/learning/driver.js';
import { runCliProcess } from './helpers/cli.js';
import { mermaidBlocks, parseMermaid } from './helpers/mermaid.js';
import { tempDir } from './helpers/repo.js';

const VARIANT_KEYS = [
  'tasks',
  'success_first',
  'success_last',
  'success_rate',
  'cost_per_success',
  'context_tokens_median',
  'false_beliefs_in_context',
  'success_series',
  'tiers',
  'starts',
  'tasks_with_memory_in_context',
  'learning_runs',
  'metrics',
  'false_beliefs_at_end',
  'seconds',
];
const METRIC_IDS = [
  'task_success',
  'context_efficiency',
  'reward_trend',
  'skill_reuse',
  'hypothesis_promotion',
  'contradiction_correction',
  'duplicate_collapse',
  'cost_per_success',
  'expensive_calls',
  'underpowered_failures',
  'proposal_acceptance',
  'time_to_consensus',
  'segment_usefulness',
];

interface Variant {
  tasks: number;
  success_series: number[];
  context_tokens_median: number;
  tasks_with_memory_in_context: number;
  learning_runs: number;
  tiers: Record<string, number>;
  starts: Record<string, number>;
  metrics: Record<string, { value: number | null; status: string }>;
  seconds: number;
}

async function bench(config: object, seed: number) {
  const dir = tempDir();
  writeFileSync(join(dir, 'small.json'), JSON.stringify(config));
  // The CLI's own process: a plain Node process forks the loop's git processes at a fraction of
  // what jest's worker, many times its size, pays for each.
  const run = await runCliProcess(
    ['bench', 'learning', '--json', '--config', 'small.json', '--seed', String(seed)],
    { cwd: dir },
  );
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as {
    bench: string;
    config: { seed: number; tasks: number };
    results: { variants: Record<string, Variant>; targets_met: Record<string, boolean> };
  };
}

/** A variant's figures without the wall-clock time, which no seed fixes. */
function figures(variant: Variant | undefined): Omit<Variant, 'seconds'> | undefined {
  if (!variant) return undefined;
  const { seconds, ...rest } = variant;
  expect(seconds).toBeGreaterThan(0);
  return rest;
}

describe('agentos bench learning', () => {
  it('runs every variant through the loop, each switching off what it names, the same for a seed', async () => {
    const small = { tasks: 10, learn_every: 4 };
    const first = await bench(small, 3);
    expect(first.bench).toBe('learning');
    expect(first.config).toMatchObject({ seed: 3, tasks: 10, learn_every: 4 });
    const { variants } = first.results;
    expect(Object.keys(variants).sort()).toEqual(
      ['agentos', 'load-everything', 'no-learning-runs', 'no-memory', 'static-routing'].sort(),
    );
    for (const variant of Object.values(variants)) {
      expect(Object.keys(variant).sort()).toEqual([...VARIANT_KEYS].sort());
      expect(variant.tasks).toBe(10);
      expect(variant.success_series).toHaveLength(10);
      // Every task started on one tier and ended on one.
      const sum = (counts: Record<string, number>) =>
        Object.values(counts).reduce((a, b) => a + b, 0);
      expect(sum(variant.tiers)).toBe(10);
      expect(sum(variant.starts)).toBe(10);
      expect(Object.keys(variant.metrics).sort()).toEqual([...METRIC_IDS].sort());
    }
    expect(Object.keys(first.results.targets_met)).toEqual(
      expect.arrayContaining(['success_last_over_no_memory', 'false_beliefs_vs_no_learning_runs']),
    );
    const [agentos, none, all, frozen, fixed] = [
      'agentos',
      'no-memory',
      'load-everything',
      'no-learning-runs',
      'static-routing',
    ].map((name) => variants[name] as Variant);
    // no-memory: persona and constraints only, never a memory item.
    expect(none?.tasks_with_memory_in_context).toBe(0);
    expect(agentos?.tasks_with_memory_in_context).toBeGreaterThan(0);
    // load-everything: every live item until the budget is full, so more tokens than the ranked context.
    expect(all?.context_tokens_median).toBeGreaterThan(agentos?.context_tokens_median ?? Infinity);
    // no-learning-runs: none; the others one after every 4 tasks but the last.
    expect(frozen?.learning_runs).toBe(0);
    expect(agentos?.learning_runs).toBe(2);
    // static-routing: the default table, by demand, never the learned routing.md (no "route" records).
    expect(fixed?.tiers).toBeDefined();

    // The same seed: the same figures, variant by variant (run here for two of them).
    const again = await bench({ ...small, variants: ['agentos', 'no-memory'] }, 3);
    expect(figures(again.results.variants.agentos)).toEqual(figures(agentos));
    expect(figures(again.results.variants['no-memory'])).toEqual(figures(none));
  }, 240_000);

  it('draws another world and stream from another seed, and the same from the same one', () => {
    const config = LearningBenchConfigSchema.parse({ tasks: 50 });
    const stream = (seed: number) =>
      generateStream(generateWorld(config.world, seed), config.world, config.tasks, seed);
    expect(stream(1)).toEqual(stream(1));
    expect(stream(2).map((t) => t.text)).not.toEqual(stream(1).map((t) => t.text));
    // Tasks that carry a false claim exist, and later ones contradict them.
    const long = generateStream(generateWorld(config.world, 1), config.world, 2000, 1);
    expect(long.some((t) => t.falseClaim !== undefined)).toBe(true);
    expect(long.some((t) => t.statedTruth !== undefined)).toBe(true);
  });

  it('documents the bench in bench/README.md with a chart of success for each variant that Mermaid parses', async () => {
    const readme = readFileSync(new URL('../bench/README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## `agentos bench learning`'));
    expect(section.startsWith('## `agentos bench learning`')).toBe(true);
    const blocks = mermaidBlocks(section);
    const variants = [
      'agentos',
      'no-memory',
      'load-everything',
      'no-learning-runs',
      'static-routing',
    ];
    // One chart per variant, titled with its name (xychart has no legend).
    expect(
      blocks.map((block) => /title "Success over the stream: ([a-z-]+)/.exec(block)?.[1]),
    ).toEqual(variants);
    expect(await parseMermaid(blocks)).toEqual(blocks.map(() => ({ type: 'xychart' })));
  }, 60_000);
});
