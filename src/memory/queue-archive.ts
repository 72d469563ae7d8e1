// The queue's archive: done and failed tasks leave queue.md for bounded monthly files
// (`agents/<name>/queue/archive/<YYYY-MM>.md`, then `<YYYY-MM>-2.md`, …), so queue.md holds only
// what is pending and never grows past the memory file limit. Tasks stay findable by id.
import { join } from 'node:path';
import { readTextIfExists } from './files.js';
import { agentPaths } from './layout.js';
import { listMonthlyFiles, monthlyPath, type MonthlyFile } from './monthly-files.js';
import {
  entryField,
  loadQueue,
  parseQueue,
  renderEntry,
  renderQueue,
  takeFinishedEntries,
  withEntryFields,
  type Queue,
  type QueueEntry,
  type QueueStatus,
} from './queue.js';

/** An archive file is closed once it holds this many entries… */
export const ARCHIVE_MAX_ENTRIES = 500;
/** …or once the next entry would take it past this many bytes (128 KiB). */
export const ARCHIVE_MAX_BYTES = 128 * 1024;
/**
 * An entry bigger than this (only a malformed one in practice: a valid task text is at most 64 KiB)
 * is archived cut to its first lines; the commit that moved it keeps the whole entry in git history.
 */
export const ARCHIVE_MAX_ENTRY_BYTES = 96 * 1024;
/** How much of a cut entry the archive keeps. */
const CUT_ENTRY_BYTES = 4 * 1024;
const CUT_LINE_CHARACTERS = 1024;
/** Fields of an entry's outcome, kept even when the entry is cut. */
const OUTCOME_FIELDS = ['status', 'done_at', 'failed_at', 'error', 'attempts', 'last_error'];

export interface FileWrite {
  path: string;
  content: string;
}

export type ArchiveFile = MonthlyFile;

export function archiveDir(agent: string): string {
  return `${agentPaths(agent).root}/queue/archive`;
}

/** The agent's archive files, newest first. */
export function listArchiveFiles(repoRoot: string, agent: string): ArchiveFile[] {
  return listMonthlyFiles(repoRoot, archiveDir(agent));
}

function archiveHeader(agent: string, month: string): string[] {
  return [
    `# Queue archive — ${agent}, ${month}`,
    '',
    `Tasks that left queue.md, done or failed, oldest first (written by AgentOS; at most ${ARCHIVE_MAX_ENTRIES} tasks and ${ARCHIVE_MAX_BYTES / 1024} KiB per file).`,
    '',
  ];
}

function byteLength(lines: string[]): number {
  return lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
}

/** The entry as the archive keeps it: verbatim, or its first lines and its outcome when too big. */
export function archivedCopy(entry: QueueEntry): QueueEntry {
  const bytes = byteLength(renderEntry(entry));
  if (bytes <= ARCHIVE_MAX_ENTRY_BYTES) return entry;
  const kept: string[] = [];
  let size = 0;
  for (const line of entry.lines) {
    const cut = line.slice(0, CUT_LINE_CHARACTERS);
    size += Buffer.byteLength(cut) + 1;
    if (size > CUT_ENTRY_BYTES) break;
    kept.push(cut);
  }
  // Outcome fields are set again after the cut, whether or not they were among the kept lines.
  const outcome: Record<string, string> = {};
  for (const key of OUTCOME_FIELDS) {
    const value = entryField(entry, key);
    if (value !== undefined) outcome[key] = value;
  }
  outcome.archived = `cut to its first ${kept.length} of ${entry.lines.length} lines (${bytes} bytes); git history keeps the whole entry`;
  return withEntryFields({ ...entry, lines: kept }, outcome);
}

/**
 * Pure: the archive writes that append `entries` (done or failed) in the month `month`, given the
 * newest archive file of that month and its text, rolling over to a new part at the bound.
 */
export function planArchiveWrites(input: {
  agent: string;
  month: string;
  newest: { file: ArchiveFile; text: string } | undefined;
  entries: QueueEntry[];
}): FileWrite[] {
  const { agent, month } = input;
  const writes: FileWrite[] = [];
  let part = input.newest?.file.part ?? 1;
  let open: Queue = input.newest
    ? parseQueue(input.newest.file.path, input.newest.text)
    : { preamble: archiveHeader(agent, month), entries: [] };
  let size = input.newest ? Buffer.byteLength(input.newest.text) : byteLength(open.preamble);
  let changed = false;
  const close = () => {
    if (changed)
      writes.push({
        path: monthlyPath(archiveDir(agent), month, part),
        content: renderQueue(open),
      });
  };
  for (const entry of input.entries.map(archivedCopy)) {
    const added = byteLength(['', ...renderEntry(entry)]);
    if (
      open.entries.length > 0 &&
      (open.entries.length + 1 > ARCHIVE_MAX_ENTRIES || size + added > ARCHIVE_MAX_BYTES)
    ) {
      close();
      part++;
      open = { preamble: archiveHeader(agent, month), entries: [] };
      size = byteLength(open.preamble);
    }
    open = { ...open, entries: [...open.entries, entry] };
    size += added;
    changed = true;
  }
  close();
  return writes;
}

/** The archive writes that append `entries`, reading the month's newest file. */
export function archiveEntries(
  repoRoot: string,
  agent: string,
  entries: QueueEntry[],
  at: string,
): FileWrite[] {
  if (entries.length === 0) return [];
  const month = at.slice(0, 7);
  const file = listArchiveFiles(repoRoot, agent).find((f) => f.month === month);
  const text = file && readTextIfExists(join(repoRoot, file.path));
  return planArchiveWrites({
    agent,
    month,
    newest: file && text !== undefined ? { file, text } : undefined,
    entries,
  });
}

/**
 * Every write that lands `queue`: done and failed entries move to the archive (including those an
 * older runtime left in queue.md), and queue.md keeps what is pending. Every queue write goes here.
 */
export function planQueueWrites(
  repoRoot: string,
  agent: string,
  queue: Queue,
  at: string,
): FileWrite[] {
  const { queue: pending, finished } = takeFinishedEntries(queue);
  return [
    { path: agentPaths(agent).queue, content: renderQueue(pending) },
    ...archiveEntries(repoRoot, agent, finished, at),
  ];
}

export interface FoundTask {
  entry: QueueEntry;
  status: QueueStatus;
  /** The repository-relative file that holds it: queue.md or an archive file. */
  file: string;
}

/**
 * A task by id: in queue.md first, then in the archive, newest file first (and the newest entry of
 * a file first, so a task archived twice under one id is found in its latest state). A pending
 * entry of queue.md that cannot run says why in `entry.problem`; a failed one in its `error:` field.
 */
export function findTask(repoRoot: string, agent: string, id: string): FoundTask | undefined {
  const queue = loadQueue(repoRoot, agent);
  const queued = queue.entries.find((e) => e.id === id);
  if (queued) return { entry: queued, status: queued.status, file: agentPaths(agent).queue };
  for (const file of listArchiveFiles(repoRoot, agent)) {
    const text = readTextIfExists(join(repoRoot, file.path));
    if (text === undefined || !headingIds(text).includes(id)) continue;
    const entry = parseQueue(file.path, text).entries.findLast((e) => e.id === id);
    if (entry) return { entry, status: entry.status, file: file.path };
  }
  return undefined;
}

/** Every task id in the archive, for keeping ids unique across queue.md, archive and reward log. */
export function archivedTaskIds(repoRoot: string, agent: string): Set<string> {
  const ids = new Set<string>();
  for (const file of listArchiveFiles(repoRoot, agent)) {
    const text = readTextIfExists(join(repoRoot, file.path));
    if (text !== undefined) for (const id of headingIds(text)) ids.add(id);
  }
  return ids;
}

function headingIds(text: string): string[] {
  return [...text.matchAll(/^## +(.+?)[ \t]*$/gm)].map((match) => match[1] ?? '');
}
