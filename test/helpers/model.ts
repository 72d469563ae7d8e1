// A scripted stand-in for the model boundary: each task gets the memory proposals a test names,
// wrapped in a complete, schema-valid structured answer, so the rest of the loop runs for real.
import type { Model, SolveRequest, SolveResult } from '../../src/llm/model.js';
import {
  SolveOutputSchema,
  type ProposedEvidence,
  type ProposedHypothesis,
  type ProposedSkill,
  type SolveOutput,
} from '../../src/memory/solve-output.js';

export interface ScriptedMemory {
  skills?: ProposedSkill[];
  hypotheses?: ProposedHypothesis[];
  evidence?: ProposedEvidence[];
  duplicates?: SolveOutput['memory']['duplicates'];
  shared_proposal?: SolveOutput['memory']['shared_proposal'];
  /** Ids of context items the answer says it used. */
  used_context?: string[];
}

export function entityProposal(
  name: string,
  slug: string,
  aliases: string[] = [],
): ProposedHypothesis {
  return {
    slug,
    name,
    claim: `${name} is part of the vendor integration.`,
    proposes: 'entity',
    aliases,
    tags: ['api'],
    subject: null,
    predicate: null,
    object: null,
  };
}

export function scriptedModel(script: (request: SolveRequest) => ScriptedMemory): Model {
  return {
    kind: 'scripted',
    async solve(request: SolveRequest): Promise<SolveResult> {
      const memory = script(request);
      const output = SolveOutputSchema.parse({
        answer: `Scripted answer for ${request.taskId}.`,
        outcome: 'success',
        used_context: memory.used_context ?? [],
        reward_decomposition: { correctness: 1, efficiency: 0, novelty: 0, generality: 0 },
        context_tags: ['api'],
        reasoning_demand: 'moderate',
        memory: {
          skills: memory.skills ?? [],
          skills_used: [],
          hypotheses: memory.hypotheses ?? [],
          evidence: memory.evidence ?? [],
          duplicates: memory.duplicates ?? [],
          shared_proposal: memory.shared_proposal ?? null,
        },
      });
      return {
        output,
        tier: request.tier,
        modelName: 'scripted',
        usage: { prompt: 10, completion: 10 },
        costUsd: 0,
        tiersTried: [request.tier],
      };
    },
  };
}
