// Bad queue entries never block the queue: before a run takes its next task, each malformed
// pending entry of queue.md is marked failed with its reason and moved to the archive, in a commit
// of its own that names the entry, and the run goes on with the good ones.
import type { Git } from '../git/git.js';
import { silentLogger, type Logger } from '../log.js';
import { agentPaths } from '../memory/layout.js';
import { planQueueWrites } from '../memory/queue-archive.js';
import {
  loadQueue,
  malformedEntries,
  markEntryFailed,
  takeFinishedEntries,
} from '../memory/queue.js';
import { MemoryWriter } from '../memory/writer.js';

export interface FailedEntry {
  id: string;
  /** The heading's line in queue.md. */
  line: number;
  reason: string;
  commit: string;
}

/** Marks every malformed pending entry of the agent's queue.md failed, one commit each. */
export async function failMalformedTasks(input: {
  repoRoot: string;
  git: Git;
  agent: string;
  now?: () => Date;
  logger?: Logger;
}): Promise<FailedEntry[]> {
  const { repoRoot, agent } = input;
  const logger = input.logger ?? silentLogger;
  const now = input.now ?? (() => new Date());
  const path = agentPaths(agent).queue;
  const failed: FailedEntry[] = [];
  // Read once, so every entry is reported on the line it had when the run began.
  let queue = loadQueue(repoRoot, agent);
  for (const entry of malformedEntries(queue)) {
    const reason = entry.problem ?? 'malformed';
    const at = now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
    const writer = new MemoryWriter(repoRoot, agent, logger);
    const marked = markEntryFailed(queue, entry, reason, at);
    for (const write of planQueueWrites(repoRoot, agent, marked, at))
      writer.write(write.path, write.content);
    queue = takeFinishedEntries(marked).queue;
    const paths = writer.written;
    await input.git.add(paths);
    const commit = await input.git.commit(
      `${agent}: queue — mark ${entry.id} failed: ${reason}\n\n` +
        `The entry on line ${entry.line} of ${path} cannot run, so it moves to the queue's archive ` +
        `with status: failed and error: why. Fix it and enqueue it again under a new id.\n`,
    );
    logger.warn(`${path}:${entry.line}: task ${entry.id} marked failed: ${reason}`);
    failed.push({ id: entry.id, line: entry.line, reason, commit });
  }
  return failed;
}
