// What a task stopped by policy leaves behind (see src/policy/task-policy.ts): a refused queue task
// is marked failed with the rule it broke and moves to the archive; a queue task at a human review
// point stays pending with `awaiting_approval:` until a person adds `approved_by: <name>`. An
// issue task leaves no file: the comment says why. No model is called either way.
import type { Git } from '../git/git.js';
import { formatCommitMessage } from '../git/message.js';
import type { Logger } from '../log.js';
import { landChange } from '../memory/change.js';
import { agentPaths } from '../memory/layout.js';
import { planQueueWrites } from '../memory/queue-archive.js';
import {
  entryField,
  markEntryFailed,
  setEntryFields,
  type Queue,
  type QueueEntry,
} from '../memory/queue.js';
import { describePolicyStop, type TaskPolicyDecision } from '../policy/task-policy.js';
import type { Task } from './task.js';

export type PolicyStop = Exclude<TaskPolicyDecision, { kind: 'proceed' }>;

/** The queue field that holds a task at a review point, and the one a person sets to approve it. */
export const AWAITING_APPROVAL_FIELD = 'awaiting_approval';
export const APPROVED_BY_FIELD = 'approved_by';

/** Whether a pending entry waits at a review point for a person's approval. */
export function isAwaitingApproval(entry: QueueEntry): boolean {
  return (
    entryField(entry, AWAITING_APPROVAL_FIELD) !== undefined &&
    (entryField(entry, APPROVED_BY_FIELD) ?? '') === ''
  );
}

/** Who approved a queue entry, when someone has. */
export function approvedBy(entry: QueueEntry): string | undefined {
  const by = entryField(entry, APPROVED_BY_FIELD);
  return by === undefined || by === '' ? undefined : by;
}

/** Lands what the stop changes in queue.md (one commit), or nothing for a task of another source. */
export async function landPolicyStop(input: {
  repoRoot: string;
  git: Git;
  logger: Logger;
  queue: Queue;
  task: Task;
  stop: PolicyStop;
  at: string;
}): Promise<string | undefined> {
  const { task, stop, queue, at } = input;
  const entry = queue.entries.find((e) => e.id === task.id && e.problem === undefined);
  if (task.source !== 'queue' || !entry) return undefined;
  const reason = describePolicyStop(stop);
  const updated =
    stop.kind === 'refused'
      ? markEntryFailed(queue, entry, reason, at)
      : setEntryFields(queue, task.id, { [AWAITING_APPROVAL_FIELD]: oneLine(stop.point) });
  if (stop.kind === 'awaiting-approval' && entryField(entry, AWAITING_APPROVAL_FIELD) !== undefined)
    return undefined; // already waiting: nothing new to say
  const landed = await landChange(
    {
      repoRoot: input.repoRoot,
      git: input.git,
      agent: task.agent,
      label: `${task.agent} ${task.id}`,
      logger: input.logger,
    },
    async (writer) => {
      for (const write of planQueueWrites(input.repoRoot, task.agent, updated, at))
        writer.write(write.path, write.content);
      const message = formatCommitMessage({
        subject:
          stop.kind === 'refused'
            ? `${task.agent}: refuse ${task.id} — ${stop.section.toLowerCase()}: ${stop.term}`
            : `${task.agent}: ${task.id} waits for approval at a human review point`,
        body: [
          `${reason}.`,
          stop.kind === 'refused'
            ? `No model was called. The task moves to the queue's archive with status: failed.`
            : `No model was called. To approve, add "${APPROVED_BY_FIELD}: <your name>" to the task in ${agentPaths(task.agent).queue}.`,
        ],
        trailers: [
          ['AgentOS-Agent', task.agent],
          ['AgentOS-Task', task.id],
          ['AgentOS-Policy', stop.kind],
        ],
      });
      return { message, value: undefined };
    },
  );
  return landed.commit;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
