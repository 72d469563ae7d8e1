// Landing one piece of work (an iteration, a feedback, a learning run) on the shared branch
// (SPEC §4): commit, then push with bounded fetch–rebuild–retry, so concurrent runs never lose a
// commit and never push anything but their own.
//
// "Rebuild" means replaying the work on the fetched memory, not merging text: replaying runs the same
// deterministic update (with the model's remembered answer) on top of what the other run wrote, so
// indexes, counters and confidences account for both. Only the files the work itself committed are
// taken back before the replay; nothing else in the working tree or the index is reset.
import { AgentOSError } from '../errors.js';
import type { Git, PushOptions, PushResult } from '../git/git.js';
import { silentLogger, type Logger } from '../log.js';

export interface PublishTarget {
  remote: string;
  branch: string;
}

export interface Published<T> {
  /** What the last run of `work` returned (the one that landed). */
  value: T;
  /** Undefined when there was no target: the commit stays local. */
  push: PushResult | undefined;
}

/**
 * Runs `work` (which commits on top of HEAD) and pushes HEAD to `target`. When the push is rejected
 * because the remote moved on, the work's own commits are taken back (their files restored, HEAD
 * moved back), the checkout moves forward to the remote's head (carrying any other local change, as
 * `git merge --ff-only` does) and `work` runs again there. `work` must therefore be repeatable: it
 * reads memory afresh each time. HEAD must not have commits the remote lacks when the work begins
 * (see `ensureNothingUnpushed`): the push carries the work's commits and nothing else.
 */
export async function publishWork<T>(input: {
  git: Git;
  target: PublishTarget | undefined;
  work: () => Promise<T>;
  push?: Omit<PushOptions, 'remote' | 'branch' | 'rebase'>;
  logger?: Logger;
}): Promise<Published<T>> {
  const { git, target } = input;
  const logger = input.logger ?? silentLogger;
  let base = await git.headSha();
  let value = await input.work();
  if (!target) return { value, push: undefined };
  const push = await git.pushWithRebaseRetry({
    ...input.push,
    ...target,
    logger,
    rebase: async (upstream) => {
      if (!(await git.isAncestor(base, upstream)))
        throw new AgentOSError(
          `${target.remote}/${target.branch} no longer contains ${base.slice(0, 7)}, the commit this run started from (was the branch force-pushed?); nothing was pushed`,
        );
      const head = await git.headSha();
      await git.restorePaths(base, await git.changedPaths(base, head));
      await git.moveHead(base, head);
      await git.exec(['merge', '--quiet', '--ff-only', upstream]);
      base = upstream;
      logger.info(`replaying the work on ${base.slice(0, 7)}`);
      value = await input.work();
    },
  });
  return { value, push };
}

/**
 * Brings the checkout up to `target` (a fast-forward that keeps local changes) and refuses to go on
 * when HEAD holds commits the remote lacks: the runtime pushes only its own commits.
 */
export async function ensureNothingUnpushed(git: Git, target: PublishTarget): Promise<void> {
  if (await git.fastForwardTo(target.remote, target.branch)) return;
  const upstream = `refs/remotes/${target.remote}/${target.branch}`;
  const ahead = (await git.exec(['rev-list', '--count', `${upstream}..HEAD`])).stdout.trim();
  throw new AgentOSError(
    `the checkout has ${ahead} commit(s) that are not on ${target.remote}/${target.branch}; AgentOS pushes only its own commits: push or drop them first`,
  );
}
