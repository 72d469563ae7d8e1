// Nothing blocks the queue: before a run takes its next task, each malformed pending entry of
// queue.md is marked failed with its reason (a commit of its own that names it), and each pending
// entry that already has a reward record (a run an older runtime could not mark done) is marked
// done; both move to the archive, and the run goes on with the good ones.
import { AgentOSError } from '../errors.js';
import type { Git } from '../git/git.js';
import { formatCommitMessage } from '../git/message.js';
import { landChange } from '../memory/change.js';
import { silentLogger, type Logger } from '../log.js';
import { agentPaths } from '../memory/layout.js';
import { planQueueWrites, type FileWrite } from '../memory/queue-archive.js';
import {
  loadQueue,
  malformedEntries,
  markEntryFailed,
  takeFinishedEntries,
  withEntryFields,
  type Queue,
  type QueueEntry,
} from '../memory/queue.js';
import { readRewardIndex, type RewardIndex } from '../memory/reward-log.js';
import { isoSeconds } from '../memory/schema-parts.js';

export interface FailedEntry {
  id: string;
  /** The heading's line in queue.md when the run began. */
  line: number;
  reason: string;
  commit: string;
}

export interface QueueRepair {
  failed: FailedEntry[];
  /** Ids of pending entries marked done because a reward record says they ran. */
  settled: string[];
}

/**
 * Pure: pending entries whose task already has a reward record without an error, with that
 * record's time. Running them again would only say "already processed", run after run.
 */
export function processedEntries(
  queue: Queue,
  rewards: Pick<RewardIndex, 'status' | 'record'>,
): { entry: QueueEntry; at: string }[] {
  return queue.entries
    .filter((entry) => entry.status === 'pending' && entry.problem === undefined)
    .flatMap((entry) => {
      const at = rewards.status(entry.id) === 'done' ? rewards.record(entry.id)?.at : undefined;
      return at === undefined ? [] : [{ entry, at }];
    });
}

/** Whether `repairQueue` has anything to do. */
export function queueNeedsRepair(
  queue: Queue,
  rewards: Pick<RewardIndex, 'status' | 'record'>,
): boolean {
  return malformedEntries(queue).length > 0 || processedEntries(queue, rewards).length > 0;
}

/** Marks malformed entries failed (one commit each), then processed ones done (one commit). */
export async function repairQueue(input: {
  repoRoot: string;
  git: Git;
  agent: string;
  now?: () => Date;
  logger?: Logger;
}): Promise<QueueRepair> {
  const { repoRoot, agent } = input;
  const logger = input.logger ?? silentLogger;
  const now = input.now ?? (() => new Date());
  const stamp = () => isoSeconds(now());
  const path = agentPaths(agent).queue;
  const land = async (writes: FileWrite[], subject: string, body: string): Promise<string> => {
    const landed = await landChange(
      { repoRoot, git: input.git, agent, label: `${agent} queue repair`, logger },
      async (writer) => {
        for (const write of writes) writer.write(write.path, write.content);
        const message = formatCommitMessage({
          subject,
          body: [body],
          trailers: [['AgentOS-Agent', agent]],
        });
        return { message, value: undefined };
      },
    );
    if (landed.commit === undefined)
      throw new AgentOSError(`repairing ${path} changed nothing: ${subject}`);
    return landed.commit;
  };

  const failed: FailedEntry[] = [];
  // Read once, so every entry is reported on the line it had when the run began.
  let queue = loadQueue(repoRoot, agent);
  for (const entry of malformedEntries(queue)) {
    const reason = entry.problem ?? 'malformed';
    const at = stamp();
    const marked = markEntryFailed(queue, entry, reason, at);
    const commit = await land(
      planQueueWrites(repoRoot, agent, marked, at),
      `${agent}: queue — mark ${entry.id} failed: ${reason}`,
      `The entry on line ${entry.line} of ${path} cannot run, so it moves to the queue's archive ` +
        `with status: failed and error: why. Fix it and enqueue it again under a new id.`,
    );
    queue = takeFinishedEntries(marked).queue;
    logger.warn(`${path}:${entry.line}: task ${entry.id} marked failed: ${reason}`);
    failed.push({ id: entry.id, line: entry.line, reason, commit });
  }

  const processed = processedEntries(queue, readRewardIndex(repoRoot, agent));
  if (processed.length > 0) {
    let settledQueue = queue;
    for (const { entry, at } of processed) {
      settledQueue = {
        ...settledQueue,
        entries: settledQueue.entries.map((e) =>
          e === entry ? withEntryFields(e, { status: 'done', done_at: at }) : e,
        ),
      };
      logger.warn(
        `${path}:${entry.line}: task ${entry.id} already has a reward record: marked done`,
      );
    }
    const ids = processed.map(({ entry }) => entry.id);
    await land(
      planQueueWrites(repoRoot, agent, settledQueue, stamp()),
      `${agent}: queue — mark ${ids.length === 1 ? ids[0] : `${ids.length} tasks`} done: already processed`,
      `A reward record exists for each of these tasks, so they move to the queue's archive ` +
        `instead of running again:\n\n${ids.map((id) => `- ${id}`).join('\n')}`,
    );
  }
  return { failed, settled: processed.map(({ entry }) => entry.id) };
}
