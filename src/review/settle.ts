// What became of the changes awaiting review: a queue entry in `status: review` is done once its
// change is on the working branch (the review branch merged: its reward record is there), and goes
// back to pending with `review_rejected` (passed over until `agentos retry`) once its review was
// closed without merging (on plain git: the branch deleted unmerged). Queue bookkeeping only: one
// commit on the working branch when anything changed.
import type { Git } from '../git/git.js';
import { formatCommitMessage } from '../git/message.js';
import { silentLogger, type Logger } from '../log.js';
import { landChange } from '../memory/change.js';
import { planQueueWrites } from '../memory/queue-archive.js';
import {
  entryField,
  loadQueue,
  withEntryFields,
  withoutEntryFields,
  type Queue,
  type QueueEntry,
} from '../memory/queue.js';
import { readRewardIndex } from '../memory/reward-log.js';
import { isoSeconds } from '../memory/schema-parts.js';
import { taskReviewBranch } from './branches.js';

/** The queue fields of a task in review: its branch, and why a rejected review was rejected. */
export const REVIEW_BRANCH_FIELD = 'review_branch';
export const REVIEW_REJECTED_FIELD = 'review_rejected';

export type ReviewState = 'open' | 'merged' | 'rejected';

/** Whether a pending entry's last review was rejected: it waits for `agentos retry`. */
export function isReviewRejected(entry: QueueEntry): boolean {
  return entryField(entry, REVIEW_REJECTED_FIELD) !== undefined;
}

/** The review branch a queue entry names (or the task's usual one). */
export function entryReviewBranch(agent: string, entry: QueueEntry): string {
  return entryField(entry, REVIEW_BRANCH_FIELD) || taskReviewBranch(agent, entry.id);
}

/** On plain git the branch is the review: merged when it is in HEAD, rejected when deleted unmerged. */
export async function localReviewState(git: Git, branch: string): Promise<ReviewState> {
  const tip = await git.resolveRef(`refs/heads/${branch}`);
  if (tip === undefined) return 'rejected';
  return (await git.isAncestor(tip, 'HEAD')) ? 'merged' : 'open';
}

export interface SettledReviews {
  merged: string[];
  rejected: { id: string; branch: string; reason: string }[];
  commit: string | undefined;
}

/**
 * Pure: the queue after settling its entries in review, given each one's state (a merged change is
 * known by its reward record, whatever `stateOf` says).
 */
export function planSettledQueue(
  queue: Queue,
  states: ReadonlyMap<string, { state: ReviewState; reason: string }>,
  at: string,
): Queue {
  return {
    ...queue,
    entries: queue.entries.map((entry) => {
      const settled = entry.status === 'review' ? states.get(entry.id) : undefined;
      if (!settled || settled.state === 'open') return entry;
      if (settled.state === 'merged')
        return withEntryFields(entry, { status: 'done', done_at: at });
      return withEntryFields(withoutEntryFields(entry, [REVIEW_BRANCH_FIELD]), {
        status: 'pending',
        [REVIEW_REJECTED_FIELD]: settled.reason,
      });
    }),
  };
}

export async function settleReviews(input: {
  repoRoot: string;
  git: Git;
  agent: string;
  now?: () => Date;
  logger?: Logger;
  /** The review's state where it lives (GitHub: its pull request); plain git by default. */
  stateOf?: (branch: string) => Promise<ReviewState>;
}): Promise<SettledReviews> {
  const { repoRoot, git, agent } = input;
  const logger = input.logger ?? silentLogger;
  const queue = loadQueue(repoRoot, agent);
  const inReview = queue.entries.filter((e) => e.status === 'review' && e.problem === undefined);
  if (inReview.length === 0) return { merged: [], rejected: [], commit: undefined };
  const rewards = readRewardIndex(repoRoot, agent);
  const stateOf = input.stateOf ?? ((branch: string) => localReviewState(git, branch));
  const states = new Map<string, { state: ReviewState; reason: string }>();
  const merged: string[] = [];
  const rejected: SettledReviews['rejected'] = [];
  for (const entry of inReview) {
    const branch = entryReviewBranch(agent, entry);
    const state = rewards.status(entry.id) === 'done' ? 'merged' : await stateOf(branch);
    const reason = `the review of ${branch} was closed without merging`;
    states.set(entry.id, { state, reason });
    if (state === 'merged') merged.push(entry.id);
    if (state === 'rejected') rejected.push({ id: entry.id, branch, reason });
  }
  if (merged.length === 0 && rejected.length === 0) return { merged, rejected, commit: undefined };
  const at = isoSeconds((input.now ?? (() => new Date()))());
  const landed = await landChange(
    { repoRoot, git, agent, label: `${agent} reviews`, logger },
    async (writer) => {
      for (const write of planQueueWrites(repoRoot, agent, planSettledQueue(queue, states, at), at))
        writer.write(write.path, write.content);
      const message = formatCommitMessage({
        subject: `${agent}: reviews settled — ${merged.length} merged, ${rejected.length} rejected`,
        body: [
          ...merged.map((id) => `- ${id}: merged; done`),
          ...rejected.map((r) => `- ${r.id}: ${r.reason}; "agentos retry ${r.id}" runs it again`),
        ],
        trailers: [['AgentOS-Agent', agent]],
      });
      return { message, value: undefined };
    },
  );
  for (const r of rejected) {
    const tip = await git.resolveRef(`refs/heads/${r.branch}`);
    if (tip) await git.tryDeleteBranch(r.branch, tip);
    logger.info(`${agent} ${r.id}: ${r.reason}; "agentos retry ${r.id}" runs it again`);
  }
  for (const id of merged) logger.info(`${agent} ${id}: its review was merged; done`);
  return { merged, rejected, commit: landed.commit };
}
