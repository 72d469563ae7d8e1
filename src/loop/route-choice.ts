// The iteration's routing step: the learned policy from routing.md (through the memory index),
// the agent's budget, the run's cost budget and llm.max_escalations; or a policy the caller
// passes in. Logs the decision and, when routing.md is broken, a warning naming the file.
import type { AssembledContext } from '../context/assemble.js';
import type { Logger } from '../log.js';
import type { RouteRecord } from '../memory/route-record.js';
import type { DemandEstimate } from '../routing/demand.js';
import type { TierChoice } from '../routing/policy.js';
import { configuredTierCosts, routeTask } from '../routing/runtime-policy.js';
import type { AgentMemory } from './agent-memory.js';
import type { IterationDeps } from './iteration.js';

export function chooseTier(
  deps: Pick<IterationDeps, 'routing' | 'budget'>,
  memory: AgentMemory,
  estimate: DemandEstimate,
  context: AssembledContext,
  taskId: string,
  logger: Logger,
): { choice: TierChoice; route: RouteRecord | undefined } {
  if (deps.routing) {
    const choice = deps.routing.choose({ demand: estimate.demand, tags: context.learnedTags });
    logger.debug(
      `${taskId}: ${estimate.demand} demand (${estimate.reason}) → ${choice.tier} (${choice.reason})`,
    );
    return { choice, route: undefined };
  }
  const limit = deps.budget?.limits.maxCostUsd;
  const routed = routeTask({
    taskId,
    estimate,
    tags: context.learnedTags,
    routing: memory.routing,
    tiers: configuredTierCosts(memory.registry, context.tokens),
    budget: memory.agent.budget,
    maxEscalations: memory.registry.llm.max_escalations,
    ...(limit !== undefined && deps.budget ? { run: { spent: deps.budget.costUsd, limit } } : {}),
  });
  if (routed.warning) logger.warn(routed.warning);
  logger.debug(
    `${taskId}: ${estimate.demand} demand (${estimate.reason}) → ${routed.tier} (${routed.route.reason})`,
  );
  return {
    choice: {
      tier: routed.tier,
      reason: routed.route.reason,
      ...(routed.escalation ? { escalation: routed.escalation } : {}),
    },
    route: routed.route,
  };
}
