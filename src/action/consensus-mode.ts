// The action's `consensus` mode (SPEC §8, §10): evaluate the proposal a review event names, or every
// open proposal (a schedule or a dispatch) — merge at quorum, close when expired — and the GitHub
// side of a learning run: new proposals become pull requests, votes are pushed and commented.
import { evaluateOpenProposals } from '../learning/agent-proposals.js';
import { githubProposalHost, pullRequestBody } from '../consensus/github-host.js';
import type { ConsensusRound } from '../learning/consensus-round.js';
import {
  parseProposal,
  parseProposalNumber,
  proposalPath,
  PROPOSAL_BRANCH_PREFIX,
} from '../consensus/proposal.js';
import { describeSettleOutcome, settleProposal, type SettleOutcome } from '../consensus/settle.js';
import { isoSeconds } from '../memory/schema-parts.js';
import { publishWork } from '../loop/publish.js';
import type { ActionContext } from './context.js';
import { REMOTE } from './context.js';
import type { ActionReport } from './report.js';

/** Evaluates proposals on GitHub (or on plain git in a dry run); closes' records are pushed. */
export async function evaluateProposalsInAction(
  ctx: ActionContext,
  only?: number,
): Promise<SettleOutcome[]> {
  const target = await ctx.prepareToWrite();
  const pulls = ctx.pulls;
  if (!pulls || !target)
    return evaluateOpenProposals(
      { repoRoot: ctx.repoRoot, git: ctx.git, logger: ctx.logger, now: ctx.now },
      only,
    );
  const open = await pulls.listByHeadPrefix(PROPOSAL_BRANCH_PREFIX, 'open');
  const numbers = open
    .map((p) => parseProposalNumber(p.headRef))
    .filter((n): n is number => n !== undefined && (only === undefined || n === only));
  const host = githubProposalHost({
    repoRoot: ctx.repoRoot,
    git: ctx.git,
    remote: target.remote,
    pulls,
    platform: ctx.platform,
    now: ctx.now,
    logger: ctx.logger,
  });
  // A merge on GitHub moves the base branch, so the push after it is rejected and the work is
  // replayed: the replay finds the proposal already merged, and the merge it made is what counts.
  const mergedEarlier = new Map<number, SettleOutcome>();
  const { value } = await publishWork<SettleOutcome[]>({
    git: ctx.git,
    target,
    logger: ctx.logger,
    work: async () => {
      const outcomes: SettleOutcome[] = [];
      for (const number of numbers) {
        const outcome = await settleProposal(host, number, {
          now: () => isoSeconds(ctx.now()),
          logger: ctx.logger,
        });
        if (outcome.kind === 'merged') mergedEarlier.set(number, outcome);
        outcomes.push(
          outcome.kind === 'already-merged' ? (mergedEarlier.get(number) ?? outcome) : outcome,
        );
      }
      return outcomes;
    },
  });
  return value;
}

export async function runConsensusMode(ctx: ActionContext): Promise<ActionReport> {
  const event = ctx.event;
  const only =
    event.name === 'pull_request_review' ? parseProposalNumber(event.headRef) : undefined;
  if (event.name === 'pull_request_review' && only === undefined)
    return {
      status: 'skipped',
      title: 'consensus',
      lines: [
        `Nothing to do: ${event.headRef} is not a proposal branch (${PROPOSAL_BRANCH_PREFIX}NNN).`,
      ],
      outputs: {},
    };
  const outcomes = await evaluateProposalsInAction(ctx, only);
  const merged = outcomes.filter((o) => o.kind === 'merged').length;
  return {
    status: merged > 0 ? 'merged' : 'evaluated',
    title: 'consensus',
    lines: outcomes.length > 0 ? outcomes.map(describeSettleOutcome) : ['No open proposals.'],
    outputs: {},
  };
}

/**
 * What a learning run on GitHub needs around it: the proposal branches fetched as local branches
 * first (so the agent votes on what GitHub has), a new proposal published as a branch and a pull
 * request, and each vote pushed to its branch and commented on its pull request.
 */
export async function fetchProposalBranches(ctx: ActionContext): Promise<void> {
  await ctx.git.exec([
    'fetch',
    '--quiet',
    '--no-tags',
    REMOTE,
    `+refs/heads/${PROPOSAL_BRANCH_PREFIX}*:refs/heads/${PROPOSAL_BRANCH_PREFIX}*`,
  ]);
}

/** The pull request each run opened for a proposal: the action's `proposal-url` output. */
const openedPullUrls = new WeakMap<ActionContext, string>();

export function proposalUrlOutput(ctx: ActionContext): { 'proposal-url'?: string } {
  const url = openedPullUrls.get(ctx);
  return url ? { 'proposal-url': url } : {};
}

export function claimOnGitHub(ctx: ActionContext, base: string) {
  return async (branch: string): Promise<boolean> => {
    const pushed = await ctx.git.exec(
      ['push', '--porcelain', REMOTE, `refs/heads/${branch}:refs/heads/${branch}`],
      { allowFailure: true },
    );
    if (pushed.exitCode !== 0) return false;
    const number = parseProposalNumber(branch);
    const path = number === undefined ? undefined : proposalPath(number);
    const text = path && (await ctx.git.fileAt(`refs/heads/${branch}`, path));
    if (ctx.pulls && path && text) {
      const data = parseProposal(path, text).data;
      const pull = await ctx.pulls.create({
        head: branch,
        base,
        title: `${data.proposal}: ${data.subject} (proposed by ${data.proposer})`,
        body: pullRequestBody(data),
      });
      openedPullUrls.set(ctx, pull.url);
    }
    return true;
  };
}

export async function publishVotes(
  ctx: ActionContext,
  agent: string,
  round: ConsensusRound,
): Promise<void> {
  const pulls = ctx.pulls;
  for (const vote of round.votes) {
    const branch = vote.proposal.branch;
    const pushed = await ctx.git.exec(
      [
        'push',
        '--porcelain',
        `--force-with-lease=refs/heads/${branch}:${vote.proposal.head ?? ''}`,
        REMOTE,
        `refs/heads/${branch}:refs/heads/${branch}`,
      ],
      { allowFailure: true },
    );
    if (pushed.exitCode !== 0) {
      ctx.logger.warn(
        `the vote on ${vote.proposal.data.proposal} was not pushed: ${branch} moved meanwhile; the next run votes again`,
      );
      continue;
    }
    const pull = pulls
      ? (await pulls.listByHeadPrefix(branch, 'open')).find((p) => p.headRef === branch)
      : undefined;
    if (pull)
      await ctx.platform.comment(
        pull.number,
        `Agent \`${agent}\` votes **${vote.vote.vote}**: ${vote.vote.reason}`,
      );
  }
}
