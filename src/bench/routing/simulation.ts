// The routing benchmark's world: its configuration and a stream of tasks with hidden classes,
// hidden hardness and the observables a router sees (a noisy demand estimate and tags), and what
// each tier would do on each task.
import { z } from 'zod';
import { Random } from '../random.js';

const share = z.number().min(0).max(1);

const TierSchema = z.strictObject({
  name: z.string().min(1),
  /** Cost of one call. */
  cost: z.number().min(0),
  /** Success probability per class name, on an ordinary (not inverted) task. */
  success: z.record(z.string(), share),
});

const DEFAULT_TIERS = [
  {
    name: 'cheap-fast',
    cost: 1,
    success: { routine: 0.92, moderate: 0.6, novel: 0.2, consensus: 0.05 },
  },
  {
    name: 'balanced',
    cost: 8,
    success: { routine: 0.97, moderate: 0.85, novel: 0.5, consensus: 0.2 },
  },
  {
    name: 'strongest',
    cost: 40,
    success: { routine: 0.99, moderate: 0.93, novel: 0.75, consensus: 0.45 },
  },
  {
    name: 'strongest-with-review',
    cost: 150,
    success: { routine: 0.99, moderate: 0.95, novel: 0.85, consensus: 0.65 },
  },
];

export const RoutingBenchConfigSchema = z
  .strictObject({
    seed: z.number().int().default(1),
    tasks: z.number().int().min(100).max(200000).default(20000),
    /** Hidden classes, weakest first, with their share of the stream; their names are the demands the router may estimate. */
    classes: z
      .array(z.strictObject({ name: z.string().min(1), share }))
      .min(2)
      .max(6)
      .default([
        { name: 'routine', share: 0.5 },
        { name: 'moderate', share: 0.3 },
        { name: 'novel', share: 0.15 },
        { name: 'consensus', share: 0.05 },
      ]),
    /** Tiers in escalation order (weakest first), 2 to 5. */
    tiers: z.array(TierSchema).min(2).max(5).default(DEFAULT_TIERS),
    /** Chance that the demand estimate names the true class; otherwise an adjacent one. */
    demand_accuracy: share.default(0.75),
    /** Distinct tags; each class favours its own slice of them. */
    tags: z.number().int().min(1).max(200).default(12),
    tags_per_task: z.number().int().min(1).max(5).default(2),
    /** Chance that a tag comes from the task's class's slice rather than from all tags. */
    tag_signal: share.default(0.6),
    /** Chance that a tier's outcome follows the task's hidden hardness rather than an independent draw. */
    hardness_correlation: share.default(0.8),
    /** Share of tasks where a cheaper tier succeeds and every stronger one fails. */
    inversion_rate: share.default(0.05),
    /** Escalations the runtime's cascade may make after a failed first call (null: up to the strongest). */
    max_escalations: z.number().int().min(0).nullable().default(null),
    budget: z.enum(['cheap', 'balanced', 'premium']).default('balanced'),
    /** Task counts at which the learned policy's learning curve is read. */
    checkpoints: z.array(z.number().int().min(1)).default([1000, 2000, 5000, 10000, 20000]),
  })
  .superRefine((config, ctx) => {
    config.tiers.forEach((tier, index) => {
      for (const { name } of config.classes) {
        if (tier.success[name] === undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['tiers', index, 'success', name],
            message: `tier "${tier.name}" needs a success probability for class "${name}"`,
          });
      }
    });
    const total = config.classes.reduce((sum, c) => sum + c.share, 0);
    if (Math.abs(total - 1) > 1e-6)
      ctx.addIssue({
        code: 'custom',
        path: ['classes'],
        message: `shares must add up to 1, got ${total}`,
      });
  });
export type RoutingBenchConfig = z.infer<typeof RoutingBenchConfigSchema>;

export interface SimTask {
  classIndex: number;
  /** What the router sees. */
  demand: string;
  tags: string[];
  /** What each tier would do on this task (escalation order). */
  succeeds: boolean[];
}

/** The per-tier success probabilities, [tier][class]. */
export function successTable(config: RoutingBenchConfig): number[][] {
  return config.tiers.map((tier) => config.classes.map((c) => tier.success[c.name] ?? 0));
}

/** The tags a class favours: a contiguous slice of the tag list. */
export function classTags(config: RoutingBenchConfig, classIndex: number): string[] {
  const per = Math.max(1, Math.floor(config.tags / config.classes.length));
  const from = (classIndex * per) % config.tags;
  return Array.from({ length: per }, (_, i) => `tag-${((from + i) % config.tags) + 1}`);
}

/** The realised outcomes of one task of a class, on every tier. */
export function realiseOutcomes(
  config: RoutingBenchConfig,
  table: number[][],
  classIndex: number,
  random: Random,
): boolean[] {
  const hardness = random.next();
  const succeeds = table.map((row) => {
    const u = random.chance(config.hardness_correlation) ? hardness : random.next();
    return u < (row[classIndex] ?? 0);
  });
  if (succeeds.length > 1 && random.chance(config.inversion_rate)) {
    const from = random.int(1, succeeds.length - 1);
    for (let k = from; k < succeeds.length; k++) succeeds[k] = false;
    succeeds[from - 1] = true;
  }
  return succeeds;
}

export function generateTasks(config: RoutingBenchConfig): SimTask[] {
  const random = new Random(config.seed);
  const table = successTable(config);
  const shares = config.classes.map((c) => c.share);
  const names = config.classes.map((c) => c.name);
  const allTags = Array.from({ length: config.tags }, (_, i) => `tag-${i + 1}`);
  const slices = names.map((_, i) => classTags(config, i));
  const tasks: SimTask[] = [];
  for (let n = 0; n < config.tasks; n++) {
    const classIndex = random.weighted(shares);
    let seen = classIndex;
    if (!random.chance(config.demand_accuracy)) {
      const adjacent = [classIndex - 1, classIndex + 1].filter((i) => i >= 0 && i < names.length);
      seen = random.pick(adjacent);
    }
    const tags = new Set<string>();
    for (let t = 0; t < config.tags_per_task; t++)
      tags.add(
        random.chance(config.tag_signal)
          ? random.pick(slices[classIndex] ?? allTags)
          : random.pick(allTags),
      );
    tasks.push({
      classIndex,
      demand: names[seen] ?? 'novel',
      tags: [...tags],
      succeeds: realiseOutcomes(config, table, classIndex, random),
    });
  }
  return tasks;
}
