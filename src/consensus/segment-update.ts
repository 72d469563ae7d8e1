// What an accepted proposal does to its segment: the claim joins its topic's newest part,
// shared/iac/segments/<topic>.md and then <topic>.2.md, <topic>.3.md… (a topic is a slug, so a dot
// never belongs to one), with its provenance (proposal, proposer, votes, date) in the frontmatter
// and in words. A part holds SEGMENT_PART_CLAIMS claims, so a topic the agents keep agreeing on
// never outgrows the write limit, and each part stays a context item that fits a task's budget.
import { z } from 'zod';
import type { Git } from '../git/git.js';
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

/** Claims in one part of a topic's segment; the next claim opens the next part. */
export const SEGMENT_PART_CLAIMS = 10;

/** The topic's first part, shared/iac/segments/<topic>.md, or its `part`th (<topic>.<part>.md). */
export function segmentPath(topic: string, part = 1): string {
  return part === 1 ? `${SEGMENTS_DIR}/${topic}.md` : `${SEGMENTS_DIR}/${topic}.${part}.md`;
}

/** The topic and part a segment file name stands for, or undefined for another file. */
export function segmentPartOf(name: string): { topic: string; part: number } | undefined {
  const match = /^([a-z0-9]+(?:-[a-z0-9]+)*)(?:\.([2-9]|[1-9]\d+))?\.md$/.exec(name);
  if (!match) return undefined;
  return { topic: match[1] as string, part: match[2] ? Number(match[2]) : 1 };
}

/** A segment part a claim joins: its path, and its text at the commit the claim lands on. */
export interface SegmentTarget {
  path: string;
  existing: string | undefined;
}

/**
 * The part a claim on `topic` joins at `revision` (the commit the merge lands on): the topic's
 * newest part while it has room, else a new part after it.
 */
export async function segmentPartAt(
  git: Pick<Git, 'namesAt' | 'fileAt'>,
  revision: string,
  topic: string,
): Promise<SegmentTarget> {
  const names = await git.namesAt(revision, SEGMENTS_DIR);
  const newest = Math.max(
    1,
    ...names.map(segmentPartOf).flatMap((p) => (p?.topic === topic ? [p.part] : [])),
  );
  const path = segmentPath(topic, newest);
  const existing = await git.fileAt(revision, path);
  if (existing === undefined) return { path, existing };
  const claims = parseMarkdown(path, existing, SegmentFileSchema).data.claims;
  if (claims.length < SEGMENT_PART_CLAIMS) return { path, existing };
  return { path: segmentPath(topic, newest + 1), existing: undefined };
}

function titleOf(topic: string): string {
  const words = topic.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * The segment part at `path` after `proposal` merged with `tally`'s support; `existing` is its
 * text, if any (segmentPartAt says which part and reads it).
 */
export function addClaimToSegment(
  target: SegmentTarget,
  proposal: ProposalData,
  tally: Pick<Tally, 'yes' | 'approvals'>,
  mergedAt: string,
): string {
  const { path, existing } = target;
  const part = segmentPartOf(path.slice(SEGMENTS_DIR.length + 1))?.part ?? 1;
  const read = existing ? parseMarkdown(path, existing, SegmentFileSchema) : undefined;
  const current = read?.data ?? {
    title: part === 1 ? titleOf(proposal.topic) : `${titleOf(proposal.topic)} (part ${part})`,
    tags: [],
    claims: [],
  };
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
  // A file whose text is not what the runtime writes for its claims holds a person's words: they
  // stay, and the claim is added after them.
  const written = read === undefined || read.body.trim() === segmentBody(title, current.claims);
  const body = written
    ? segmentBody(title, claims)
    : `${read.body.trim()}\n\n${claimSection(claim).join('\n')}`;
  return renderMarkdown({ ...current, title, tags, claims }, body);
}

/** The text the runtime writes for a segment part's claims. */
function segmentBody(title: string, claims: readonly SegmentClaim[]): string {
  return [
    `# ${title}`,
    '',
    'Shared truths the agents agreed on. Each claim merged by quorum from a proposal in',
    'shared/iac/proposals/; edit a claim through a new proposal.',
    '',
    ...claims.flatMap(claimSection),
  ]
    .join('\n')
    .trim();
}

function claimSection(c: SegmentClaim): string[] {
  return [
    `## ${c.subject}`,
    '',
    c.claim,
    '',
    `Agreed in ${c.proposal} on ${c.merged_at.slice(0, 10)}: proposed by ${c.proposer}; yes from ${c.yes.join(', ') || 'no agent'}${c.approvals.length > 0 ? `; approved by ${c.approvals.join(', ')}` : ''}.`,
    '',
  ];
}
