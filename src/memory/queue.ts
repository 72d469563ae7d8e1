// queue.md: tasks enqueued by file, in the seed's format (`## <id>` then `task:`, `priority:`,
// `created:`). Edits keep every line a person wrote; the runtime only adds or sets fields.
import { join } from 'node:path';
import { MemoryFileError } from '../errors.js';
import { readTextIfExists } from './files.js';
import { agentPaths } from './layout.js';

export const PRIORITIES = ['high', 'medium', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];
const PRIORITY_RANK: Record<Priority, number> = { high: 0, medium: 1, normal: 1, low: 2 };

/** Task ids: letters, digits, dots, underscores and hyphens. */
export const TASK_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export interface QueueEntry {
  id: string;
  task: string;
  priority: Priority;
  created: string | undefined;
  status: 'pending' | 'done';
  /** The section's lines after the heading, kept verbatim. */
  lines: string[];
  /** 1-based line of the heading. */
  line: number;
}

export interface Queue {
  preamble: string[];
  entries: QueueEntry[];
}

const FIELD = /^([a-z_]+):\s*(.*)$/;

export function parseQueue(file: string, text: string): Queue {
  const lines = text.replace(/\n$/, '').split('\n');
  const preamble: string[] = [];
  const entries: QueueEntry[] = [];
  let current: { id: string; line: number; lines: string[] } | undefined;
  const finish = () => {
    if (current) entries.push(toEntry(file, current.id, current.line, current.lines));
  };
  lines.forEach((text, index) => {
    const heading = /^## +(.+?)\s*$/.exec(text);
    if (heading) {
      finish();
      current = { id: heading[1] ?? '', line: index + 1, lines: [] };
    } else if (current) current.lines.push(text);
    else preamble.push(text);
  });
  finish();
  const seen = new Map<string, number>();
  for (const entry of entries) {
    const earlier = seen.get(entry.id);
    if (earlier !== undefined) {
      throw new MemoryFileError(
        file,
        `task id "${entry.id}" is already used on line ${earlier}`,
        undefined,
        entry.line,
      );
    }
    seen.set(entry.id, entry.line);
  }
  return { preamble, entries };
}

function toEntry(file: string, id: string, line: number, lines: string[]): QueueEntry {
  if (!TASK_ID_PATTERN.test(id)) {
    throw new MemoryFileError(
      file,
      `"${id}" is not a task id (letters, digits, ".", "_", "-")`,
      'id',
      line,
    );
  }
  const fields = new Map<string, { value: string; line: number }>();
  lines.forEach((text, offset) => {
    const match = FIELD.exec(text);
    if (match)
      fields.set(match[1] ?? '', { value: (match[2] ?? '').trim(), line: line + offset + 1 });
  });
  const task = fields.get('task');
  if (!task || task.value === '')
    throw new MemoryFileError(file, `task "${id}" has no text`, 'task', line);
  const priority = fields.get('priority');
  const priorityValue = (priority?.value || 'normal') as Priority;
  if (!PRIORITIES.includes(priorityValue)) {
    throw new MemoryFileError(
      file,
      `must be one of ${PRIORITIES.join(', ')}`,
      'priority',
      priority?.line,
    );
  }
  const status = fields.get('status');
  const statusValue = status?.value || 'pending';
  if (statusValue !== 'pending' && statusValue !== 'done') {
    throw new MemoryFileError(file, 'must be "pending" or "done"', 'status', status?.line);
  }
  const created = fields.get('created');
  if (created && Number.isNaN(Date.parse(created.value))) {
    throw new MemoryFileError(file, 'must be an ISO-8601 timestamp', 'created', created.line);
  }
  return {
    id,
    task: task.value,
    priority: priorityValue,
    created: created?.value,
    status: statusValue,
    lines,
    line,
  };
}

export function loadQueue(repoRoot: string, agent: string): Queue {
  const path = agentPaths(agent).queue;
  const text = readTextIfExists(join(repoRoot, path));
  return text === undefined
    ? { preamble: queueHeader(agent), entries: [] }
    : parseQueue(path, text);
}

function queueHeader(agent: string): string[] {
  return [
    `# Queue — ${agent}`,
    '',
    'Tasks waiting for the agent. Add one with `agentos enqueue` or by hand:',
    '',
  ];
}

/** Pending entries, highest priority first, then oldest first, then file order. */
export function pendingEntries(queue: Queue): QueueEntry[] {
  return queue.entries
    .map((entry, order) => ({ entry, order }))
    .filter(({ entry }) => entry.status === 'pending')
    .sort(
      (a, b) =>
        PRIORITY_RANK[a.entry.priority] - PRIORITY_RANK[b.entry.priority] ||
        (a.entry.created ?? '').localeCompare(b.entry.created ?? '') ||
        a.order - b.order,
    )
    .map(({ entry }) => entry);
}

export function addEntry(
  queue: Queue,
  entry: { id: string; task: string; priority: Priority; created: string },
): Queue {
  const lines = [
    `task: ${entry.task.replace(/\s+/g, ' ').trim()}`,
    `priority: ${entry.priority}`,
    `created: ${entry.created}`,
    '',
  ];
  const added: QueueEntry = { ...entry, status: 'pending', lines, line: 0 };
  return { ...queue, entries: [...queue.entries, added] };
}

/** A field's value in an entry's lines (runtime fields such as `attempts`), if present. */
export function entryField(entry: QueueEntry, key: string): string | undefined {
  for (const text of entry.lines) {
    const match = FIELD.exec(text);
    if (match?.[1] === key) return (match[2] ?? '').trim();
  }
  return undefined;
}

/** Sets (or adds) fields of one entry, keeping every other line as it was. */
export function setEntryFields(queue: Queue, id: string, fields: Record<string, string>): Queue {
  return {
    ...queue,
    entries: queue.entries.map((entry) => {
      if (entry.id !== id) return entry;
      const lines = [...entry.lines];
      for (const [key, value] of Object.entries(fields)) {
        const at = lines.findIndex((text) => FIELD.exec(text)?.[1] === key);
        if (at >= 0) lines[at] = `${key}: ${value}`;
        else {
          let end = lines.length;
          while (end > 0 && lines[end - 1]?.trim() === '') end--;
          lines.splice(end, 0, `${key}: ${value}`);
        }
      }
      return { ...entry, lines, status: fields.status === 'done' ? 'done' : entry.status };
    }),
  };
}

export function renderQueue(queue: Queue): string {
  const out = [...queue.preamble];
  for (const entry of queue.entries) {
    if (out.length > 0 && out[out.length - 1]?.trim() !== '') out.push('');
    out.push(`## ${entry.id}`, ...entry.lines);
  }
  while (out.length > 0 && out[out.length - 1]?.trim() === '') out.pop();
  return `${out.join('\n')}\n`;
}
