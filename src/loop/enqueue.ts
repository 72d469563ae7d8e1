// Enqueuing tasks by file (SPEC §4): entries appended to queue.md and committed, so the queue's
// history is in git like every other change of mind. Ids stay unique across queue.md, its archive
// and the reward log; a task text over 64 KiB, or one that would fill queue.md, is refused.
import { AgentOSError, InputError } from '../errors.js';
import { formatCommitMessage } from '../git/message.js';
import type { Git } from '../git/git.js';
import type { Logger } from '../log.js';
import { landChange } from '../memory/change.js';
import { recoverInterruptedChange } from '../memory/journal.js';
import { agentPaths, slugify } from '../memory/layout.js';
import { MAX_MEMORY_FILE_BYTES } from '../memory/path-guard.js';
import { archivedTaskIds, planQueueWrites } from '../memory/queue-archive.js';
import {
  addEntry,
  loadQueue,
  MAX_TASK_TEXT_BYTES,
  normaliseTaskText,
  pendingEntries,
  TASK_ID_PATTERN,
  type Priority,
} from '../memory/queue.js';
import { readRewardIndex } from '../memory/reward-log.js';
import { isoSeconds } from '../memory/schema-parts.js';

export interface NewTask {
  text: string;
  id?: string;
  priority?: Priority;
}

/** Refuses a task text of `bytes` (UTF-8) over the size limit, naming the limit and the size. */
export function checkTaskTextSize(bytes: number): void {
  if (bytes > MAX_TASK_TEXT_BYTES) {
    throw new InputError(
      `the task text is ${bytes} bytes, over the ${MAX_TASK_TEXT_BYTES / 1024} KiB limit (${MAX_TASK_TEXT_BYTES} bytes)`,
    );
  }
}

/** Appends tasks to the agent's queue.md and commits; returns the ids given to them. */
export async function enqueueTasks(input: {
  repoRoot: string;
  git: Git;
  agent: string;
  tasks: NewTask[];
  now?: () => Date;
  logger?: Logger;
}): Promise<{ ids: string[]; commit: string }> {
  const { repoRoot, agent } = input;
  await recoverInterruptedChange(input);
  const created = isoSeconds((input.now ?? (() => new Date()))());
  const before = loadQueue(repoRoot, agent);
  let queue = before;
  const taken = new Set([
    ...queue.entries.map((e) => e.id),
    ...archivedTaskIds(repoRoot, agent),
    ...readRewardIndex(repoRoot, agent).taskIds(),
  ]);
  const ids: string[] = [];
  for (const task of input.tasks) {
    const text = normaliseTaskText(task.text);
    if (text === '') throw new InputError('a task needs text');
    checkTaskTextSize(Buffer.byteLength(text));
    const id = task.id ?? uniqueId(text, taken);
    if (!TASK_ID_PATTERN.test(id))
      throw new InputError(`"${id}" is not a task id: use letters, digits, ".", "_" and "-"`);
    if (taken.has(id))
      throw new InputError(
        `task id "${id}" is already used in agents/${agent}/queue.md, its archive or the reward log agents/${agent}/rewards/`,
      );
    taken.add(id);
    ids.push(id);
    queue = addEntry(queue, { id, task: text, priority: task.priority ?? 'normal', created });
  }
  const path = agentPaths(agent).queue;
  const writes = planQueueWrites(repoRoot, agent, queue, created);
  const queueBytes = Buffer.byteLength(writes.find((w) => w.path === path)?.content ?? '');
  if (queueBytes > MAX_MEMORY_FILE_BYTES) {
    const pending = pendingEntries(before).length;
    throw new InputError(
      `the queue is full: ${path} holds ${pending} pending task${pending === 1 ? '' : 's'}, and ` +
        `adding ${ids.length === 1 ? 'this one' : `these ${ids.length}`} would make it ${queueBytes} bytes, ` +
        `over the ${MAX_MEMORY_FILE_BYTES}-byte limit: run some first (agentos run --all)`,
    );
  }
  const subject =
    ids.length === 1 ? `${agent}: enqueue ${ids[0]}` : `${agent}: enqueue ${ids.length} tasks`;
  const { commit } = await landChange({ ...input, label: `${agent} enqueue` }, async (writer) => {
    for (const write of writes) writer.write(write.path, write.content);
    const message = formatCommitMessage({
      subject,
      body: ids.map((id) => `- ${id}`),
      trailers: [['AgentOS-Agent', agent]],
    });
    return { message, value: undefined };
  });
  if (commit === undefined) throw new AgentOSError(`enqueue changed nothing in ${path}`);
  return { ids, commit };
}

/** A readable id from the task's first words, made unique with a counter. */
function uniqueId(text: string, taken: Set<string>): string {
  const base = slugify(text.split(/\s+/).slice(0, 6).join(' ')) || 'task';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}
