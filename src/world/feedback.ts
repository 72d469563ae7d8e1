// Human feedback as posterior (SPEC §6, §7): a person's verdict on a task replaces that task's word
// on every belief it touched. The task still counts once — the verdict changes what it says, it
// does not add a vote — and the contradiction rules then apply as in any iteration.
import type { EvidenceSource } from '../memory/evidence-source.js';
import type { Belief, Evidence } from './beliefs.js';
import { addEvidence } from './confidence.js';
import { withEvidence } from './evidence-fold.js';

/** A human verdict on a task's answer, from the `correctness` score of the feedback. */
export type Verdict = 'right' | 'wrong';

/** correctness −1 says the answer was wrong; 0 and +1 let the task's own word stand. */
export function verdictOf(correctness: number | undefined): Verdict | undefined {
  if (correctness === undefined) return undefined;
  return correctness < 0 ? 'wrong' : 'right';
}

/**
 * The belief with the task's word replaced by the verdict, or undefined when nothing changes.
 * - wrong: what the task supported it now contradicts (the answer built on it failed); what the
 *   task contradicted is withdrawn (a wrong answer is no evidence against anything);
 * - right: the task's own word is restored (undoing an earlier "wrong").
 */
export function applyVerdict(
  belief: Belief,
  input: {
    taskId: string;
    verdict: Verdict;
    by: string;
    at: string;
    note: string;
    /** Who gave the verdict, for the firewall (world/provenance.ts); default `feedback:<by>`. */
    source?: EvidenceSource;
  },
): Belief | undefined {
  const own = [...belief.data.evidence]
    .reverse()
    .find((item) => item.task === input.taskId && item.by === undefined);
  if (!own) return undefined;
  const item: Evidence =
    input.verdict === 'right'
      ? { task: input.taskId, supports: own.supports, at: input.at, note: input.note, by: input.by }
      : own.supports
        ? { task: input.taskId, supports: false, at: input.at, note: input.note, by: input.by }
        : {
            task: input.taskId,
            supports: false,
            withdrawn: true,
            at: input.at,
            note: input.note,
            by: input.by,
          };
  const source: EvidenceSource = input.source ?? { kind: 'feedback', login: input.by };
  const evidence = addEvidence(belief.data.evidence, { ...item, source });
  if (evidence.length === belief.data.evidence.length) return undefined;
  return { ...belief, data: withEvidence(belief.data, evidence, input.at) };
}
