// Whether a task's tier fitted it (`model_appropriate`, SPEC §6), decided after the fact from the
// outcome (a person's feedback winning) and the policy's estimates recorded at decision time:
//  - a success is `no` when a cheaper tier was estimated to succeed with probability at least
//    LIKELY_SUCCESS (the task very likely did not need the tier that answered), else `yes`;
//  - a failure is `no` (underpowered) when a stronger tier was estimated to succeed at least
//    UNDERPOWERED_MARGIN more often than the tier that answered, else `yes` (no tier fitted better).
// Without recorded estimates (the static table routed the task) a success is `no` above the
// static route, and a failure is `no` below the strongest tier.
import { TIERS, type Tier } from '../memory/registry.js';
import type { RouteRecord } from '../memory/route-record.js';
import type { RewardRecord } from '../memory/rewards.js';
import { judgedSuccess } from './log-evidence.js';
import { tierRank } from './policy.js';

export const LIKELY_SUCCESS = 0.9;
export const UNDERPOWERED_MARGIN = 0.2;

export function modelAppropriateAfterTheFact(input: {
  success: boolean;
  /** The tier whose answer was kept. */
  tier: Tier;
  route: RouteRecord | undefined;
}): 'yes' | 'no' {
  const { success, tier, route } = input;
  const estimates = route?.estimates;
  const own = estimates?.[tier];
  if (!estimates || !own) {
    if (success) return route && tierRank(tier) > tierRank(route.default_tier) ? 'no' : 'yes';
    return tier === TIERS[TIERS.length - 1] ? 'yes' : 'no';
  }
  const others = Object.entries(estimates);
  if (success)
    return others.some(([, e]) => e.cost < own.cost && e.success >= LIKELY_SUCCESS) ? 'no' : 'yes';
  return others.some(
    ([name, e]) =>
      tierRank(name as Tier) > tierRank(tier) && e.success >= own.success + UNDERPOWERED_MARGIN,
  )
    ? 'no'
    : 'yes';
}

/** The record's `model_appropriate` under the rule, with feedback applied (what feedback refreshes). */
export function refreshedAppropriate(record: RewardRecord): 'yes' | 'no' {
  const route = (record as { route?: RouteRecord }).route;
  return modelAppropriateAfterTheFact({
    success: judgedSuccess(record),
    tier: record.model_used,
    route,
  });
}
