// Proposals on GitHub (SPEC §8): a proposal is a pull request from agentos/proposal-NNN; agents'
// votes are commits on its branch (the proposal file) and people's are reviews. Settling reads the
// pull request, its reviews and the base branch's agents.yaml fresh, writes the segment and the
// merged record on the branch, and merges pinned to that head (409: decide again; 405 "base branch
// was modified": retry; already merged: done). One evaluation per proposal at a time is the
// workflow's concurrency group.
import { commitOnBranch } from './branch-commit.js';
import { InputError } from '../errors.js';
import type { Git } from '../git/git.js';
import { silentLogger, type Logger } from '../log.js';
import { checkMemoryPath } from '../memory/path-guard.js';
import { isoSeconds } from '../memory/schema-parts.js';
import type { Platform } from '../platform/platform.js';
import type { GitHubPulls, PullRequest } from '../platform/pulls.js';
import { ballotsFromReviews, ballotsFromVotes } from './ballots.js';
import {
  mergeMessage,
  openProposal,
  registryAt,
  type OpenedProposal,
  type ProposalDraft,
  landClosedRecord,
} from './branches.js';
import {
  parseProposal,
  proposalBranch,
  proposalDigest,
  proposalPath,
  renderProposal,
  type ProposalData,
} from './proposal.js';
import { describeSupport, stillNeeded, type Decision } from './quorum.js';
import { addClaimToSegment, segmentPartAt, segmentPath } from './segment-update.js';
import type { MergeAnswer, ProposalHost, ProposalSnapshot } from './settle.js';

const WRITERS = ['admin', 'maintain', 'write'];

export interface GitHubHostInput {
  repoRoot: string;
  git: Git;
  remote: string;
  pulls: GitHubPulls;
  platform: Platform;
  now: () => Date;
  logger?: Logger;
}

/** The pull request of a proposal number, found by its head branch. */
async function pullOf(pulls: GitHubPulls, number: number): Promise<PullRequest> {
  const branch = proposalBranch(number);
  const found = (await pulls.listByHeadPrefix(branch)).find((p) => p.headRef === branch);
  if (!found) throw new InputError(`no pull request from ${branch}`);
  return found;
}

export function githubProposalHost(input: GitHubHostInput): ProposalHost {
  const { git, pulls, platform, remote } = input;
  const logger = input.logger ?? silentLogger;
  const pullNumbers = new Map<number, number>();
  const digests = new Map<string, string | undefined>();
  const now = () => isoSeconds(input.now());

  const pull = async (number: number): Promise<PullRequest> => {
    const known = pullNumbers.get(number);
    const found = known === undefined ? await pullOf(pulls, number) : await pulls.get(known);
    pullNumbers.set(number, found.number);
    return found;
  };
  const fileAt = async (revision: string, number: number): Promise<ProposalData | undefined> => {
    const text = await git.fileAt(revision, proposalPath(number));
    return text === undefined ? undefined : parseProposal(proposalPath(number), text).data;
  };

  return {
    async read(number): Promise<ProposalSnapshot> {
      const pr = await pull(number);
      const base = await git.fetchBranch(remote, pr.baseRef);
      const registry = await registryAt(git, base);
      let head = pr.headSha;
      let data: ProposalData | undefined;
      if (pr.state === 'open') {
        head = await git.fetchBranch(remote, pr.headRef);
        data = await fileAt(head, number);
      } else {
        data =
          (await fileAt(base, number)) ?? (await fileAt(pr.headSha, number).catch(() => undefined));
      }
      if (!data) throw new InputError(`pull request #${pr.number} has no ${proposalPath(number)}`);
      const reviews = await pulls.reviews(pr.number);
      const digestAt = (commit: string): string | undefined => digests.get(commit);
      for (const review of reviews) {
        const commit = review.commitId;
        if (!commit || digests.has(commit)) continue;
        const at = await fileAt(commit, number).catch(() => undefined);
        digests.set(commit, at ? proposalDigest(at) : undefined);
      }
      const reviewers = [...new Set(reviews.map((r) => r.user))];
      const eligiblePeople: string[] = [];
      for (const user of reviewers)
        if (WRITERS.includes(await platform.permission(user))) eligiblePeople.push(user);
      const proposer = registry.agents.find((a) => a.name === data.proposer);
      return {
        number,
        status: pr.merged ? 'merged' : pr.state === 'closed' ? 'closed' : 'open',
        head,
        digest: proposalDigest(data),
        proposer: data.proposer,
        openedAt: data.opened_at,
        ballots: [...ballotsFromVotes(data.votes), ...ballotsFromReviews(reviews, digestAt)],
        eligibleAgents: registry.agents.map((a) => a.name),
        eligiblePeople,
        proposerRisk: proposer?.risk_level,
        policy: registry.consensus,
      };
    },

    async merge(snapshot, decision): Promise<MergeAnswer> {
      const pr = await pull(snapshot.number);
      if (pr.merged) return 'already-merged';
      if (pr.state === 'closed') return 'closed';
      const data = await fileAt(snapshot.head, snapshot.number);
      if (!data) return 'head-changed';
      let head = snapshot.head;
      let segment = data.segment ?? segmentPath(data.topic);
      if (data.status !== 'merged') {
        // The merged change carries the segment and the record: one commit on the evaluated head.
        const mergedAt = now();
        const base = await git.fetchBranch(remote, pr.baseRef);
        const target = await segmentPartAt(git, base, data.topic);
        segment = target.path;
        const record: ProposalData = {
          ...data,
          status: 'merged',
          merged_at: mergedAt,
          outcome: 'accepted',
          segment,
        };
        const files = [
          {
            path: checkMemoryPath(data.proposer, proposalPath(snapshot.number)),
            content: renderProposal(record),
          },
          {
            path: checkMemoryPath(data.proposer, segment, { segments: true }),
            content: addClaimToSegment(target, record, decision.tally, mergedAt),
          },
        ];
        const local = `agentos/merging-${snapshot.number}`;
        const commit = await commitOnBranch(git, {
          branch: local,
          parent: snapshot.head,
          expected: await git.resolveRef(`refs/heads/${local}`),
          files,
          message: mergeMessage(record, decision).replace(/^consensus: merge/, 'consensus: accept'),
        });
        if (!commit) return 'head-changed';
        const pushed = await git.exec(
          [
            'push',
            '--porcelain',
            `--force-with-lease=refs/heads/${pr.headRef}:${snapshot.head}`,
            remote,
            `${commit}:refs/heads/${pr.headRef}`,
          ],
          { allowFailure: true },
        );
        if (pushed.exitCode !== 0) return 'head-changed';
        head = commit;
      }
      const answer = await pulls.merge(pr.number, {
        sha: head,
        title: `consensus: merge ${data.proposal} — ${data.subject} (#${pr.number})`,
        message: mergeMessage(data, decision).split('\n').slice(2).join('\n'),
      });
      switch (answer.kind) {
        case 'merged':
          await platform.comment(
            pr.number,
            `Merged by quorum: ${describeSupport(decision.tally)}. The claim is now in \`${segment}\`.`,
          );
          logger.info(`merged ${data.proposal} (#${pr.number})`);
          return 'merged';
        case 'already-merged':
          return 'already-merged';
        case 'head-changed':
          return 'head-changed';
        case 'base-modified':
          return 'base-modified';
        case 'not-mergeable':
          throw new InputError(`pull request #${pr.number} cannot be merged: ${answer.message}`);
      }
    },

    async close(snapshot, reason) {
      const pr = await pull(snapshot.number);
      if (pr.state !== 'open') return;
      const data = await fileAt(snapshot.head, snapshot.number);
      await platform.comment(
        pr.number,
        `Closed without quorum: ${reason}. ${data ? `Votes at close: ${data.votes.map((v) => `${v.voter} ${v.vote}`).join(', ') || 'none'}.` : ''}`.trim(),
      );
      await pulls.close(pr.number);
      if (!data) return;
      // The record of a closed proposal stays on the default branch for the metrics.
      await landClosedRecord(
        { repoRoot: input.repoRoot, git, logger },
        proposalPath(snapshot.number),
        data,
        { reason, at: now() },
      );
    },

    async lock() {
      return async () => {};
    },
  };
}

/** The pull request body a person reviews: the claim, the evidence and a vote table. */
export function pullRequestBody(data: ProposalData, decision?: Decision): string {
  const evidence = data.evidence.map(
    (e) =>
      `- task \`${e.task}\`${e.commit ? ` (${e.commit.slice(0, 7)})` : ''}${e.note ? `: ${e.note}` : ''}`,
  );
  const votes = data.votes.map(
    (v) => `| ${v.voter} | ${v.vote} | ${v.reason.replace(/\|/g, '\\|')} |`,
  );
  return [
    `**${data.proposer}** proposes a shared truth for \`${segmentPath(data.topic)}\`.`,
    '',
    '### Claim',
    '',
    data.claim.trim(),
    '',
    '### Evidence',
    '',
    ...(evidence.length > 0 ? evidence : ['- (none recorded)']),
    '',
    '### Votes',
    '',
    '| voter | vote | reason |',
    '|---|---|---|',
    ...(votes.length > 0 ? votes : ['| — | — | no votes yet |']),
    '',
    ...(decision && decision.action !== 'ignore'
      ? [`Needs: ${stillNeeded(decision.tally).join('; ') || 'nothing — ready to merge'}.`, '']
      : []),
    'Review to vote: **approve** is yes, **request changes** is a veto (it blocks until you dismiss it or approve), a dismissed review is withdrawn. Only people with write access count; a push that changes the claim voids earlier approvals.',
  ].join('\n');
}

/**
 * Opens a proposal on GitHub: claims its number by pushing a new branch (a push that would have to
 * overwrite an existing branch is refused, and the next number is tried), then opens its pull
 * request against `base` with a body people can review.
 */
export async function openPullRequestProposal(
  input: GitHubHostInput & { base: string },
  draft: ProposalDraft,
): Promise<{ opened: OpenedProposal; pull: PullRequest }> {
  const { git, remote } = input;
  const claimRemote = async (branch: string) =>
    (
      await git.exec(['push', '--porcelain', remote, `refs/heads/${branch}:refs/heads/${branch}`], {
        allowFailure: true,
      })
    ).exitCode === 0;
  const opened = await openProposal(input, draft, { claimRemote });
  const pull = await input.pulls.create({
    head: opened.branch,
    base: input.base,
    title: `${opened.data.proposal}: ${opened.data.subject} (proposed by ${opened.data.proposer})`,
    body: pullRequestBody(opened.data),
  });
  return { opened, pull };
}
