// A model that returns a scripted answer, to drive the loop through exact proposals.
import type { Model, SolveRequest, SolveResult } from '../../src/llm/model.js';
import type { SolveOutput } from '../../src/memory/solve-output.js';

export function scriptedOutput(
  overrides: Omit<Partial<SolveOutput>, 'memory'> & {
    memory?: Partial<SolveOutput['memory']>;
  } = {},
): SolveOutput {
  const { memory, ...rest } = overrides;
  return {
    answer: 'Scripted answer.',
    outcome: 'success',
    used_context: ['persona.md'],
    reward_decomposition: { correctness: 1, efficiency: 0, novelty: 1, generality: 0 },
    context_tags: ['api'],
    reasoning_demand: 'moderate',
    ...rest,
    memory: {
      skills: [],
      skills_used: [],
      hypotheses: [],
      evidence: [],
      duplicates: [],
      shared_proposal: null,
      ...memory,
    },
  };
}

export class ScriptedModel implements Model {
  readonly kind = 'scripted';
  readonly requests: SolveRequest[] = [];
  constructor(private readonly output: (request: SolveRequest) => SolveOutput) {}

  async solve(request: SolveRequest): Promise<SolveResult> {
    this.requests.push(request);
    return {
      output: this.output(request),
      tier: request.tier,
      modelName: 'scripted-model',
      usage: { prompt: 100, completion: 20 },
      costUsd: 0.001,
      tiersTried: [request.tier],
    };
  }
}
