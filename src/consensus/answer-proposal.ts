// A shared proposal in a task's answer (the model's `memory.shared_proposal`), validated like any
// memory proposal before it becomes a proposal branch: a topic that makes a segment name, a claim
// of bounded size, evidence naming the task and its commit. Pure planning, one shell step.
import { slugify } from '../memory/layout.js';
import type { ProposalDraft } from './branches.js';

export const MAX_CLAIM_CHARS = 2000;
export const MAX_SUBJECT_CHARS = 120;

export interface AnswerProposal {
  topic: string;
  claim: string;
  evidence: string;
}

export type PlannedAnswerProposal =
  { ok: true; draft: ProposalDraft } | { ok: false; reason: string };

export function planAnswerProposal(input: {
  agent: string;
  taskId: string;
  commit: string | undefined;
  proposal: AnswerProposal;
}): PlannedAnswerProposal {
  const topic = slugify(input.proposal.topic);
  const claim = input.proposal.claim.trim();
  if (!topic) return { ok: false, reason: 'shared_proposal.topic makes no segment name' };
  if (!claim) return { ok: false, reason: 'shared_proposal.claim is empty' };
  if (claim.length > MAX_CLAIM_CHARS)
    return {
      ok: false,
      reason: `shared_proposal.claim is ${claim.length} characters, over ${MAX_CLAIM_CHARS}`,
    };
  const subject = input.proposal.topic.trim().slice(0, MAX_SUBJECT_CHARS) || topic;
  return {
    ok: true,
    draft: {
      proposer: input.agent,
      subject,
      topic,
      claim,
      evidence: [
        {
          task: input.taskId,
          commit: input.commit ?? null,
          note: input.proposal.evidence.trim().slice(0, MAX_CLAIM_CHARS) || null,
        },
      ],
      source: 'answer',
    },
  };
}
