// Proposals on plain git (SPEC §8): a proposal is a branch agentos/proposal-NNN that adds its file,
// a vote is a commit on that branch, and a quorum merges it into the checked-out default branch with
// a merge commit naming the proposal and its votes; the claim lands in its segment in that merge.
// Branch commits are built without a checkout (the working tree and the person's index stay as they
// are); the merge and a closed proposal's record land through landChange like any memory change.
import { commitOnBranch } from './branch-commit.js';
import { openSync, closeSync, rmSync, statSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import type { Git } from '../git/git.js';
import { formatCommitMessage } from '../git/message.js';
import { silentLogger, type Logger } from '../log.js';
import { landChange } from '../memory/change.js';
import { PROPOSALS_DIR, REGISTRY_FILE } from '../memory/layout.js';
import { checkMemoryPath } from '../memory/path-guard.js';
import { RegistrySchema, type Registry } from '../memory/registry.js';
import { isoSeconds } from '../memory/schema-parts.js';
import { readYaml } from '../memory/yaml-source.js';
import { ballotsFromVotes } from './ballots.js';
import {
  nextProposalNumber,
  parseProposal,
  parseProposalNumber,
  proposalBranch,
  proposalDigest,
  proposalId,
  proposalPath,
  renderProposal,
  type Proposal,
  type ProposalData,
  type ProposalEvidence,
  type RecordedVote,
} from './proposal.js';
import type { Decision } from './quorum.js';
import { addClaimToSegment, segmentPartAt, segmentPath } from './segment-update.js';
import type { MergeAnswer, ProposalHost, ProposalSnapshot } from './settle.js';

export interface ConsensusRepo {
  repoRoot: string;
  git: Git;
  logger?: Logger;
  now?: () => Date;
}

const nowOf = (repo: ConsensusRepo) => isoSeconds((repo.now ?? (() => new Date()))());

/** Attempts at claiming a number before giving up (each failure means another run took it). */
const MAX_NUMBER_CLAIMS = 20;
/** A lock older than this was left by a run that died: it is taken over. */
const STALE_LOCK_MS = 15 * 60 * 1000;

/** Every proposal number in use: local and remote-tracking branches, and files on HEAD. */
export async function takenProposalNumbers(git: Git): Promise<number[]> {
  const refs = [
    ...(await git.refsUnder('refs/heads/agentos/')),
    ...(await git.refsUnder('refs/remotes/')),
  ];
  const files = await git.namesAt('HEAD', PROPOSALS_DIR);
  return [...refs, ...files].flatMap((name) => {
    if (!name.includes('proposal-') && !name.includes('prop-')) return [];
    const number = parseProposalNumber(name);
    return number === undefined ? [] : [number];
  });
}

export interface ProposalDraft {
  proposer: string;
  subject: string;
  topic: string;
  claim: string;
  tags?: string[];
  evidence: ProposalEvidence[];
  source: ProposalData['source'];
  belief?: string | null;
}

export interface OpenedProposal {
  number: number;
  branch: string;
  path: string;
  commit: string;
  data: ProposalData;
}

/**
 * Opens a proposal: claims the next free number by creating its branch (create-only, so two runs
 * never share one: the loser takes the next number), with the proposal file as its one commit on
 * top of HEAD. `claimRemote` publishes the branch (a push that must create it); false means the
 * remote already had that number, and the next one is tried.
 */
export async function openProposal(
  repo: ConsensusRepo,
  draft: ProposalDraft,
  options: { claimRemote?: (branch: string) => Promise<boolean> } = {},
): Promise<OpenedProposal> {
  const { git } = repo;
  const base = await git.headSha();
  const openedAt = nowOf(repo);
  let number = nextProposalNumber(await takenProposalNumbers(git));
  for (let attempt = 0; attempt < MAX_NUMBER_CLAIMS; attempt++, number++) {
    const data: ProposalData = {
      proposal: proposalId(number),
      subject: draft.subject,
      topic: draft.topic,
      proposer: draft.proposer,
      claim: draft.claim,
      tags: draft.tags ?? [],
      evidence: draft.evidence,
      source: draft.source,
      belief: draft.belief ?? null,
      status: 'open',
      opened_at: openedAt,
      merged_at: null,
      closed_at: null,
      outcome: null,
      close_reason: null,
      votes: [],
    };
    const path = checkMemoryPath(draft.proposer, proposalPath(number));
    const branch = proposalBranch(number);
    const commit = await commitOnBranch(git, {
      branch,
      parent: base,
      expected: undefined,
      files: [{ path, content: renderProposal(data) }],
      message: formatCommitMessage({
        subject: `${draft.proposer}: propose ${data.proposal} — ${draft.subject}`,
        body: [
          draft.claim.trim(),
          '',
          'A shared truth merges when a quorum of agents agrees (SPEC §8).',
        ],
        trailers: [
          ['AgentOS-Agent', draft.proposer],
          ['AgentOS-Proposal', data.proposal],
        ],
      }),
    });
    if (!commit) continue; // another run made this branch first
    if (options.claimRemote && !(await options.claimRemote(branch))) {
      await git.tryDeleteBranch(branch, commit);
      continue;
    }
    (repo.logger ?? silentLogger).info(`${draft.proposer}: opened ${data.proposal} on ${branch}`);
    return { number, branch, path, commit, data };
  }
  throw new InputError(
    `could not claim a proposal number after ${MAX_NUMBER_CLAIMS} attempts: other runs keep taking them`,
  );
}

/** A proposal as its branch and the default branch hold it. */
export interface BranchProposal extends Proposal {
  branch: string;
  /** The branch head (undefined once merged or closed and the branch is gone). */
  head: string | undefined;
}

/** Every proposal: open ones from their branches, decided ones from the files on HEAD. */
export async function listProposals(git: Git): Promise<BranchProposal[]> {
  const found = new Map<number, BranchProposal>();
  for (const ref of await git.refsUnder('refs/heads/agentos/')) {
    const number = parseProposalNumber(ref);
    if (number === undefined || !ref.startsWith('refs/heads/agentos/proposal-')) continue;
    const proposal = await readBranchProposal(git, number);
    if (proposal) found.set(number, proposal);
  }
  for (const name of await git.namesAt('HEAD', PROPOSALS_DIR)) {
    const number = parseProposalNumber(name);
    if (number === undefined) continue;
    const file = `${PROPOSALS_DIR}/${name}`;
    const text = await git.fileAt('HEAD', file);
    if (text === undefined) continue;
    const decided = parseProposal(file, text);
    if (decided.data.status !== 'open' || !found.has(number))
      found.set(number, {
        ...decided,
        branch: proposalBranch(number),
        head: found.get(number)?.head,
      });
  }
  return [...found.values()].sort((a, b) => a.number - b.number);
}

export async function readBranchProposal(
  git: Git,
  number: number,
): Promise<BranchProposal | undefined> {
  const branch = proposalBranch(number);
  const head = await git.resolveRef(`refs/heads/${branch}`);
  if (!head) return undefined;
  const path = proposalPath(number);
  const text = await git.fileAt(head, path);
  if (text === undefined) return undefined;
  return { ...parseProposal(path, text), branch, head };
}

/** The registry as a commit has it: eligibility is read from the base, never from a proposal. */
export async function registryAt(git: Git, revision: string): Promise<Registry> {
  const text = await git.fileAt(revision, REGISTRY_FILE);
  if (text === undefined) throw new InputError(`${REGISTRY_FILE} is missing at ${revision}`);
  return readYaml({ file: `${REGISTRY_FILE} (${revision})`, text, firstLine: 1 }, RegistrySchema);
}

export type VoteResult = { cast: true; commit: string } | { cast: false; reason: string };

/**
 * Records a vote on an open proposal: a commit on its branch that adds the vote to the proposal
 * file, pinned to the content digest it was cast on. A vote on a merged or closed proposal is
 * ignored, and so is a vote the voter already cast on this very content.
 */
export async function castVote(
  repo: ConsensusRepo,
  number: number,
  vote: Pick<RecordedVote, 'voter' | 'by' | 'vote' | 'reason' | 'grounding'>,
): Promise<VoteResult> {
  const { git } = repo;
  for (let attempt = 0; attempt < MAX_NUMBER_CLAIMS; attempt++) {
    const proposal = await readBranchProposal(git, number);
    if (!proposal || proposal.data.status !== 'open')
      return { cast: false, reason: `${proposalId(number)} is not open: the vote is ignored` };
    const digest = proposalDigest(proposal.data);
    const previous = proposal.data.votes
      .filter((v) => v.voter === vote.voter && v.by === vote.by)
      .at(-1);
    if (previous && previous.digest === digest && previous.vote === vote.vote)
      return { cast: false, reason: `${vote.voter} already voted ${vote.vote} on this claim` };
    const recorded: RecordedVote = { ...vote, at: nowOf(repo), digest };
    const data = { ...proposal.data, votes: [...proposal.data.votes, recorded] };
    const commit = await commitOnBranch(git, {
      branch: proposal.branch,
      parent: proposal.head!,
      expected: proposal.head,
      files: [{ path: checkMemoryPath(vote.voter, proposal.path), content: renderProposal(data) }],
      message: formatCommitMessage({
        subject: `${vote.voter}: vote ${vote.vote} on ${proposal.data.proposal} — ${proposal.data.subject}`,
        body: [vote.reason || '(no reason given)'],
        trailers: [
          [vote.by === 'agent' ? 'AgentOS-Agent' : 'AgentOS-Person', vote.voter],
          ['AgentOS-Proposal', proposal.data.proposal],
          ['AgentOS-Vote', vote.vote],
        ],
      }),
    });
    if (commit) return { cast: true, commit };
  }
  return { cast: false, reason: `${proposalId(number)} kept moving: the vote was not recorded` };
}

/** The plain-git host: branches for proposals, file votes, a lock file per proposal. */
export function localProposalHost(repo: ConsensusRepo): ProposalHost {
  const { git } = repo;
  const logger = repo.logger ?? silentLogger;
  return {
    async read(number): Promise<ProposalSnapshot> {
      const onHead = await git.fileAt('HEAD', proposalPath(number));
      const decided = onHead ? parseProposal(proposalPath(number), onHead) : undefined;
      const proposal = await readBranchProposal(git, number);
      const data = decided && decided.data.status !== 'open' ? decided.data : proposal?.data;
      if (!data)
        throw new InputError(
          `no proposal ${proposalId(number)}: no branch ${proposalBranch(number)}`,
        );
      const registry = await registryAt(git, 'HEAD');
      const proposer = registry.agents.find((a) => a.name === data.proposer);
      return {
        number,
        status: data.status,
        head: proposal?.head ?? '',
        digest: proposalDigest(data),
        proposer: data.proposer,
        openedAt: data.opened_at,
        ballots: ballotsFromVotes(data.votes),
        eligibleAgents: registry.agents.map((a) => a.name),
        // Whoever runs git here owns the repository: every person recorded may vote.
        eligiblePeople: [
          ...new Set(data.votes.filter((v) => v.by === 'person').map((v) => v.voter)),
        ],
        proposerRisk: proposer?.risk_level,
        policy: registry.consensus,
      };
    },

    async merge(snapshot, decision): Promise<MergeAnswer> {
      const current = await readBranchProposal(git, snapshot.number);
      const onHead = await git.fileAt('HEAD', proposalPath(snapshot.number));
      if (onHead && parseProposal(proposalPath(snapshot.number), onHead).data.status === 'merged')
        return 'already-merged';
      if (!current) return 'closed';
      if (current.head !== snapshot.head) return 'head-changed';
      await refuseForeignChanges(git, current);
      const mergedAt = nowOf(repo);
      const target = await segmentPartAt(git, 'HEAD', current.data.topic);
      const segment = target.path;
      const data: ProposalData = {
        ...current.data,
        status: 'merged',
        merged_at: mergedAt,
        outcome: 'accepted',
        segment,
      };
      const { tally } = decision;
      await landChange(
        {
          repoRoot: repo.repoRoot,
          git,
          agent: data.proposer,
          label: `merge ${data.proposal}`,
          logger,
          mergeParent: current.head,
        },
        async (writer) => {
          writer.write(current.path, renderProposal(data));
          writer.write(segment, addClaimToSegment(target, data, tally, mergedAt));
          return { message: mergeMessage(data, decision), value: undefined };
        },
      );
      await git.tryDeleteBranch(current.branch, current.head!);
      logger.info(`merged ${data.proposal} into the default branch; ${segment} updated`);
      return 'merged';
    },

    async close(snapshot, reason) {
      const current = await readBranchProposal(git, snapshot.number);
      if (!current || current.data.status !== 'open') return;
      const data = await landClosedRecord(
        { repoRoot: repo.repoRoot, git, logger },
        current.path,
        current.data,
        { reason, at: nowOf(repo) },
      );
      await git.tryDeleteBranch(current.branch, current.head!);
      logger.info(`closed ${data.proposal}: ${reason}`);
    },

    async lock(number) {
      const folder = await git.gitPath('agentos');
      mkdirSync(folder, { recursive: true });
      const file = join(folder, `consensus-${proposalId(number)}.lock`);
      try {
        if (Date.now() - statSync(file).mtimeMs > STALE_LOCK_MS) rmSync(file, { force: true });
      } catch {
        // no lock yet
      }
      try {
        closeSync(openSync(file, 'wx'));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
        throw error;
      }
      return async () => rmSync(file, { force: true });
    },
  };
}

/** A proposal branch may change its own proposal file only; anything else is not merged. */
async function refuseForeignChanges(git: Git, proposal: BranchProposal): Promise<void> {
  const base = await git.mergeBase('HEAD', proposal.head!);
  if (!base) throw new InputError(`${proposal.branch} shares no history with the default branch`);
  const changed = await git.changedPaths(base, proposal.head!);
  const foreign = changed.filter((path) => path !== proposal.path);
  if (foreign.length > 0)
    throw new InputError(
      `${proposal.branch} changes ${foreign.join(', ')} besides ${proposal.path}: a proposal adds its file only, so it is not merged`,
    );
}

/**
 * Commits a proposal's closed record to the default branch (for the metrics), on plain git and on
 * GitHub alike, and returns it.
 */
export async function landClosedRecord(
  repo: { repoRoot: string; git: Git; logger: Logger },
  path: string,
  open: ProposalData,
  close: { reason: string; at: string },
): Promise<ProposalData> {
  const data: ProposalData = {
    ...open,
    status: 'closed',
    closed_at: close.at,
    outcome: 'expired',
    close_reason: close.reason,
  };
  await landChange(
    { ...repo, agent: data.proposer, label: `close ${data.proposal}` },
    async (writer) => {
      writer.write(path, renderProposal(data));
      return {
        message: formatCommitMessage({
          subject: `consensus: close ${data.proposal} (expired) — ${data.subject}`,
          body: [`Closed: ${close.reason}.`, '', 'The record stays here for the metrics.'],
          trailers: [
            ['AgentOS-Proposal', data.proposal],
            ['AgentOS-Outcome', 'expired'],
          ],
        }),
        value: undefined,
      };
    },
  );
  return data;
}

export function mergeMessage(data: ProposalData, decision: Decision & { action: 'merge' }): string {
  const { tally } = decision;
  const votes = [
    ...tally.yes.map((v) => `${v} yes`),
    ...tally.approvals.map((v) => `${v} approved`),
    ...tally.abstain.map((v) => `${v} abstain`),
  ];
  return formatCommitMessage({
    subject: `consensus: merge ${data.proposal} — ${data.subject}`,
    body: [
      `Proposed by ${data.proposer}; ${decision.reason}.`,
      '',
      `The claim joins ${data.segment ?? segmentPath(data.topic)}:`,
      '',
      data.claim.trim(),
    ],
    trailers: [
      ['AgentOS-Proposal', data.proposal],
      ['AgentOS-Votes', votes.join(', ') || 'none'],
      ['AgentOS-Outcome', 'accepted'],
    ],
  });
}
