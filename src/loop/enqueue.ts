// Enqueuing tasks by file (SPEC §4): entries appended to queue.md and committed, so the queue's
// history is in git like every other change of mind.
import { InputError } from '../errors.js';
import type { Git } from '../git/git.js';
import { silentLogger, type Logger } from '../log.js';
import { agentPaths, slugify } from '../memory/layout.js';
import {
  addEntry,
  loadQueue,
  renderQueue,
  TASK_ID_PATTERN,
  type Priority,
} from '../memory/queue.js';
import { readRewardIndex } from '../memory/reward-log.js';
import { MemoryWriter } from '../memory/writer.js';

export interface NewTask {
  text: string;
  id?: string;
  priority?: Priority;
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
  const created = (input.now ?? (() => new Date()))()
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
  let queue = loadQueue(repoRoot, agent);
  const taken = new Set([
    ...queue.entries.map((e) => e.id),
    ...readRewardIndex(repoRoot, agent).taskIds(),
  ]);
  const ids: string[] = [];
  for (const task of input.tasks) {
    const text = task.text.replace(/\s+/g, ' ').trim();
    if (text === '') throw new InputError('a task needs text');
    const id = task.id ?? uniqueId(text, taken);
    if (!TASK_ID_PATTERN.test(id))
      throw new InputError(`"${id}" is not a task id: use letters, digits, ".", "_" and "-"`);
    if (taken.has(id))
      throw new InputError(
        `task id "${id}" is already used in agents/${agent}/queue.md or the reward log agents/${agent}/rewards/`,
      );
    taken.add(id);
    ids.push(id);
    queue = addEntry(queue, { id, task: text, priority: task.priority ?? 'normal', created });
  }
  const path = agentPaths(agent).queue;
  const writer = new MemoryWriter(repoRoot, agent, input.logger ?? silentLogger);
  writer.write(path, renderQueue(queue));
  await input.git.add([path]);
  const subject =
    ids.length === 1 ? `${agent}: enqueue ${ids[0]}` : `${agent}: enqueue ${ids.length} tasks`;
  const commit = await input.git.commit(`${subject}\n\n${ids.map((id) => `- ${id}`).join('\n')}\n`);
  return { ids, commit };
}

/** A readable id from the task's first words, made unique with a counter. */
function uniqueId(text: string, taken: Set<string>): string {
  const base = slugify(text.split(/\s+/).slice(0, 6).join(' ')) || 'task';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}
