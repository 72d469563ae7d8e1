// The model interface the loop solves through: the offline model and OpenAI-compatible clients
// implement it.
import type { AssembledContext } from '../context/assemble.js';
import type { Constraints } from '../memory/human.js';
import type { AgentSpec, Tier } from '../memory/registry.js';
import type { ReasoningDemand } from '../memory/rewards.js';
import type { SolveOutput } from './solve-output.js';

export interface SolveRequest {
  taskId: string;
  task: string;
  agent: AgentSpec;
  tier: Tier;
  demand: ReasoningDemand;
  context: AssembledContext;
  constraints: Constraints;
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
