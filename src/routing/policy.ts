// Choosing a model tier for a demand (SPEC §5). The static table is the default; the learned policy
// (routing.md) implements the same interface.
import type { ReasoningDemand } from '../memory/rewards.js';
import { TIERS, type Tier } from '../memory/registry.js';

export const DEFAULT_ROUTES: Readonly<Record<ReasoningDemand, Tier>> = {
  routine: 'cheap-fast',
  moderate: 'balanced',
  novel: 'strongest',
  consensus: 'strongest',
};

export interface TierChoice {
  tier: Tier;
  reason: string;
  /** The tiers a failed answer escalates to, in order; absent: one tier up at a time. */
  escalation?: readonly Tier[];
}

export interface RoutingPolicy {
  choose(input: { demand: ReasoningDemand; tags: readonly string[] }): TierChoice;
}

export const staticRoutingPolicy: RoutingPolicy = {
  choose: ({ demand }) => ({
    tier: DEFAULT_ROUTES[demand],
    reason: `default route for ${demand} work`,
  }),
};

/** The next stronger tier, for a cascade; undefined at the top. */
export function nextTier(tier: Tier): Tier | undefined {
  return TIERS[TIERS.indexOf(tier) + 1];
}

export function tierRank(tier: Tier): number {
  return TIERS.indexOf(tier);
}
