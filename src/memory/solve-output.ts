// The structured answer a model returns for one task (SPEC §4), a memory proposal: the answer, what
// it used, its self-assessment and the memory updates it proposes (shared_proposal included).
// Every field is required (nullable where it may be empty) so the same schema serves strict
// JSON-schema structured output. It lives with memory: world, llm and context all read it.
import { z } from 'zod';
import { OUTCOMES, REASONING_DEMANDS } from './rewards.js';
import { signedUnit } from './schema-parts.js';

const ProposedSkill = z.strictObject({
  slug: z.string().describe('lowercase-hyphenated file name for the skill'),
  title: z.string(),
  tags: z.array(z.string()),
  procedure: z.string().describe('the reusable procedure, as Markdown steps'),
});

const ProposedHypothesis = z.strictObject({
  slug: z.string(),
  name: z.string(),
  claim: z.string(),
  proposes: z.enum(['entity', 'relation']),
  aliases: z.array(z.string()),
  tags: z.array(z.string()),
  subject: z.string().nullable(),
  predicate: z.string().nullable(),
  object: z.string().nullable(),
});

const ProposedEvidence = z.strictObject({
  target: z
    .string()
    .describe('agent-relative path of an existing belief, e.g. world/entities/x.md'),
  supports: z.boolean(),
  note: z.string(),
});

const NominatedDuplicate = z.strictObject({
  target: z.string(),
  duplicate_of: z.string(),
  note: z.string(),
});

const SharedProposal = z.strictObject({
  topic: z.string(),
  claim: z.string(),
  evidence: z.string(),
});

export const SolveOutputSchema = z.strictObject({
  answer: z.string().min(1),
  outcome: z.enum(OUTCOMES),
  used_context: z.array(z.string()).describe('ids of the context items the answer actually used'),
  reward_decomposition: z.strictObject({
    correctness: signedUnit,
    efficiency: signedUnit,
    novelty: signedUnit,
    generality: signedUnit,
  }),
  context_tags: z.array(z.string()),
  reasoning_demand: z.enum(REASONING_DEMANDS),
  memory: z.strictObject({
    skills: z.array(ProposedSkill),
    skills_used: z.array(z.string()),
    hypotheses: z.array(ProposedHypothesis),
    evidence: z.array(ProposedEvidence),
    duplicates: z.array(NominatedDuplicate),
    shared_proposal: SharedProposal.nullable(),
  }),
});

export type SolveOutput = z.infer<typeof SolveOutputSchema>;
export type ProposedSkill = z.infer<typeof ProposedSkill>;
export type ProposedHypothesis = z.infer<typeof ProposedHypothesis>;
export type ProposedEvidence = z.infer<typeof ProposedEvidence>;

/** Why a reply is not a usable answer: nothing said, not JSON, or JSON that breaks the schema. */
export type OutputProblemKind = 'empty-answer' | 'invalid-json' | 'invalid-output';

export type ParsedOutput =
  { ok: true; output: SolveOutput } | { ok: false; problems: string; kind: OutputProblemKind };

const MAX_PROBLEMS = 8;
const FENCED = /^```(?:json)?\s*\n([\s\S]*?)\n```$/;

/**
 * A model's reply checked against the schema. Local models often wrap JSON in a Markdown fence,
 * which is unwrapped; anything else that is not exactly a valid object is a list of problems to
 * send back for one repair.
 */
export function parseSolveOutput(reply: string | null | undefined): ParsedOutput {
  const text = (reply ?? '').trim();
  if (text === '') return { ok: false, kind: 'empty-answer', problems: 'the reply was empty' };
  let value: unknown;
  try {
    value = JSON.parse(FENCED.exec(text)?.[1] ?? text);
  } catch (error) {
    return {
      ok: false,
      kind: 'invalid-json',
      problems: `the reply is not JSON (${(error as Error).message.split('\n')[0]})`,
    };
  }
  const result = SolveOutputSchema.safeParse(value);
  if (result.success) {
    // The strict schema sent to the endpoint cannot say "not blank" (no minLength, no pattern):
    // checked here, so a blank answer is never taken for one.
    if (result.data.answer.trim() === '') {
      return {
        ok: false,
        kind: 'empty-answer',
        problems: 'answer: it is empty or only whitespace',
      };
    }
    return { ok: true, output: result.data };
  }
  if (
    result.error.issues.some(
      (issue) => issue.path.join('.') === 'answer' && issue.code === 'too_small',
    )
  ) {
    return { ok: false, kind: 'empty-answer', problems: 'answer: it is empty or only whitespace' };
  }
  const issues = result.error.issues.slice(0, MAX_PROBLEMS).map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join('.') : '(the object)';
    return `${where}: ${issue.message}`;
  });
  const more = result.error.issues.length - issues.length;
  return {
    ok: false,
    kind: 'invalid-output',
    problems: `it does not match the schema — ${issues.join('; ')}${more > 0 ? `; and ${more} more` : ''}`,
  };
}
export type NominatedDuplicate = z.infer<typeof NominatedDuplicate>;
