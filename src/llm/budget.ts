// The run budget (SPEC §10: max tokens / cost per run): checked before every model call against an
// estimate of that call, so a run stops before it would go over — never after.
import { AgentOSError, InputError } from '../errors.js';
import type { TokenUsage } from './model.js';
import { roundUsd } from './prices.js';

export interface BudgetLimits {
  /** Prompt plus completion tokens over the whole run. */
  readonly maxTokens: number | undefined;
  readonly maxCostUsd: number | undefined;
}

/** The next call would go over a budget. Nothing of the call was sent. */
export class BudgetExhaustedError extends AgentOSError {
  override name = 'BudgetExhaustedError';
  constructor(
    readonly budget: 'tokens' | 'cost',
    message: string,
  ) {
    super(message);
  }
}

/** What the next call is expected to take. */
export interface CallEstimate {
  model: string;
  tokens: number;
  /** Null when the model's price is unknown. */
  costUsd: number | null;
}

export class RunBudget {
  private tokens = 0;
  private cost = 0;

  constructor(readonly limits: BudgetLimits) {}

  static unlimited(): RunBudget {
    return new RunBudget({ maxTokens: undefined, maxCostUsd: undefined });
  }

  get tokensUsed(): number {
    return this.tokens;
  }

  get costUsd(): number {
    return roundUsd(this.cost);
  }

  /** Throws BudgetExhaustedError when a call of this size would go over a limit. */
  check(estimate: CallEstimate): void {
    const { maxTokens, maxCostUsd } = this.limits;
    if (maxTokens !== undefined && this.tokens + estimate.tokens > maxTokens) {
      throw new BudgetExhaustedError(
        'tokens',
        `token budget exhausted: ${this.tokens} of ${maxTokens} tokens used, and the next call to ${estimate.model} needs about ${estimate.tokens}`,
      );
    }
    if (maxCostUsd === undefined) return;
    if (estimate.costUsd === null) {
      throw new InputError(
        `a cost budget of $${maxCostUsd} is set but the price of model "${estimate.model}" is unknown: add it under prices: in agents.yaml (input_per_mtok, output_per_mtok)`,
      );
    }
    if (this.cost + estimate.costUsd > maxCostUsd) {
      throw new BudgetExhaustedError(
        'cost',
        `cost budget exhausted: $${roundUsd(this.cost)} of $${maxCostUsd} spent, and the next call to ${estimate.model} costs about $${roundUsd(estimate.costUsd)}`,
      );
    }
  }

  /** Counts a call that was made (whatever its outcome: the provider bills it). */
  record(usage: TokenUsage, costUsd: number | null): void {
    this.tokens += usage.prompt + usage.completion;
    this.cost += costUsd ?? 0;
  }
}

function positive(raw: string, name: string, integer: boolean): number {
  const value = Number(raw);
  if (
    raw.trim() === '' ||
    !Number.isFinite(value) ||
    value <= 0 ||
    (integer && !Number.isInteger(value))
  ) {
    throw new InputError(
      `${name} must be ${integer ? 'a whole number' : 'a number'} above 0, got "${raw}"`,
    );
  }
  return value;
}

/**
 * The limits from command-line values, else the environment (AGENTOS_MAX_TOKENS,
 * AGENTOS_MAX_COST_USD); errors name the flag or variable that is wrong.
 */
export function budgetLimits(
  flags: { maxTokens?: string | undefined; maxCost?: string | undefined },
  env: NodeJS.ProcessEnv,
): BudgetLimits {
  const pick = (flag: string | undefined, flagName: string, envName: string) => {
    if (flag !== undefined) return { raw: flag, name: flagName };
    const value = env[envName]?.trim();
    return value ? { raw: value, name: envName } : undefined;
  };
  const tokens = pick(flags.maxTokens, '--max-tokens', 'AGENTOS_MAX_TOKENS');
  const cost = pick(flags.maxCost, '--max-cost', 'AGENTOS_MAX_COST_USD');
  return Object.freeze({
    maxTokens: tokens && positive(tokens.raw, tokens.name, true),
    maxCostUsd: cost && positive(cost.raw.replace(/^\$/, ''), cost.name, false),
  });
}
