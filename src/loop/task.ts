// Receiving a task (SPEC §4): from queue.md, the command line, an issue or a dispatch, always with a
// stable id so that the same task is never scored twice.
import { createHash } from 'node:crypto';
import { InputError } from '../errors.js';
import { pendingEntries, TASK_ID_PATTERN, type Queue } from '../memory/queue.js';

export type TaskSource = 'queue' | 'cli' | 'issue' | 'dispatch';

export interface Task {
  id: string;
  text: string;
  agent: string;
  source: TaskSource;
  /** The issue the task came from, for `Refs #N` and comments. */
  issueNumber?: number;
}

/** A stable id for ad-hoc task text: the same text always gets the same id. */
export function adHocTaskId(text: string): string {
  return `task-${createHash('sha256').update(text.trim()).digest('hex').slice(0, 10)}`;
}

export function taskFromText(agent: string, text: string, id?: string): Task {
  const trimmed = text.trim();
  if (trimmed === '') throw new InputError('the task text is empty');
  const taskId = id ?? adHocTaskId(trimmed);
  if (!TASK_ID_PATTERN.test(taskId)) {
    throw new InputError(`"${taskId}" is not a task id: use letters, digits, ".", "_" and "-"`);
  }
  return { id: taskId, text: trimmed, agent, source: 'cli' };
}

/**
 * The next pending task of the queue not in `passOver`, or a named one (pending or not, so it can
 * be retried).
 */
export function taskFromQueue(
  agent: string,
  queue: Queue,
  id?: string,
  passOver: ReadonlySet<string> = new Set(),
): Task | undefined {
  const entry =
    id === undefined
      ? pendingEntries(queue).find((e) => !passOver.has(e.id))
      : queue.entries.find((e) => e.id === id);
  if (id !== undefined && !entry) {
    const known = queue.entries.map((e) => e.id).join(', ') || 'none';
    throw new InputError(`no task "${id}" in agents/${agent}/queue.md (tasks: ${known})`);
  }
  return entry && { id: entry.id, text: entry.task, agent, source: 'queue' };
}
