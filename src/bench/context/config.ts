// The context benchmark's configuration: defaults, validated keys, nothing else.
import { z } from 'zod';

const share = z.number().min(0).max(1);

export const ContextBenchConfigSchema = z.strictObject({
  seed: z.number().int().default(1),
  /** Memory items: skills, entities, relations, hypotheses and shared segments. */
  files: z.number().int().min(50).max(50000).default(2000),
  /** Tasks whose context is assembled and scored. */
  tasks: z.number().int().min(1).max(5000).default(100),
  /** Past tasks in the reward log (what tag learning and skill experience learn from). */
  history: z.number().int().min(0).max(20000).default(400),
  /** Share of the items of each kind (relations take what is left). */
  shares: z
    .strictObject({
      skill: share.default(0.15),
      entity: share.default(0.25),
      hypothesis: share.default(0.15),
      segment: share.default(0.1),
    })
    .default({ skill: 0.15, entity: 0.25, hypothesis: 0.15, segment: 0.1 }),
  /** Share of variant skills that are archived. */
  archived_rate: share.default(0.2),
  /** Share of beliefs that are retired, superseded or refuted (never needed, still in memory). */
  dead_rate: share.default(0.1),
  /** Chance that a task also names a thing its first thing links to. */
  second_thing_rate: share.default(0.3),
  /** Share of things that also have a codename ("Falcon 12"). */
  alias_rate: share.default(0.2),
  /** Chance that a task names a thing with a codename by its codename. */
  alias_mention_rate: share.default(0.5),
  /** Chance that a task names a three-word thing without its qualifier (ambiguous on purpose). */
  partial_name_rate: share.default(0.2),
  /** Share of task families with no past task in the reward log. */
  unseen_family_rate: share.default(0.2),
  /** Chance that a past task's record carries another family's topic tag. */
  tag_noise_rate: share.default(0.1),
  /** The context budget in the product's token estimate (agents.yaml context.token_budget). */
  token_budget: z.number().int().min(256).default(4000),
  /** The model whose tokenizer counts tokens (an OpenAI model: o200k_base or cl100k_base). */
  model: z.string().min(1).default('gpt-4o'),
});

export type ContextBenchConfig = z.infer<typeof ContextBenchConfigSchema>;
