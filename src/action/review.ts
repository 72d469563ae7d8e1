// The action's side of changes for review (src/review/): before a run it fetches the review
// branches and settles the queue's reviews from their pull requests; after an `autonomy: assistant`
// iteration it pushes the review branch and opens its one pull request; an issue task whose review
// is still open is not run again.
import type { IterationResult } from '../loop/iteration.js';
import { publishWork, type PublishTarget } from '../loop/publish.js';
import { loadQueue } from '../memory/queue.js';
import type { PullRequest } from '../platform/pulls.js';
import { taskReviewBranch } from '../review/branches.js';
import {
  fetchReviewBranches,
  githubReviewState,
  publishReview,
  pullOfBranch,
} from '../review/github.js';
import { taskReviewBody, taskReviewTitle } from '../review/pull-body.js';
import { settleReviews } from '../review/settle.js';
import type { ActionContext } from './context.js';

/** Fetches the review branches, then marks done or rejected the queue's reviews GitHub settled. */
export async function prepareReviews(
  ctx: ActionContext,
  target: PublishTarget | undefined,
  agent: string,
): Promise<void> {
  if (!target) return;
  await fetchReviewBranches(ctx.git, target.remote);
  const inReview = loadQueue(ctx.repoRoot, agent).entries.some((e) => e.status === 'review');
  if (!inReview) return;
  const pulls = ctx.pulls;
  await publishWork({
    git: ctx.git,
    target,
    logger: ctx.logger,
    work: () =>
      settleReviews({
        repoRoot: ctx.repoRoot,
        git: ctx.git,
        agent,
        now: ctx.now,
        logger: ctx.logger,
        ...(pulls
          ? { stateOf: githubReviewState({ git: ctx.git, remote: target.remote, pulls }) }
          : {}),
      }),
  });
}

/**
 * An issue task of an `autonomy: assistant` agent: its open pull request when its review is still
 * open (the task is not run again); a review closed unmerged is cleared so that the task runs anew.
 */
export async function openReviewOf(
  ctx: ActionContext,
  target: PublishTarget | undefined,
  agent: string,
  taskId: string,
): Promise<PullRequest | undefined> {
  const pulls = ctx.pulls;
  if (!target || !pulls) return undefined;
  const branch = taskReviewBranch(agent, taskId);
  const pull = await pullOfBranch(pulls, branch);
  if (pull?.state === 'open' && !pull.merged) return pull;
  if (pull && !pull.merged) {
    await githubReviewState({ git: ctx.git, remote: target.remote, pulls })(branch);
    const tip = await ctx.git.resolveRef(`refs/heads/${branch}`);
    if (tip) await ctx.git.tryDeleteBranch(branch, tip);
  }
  return undefined;
}

/**
 * Before an iteration of a task that is not in review (its pull request is not open): a local
 * review branch of the task is left over (from a closed pull request, or from this run's own first
 * attempt when a rejected push replays the work), so it must not make the task look in review.
 */
export async function forgetLocalReview(
  ctx: ActionContext,
  agent: string,
  taskId: string,
): Promise<void> {
  const branch = taskReviewBranch(agent, taskId);
  const tip = await ctx.git.resolveRef(`refs/heads/${branch}`);
  if (tip) await ctx.git.tryDeleteBranch(branch, tip);
}

/** Pushes an iteration's review branch and returns its pull request (opened once per branch). */
export async function publishTaskReview(
  ctx: ActionContext,
  target: PublishTarget | undefined,
  result: IterationResult,
): Promise<PullRequest | undefined> {
  const review = result.review;
  if (!target || !review || !result.record) return undefined;
  const { pull } = await publishReview({
    git: ctx.git,
    remote: target.remote,
    pulls: ctx.pulls,
    branch: review.branch,
    base: target.branch,
    title: taskReviewTitle(result.task.agent, result.task.id),
    body: taskReviewBody({
      agent: result.task.agent,
      taskId: result.task.id,
      task: result.task.text,
      answer: result.answer,
      outcome: result.record.outcome,
      reward: result.record.reward,
      model: `${result.record.model_used} [${result.record.model_name}]`,
      files: review.files,
      base: target.branch,
    }),
    logger: ctx.logger,
  });
  return pull;
}

/** The report's lines about a review. */
export function reviewLines(result: IterationResult, pull: PullRequest | undefined): string[] {
  if (!result.review) return [];
  return [
    '',
    pull
      ? `Memory change awaiting review: pull request [#${pull.number}](${pull.url}) from \`${result.review.branch}\` (autonomy: assistant).`
      : `Memory change awaiting review on branch \`${result.review.branch}\` (autonomy: assistant).`,
  ];
}
