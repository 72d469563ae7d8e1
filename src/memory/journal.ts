// The write-ahead journal of one change to memory: before the runtime writes or removes a file, the
// file's previous state is appended here (under the git directory, never committed). A run killed at
// any point leaves the journal behind, and the next run repairs the working tree from it: the change
// is rolled back when its commit never landed, and the person's index is brought up to date when it
// did. So an iteration's files are either committed under its own task or gone, never left over.
import {
  appendFileSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  rmdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { AgentOSError, InputError } from '../errors.js';
import { GitError, type Git } from '../git/git.js';
import { removeStaleLocks } from '../git/stale-locks.js';
import { silentLogger, type Logger } from '../log.js';
import { readTextIfExists, removeAbandonedTemps, writeFileAtomic } from './files.js';
import { isProcessRunning } from '../process.js';

const JOURNAL_VERSION = 1;

interface JournalHeader {
  v: number;
  /** HEAD when the change began; undefined in a repository with no commit yet. */
  head: string | null;
  pid: number;
  label: string;
}

interface JournalEntry {
  path: string;
  /** The file's text before the change first touched it; null when it did not exist. */
  before: string | null;
}

/**
 * Another run is changing this working tree right now, or a person is: a merge, a rebase, a
 * cherry-pick or a revert under way.
 */
export class ChangeInProgressError extends AgentOSError {
  override name = 'ChangeInProgressError';
}

export class ChangeJournal {
  private readonly recorded = new Set<string>();

  private constructor(
    private readonly repoRoot: string,
    readonly file: string,
  ) {}

  /**
   * Repairs what an interrupted run left (stale git locks, a journal), then starts the journal of a
   * new change labelled `label` (e.g. "orion issue-42").
   */
  static async begin(input: {
    repoRoot: string;
    git: Git;
    label: string;
    logger?: Logger;
  }): Promise<ChangeJournal> {
    const file = await journalFile(input.git, input.repoRoot);
    await recoverInterruptedChange({ ...input, file });
    mkdirSync(dirname(file), { recursive: true });
    const header: JournalHeader = {
      v: JOURNAL_VERSION,
      head: (await input.git.headShaIfAny()) ?? null,
      pid: process.pid,
      label: input.label,
    };
    appendDurably(file, header);
    return new ChangeJournal(input.repoRoot, file);
  }

  /** Remembers the state of `path` before its first change. Call before writing or removing it. */
  record(path: string): void {
    this.recordAll([path]);
  }

  /**
   * `record` of every path, in one durable append: a change about to write a dozen files waits for
   * the disk once, not a dozen times.
   */
  recordAll(paths: Iterable<string>): void {
    const entries: JournalEntry[] = [];
    for (const path of new Set(paths)) {
      if (this.recorded.has(path)) continue;
      entries.push({ path, before: readTextIfExists(join(this.repoRoot, path)) ?? null });
    }
    if (entries.length === 0) return;
    appendDurably(this.file, ...entries);
    for (const entry of entries) this.recorded.add(entry.path);
  }

  /** The change landed (or changed nothing): the journal is no longer needed. */
  finish(): void {
    rmSync(this.file, { force: true });
  }

  /** Puts every recorded file back as it was before the change, then ends the journal. */
  rollback(): void {
    restoreEntries(this.repoRoot, readJournal(this.file).entries);
    this.finish();
  }
}

async function journalFile(git: Git, repoRoot: string): Promise<string> {
  try {
    return await git.gitPath('agentos/change-journal.jsonl');
  } catch (error) {
    // The first thing a command asks git: outside a repository, say so as the other commands do.
    if (error instanceof GitError && !(await git.isRepository()))
      throw new InputError(
        `${repoRoot} is not a git repository: run "agentos init" to create an agent repository`,
      );
    throw error;
  }
}

/**
 * Repairs an interrupted change: removes git's stale locks, and, when a journal is left, rolls the
 * change back (its commit never landed: HEAD has not moved) or syncs the person's index with the
 * commit that did land. Safe to call at any time; a journal of a live run is refused, not touched.
 */
export async function recoverInterruptedChange(input: {
  repoRoot: string;
  git: Git;
  logger?: Logger;
  file?: string;
}): Promise<void> {
  const logger = input.logger ?? silentLogger;
  const file = input.file ?? (await journalFile(input.git, input.repoRoot));
  const { header, entries } = existsSync(file)
    ? readJournal(file)
    : { header: undefined, entries: [] };
  // First, as it holds the locks of a commit it is making (the branch's, in-process): a live run's.
  if (header && header.pid !== process.pid && isProcessRunning(header.pid) && isRecent(file)) {
    throw new ChangeInProgressError(
      `another AgentOS run (process ${header.pid}, ${header.label}) is changing this repository; wait for it to finish`,
    );
  }
  // A commit of the runtime's own paths in the middle of a person's merge would conclude nothing
  // and could list files the merge has not committed: git refuses such a partial commit too.
  const operation = await input.git.operationInProgress();
  if (operation)
    throw new ChangeInProgressError(
      `${operation.name} is in progress in this repository (${operation.file}): finish it with ${operation.settle}, then run again`,
    );
  for (const lock of await removeStaleLocks(input.git))
    logger.warn(`removed a stale git lock left by an interrupted run: ${lock}`);
  if (!existsSync(file)) return;
  const head = (await input.git.headShaIfAny()) ?? null;
  const paths = entries.map((entry) => entry.path);
  if (header && head !== header.head) {
    // The commit landed before the run was killed: only the person's index may lag behind it.
    if (head && paths.length > 0) await input.git.resetIndexPaths(head, paths);
    logger.warn(`finished an interrupted change (${header.label}): its commit had landed`);
  } else {
    restoreEntries(input.repoRoot, entries);
    logger.warn(
      `rolled back an interrupted change (${header?.label ?? 'unknown'}): ${paths.length} file(s) restored; its task is still pending`,
    );
  }
  rmSync(file, { force: true });
}

function restoreEntries(repoRoot: string, entries: JournalEntry[]): void {
  const first = new Map<string, JournalEntry>();
  for (const entry of entries) if (!first.has(entry.path)) first.set(entry.path, entry);
  for (const { path, before } of first.values()) {
    const absolute = join(repoRoot, path);
    if (before === null) rmSync(absolute, { force: true });
    else if (readTextIfExists(absolute) !== before) writeFileAtomic(absolute, before);
    removeAbandonedTemps(absolute);
    if (before === null) removeEmptyFolders(repoRoot, dirname(absolute));
  }
}

/** Folders the change created and left empty, up to (not including) the repository root. */
function removeEmptyFolders(repoRoot: string, folder: string): void {
  for (let current = folder; current.startsWith(`${repoRoot}/`); current = dirname(current)) {
    try {
      if (readdirSync(current).length > 0) return;
      rmdirSync(current);
    } catch {
      return;
    }
  }
}

function readJournal(file: string): { header: JournalHeader | undefined; entries: JournalEntry[] } {
  const lines = (readTextIfExists(file) ?? '').split('\n').filter(Boolean);
  let header: JournalHeader | undefined;
  const entries: JournalEntry[] = [];
  for (const line of lines) {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue; // the last line of a journal cut off mid-append: that write never happened
    }
    if (isHeader(value)) header ??= value;
    else if (isEntry(value)) entries.push(value);
  }
  return { header, entries };
}

function isHeader(value: unknown): value is JournalHeader {
  return typeof value === 'object' && value !== null && 'v' in value && 'pid' in value;
}

function isEntry(value: unknown): value is JournalEntry {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as JournalEntry).path === 'string' &&
    ((value as JournalEntry).before === null || typeof (value as JournalEntry).before === 'string')
  );
}

function appendDurably(file: string, ...values: unknown[]): void {
  appendFileSync(file, values.map((value) => `${JSON.stringify(value)}\n`).join(''));
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** A live run appends to its journal as it writes; an old journal whose pid lives is a reused pid. */
const LIVE_JOURNAL_MS = 10 * 60 * 1000;

function isRecent(file: string): boolean {
  return Date.now() - statSync(file).mtimeMs < LIVE_JOURNAL_MS;
}
