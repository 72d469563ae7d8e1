// What an accepted proposal does to its segment, pure: the claim joins shared/iac/segments/<topic>.md
// with its provenance (proposal, proposer, votes, date) in the frontmatter and in words.
import { z } from 'zod';
import { SEGMENTS_DIR } from '../memory/layout.js';
import { parseMarkdown, renderMarkdown } from '../memory/markdown.js';
import { tagList, timestamp } from '../memory/schema-parts.js';
import type { ProposalData } from './proposal.js';
import type { Tally } from './quorum.js';

export const SegmentClaimSchema = z.looseObject({
  proposal: z.string().min(1),
  subject: z.string().min(1),
  claim: z.string().min(1),
  proposer: z.string().min(1),
  yes: z.array(z.string()).default([]),
  approvals: z.array(z.string()).default([]),
  merged_at: timestamp,
});
export type SegmentClaim = z.infer<typeof SegmentClaimSchema>;

const SegmentFileSchema = z.looseObject({
  title: z.string().min(1).optional(),
  tags: tagList,
  claims: z.array(SegmentClaimSchema).default([]),
});

export function segmentPath(topic: string): string {
  return `${SEGMENTS_DIR}/${topic}.md`;
}

function titleOf(topic: string): string {
  const words = topic.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The segment file after `proposal` merged with `tally`'s support; `existing` is its text, if any. */
export function addClaimToSegment(
  existing: string | undefined,
  proposal: ProposalData,
  tally: Pick<Tally, 'yes' | 'approvals'>,
  mergedAt: string,
): string {
  const path = segmentPath(proposal.topic);
  const current = existing
    ? parseMarkdown(path, existing, SegmentFileSchema).data
    : { title: titleOf(proposal.topic), tags: [], claims: [] };
  const claim: SegmentClaim = {
    proposal: proposal.proposal,
    subject: proposal.subject,
    claim: proposal.claim.trim(),
    proposer: proposal.proposer,
    yes: [...tally.yes],
    approvals: [...tally.approvals],
    merged_at: mergedAt,
  };
  const claims = [...current.claims.filter((c) => c.proposal !== claim.proposal), claim];
  const tags = [...new Set([...current.tags, ...proposal.tags])];
  const title = current.title ?? titleOf(proposal.topic);
  const body = [
    `# ${title}`,
    '',
    'Shared truths the agents agreed on. Each claim merged by quorum from a proposal in',
    'shared/iac/proposals/; edit a claim through a new proposal.',
    '',
    ...claims.flatMap((c) => [
      `## ${c.subject}`,
      '',
      c.claim,
      '',
      `Agreed in ${c.proposal} on ${c.merged_at.slice(0, 10)}: proposed by ${c.proposer}; yes from ${c.yes.join(', ') || 'no agent'}${c.approvals.length > 0 ? `; approved by ${c.approvals.join(', ')}` : ''}.`,
      '',
    ]),
  ].join('\n');
  return renderMarkdown({ ...current, title, tags, claims }, body);
}
