// What the reward log says about routing: each record as a routing observation (the tiers its
// cascade tried, in order, and which succeeded), with a person's feedback winning over the
// runtime's own verdict, folded into the learned policy's evidence. Pure.
import type { RewardRecord } from '../memory/rewards.js';
import {
  addObservation,
  emptyEvidence,
  type RouteObservation,
  type RoutingEvidence,
} from './learned-policy.js';

/**
 * Model failures that say nothing about a tier's ability (the endpoint, not the answer, failed):
 * such records are left out of the evidence.
 */
const NOT_ABOUT_THE_TIER = /^(timeout|rate-limited|server-error|connection|rejected|budget):/;

/** Whether the task finally succeeded: a person's correctness score wins over the record's outcome. */
export function judgedSuccess(record: RewardRecord): boolean {
  const correctness = record.feedback?.scores.correctness;
  if (correctness === -1) return false;
  if (correctness === 1) return true;
  return record.outcome === 'success';
}

/** The record as evidence, or undefined when it says nothing about the tiers. */
export function observationOf(record: RewardRecord): RouteObservation | undefined {
  if (record.error !== undefined && NOT_ABOUT_THE_TIER.test(record.error)) return undefined;
  const tried = record.tiers_tried?.length ? record.tiers_tried : [record.model_used];
  const success = judgedSuccess(record);
  const route = routeOf(record);
  return {
    demand: record.reasoning_demand,
    tags: route?.tags ?? record.context_tags,
    attempts: tried.map((tier, index) => ({
      tier,
      success: index === tried.length - 1 ? success : false,
    })),
    cost: record.cost_usd,
  };
}

/** The tags the routing decision saw, when the record kept them. */
function routeOf(record: RewardRecord): { tags: string[] } | undefined {
  const route = (record as { route?: unknown }).route;
  if (typeof route !== 'object' || route === null) return undefined;
  const tags = (route as { tags?: unknown }).tags;
  return Array.isArray(tags) && tags.every((t) => typeof t === 'string') ? { tags } : undefined;
}

/** The evidence of a whole log (one record per task). */
export function evidenceFromLog(
  records: Iterable<RewardRecord>,
  /** The configured tiers in escalation order. */
  tiers: readonly string[],
): RoutingEvidence {
  const evidence = emptyEvidence();
  for (const record of records) {
    const observation = observationOf(record);
    if (observation) addObservation(evidence, observation, tiers);
  }
  return evidence;
}
