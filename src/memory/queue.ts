// queue.md: tasks enqueued by file, in the seed's format (`## <id>` then `task:`, `priority:`,
// `created:`), with multi-line text as a `task: |` block. Edits keep every line a person wrote; the
// runtime only adds or sets fields. Parsing is per entry: a malformed entry is reported as a value
// (`problem`), so one bad entry never makes the rest of the queue unreadable.
import { MemoryFileError } from '../errors.js';
import { readMemoryTextIfExists } from './files.js';
import { agentPaths } from './layout.js';

export const PRIORITIES = ['high', 'medium', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];
const PRIORITY_RANK: Record<Priority, number> = { high: 0, medium: 1, normal: 1, low: 2 };

/** `pending` waits in queue.md; `done` and `failed` entries leave it for the archive. */
// `review`: an `autonomy: assistant` task whose memory change waits on a review branch (src/review/);
// it stays in queue.md until the review is merged (done) or rejected (pending again, passed over).
export const QUEUE_STATUSES = ['pending', 'done', 'failed', 'review'] as const;
export type QueueStatus = (typeof QUEUE_STATUSES)[number];

/** Task ids: letters, digits, dots, underscores and hyphens. */
export const TASK_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * The largest task text, in UTF-8 bytes (64 KiB). `agentos enqueue` refuses a longer one; a longer
 * one written into queue.md by hand is marked failed. It keeps a few tasks from filling queue.md,
 * whose writes stop at the 256 KiB memory file limit.
 */
export const MAX_TASK_TEXT_BYTES = 64 * 1024;

/** How a multi-line task text is written: `task: |`, then each line indented by this. */
const BLOCK_INDENT = '  ';
const BLOCK_MARKERS = ['|', '|-'];

export interface QueueEntry {
  id: string;
  /** The task text, lines kept (a `task: |` block's lines without their two-space indent). */
  task: string;
  priority: Priority;
  created: string | undefined;
  status: QueueStatus;
  /** Why this entry cannot run (no text, bad priority, duplicate id…), or undefined. */
  problem: string | undefined;
  /** The section's lines after the heading, kept verbatim. */
  lines: string[];
  /** 1-based line of the heading (0 for an entry not read from a file). */
  line: number;
}

export interface Queue {
  preamble: string[];
  entries: QueueEntry[];
}

const FIELD = /^([a-z_]+):\s*(.*)$/;
const HEADING = /^## +(.+?)\s*$/;
/** Lines a merge leaves behind; they cut across entries, so the file as a whole is broken. */
const CONFLICT_MARKER = /^(<{7}|>{7})( |$)/;

/**
 * Parses queue.md. Throws MemoryFileError only for what no entry can be blamed for (a merge conflict
 * left in the file, binary data); an entry's own problems are in its `problem`.
 */
export function parseQueue(file: string, text: string): Queue {
  const lines = text.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
  lines.forEach((line, index) => {
    if (line.includes('\0'))
      throw new MemoryFileError(
        file,
        'binary data (a NUL byte) in a text file',
        undefined,
        index + 1,
      );
    if (CONFLICT_MARKER.test(line)) {
      throw new MemoryFileError(
        file,
        'an unresolved merge conflict marker: resolve the conflict and commit',
        undefined,
        index + 1,
      );
    }
  });
  const preamble: string[] = [];
  const entries: QueueEntry[] = [];
  let current: { id: string; line: number; lines: string[] } | undefined;
  const finish = () => {
    if (current) entries.push(toEntry(current.id, current.line, current.lines));
  };
  lines.forEach((text, index) => {
    const heading = HEADING.exec(text);
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
    if (earlier === undefined) seen.set(entry.id, entry.line);
    else entry.problem ??= `task id "${entry.id}" is already used on line ${earlier}`;
  }
  return { preamble, entries };
}

interface EntryFields {
  fields: Map<string, { value: string; line: number }>;
  /** The text of a `task: |` block, when the task is one. */
  block: string | undefined;
  problem: string | undefined;
}

/** Reads an entry's fields; a `task: |` block takes the indented (and blank) lines after it. */
function readFields(line: number, lines: string[]): EntryFields {
  const fields = new Map<string, { value: string; line: number }>();
  let block: string | undefined;
  let problem: string | undefined;
  for (let at = 0; at < lines.length; at++) {
    const match = FIELD.exec(lines[at] ?? '');
    if (!match) continue;
    const key = match[1] ?? '';
    const value = (match[2] ?? '').trim();
    fields.set(key, { value, line: line + at + 1 });
    if (key !== 'task' || !BLOCK_MARKERS.includes(value)) continue;
    const taken: string[] = [];
    let next = at + 1;
    for (; next < lines.length; next++) {
      const text = lines[next] ?? '';
      if (text.startsWith(BLOCK_INDENT)) taken.push(text.slice(BLOCK_INDENT.length));
      else if (text.trim() === '') taken.push('');
      else {
        if (/^\s/.test(text))
          problem ??= `line ${line + next + 1}: the lines of a "task: |" block are indented two spaces`;
        break;
      }
    }
    while (taken.length > 0 && taken[taken.length - 1]?.trim() === '') taken.pop();
    block = taken.join('\n');
    at = next - 1;
  }
  return { fields, block, problem };
}

function toEntry(id: string, line: number, lines: string[]): QueueEntry {
  const { fields, block, problem: blockProblem } = readFields(line, lines);
  const task = fields.get('task');
  const text =
    task === undefined ? '' : BLOCK_MARKERS.includes(task.value) ? (block ?? '') : task.value;
  const priority = fields.get('priority')?.value || 'normal';
  const status = fields.get('status')?.value || 'pending';
  const created = fields.get('created')?.value;
  const problem = entryProblem({ id, text, priority, status, created }) ?? blockProblem;
  return {
    id,
    task: text,
    priority: (PRIORITIES as readonly string[]).includes(priority)
      ? (priority as Priority)
      : 'normal',
    created,
    status: (QUEUE_STATUSES as readonly string[]).includes(status)
      ? (status as QueueStatus)
      : 'pending',
    problem,
    lines,
    line,
  };
}

/** Why an entry cannot run, first problem first, or undefined when it can. */
function entryProblem(entry: {
  id: string;
  text: string;
  priority: string;
  status: string;
  created: string | undefined;
}): string | undefined {
  const { id, text, priority, status, created } = entry;
  const bytes = Buffer.byteLength(text);
  if (!TASK_ID_PATTERN.test(id)) return `"${id}" is not a task id (letters, digits, ".", "_", "-")`;
  if (text.trim() === '') return 'the task has no text (a "task:" line)';
  if (bytes > MAX_TASK_TEXT_BYTES)
    return `the task text is ${bytes} bytes, over the ${MAX_TASK_TEXT_BYTES / 1024} KiB limit (${MAX_TASK_TEXT_BYTES} bytes)`;
  if (!(PRIORITIES as readonly string[]).includes(priority))
    return `priority "${priority}" is not one of ${PRIORITIES.join(', ')}`;
  if (!(QUEUE_STATUSES as readonly string[]).includes(status))
    return `status "${status}" is not one of ${QUEUE_STATUSES.join(', ')}`;
  if (created !== undefined && Number.isNaN(Date.parse(created)))
    return `created "${created}" is not an ISO-8601 timestamp`;
  return undefined;
}

export function loadQueue(repoRoot: string, agent: string): Queue {
  const path = agentPaths(agent).queue;
  const text = readMemoryTextIfExists(repoRoot, path);
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

/** Pending entries that can run, highest priority first, then oldest first, then file order. */
export function pendingEntries(queue: Queue): QueueEntry[] {
  return queue.entries
    .map((entry, order) => ({ entry, order }))
    .filter(({ entry }) => entry.status === 'pending' && entry.problem === undefined)
    .sort(
      (a, b) =>
        PRIORITY_RANK[a.entry.priority] - PRIORITY_RANK[b.entry.priority] ||
        (a.entry.created ?? '').localeCompare(b.entry.created ?? '') ||
        a.order - b.order,
    )
    .map(({ entry }) => entry);
}

/** Pending entries that cannot run, in file order: the next run marks them failed. */
export function malformedEntries(queue: Queue): QueueEntry[] {
  return queue.entries.filter((entry) => entry.status === 'pending' && entry.problem !== undefined);
}

/**
 * A task text as the queue keeps it: line endings made `\n`, blank lines around it and trailing
 * space dropped, every other line (and its indentation) kept. One line is trimmed.
 */
export function normaliseTaskText(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  while (lines.length > 0 && lines[0]?.trim() === '') lines.shift();
  const joined = lines.join('\n').trimEnd();
  return joined.includes('\n') ? joined : joined.trim();
}

/** The lines that hold a task text: `task: TEXT`, or a `task: |` block for several lines. */
export function taskLines(text: string): string[] {
  if (!text.includes('\n') && !BLOCK_MARKERS.includes(text)) return [`task: ${text}`];
  return [
    'task: |',
    ...text.split('\n').map((line) => (line === '' ? '' : `${BLOCK_INDENT}${line}`)),
  ];
}

export function addEntry(
  queue: Queue,
  entry: { id: string; task: string; priority: Priority; created: string },
): Queue {
  const task = normaliseTaskText(entry.task);
  const lines = [
    ...taskLines(task),
    `priority: ${entry.priority}`,
    `created: ${entry.created}`,
    '',
  ];
  const added: QueueEntry = {
    ...entry,
    task,
    status: 'pending',
    problem: undefined,
    lines,
    line: 0,
  };
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

/** The entry with its fields set (or added after its last line), every other line kept. */
export function withEntryFields(entry: QueueEntry, fields: Record<string, string>): QueueEntry {
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
  const status = (QUEUE_STATUSES as readonly string[]).includes(fields.status ?? '')
    ? (fields.status as QueueStatus)
    : entry.status;
  return { ...entry, lines, status };
}

/** The entry without these runtime fields (`last_error` once the task succeeded); other lines kept. */
export function withoutEntryFields(entry: QueueEntry, keys: readonly string[]): QueueEntry {
  const lines = entry.lines.filter((text) => !keys.includes(FIELD.exec(text)?.[1] ?? ''));
  return { ...entry, lines };
}

/** Sets (or adds) fields of the runnable entry `id`, keeping every other line as it was. */
export function setEntryFields(queue: Queue, id: string, fields: Record<string, string>): Queue {
  const target = queue.entries.find((e) => e.id === id && e.problem === undefined);
  return {
    ...queue,
    entries: queue.entries.map((entry) =>
      entry === target ? withEntryFields(entry, fields) : entry,
    ),
  };
}

/** Marks one entry (by identity: a duplicate id names two) failed, saying why. */
export function markEntryFailed(
  queue: Queue,
  target: QueueEntry,
  reason: string,
  at: string,
): Queue {
  return {
    ...queue,
    entries: queue.entries.map((entry) =>
      entry === target
        ? withEntryFields(entry, { status: 'failed', error: reason, failed_at: at })
        : entry,
    ),
  };
}

/** The queue without its done and failed entries, and those entries: they go to the archive. */
export function takeFinishedEntries(queue: Queue): { queue: Queue; finished: QueueEntry[] } {
  const isFinished = (entry: QueueEntry) => entry.status === 'done' || entry.status === 'failed';
  const finished = queue.entries.filter(isFinished);
  if (finished.length === 0) return { queue, finished };
  return {
    queue: { ...queue, entries: queue.entries.filter((entry) => !isFinished(entry)) },
    finished,
  };
}

/** One entry as queue.md and the archive write it: its heading, then its lines. */
export function renderEntry(entry: QueueEntry): string[] {
  return [`## ${entry.id}`, ...entry.lines];
}

export function renderQueue(queue: Queue): string {
  return renderSections(queue.preamble, queue.entries);
}

/** A preamble and entries, each entry after a blank line, ending with one newline. */
function renderSections(preamble: string[], entries: QueueEntry[]): string {
  const out = [...preamble];
  for (const entry of entries) {
    if (out.length > 0 && out[out.length - 1]?.trim() !== '') out.push('');
    out.push(...renderEntry(entry));
  }
  while (out.length > 0 && out[out.length - 1]?.trim() === '') out.pop();
  return `${out.join('\n')}\n`;
}
