// A proposal file (SPEC §8): shared/iac/proposals/prop-NNN.md in the seed's shape — subject,
// proposer, claim, evidence, votes, status — with its frontmatter as the record the runtime and the
// metrics read, and a body rendered from it for people. Pure: parse, render, digest, numbering.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { isSlug, PROPOSALS_DIR } from '../memory/layout.js';
import { parseMarkdown, renderMarkdown } from '../memory/markdown.js';
import { tagList, timestamp } from '../memory/schema-parts.js';

export const VOTE_CHOICES = ['yes', 'no', 'abstain'] as const;
export type VoteChoice = (typeof VOTE_CHOICES)[number];

export const PROPOSAL_STATUSES = ['open', 'merged', 'closed'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

export const PROPOSAL_OUTCOMES = ['accepted', 'expired', 'rejected'] as const;
export type ProposalOutcome = (typeof PROPOSAL_OUTCOMES)[number];

const slug = z.string().refine(isSlug, 'must be a slug: lowercase letters, digits and hyphens');

export const ProposalEvidenceSchema = z.looseObject({
  task: z.string().min(1),
  commit: z.string().nullable().default(null),
  note: z.string().nullable().default(null),
});
export type ProposalEvidence = z.infer<typeof ProposalEvidenceSchema>;

/** One vote as the proposal file records it: an agent's (learning run) or a person's (local CLI). */
export const RecordedVoteSchema = z.looseObject({
  voter: z.string().min(1),
  by: z.enum(['agent', 'person']).default('agent'),
  vote: z.enum(VOTE_CHOICES),
  reason: z.string().default(''),
  at: timestamp,
  /** The proposal's content digest the vote was cast on (see proposalDigest). */
  digest: z.string().min(1),
  /** The belief that grounds an agent's vote, when one does. */
  grounding: z.string().nullable().default(null),
});
export type RecordedVote = z.infer<typeof RecordedVoteSchema>;

export const ProposalSchema = z.looseObject({
  proposal: z.string().regex(/^prop-\d{3,}$/, 'must be prop-NNN'),
  subject: z.string().min(1),
  /** The segment the claim joins on merge: shared/iac/segments/<topic>.md, or its newest part. */
  topic: slug,
  /** The segment part the claim joined, once merged (segment-update.ts). */
  segment: z.string().min(1).optional(),
  proposer: slug,
  claim: z.string().min(1),
  tags: tagList,
  evidence: z.array(ProposalEvidenceSchema).default([]),
  /** Where the proposal came from: a task's answer, a promoted belief, or a person at the CLI. */
  source: z.enum(['answer', 'belief', 'cli']).default('cli'),
  /** The promoted belief it proposes, when it came from one (agent-relative path). */
  belief: z.string().nullable().default(null),
  status: z.enum(PROPOSAL_STATUSES).default('open'),
  /** Metrics read these three times and the outcome (time-to-consensus, acceptance rate). */
  opened_at: timestamp,
  merged_at: timestamp.nullable().default(null),
  closed_at: timestamp.nullable().default(null),
  outcome: z.enum(PROPOSAL_OUTCOMES).nullable().default(null),
  close_reason: z.string().nullable().default(null),
  votes: z.array(RecordedVoteSchema).default([]),
});
export type ProposalData = z.infer<typeof ProposalSchema>;

export interface Proposal {
  number: number;
  /** Repository path of the proposal file. */
  path: string;
  data: ProposalData;
}

/** prop-007 for 7; numbers past 999 simply grow a digit. */
export function proposalId(number: number): string {
  return `prop-${String(number).padStart(3, '0')}`;
}

export function proposalPath(number: number): string {
  return `${PROPOSALS_DIR}/${proposalId(number)}.md`;
}

export const PROPOSAL_BRANCH_PREFIX = 'agentos/proposal-';

export function proposalBranch(number: number): string {
  return `${PROPOSAL_BRANCH_PREFIX}${String(number).padStart(3, '0')}`;
}

/** The number in "prop-012", "prop-012.md" or "agentos/proposal-012"; undefined for anything else. */
export function parseProposalNumber(name: string): number | undefined {
  const match = /(?:^|\/)(?:prop-|proposal-)(\d{3,})(?:\.md)?$/.exec(name);
  if (!match?.[1]) return undefined;
  const number = Number.parseInt(match[1], 10);
  return number >= 1 ? number : undefined;
}

/** The next free number above every one taken (branches, files, pull requests). */
export function nextProposalNumber(taken: Iterable<number>): number {
  let highest = 0;
  for (const number of taken) highest = Math.max(highest, number);
  return highest + 1;
}

/**
 * What a vote approves: the claim and its evidence, not the votes or the status. Votes commit to
 * the proposal file too, and a base-branch update does not touch it, so neither changes the digest;
 * a push that edits the claim does, and earlier yes votes then no longer count.
 */
export function proposalDigest(
  data: Pick<ProposalData, 'subject' | 'topic' | 'claim' | 'evidence' | 'tags'>,
): string {
  const content = JSON.stringify([
    data.subject.trim(),
    data.topic,
    data.claim.trim(),
    [...data.tags].sort(),
    data.evidence.map((e) => [e.task, e.commit, e.note]),
  ]);
  return createHash('sha256').update(content).digest('hex').slice(0, 16);
}

export function parseProposal(path: string, text: string): Proposal {
  const { data } = parseMarkdown(path, text, ProposalSchema);
  const number = parseProposalNumber(data.proposal) ?? 0;
  return { number, path, data };
}

const VOTE_WORD: Record<VoteChoice, string> = { yes: 'yes', no: 'no (veto)', abstain: 'abstain' };

/** The file: frontmatter for the runtime, a body in the seed's shape for people. */
export function renderProposal(data: ProposalData): string {
  const evidence =
    data.evidence.length === 0
      ? ['- (none recorded)']
      : data.evidence.map(
          (e) =>
            `- task \`${e.task}\`${e.commit ? ` (commit ${e.commit.slice(0, 7)})` : ''}${e.note ? `: ${e.note}` : ''}`,
        );
  const votes =
    data.votes.length === 0
      ? ['- (no votes yet)']
      : data.votes.map(
          (v) =>
            `- ${v.voter}${v.by === 'person' ? ' (person)' : ''}: ${VOTE_WORD[v.vote]}${v.reason ? ` — ${v.reason}` : ''} (${v.at.slice(0, 10)})`,
        );
  const status =
    data.status === 'open'
      ? 'open'
      : data.status === 'merged'
        ? `merged ${data.merged_at?.slice(0, 10) ?? ''}`.trim()
        : `closed ${data.closed_at?.slice(0, 10) ?? ''}${data.close_reason ? `: ${data.close_reason}` : ''}`;
  const body = [
    `Subject: ${data.subject}`,
    `Proposer: ${data.proposer}`,
    '',
    'Claim:',
    '',
    data.claim.trim(),
    '',
    'Evidence:',
    '',
    ...evidence,
    '',
    'Votes:',
    '',
    ...votes,
    '',
    `Status: ${status}`,
  ].join('\n');
  return renderMarkdown(data, body);
}
