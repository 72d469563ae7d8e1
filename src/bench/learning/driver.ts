// `agentos bench learning`: does memory make the next task better or cheaper? One hidden world and
// one task stream, run through the real loop (`runIteration`, with a learning run every N tasks) on
// a fresh agent repository per variant — agentos and four ablations side by side — with only the
// model simulated (simulated-model.ts). Success, cost, context size and false beliefs per variant
// come from what each task did; the thirteen metrics from the product's metrics module.
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import type { ContextScope } from '../../context/scope.js';
import { Git } from '../../git/git.js';
import { runLearning } from '../../learning/run.js';
import { priceTable } from '../../llm/prices.js';
import { runIteration, type IterationDeps } from '../../loop/iteration.js';
import { computeAgentMetrics, type MetricReport } from '../../metrics/compute.js';
import { readMetricsSources } from '../../metrics/read.js';
import { loadRegistry, TIERS, type Tier } from '../../memory/registry.js';
import { staticRoutingPolicy } from '../../routing/policy.js';
import { initRepository } from '../../scaffold/init.js';
import { isLive, loadWorld } from '../../world/beliefs.js';
import { SimulatedModel, type ContextReading } from './simulated-model.js';
import { runVariantInChild, variantsRunInChildProcesses } from './variant-process.js';
import { generateStream, generateWorld, HARDNESS } from './world.js';
import { benchScratchDir } from '../scratch.js';

export const LEARNING_VARIANTS = [
  'agentos',
  'no-memory',
  'load-everything',
  'no-learning-runs',
  'static-routing',
] as const;
export type LearningVariant = (typeof LEARNING_VARIANTS)[number];

const unit = z.number().min(0).max(1);
const competence = z.strictObject({ easy: unit, medium: unit, hard: unit });

export const LearningBenchConfigSchema = z.strictObject({
  seed: z.number().int().default(1),
  tasks: z.number().int().min(10).default(2_000),
  /** A learning run after every this many tasks (not in no-learning-runs). */
  learn_every: z.number().int().min(1).default(100),
  /** Simulated minutes between two tasks: what confidence decay and skill staleness see. */
  minutes_per_task: z.number().min(0).default(10),
  variants: z
    .array(z.enum(LEARNING_VARIANTS))
    .min(1)
    .default([...LEARNING_VARIANTS]),
  world: z
    .strictObject({
      families: z.number().int().min(1).default(100),
      skills: z.number().int().min(1).default(60),
      things: z.number().int().min(1).default(100),
      second_name_share: unit.default(0.25),
      false_claim_share: unit.default(0.05),
      contradiction_share: unit.default(0.3),
      hardness_weights: z
        .tuple([z.number().min(0), z.number().min(0), z.number().min(0)])
        .default([0.4, 0.35, 0.25]),
      family_skew: z.number().min(0).default(0.35),
    })
    .prefault({}),
  model: z
    .strictObject({
      competence: z
        .strictObject({ 'cheap-fast': competence, balanced: competence, strongest: competence })
        .default({
          'cheap-fast': { easy: 0.92, medium: 0.75, hard: 0.45 },
          balanced: { easy: 0.96, medium: 0.88, hard: 0.7 },
          strongest: { easy: 0.98, medium: 0.94, hard: 0.85 },
        }),
      rederive: unit.default(0.4),
      misled: unit.default(0.8),
      notice: unit.default(0.3),
      wrong_update: unit.default(0.1),
    })
    .prefault({}),
});
export type LearningBenchConfig = z.infer<typeof LearningBenchConfigSchema>;

/** The targets, relative to the baselines run on the same stream. */
export const LEARNING_TARGETS = {
  success_last_over_no_memory: 0.2,
  success_last_over_own_first: 0.15,
  cost_per_success_vs_no_memory: 0.6,
  cost_per_success_vs_static_routing: 0.8,
  context_tokens_vs_load_everything: 0.25,
  false_beliefs_vs_no_learning_runs: 0.5,
  seconds: 180,
};

/** One variant's switches: what the loop is told, and whether learning runs happen. */
function switches(variant: LearningVariant): {
  scope?: ContextScope;
  learningRuns: boolean;
  staticRouting: boolean;
} {
  switch (variant) {
    case 'no-memory':
      return { scope: 'persona-and-constraints', learningRuns: true, staticRouting: false };
    case 'load-everything':
      return { scope: 'everything', learningRuns: true, staticRouting: false };
    case 'no-learning-runs':
      return { learningRuns: false, staticRouting: false };
    case 'static-routing':
      return { learningRuns: true, staticRouting: true };
    case 'agentos':
      return { learningRuns: true, staticRouting: false };
  }
}

interface TaskFigures {
  success: boolean;
  costUsd: number;
  contextTokens: number;
  falseBelief: boolean;
  memoryItems: number;
  tier: Tier;
  /** The tier the task started on (the cascade may have moved up from it). */
  start: Tier;
}

export interface VariantResult {
  tasks: number;
  success_first: number;
  success_last: number;
  success_rate: number;
  cost_per_success: number | null;
  context_tokens_median: number;
  false_beliefs_in_context: number;
  /** Success rate in each tenth of the stream, for the chart. */
  success_series: number[];
  tiers: Record<Tier, number>;
  /** Tasks per tier they started on. */
  starts: Record<Tier, number>;
  /** Tasks whose context held any memory item (skills, beliefs, segments, rewards). */
  tasks_with_memory_in_context: number;
  learning_runs: number;
  /** Each metric over the last fifth of the stream (a window of tasks), with its status. */
  metrics: Record<string, { value: number | null; status: string }>;
  /** Beliefs in world/ at the end that state a false value: still live, or settled (refuted…). */
  false_beliefs_at_end: { live: number; settled: number };
  seconds: number;
}

const START = Date.parse('2026-01-05T08:00:00Z');

/** A scratch folder in memory when the machine has one: git's many small writes stay off disk. */
function scratchDir(): string {
  return benchScratchDir('learning', existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
}

const share = (part: number, whole: number): number => (whole === 0 ? 0 : round(part / whole));
const round = (value: number): number => Math.round(value * 10_000) / 10_000;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** One variant on its own fresh repository (exported for variant-process.ts). */
export async function runVariant(
  variant: LearningVariant,
  config: LearningBenchConfig,
): Promise<VariantResult> {
  const began = performance.now();
  const world = generateWorld(config.world, config.seed);
  const stream = generateStream(world, config.world, config.tasks, config.seed);
  const dir = scratchDir();
  try {
    const git = Git.create(dir);
    await initRepository(dir, { git });
    const registry = loadRegistry(dir);
    const agent = registry.agents[0]?.name ?? '';
    const model = new SimulatedModel(
      world,
      stream,
      config.model,
      config.seed,
      registry.models,
      priceTable(registry.prices),
    );
    const { scope, learningRuns, staticRouting } = switches(variant);
    let clock = START;
    const now = () => new Date(clock);
    const deps: IterationDeps = {
      repoRoot: dir,
      git,
      model,
      now,
      ...(scope ? { contextScope: scope } : {}),
      ...(staticRouting ? { routing: staticRoutingPolicy } : {}),
    };
    const figures: TaskFigures[] = [];
    let runs = 0;
    for (const [i, task] of stream.entries()) {
      clock = START + i * config.minutes_per_task * 60_000;
      const result = await runIteration(deps, {
        id: task.id,
        text: task.text,
        agent,
        source: 'cli',
      });
      const reading: ContextReading | undefined = model.readings.get(task.id);
      const record = result.record;
      figures.push({
        success: result.status === 'done' && record?.outcome === 'success',
        costUsd: record?.cost_usd ?? 0,
        contextTokens: record?.context.tokens ?? 0,
        falseBelief: (reading?.falseItems.length ?? 0) > 0,
        memoryItems: reading?.memoryItems ?? 0,
        tier: record?.model_used ?? 'cheap-fast',
        start: record?.tiers_tried?.[0] ?? record?.model_used ?? 'cheap-fast',
      });
      if (learningRuns && (i + 1) % config.learn_every === 0 && i + 1 < stream.length) {
        await runLearning({ repoRoot: dir, git, agent, now, consensus: false });
        runs++;
      }
    }
    const sources = await readMetricsSources({ repoRoot: dir, git, agent });
    const metrics = computeAgentMetrics(sources, {
      kind: 'tasks',
      size: Math.max(1, Math.floor(config.tasks / 5)),
    });
    const falseBeliefs = { live: 0, settled: 0 };
    for (const belief of loadWorld(dir, agent)) {
      const text = `${belief.data.name}\n${belief.data.kind === 'hypothesis' ? belief.data.claim : ''}\n${belief.body}`;
      if (!model.statesFalsehood(text)) continue;
      if (isLive(belief)) falseBeliefs.live++;
      else falseBeliefs.settled++;
    }
    return summarize(figures, runs, metrics.metrics, falseBeliefs, performance.now() - began);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function summarize(
  figures: readonly TaskFigures[],
  learningRuns: number,
  metrics: readonly MetricReport[],
  falseBeliefs: VariantResult['false_beliefs_at_end'],
  ms: number,
): VariantResult {
  const fifth = Math.max(1, Math.floor(figures.length / 5));
  const rate = (part: readonly TaskFigures[]) =>
    share(part.filter((f) => f.success).length, part.length);
  const successes = figures.filter((f) => f.success).length;
  const cost = figures.reduce((sum, f) => sum + f.costUsd, 0);
  const tenth = figures.length / 10;
  const perTier = (of: (f: TaskFigures) => Tier) =>
    Object.fromEntries(
      TIERS.map((tier) => [tier, figures.filter((f) => of(f) === tier).length]),
    ) as Record<Tier, number>;
  return {
    tasks: figures.length,
    success_first: rate(figures.slice(0, fifth)),
    success_last: rate(figures.slice(-fifth)),
    success_rate: rate(figures),
    cost_per_success: successes === 0 ? null : Math.round((cost / successes) * 1e8) / 1e8,
    context_tokens_median: median(figures.map((f) => f.contextTokens)),
    false_beliefs_in_context: share(figures.filter((f) => f.falseBelief).length, figures.length),
    success_series: Array.from({ length: 10 }, (_, k) =>
      rate(figures.slice(Math.round(k * tenth), Math.round((k + 1) * tenth))),
    ),
    tiers: perTier((f) => f.tier),
    starts: perTier((f) => f.start),
    tasks_with_memory_in_context: figures.filter((f) => f.memoryItems > 0).length,
    learning_runs: learningRuns,
    metrics: Object.fromEntries(
      metrics.map((m) => [
        m.id,
        {
          value: m.current.value === null ? null : round(m.current.value),
          status: m.current.status,
        },
      ]),
    ),
    false_beliefs_at_end: falseBeliefs,
    seconds: Math.round(ms / 100) / 10,
  };
}

export async function runLearningBench(config: LearningBenchConfig) {
  const began = performance.now();
  // The variants run side by side, each on its own repository and, compiled, in its own process:
  // their git processes and their own work use every core.
  const run = variantsRunInChildProcesses() ? runVariantInChild : runVariant;
  const results = await Promise.all(config.variants.map((variant) => run(variant, config)));
  const variants = Object.fromEntries(config.variants.map((v, i) => [v, results[i]])) as Partial<
    Record<LearningVariant, VariantResult>
  >;
  const seconds = Math.round((performance.now() - began) / 100) / 10;
  const world = generateWorld(config.world, config.seed);
  const stream = generateStream(world, config.world, config.tasks, config.seed);
  return {
    variants,
    stream: {
      tasks: stream.length,
      families: world.families.length,
      skills: world.skills.length,
      facts: world.facts.length,
      things_with_two_names: world.things.filter((t) => t.codename !== undefined).length,
      false_claims: stream.filter((t) => t.falseClaim !== undefined).length,
      contradictions: stream.filter((t) => t.statedTruth !== undefined).length,
      hardness: Object.fromEntries(
        HARDNESS.map((h) => [h, stream.filter((t) => t.hardness === h).length]),
      ),
    },
    seconds,
    iterations_per_second:
      Math.round(((config.tasks * config.variants.length) / Math.max(0.001, seconds)) * 10) / 10,
    targets: LEARNING_TARGETS,
    targets_met: targetsMet(variants, seconds),
  };
}

function targetsMet(
  variants: Partial<Record<LearningVariant, VariantResult>>,
  seconds: number,
): Record<string, boolean> {
  const a = variants.agentos;
  const met: Record<string, boolean> = { seconds: seconds <= LEARNING_TARGETS.seconds };
  if (!a) return met;
  const t = LEARNING_TARGETS;
  const none = variants['no-memory'];
  const all = variants['load-everything'];
  const frozen = variants['no-learning-runs'];
  const fixed = variants['static-routing'];
  const cheaper = (other: VariantResult, factor: number) =>
    a.cost_per_success !== null &&
    other.cost_per_success !== null &&
    a.cost_per_success <= factor * other.cost_per_success;
  met.success_last_over_own_first =
    a.success_last >= a.success_first + t.success_last_over_own_first;
  if (none) {
    met.success_last_over_no_memory =
      a.success_last >= none.success_last + t.success_last_over_no_memory;
    met.cost_per_success_vs_no_memory = cheaper(none, t.cost_per_success_vs_no_memory);
  }
  if (fixed)
    met.cost_per_success_vs_static_routing = cheaper(fixed, t.cost_per_success_vs_static_routing);
  if (all)
    met.context_tokens_vs_load_everything =
      a.context_tokens_median <= t.context_tokens_vs_load_everything * all.context_tokens_median &&
      a.success_last >= all.success_last;
  if (frozen)
    met.false_beliefs_vs_no_learning_runs =
      a.false_beliefs_in_context <=
      t.false_beliefs_vs_no_learning_runs * frozen.false_beliefs_in_context;
  return met;
}
