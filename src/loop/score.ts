// Scoring a task (SPEC §6): verification first (schema, constraints), then the reward record from
// the verified outcome, the model's self-assessment and what the runtime measured.
import { SEGMENTS_DIR } from '../memory/layout.js';
import { contextItems, type AssembledContext } from '../context/assemble.js';
import { exclusionsOf } from '../context/exclusions.js';
import type { ModelFailure, SolveResult } from '../llm/model.js';
import type { Constraints } from '../memory/human.js';
import { mentions, ruleTerms } from '../policy/rule-terms.js';
import {
  rewardTaskTitle,
  type Outcome,
  type ReasoningDemand,
  type RewardRecord,
} from '../memory/rewards.js';
import type { RouteRecord } from '../memory/route-record.js';
import { modelAppropriateAfterTheFact } from '../routing/appropriate.js';
import { taskProvenance, type Task } from './task.js';

const OUTCOME_REWARD = { success: 1, partial: 0, failure: -1 } as const;

/** Constraint checks on the answer: each forbidden tool it mentions is a violation. */
export function checkConstraints(answer: string, constraints: Constraints): string[] {
  // The same terms a task is checked against before the model (src/policy/rule-terms.ts).
  return constraints.toolsForbidden
    .flatMap((rule) => ruleTerms(rule))
    .filter((tool) => mentions(answer, tool))
    .map((tool) => `the answer uses forbidden tool "${tool}"`);
}

export function scoreTask(input: {
  task: Task;
  at: string;
  result: SolveResult;
  demand: ReasoningDemand;
  context: AssembledContext;
  violations: string[];
  worldUpdates: string[];
  skillsUsed: string[];
  route?: RouteRecord;
}): RewardRecord {
  const { output } = input.result;
  const outcome: Outcome = input.violations.length > 0 ? 'failure' : output.outcome;
  const items = contextItems(input.context);
  const shown = new Set(items.map((item) => item.id));
  const usedIds = [...new Set(output.used_context.filter((id) => shown.has(id)))];
  const used = new Set(usedIds);
  return {
    task: rewardTaskTitle(input.task.text),
    task_id: input.task.id,
    agent: input.task.agent,
    source: taskProvenance(input.task),
    at: input.at,
    outcome,
    reward: OUTCOME_REWARD[outcome],
    reward_decomposition: {
      ...output.reward_decomposition,
      correctness: input.violations.length > 0 ? -1 : output.reward_decomposition.correctness,
    },
    context_tags: output.context_tags,
    reasoning_demand: input.demand,
    assessed_demand: output.reasoning_demand,
    model_used: input.result.tier,
    model_name: input.result.modelName,
    model_appropriate: modelAppropriateAfterTheFact({
      success: outcome === 'success',
      tier: input.result.tier,
      route: input.route,
    }),
    tiers_tried: input.result.tiersTried,
    tokens: input.result.usage,
    cost_usd: input.result.costUsd,
    context: {
      included: shown.size,
      used: output.used_context.filter((id) => shown.has(id)).length,
      tokens: input.context.tokens,
      available: availableItems(input.context),
      used_ids: usedIds,
      used_tokens: items
        .filter((item) => used.has(item.id))
        .reduce((sum, item) => sum + item.tokens, 0),
    },
    world_model_update: input.worldUpdates,
    skills_used: input.skillsUsed,
    ...segmentsUsed(output.used_context, shown),
    ...(input.violations.length > 0 ? { violations: input.violations } : {}),
    feedback: null,
    ...(input.route ? { route: input.route } : {}),
  };
}

/**
 * The record of a task whose model calls finally failed: what was tried and spent, and why. No
 * answer, so nothing was learned; the `error` keeps the task retryable.
 */
export function failureRecord(input: {
  task: Task;
  at: string;
  failure: ModelFailure;
  demand: ReasoningDemand;
  context: AssembledContext;
  route?: RouteRecord;
}): RewardRecord {
  const { spent } = input.failure;
  return {
    task: rewardTaskTitle(input.task.text),
    task_id: input.task.id,
    agent: input.task.agent,
    source: taskProvenance(input.task),
    at: input.at,
    outcome: 'failure',
    reward: OUTCOME_REWARD.failure,
    reward_decomposition: { correctness: -1, efficiency: 0, novelty: 0, generality: 0 },
    context_tags: [],
    reasoning_demand: input.demand,
    model_used: spent.tier,
    model_name: spent.modelName,
    model_appropriate: modelAppropriateAfterTheFact({
      success: false,
      tier: spent.tier,
      route: input.route,
    }),
    tiers_tried: spent.tiersTried,
    tokens: spent.usage,
    cost_usd: spent.costUsd,
    context: {
      included: contextItems(input.context).length,
      used: 0,
      tokens: input.context.tokens,
      available: availableItems(input.context),
      used_ids: [],
      used_tokens: 0,
    },
    world_model_update: [],
    skills_used: [],
    feedback: null,
    error: `${input.failure.kind}: ${oneLine(input.failure.message)}`,
    ...(input.route ? { route: input.route } : {}),
  };
}

/** Every item the context could have drawn on: those always in, those included, those left out. */
function availableItems(context: AssembledContext): number {
  return context.always.length + context.included.length + exclusionsOf(context).count;
}

/** Text on one line, for YAML fields and queue.md. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The shared segments among the context items the model used: which shared truths served. */
function segmentsUsed(
  used: readonly string[],
  shown: ReadonlySet<string>,
): { segments_used?: string[] } {
  const segments = used.filter((id) => shown.has(id) && id.startsWith(`${SEGMENTS_DIR}/`));
  return segments.length > 0 ? { segments_used: [...new Set(segments)] } : {};
}
