// The routing decision of one iteration: the learned policy read from routing.md (or the static
// table when the file is missing or broken), the agent's budget and the run's cost budget, and
// the record of the decision that goes into the task's reward record (`route`). Pure: the caller
// reads the file and the prices.
import { createHash } from 'node:crypto';
import type { Registry, Tier } from '../memory/registry.js';
import { TIERS } from '../memory/registry.js';
import type { RouteRecord } from '../memory/route-record.js';
import { callCost, priceTable } from '../llm/prices.js';
import type { DemandEstimate } from './demand.js';
import {
  chooseRoute,
  clusterKey,
  emptyEvidence,
  type BudgetPreference,
  type TierCost,
} from './learned-policy.js';
import { DEFAULT_ROUTES } from './policy.js';
import type { RoutingFileRead } from './routing-file.js';

/** Completion tokens a call is assumed to take when a tier's cost is estimated from its price. */
const ASSUMED_COMPLETION_TOKENS = 1000;
/**
 * Cost per call (USD) of a tier whose model has no known price (the offline model, or a model
 * missing from the price table): nominal, in the ratio of the bench's default tiers (1 : 8 : 40).
 */
export const NOMINAL_TIER_COST: Readonly<Record<Tier, number>> = {
  'cheap-fast': 0.0002,
  balanced: 0.0016,
  strongest: 0.008,
};
/** Escalations after a failed first answer when agents.yaml sets no llm.max_escalations. */
export const DEFAULT_MAX_ESCALATIONS = TIERS.length - 1;

/** Each tier's configured cost per call, from agents.yaml's models and the price table. */
export function configuredTierCosts(registry: Registry, promptTokens: number): TierCost[] {
  const table = priceTable(registry.prices);
  return TIERS.map((tier) => ({
    tier,
    cost:
      callCost(table, [registry.models[tier]], {
        prompt: promptTokens,
        completion: ASSUMED_COMPLETION_TOKENS,
      }) ?? NOMINAL_TIER_COST[tier],
  }));
}

export interface RouteInput {
  taskId: string;
  estimate: DemandEstimate;
  tags: readonly string[];
  routing: RoutingFileRead;
  tiers: readonly TierCost[];
  budget: BudgetPreference;
  maxEscalations: number;
  /** The run's cost budget (USD), when one is set. */
  run?: { spent: number; limit: number };
}

export interface RouteResult {
  tier: Tier;
  /** The tiers a failed answer escalates to, in order (the learned route); absent: one tier up. */
  escalation?: Tier[];
  route: RouteRecord;
  /** For the log: why routing.md was not used, naming the file. */
  warning?: string;
}

/** A uniform source seeded by the task id: a task's routing decision is reproducible. */
function seededRandom(seed: string): () => number {
  let state = createHash('sha256').update(seed).digest().readUInt32LE(0) || 1;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function isTier(name: string): name is Tier {
  return (TIERS as readonly string[]).includes(name);
}

export function routeTask(input: RouteInput): RouteResult {
  const { estimate } = input;
  const defaultTier = DEFAULT_ROUTES[estimate.demand];
  const shared = {
    default_tier: defaultTier,
    demand_reason: estimate.reason,
    cluster: clusterKey(estimate.demand, input.tags),
    tags: [...input.tags],
  };
  if (input.routing.status !== 'ok') {
    const warning =
      input.routing.status === 'missing'
        ? undefined
        : `${input.routing.path} is invalid (${input.routing.problem}); routing falls back to the static table until a learning run rewrites it`;
    return {
      tier: defaultTier,
      route: {
        tier: defaultTier,
        ...shared,
        reason: `static route for ${estimate.demand} work (no ${input.routing.status === 'missing' ? 'routing.md yet' : 'valid routing.md'})`,
        explored: false,
        source: 'static',
      },
      ...(warning ? { warning } : {}),
    };
  }
  const decision = chooseRoute(input.routing.evidence ?? emptyEvidence(), {
    demand: estimate.demand,
    tags: input.tags,
    tiers: input.tiers,
    budget: input.budget,
    maxEscalations: input.maxEscalations,
    ...(input.run ? { run: input.run } : {}),
    random: seededRandom(input.taskId),
  });
  const tier = isTier(decision.tier) ? decision.tier : defaultTier;
  const escalation = decision.escalation.filter(isTier);
  const chosen = decision.estimates.find((e) => e.tier === tier);
  return {
    tier,
    escalation,
    route: {
      tier,
      escalation,
      ...shared,
      reason: decision.reason,
      explored: decision.explored,
      exploration_rate: round(decision.explorationRate),
      tolerance: round(decision.tolerance),
      source: 'routing.md',
      estimates: Object.fromEntries(
        decision.estimates.map((e) => [
          e.tier,
          {
            success: round(e.success),
            cost: round(e.cost, 1e8),
            start_success: round(e.start.success),
            start_cost: round(e.start.cost, 1e8),
          },
        ]),
      ),
      ...(chosen
        ? {
            expected: {
              success: round(chosen.start.success),
              cost: round(chosen.start.cost, 1e8),
            },
          }
        : {}),
    },
  };
}

function round(value: number, scale = 1e4): number {
  return Math.round(value * scale) / scale;
}
