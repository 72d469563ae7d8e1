// Landing one piece of work (an iteration, a feedback) on the shared branch (SPEC §4): commit, then
// push with bounded fetch–rebase–retry, so concurrent runs never lose a commit.
//
// "Rebase" here means replaying the work on the fetched memory, not merging text: two reward records
// appended at once share many identical lines, and a line-based union merge interleaves them into
// broken records. Replaying runs the same deterministic update (with the model's remembered answer)
// on top of what the other run wrote, so indexes, counters and confidences account for both.
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
 * because the remote moved on, the local commit is dropped, HEAD moves to the remote's head and
 * `work` runs again there. `work` must therefore be repeatable: it reads memory afresh each time.
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
      await git.resetHard(base);
      // Commits that were local before the work began (rare outside a fresh checkout) are rebased
      // as text; the work itself is replayed.
      if (await git.isAncestor(base, upstream)) await git.resetHard(upstream);
      else await git.rebase(upstream);
      base = await git.headSha();
      logger.info(`replaying the work on ${base.slice(0, 7)}`);
      value = await input.work();
    },
  });
  return { value, push };
}
