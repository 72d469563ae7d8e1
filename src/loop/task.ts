// Receiving a task (SPEC §4): from queue.md, the command line, an issue or a dispatch, always with a
// stable id so that the same task is never scored twice.
import { createHash } from 'node:crypto';
import { InputError } from '../errors.js';
import type { EvidenceSource } from '../memory/evidence-source.js';
import type { FoundTask } from '../memory/queue-archive.js';
import { agentPaths } from '../memory/layout.js';
import {
  entryField,
  pendingEntries,
  TASK_ID_PATTERN,
  type Queue,
  type QueueEntry,
} from '../memory/queue.js';
import { isReviewRejected } from '../review/settle.js';
import { approvedBy, isAwaitingApproval } from './policy-stop.js';

export type TaskSource = 'queue' | 'cli' | 'issue' | 'dispatch';

export interface Task {
  id: string;
  text: string;
  agent: string;
  source: TaskSource;
  /** The issue the task came from, for `Refs #N` and comments. */
  issueNumber?: number;
  /** The person who approved the task at a human review point (src/policy/task-policy.ts). */
  approvedBy?: string;
  /** Who the task's text came from; absent: the source the task's `source` implies. */
  provenance?: EvidenceSource;
}

/** Where a task's evidence came from: recorded on its reward record and on every belief it backs. */
export function taskProvenance(task: Task): EvidenceSource {
  if (task.provenance) return task.provenance;
  // An issue task without an author is nobody's word: untrusted, like an unknown association.
  return { kind: task.source };
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
 * The next runnable pending task of the queue not in `passOver` (malformed entries are passed
 * over too), or a named one, pending or done, so it can be retried; `archived` looks up a named
 * task that has left queue.md (see `findTask`). A named task that cannot run is an InputError
 * that says why.
 */
export function taskFromQueue(
  agent: string,
  queue: Queue,
  id?: string,
  passOver: ReadonlySet<string> = new Set(),
  archived: (id: string) => FoundTask | undefined = () => undefined,
): Task | undefined {
  if (id === undefined) {
    // A task waiting at a human review point is passed over until a person approves it.
    // So is one whose review was rejected, until `agentos retry` runs it again (src/review/).
    const next = pendingEntries(queue).find(
      (e) => !passOver.has(e.id) && !isAwaitingApproval(e) && !isReviewRejected(e),
    );
    return next && queueTask(agent, next);
  }
  const inQueue =
    queue.entries.find((e) => e.id === id && e.problem === undefined) ??
    queue.entries.find((e) => e.id === id);
  const found: FoundTask | undefined = inQueue
    ? { entry: inQueue, status: inQueue.status, file: agentPaths(agent).queue }
    : archived(id);
  if (!found) {
    const known =
      pendingEntries(queue)
        .map((e) => e.id)
        .join(', ') || 'none';
    throw new InputError(
      `no task "${id}" in agents/${agent}/queue.md or its archive (pending: ${known})`,
    );
  }
  const { entry, file } = found;
  if (entry.problem !== undefined && found.status === 'pending')
    throw new InputError(`task "${id}" in ${file}:${entry.line} cannot run: ${entry.problem}`);
  if (found.status === 'failed') {
    const error = entryField(entry, 'error');
    throw new InputError(
      `task "${id}" was marked failed (${file}): ${error ?? entry.problem ?? 'no reason given'}; fix it and enqueue it again under a new id`,
    );
  }
  return queueTask(agent, entry);
}

function queueTask(agent: string, entry: QueueEntry): Task {
  const by = approvedBy(entry);
  return {
    id: entry.id,
    text: entry.task,
    agent,
    source: 'queue',
    ...(by ? { approvedBy: by } : {}),
  };
}
