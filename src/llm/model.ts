// The model interface the loop solves through: the offline model and OpenAI-compatible clients
// implement it.
import type { AssembledContext } from '../context/assemble.js';
import { AgentOSError } from '../errors.js';
import type { Constraints } from '../memory/human.js';
import type { AgentSpec, Tier } from '../memory/registry.js';
import type { ReasoningDemand } from '../memory/rewards.js';
import type { RunBudget } from './budget.js';
import type { SolveOutput } from '../memory/solve-output.js';

export interface SolveRequest {
  taskId: string;
  task: string;
  agent: AgentSpec;
  tier: Tier;
  demand: ReasoningDemand;
  context: AssembledContext;
  constraints: Constraints;
  /** The run's budget, checked before every call the model makes. */
  budget?: RunBudget;
  /** Tiers the cascade may climb after a failed answer (llm.max_escalations); all when absent. */
  maxEscalations?: number;
  /**
   * The tiers a failed answer escalates to, in order (the learned route, which may skip a tier);
   * one tier up at a time when absent. Still bounded by `maxEscalations`.
   */
  escalation?: readonly Tier[];
  /** Verification of a valid answer (e.g. constraint checks): problems found make the cascade escalate. */
  verify?: (output: SolveOutput) => string[];
}

export interface TokenUsage {
  prompt: number;
  completion: number;
}

export interface SolveResult {
  output: SolveOutput;
  /** The tier that produced the accepted answer (a cascade may move up). */
  tier: Tier;
  modelName: string;
  usage: TokenUsage;
  /** Null when the model's price is unknown: never a made-up number. */
  costUsd: number | null;
  tiersTried: Tier[];
}

export interface Model {
  /** "offline" for the rule-based stand-in; the provider otherwise. */
  readonly kind: string;
  solve(request: SolveRequest): Promise<SolveResult>;
}

/** Why a task's model calls finally failed; the kind opens the failure record's `error:`. */
export type ModelFailureKind =
  | 'timeout'
  | 'rate-limited'
  | 'server-error'
  | 'connection'
  | 'rejected'
  /** The response body was cut short (no finish_reason), or the answer hit the output limit. */
  | 'truncated'
  /** The endpoint's response (or one of its stream chunks) is not valid JSON. */
  | 'malformed-response'
  /** The response carried no choices. */
  | 'no-choices'
  /** The model declined to answer. */
  | 'refusal'
  /** The answer was empty or only whitespace. */
  | 'empty-answer'
  /** The answer is not JSON. */
  | 'invalid-json'
  /** The answer is JSON that does not match the schema. */
  | 'invalid-output'
  | 'budget';

/**
 * The model could not produce a valid answer for a task: retries ran out, the endpoint refused the
 * request, every tier's answer stayed invalid, or the budget ran out mid-cascade. The loop records
 * it (with what the calls cost) and keeps the task retryable; nothing of the answer is written.
 */
export class ModelFailure extends AgentOSError {
  override name = 'ModelFailure';
  constructor(
    readonly kind: ModelFailureKind,
    message: string,
    /** What was spent before the failure, for the reward record. */
    readonly spent: Omit<SolveResult, 'output'>,
  ) {
    super(message);
  }
}
