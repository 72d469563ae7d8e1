// The `route` field of a reward record: how the task's tier was chosen (SPEC §5, §6), so a person
// can audit every routing decision and metrics can compare the chosen tier with the others. A loose
// object: fields may be added; records written before it existed have none.
import { z } from 'zod';
import { TIERS } from './registry.js';

const probability = z.number().min(0).max(1);

export const TierRouteEstimateSchema = z.looseObject({
  /** Estimated probability that one call on this tier succeeds on the task's cluster. */
  success: probability,
  /** Estimated cost of one call (USD). */
  cost: z.number().min(0),
  /** Estimated success and cost (USD) of starting the task on this tier and escalating on failure. */
  start_success: probability,
  start_cost: z.number().min(0),
});

export const RouteRecordSchema = z.looseObject({
  /** The tier the policy started the task on. */
  tier: z.enum(TIERS),
  /** The tiers a failed answer escalates to, in order; absent: one tier up at a time. */
  escalation: z.array(z.enum(TIERS)).optional(),
  /** The static table's tier for the estimated demand. */
  default_tier: z.enum(TIERS),
  reason: z.string(),
  /** True when an exploration draw picked a tier other than the greedy choice. */
  explored: z.boolean(),
  /** "routing.md" (the learned policy) or "static" (the file was missing or invalid). */
  source: z.enum(['routing.md', 'static']),
  /** The demand estimate's evidence (why the demand is what it is). */
  demand_reason: z.string(),
  /** The demand and tag cluster the decision used, and the tags it saw. */
  cluster: z.string(),
  tags: z.array(z.string()),
  exploration_rate: probability.optional(),
  tolerance: z.number().min(0).optional(),
  /** Per tier, the policy's estimates at decision time. */
  estimates: z.record(z.string(), TierRouteEstimateSchema).optional(),
  /** The chosen start's expected success and cost (USD). */
  expected: z.looseObject({ success: probability, cost: z.number().min(0) }).optional(),
});
export type RouteRecord = z.infer<typeof RouteRecordSchema>;
