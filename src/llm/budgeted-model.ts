// The run's budget (SPEC §10: max tokens / cost per run): a model that stops starting calls once
// the run has spent its budget, and says how much was spent and on what.
import { AgentOSError } from '../errors.js';
import type { Model, SolveRequest, SolveResult } from './model.js';

export interface RunBudget {
  /** Prompt plus completion tokens for the whole run; null: no limit. */
  maxTokens: number | null;
  /** US dollars for the whole run; null: no limit. Calls with an unknown price count as 0. */
  maxCostUsd: number | null;
}

export interface Spent {
  tokens: number;
  costUsd: number;
  calls: number;
}

export class BudgetExceededError extends AgentOSError {
  override name = 'BudgetExceededError';
}

export interface BudgetedModel extends Model {
  readonly spent: Readonly<Spent>;
  /** One line per limit the run went over (a single call can overshoot: its size is known only after). */
  overruns(): string[];
}

export function budgetedModel(model: Model, budget: RunBudget): BudgetedModel {
  const spent: Spent = { tokens: 0, costUsd: 0, calls: 0 };
  const overruns = (): string[] => [
    ...(budget.maxTokens !== null && spent.tokens > budget.maxTokens
      ? [`${spent.tokens} tokens used, over the max-tokens budget of ${budget.maxTokens}`]
      : []),
    ...(budget.maxCostUsd !== null && spent.costUsd > budget.maxCostUsd
      ? [
          `$${spent.costUsd.toFixed(4)} spent, over the max-cost-usd budget of $${budget.maxCostUsd}`,
        ]
      : []),
  ];
  return {
    kind: model.kind,
    spent,
    overruns,
    async solve(request: SolveRequest): Promise<SolveResult> {
      const tokensLeft = budget.maxTokens === null || spent.tokens < budget.maxTokens;
      const costLeft = budget.maxCostUsd === null || spent.costUsd < budget.maxCostUsd;
      if (!tokensLeft || !costLeft) {
        throw new BudgetExceededError(
          `task ${request.taskId} not started: this run's budget is spent (${overruns().join('; ') || `${spent.tokens} tokens, $${spent.costUsd.toFixed(4)}`}); raise max-tokens / max-cost-usd or let the next run take it`,
        );
      }
      const result = await model.solve(request);
      spent.calls += 1;
      spent.tokens += result.usage.prompt + result.usage.completion;
      spent.costUsd += result.costUsd ?? 0;
      return result;
    },
  };
}
