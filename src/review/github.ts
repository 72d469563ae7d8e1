// Reviews on GitHub: a review branch is pushed and has one pull request, opened the first time and
// found again after (never a second one for the same branch); a review's state is its pull
// request's (merged, closed unmerged, open). The branches are fetched before a run, so the runtime
// sees the reviews the way plain git would.
import type { Git } from '../git/git.js';
import { silentLogger, type Logger } from '../log.js';
import type { GitHubPulls, PullRequest } from '../platform/pulls.js';
import { PROMOTIONS_BRANCH_PREFIX, REVIEW_BRANCH_PREFIX } from './branches.js';
import { localReviewState, type ReviewState } from './settle.js';

/** Brings every review and promotions branch of `remote` into the local branches of the same name. */
export async function fetchReviewBranches(git: Git, remote: string): Promise<void> {
  await git.exec(
    [
      'fetch',
      '--quiet',
      '--no-tags',
      remote,
      `+refs/heads/${REVIEW_BRANCH_PREFIX}*:refs/heads/${REVIEW_BRANCH_PREFIX}*`,
      `+refs/heads/${PROMOTIONS_BRANCH_PREFIX}*:refs/heads/${PROMOTIONS_BRANCH_PREFIX}*`,
    ],
    { allowFailure: true },
  );
}

/** The pull request of a branch, newest first: the open one when there is one. */
export async function pullOfBranch(
  pulls: GitHubPulls,
  branch: string,
): Promise<PullRequest | undefined> {
  const all = (await pulls.listByHeadPrefix(branch)).filter((p) => p.headRef === branch);
  return all.find((p) => p.state === 'open') ?? all[0];
}

/**
 * Pushes the review branch (it belongs to the runtime: replaced on a retry) and returns its open
 * pull request, opening it when there is none.
 */
export async function publishReview(input: {
  git: Git;
  remote: string;
  pulls: GitHubPulls | undefined;
  branch: string;
  base: string;
  title: string;
  body: string;
  logger?: Logger;
}): Promise<{ pull: PullRequest | undefined; opened: boolean }> {
  const logger = input.logger ?? silentLogger;
  await input.git.forcePushBranch(input.remote, input.branch);
  logger.info(`pushed ${input.branch} for review`);
  if (!input.pulls) return { pull: undefined, opened: false };
  const open = (await input.pulls.listByHeadPrefix(input.branch, 'open')).find(
    (p) => p.headRef === input.branch,
  );
  if (open) {
    logger.info(`pull request #${open.number} already reviews ${input.branch}`);
    return { pull: open, opened: false };
  }
  const pull = await input.pulls.create({
    head: input.branch,
    base: input.base,
    title: input.title,
    body: input.body,
  });
  logger.info(`opened pull request #${pull.number} for ${input.branch}`);
  return { pull, opened: true };
}

/**
 * A review's state on GitHub: its pull request's; a rejected one's branch is deleted on the remote,
 * so that it is not fetched again. Without a pull request, the branch decides as on plain git.
 */
export function githubReviewState(input: {
  git: Git;
  remote: string;
  pulls: GitHubPulls;
}): (branch: string) => Promise<ReviewState> {
  return async (branch) => {
    const pull = await pullOfBranch(input.pulls, branch);
    if (!pull) return localReviewState(input.git, branch);
    if (pull.merged) return 'merged';
    if (pull.state === 'open') return 'open';
    await input.git.exec(['push', '--quiet', input.remote, '--delete', branch], {
      allowFailure: true,
    });
    return 'rejected';
  };
}
