// A derived copy of an agent's sealed reward shards, kept under .git/agentos/ (never committed) and
// keyed by each shard's git blob id, so reading 100,000 records is reading compact column files and
// one small summary instead of parsing and validating 60 MB of record lines. The files always win:
// a shard whose blob id has no entry (new, edited by hand, merged) is parsed and its entry rebuilt;
// an entry that cannot be read or does not match its shape is ignored and rebuilt.
//
//   .git/agentos/reward-shards-v3/<agent>/summary.json   per blob: a Bloom filter of its task ids, the
//                                                         failed ones, the latest change, the greatest
//                                                         record time; per path: the
//                                                         stat stamp its blob id was seen with
//   .git/agentos/reward-shards-v3/<agent>/tasks.json     per blob: its task ids (read only to map them all)
//   .git/agentos/reward-shards-v3/<agent>/<blob>.json     a shard's validated records, as columns
//
// An iteration asks whether its task already has a record: the filters answer "no" for a new task
// from a summary of a few hundred kilobytes, where the ids of 100,000 tasks would take megabytes.
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { readTextIfExists, removeEarlierFormats, writeFileAtomic } from './files.js';
import { bloomOf } from './bloom-filter.js';
import { decodeColumn, encodeColumn, type Column } from './json-columns.js';
import { deepFreeze } from './memory-index.js';
import type { RewardRecord } from './rewards.js';
import { RecentlyUsed } from './recently-used.js';

/**
 * Records of the shards this process decoded last for a store that keeps them (an iteration's, see
 * `open`), by blob id: content never changes under its id, and every iteration reads the newest
 * shards again for its recent rewards, a date's shards together. Bounded by records, not shards:
 * a shard holds 256 records of 0.5 KB or 64 of 2 KB, and a bound the newest date's shards pass
 * would decode them all again on every task. Frozen, since every reader shares them.
 */
export const KEPT_DECODED_RECORDS = 8_192;
const decodedShards = new RecentlyUsed<string, RewardRecord[]>(
  KEPT_DECODED_RECORDS,
  (records) => records.length,
);

/** Forgets the records this process decoded: the next read takes them from the store, as a new process. */
export function forgetDecodedShards(): void {
  decodedShards.clear();
}

/** Bump when a stored shape changes: a store of another version is never read. */
export const SEALED_SHARDS_FORMAT = 3;
const STORE_DIR = `reward-shards-v${SEALED_SHARDS_FORMAT}`;

/**
 * What the log needs to know of a shard without its records: the task ids, which of them are failed
 * attempts, the latest time one of its records changed, and the greatest record time `at` as the
 * reading order compares it, as text (both null when it holds none).
 */
export interface ShardSummary {
  tasks: string[];
  failed: string[];
  latest: string | null;
  lastAt: string | null;
}

/** As stored: the task ids as a filter (the ids themselves are in tasks.json). */
export interface StoredShardSummary {
  count: number;
  /** bloom-filter.ts: false means the task certainly has no record in this shard. */
  bloom: string;
  failed: string[];
  latest: string | null;
  lastAt: string | null;
}

/** A shard's records as columns (json-columns.ts), with the blob they were read from. */
interface StoredColumns {
  format: number;
  blob: string;
  count: number;
  records: Column;
}

/** How a path's content was identified: the stat data seen with its blob id. */
interface Stamp {
  blob: string;
  size: number;
  mtimeMs: number;
  ino: number;
}

interface StoredSummary {
  format: number;
  /** When the stamps were taken (ms): a file modified since then, or just before, is hashed again. */
  taken: number;
  stamps: Record<string, Stamp>;
  summaries: Record<string, StoredShardSummary>;
}

interface StoredTasks {
  format: number;
  tasks: Record<string, string[]>;
}

/**
 * A stamp is trusted only for files last modified well before it was taken, as git does for its own
 * index: a file written in the same instant as the stamp could change again without its mtime moving.
 */
const RACY_WINDOW_MS = 2_000;

/** The id git gives a file's content: sha1 of `blob <length>\0<content>`. */
export function gitBlobId(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

/** The git directory of the repository at `repoRoot`, found without running git; undefined if none. */
function gitDirOf(repoRoot: string): string | undefined {
  const dotGit = join(repoRoot, '.git');
  try {
    const stat = lstatSync(dotGit);
    if (stat.isDirectory()) return dotGit;
    if (!stat.isFile()) return undefined;
    // A worktree or submodule: `.git` is a file naming the git directory.
    const match = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGit, 'utf8'));
    if (!match?.[1]) return undefined;
    return isAbsolute(match[1]) ? match[1] : resolve(repoRoot, match[1]);
  } catch {
    return undefined;
  }
}

/** Records as columns (only defined fields are kept, as JSON would keep them). */
export function encodeColumns(blob: string, records: readonly RewardRecord[]): StoredColumns {
  return {
    format: SEALED_SHARDS_FORMAT,
    blob,
    count: records.length,
    records: encodeColumn(records),
  };
}

/** The records of stored columns, or undefined when they do not hold together (a damaged file). */
export function decodeColumns(value: unknown, blob: string): RewardRecord[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const stored = value as Partial<StoredColumns>;
  if (stored.format !== SEALED_SHARDS_FORMAT || stored.blob !== blob) return undefined;
  const { count } = stored;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) return undefined;
  const records = decodeColumn(stored.records, count);
  if (records === undefined || !records.every((r) => typeof r === 'object' && r !== null))
    return undefined;
  return records as RewardRecord[];
}

/**
 * Summaries found sound: the stored summary is read once a process (`readSummaryOnce`), and an
 * iteration's lookup of one task asks 500 of them in a 100,000-record log.
 */
const soundSummaries = new WeakSet<object>();

function isSummary(value: unknown): value is StoredShardSummary {
  if (typeof value !== 'object' || value === null) return false;
  if (soundSummaries.has(value)) return true;
  const { count, bloom, failed, latest, lastAt } = value as Partial<StoredShardSummary>;
  const sound =
    typeof count === 'number' &&
    typeof bloom === 'string' &&
    Array.isArray(failed) &&
    (latest === null || typeof latest === 'string') &&
    (lastAt === null || typeof lastAt === 'string');
  if (sound) soundSummaries.add(value);
  return sound;
}

function storedSummaryOf(summary: ShardSummary): StoredShardSummary {
  return {
    count: summary.tasks.length,
    bloom: bloomOf(summary.tasks),
    failed: summary.failed,
    latest: summary.latest,
    lastAt: summary.lastAt,
  };
}

function readStoredTasks(file: string): StoredTasks | undefined {
  try {
    const text = readTextIfExists(file);
    if (text === undefined) return undefined;
    const value = JSON.parse(text) as Partial<StoredTasks>;
    if (value.format !== SEALED_SHARDS_FORMAT) return undefined;
    if (typeof value.tasks !== 'object' || value.tasks === null) return undefined;
    return value as StoredTasks;
  } catch {
    return undefined;
  }
}

function readStoredSummary(file: string): StoredSummary | undefined {
  try {
    const text = readTextIfExists(file);
    if (text === undefined) return undefined;
    const value = JSON.parse(text) as Partial<StoredSummary>;
    if (value.format !== SEALED_SHARDS_FORMAT || typeof value.taken !== 'number') return undefined;
    if (typeof value.stamps !== 'object' || value.stamps === null) return undefined;
    if (typeof value.summaries !== 'object' || value.summaries === null) return undefined;
    return value as StoredSummary;
  } catch {
    return undefined;
  }
}

/**
 * summary.json as this process last read or wrote it, by file, with the file's stat data then: a
 * process that runs many iterations parses its few hundred kilobytes again only when another
 * process rewrote it. Every entry is a fact about a blob id, so a copy held here is never wrong.
 */
const summariesInMemory = new Map<string, { stat: string; value: StoredSummary }>();

function statOf(file: string): string | undefined {
  try {
    const stat = statSync(file, { bigint: true });
    return `${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
  } catch {
    return undefined;
  }
}

function readSummaryOnce(file: string): StoredSummary | undefined {
  const stat = statOf(file);
  const held = summariesInMemory.get(file);
  if (stat !== undefined && held?.stat === stat) return held.value;
  const value = readStoredSummary(file);
  if (value === undefined || stat === undefined) summariesInMemory.delete(file);
  else summariesInMemory.set(file, { stat, value });
  return value;
}

/**
 * The sealed shards of one agent, read through the store. `blobOf` names a file's blob id when
 * something cheaper than hashing it knows it (git's index, for files git vouches for).
 */
export class SealedShardStore {
  private readonly summaryFile: string | undefined;
  private readonly tasksFile: string | undefined;
  private loaded: StoredSummary | undefined;
  private loadedTasks: StoredTasks | undefined;
  private readonly known = new Map<string, string>();
  private dirty = false;
  private tasksDirty = false;
  /** Blob ids seen in this session, so a save can forget the ones no shard has any more. */
  private readonly seen = new Set<string>();

  private constructor(
    private readonly repoRoot: string,
    private readonly folder: string | undefined,
    private readonly blobOf: (path: string) => string | undefined,
    private readonly keepsDecoded: boolean,
  ) {
    this.summaryFile = folder === undefined ? undefined : join(folder, 'summary.json');
    this.tasksFile = folder === undefined ? undefined : join(folder, 'tasks.json');
  }

  /** The stored task ids of every shard, read only when asked for (megabytes in a long log). */
  private get storedTasks(): StoredTasks {
    this.loadedTasks ??= (this.tasksFile && readStoredTasks(this.tasksFile)) || {
      format: SEALED_SHARDS_FORMAT,
      tasks: {},
    };
    return this.loadedTasks;
  }

  /** Keeps what summarising a shard's records found: its summary and, apart, its task ids. */
  private remember(blob: string, summary: ShardSummary): StoredShardSummary {
    const stored = storedSummaryOf(summary);
    this.stored.summaries[blob] = stored;
    this.dirty = true;
    if (this.tasksFile !== undefined) {
      this.storedTasks.tasks[blob] = summary.tasks;
      this.tasksDirty = true;
    }
    return stored;
  }

  /** The stored summary, read on first use (a read served by git's blob ids and records alone skips it). */
  private get stored(): StoredSummary {
    this.loaded ??= (this.summaryFile && readSummaryOnce(this.summaryFile)) || {
      format: SEALED_SHARDS_FORMAT,
      taken: 0,
      stamps: {},
      summaries: {},
    };
    return this.loaded;
  }

  static open(
    repoRoot: string,
    agent: string,
    blobOf: (path: string) => string | undefined = () => undefined,
    /**
     * Whether the records it decodes are kept for the next store of this process: for an
     * iteration's few newest shards, not for a read of the whole log (freezing 100,000 records to
     * keep 16 shards' would cost that read a third of its time).
     */
    keepsDecoded = false,
  ): SealedShardStore {
    const gitDir = gitDirOf(repoRoot);
    const folder = gitDir === undefined ? undefined : join(gitDir, 'agentos', STORE_DIR, agent);
    if (gitDir !== undefined) removeOtherFormats(join(gitDir, 'agentos'));
    return new SealedShardStore(repoRoot, folder, blobOf, keepsDecoded);
  }

  /**
   * The blob id of a shard's current content, or undefined when the file is gone. From git when it
   * vouches for the file, from a stamp when the file's stat data is unchanged since it was hashed
   * (and not racily so), and otherwise by hashing the file.
   */
  blob(path: string): string | undefined {
    const known = this.known.get(path) ?? this.blobOf(path);
    if (known !== undefined) {
      this.known.set(path, known);
      return known;
    }
    let stat;
    try {
      stat = statSync(join(this.repoRoot, path));
    } catch {
      return undefined;
    }
    const stamp = Object.hasOwn(this.stored.stamps, path) ? this.stored.stamps[path] : undefined;
    if (
      stamp &&
      stamp.size === stat.size &&
      stamp.mtimeMs === stat.mtimeMs &&
      stamp.ino === stat.ino &&
      stat.mtimeMs < this.stored.taken - RACY_WINDOW_MS
    ) {
      this.known.set(path, stamp.blob);
      return stamp.blob;
    }
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(this.repoRoot, path));
    } catch {
      return undefined;
    }
    const blob = gitBlobId(bytes);
    this.known.set(path, blob);
    this.stored.stamps[path] = { blob, size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino };
    this.dirty = true;
    return blob;
  }

  /** The stored summary of a shard's content, computing it with `summarize` on a miss. */
  summary(path: string, summarize: () => ShardSummary): StoredShardSummary {
    const blob = this.blob(path);
    if (blob === undefined) return storedSummaryOf(summarize());
    this.seen.add(blob);
    const cached = Object.hasOwn(this.stored.summaries, blob)
      ? this.stored.summaries[blob]
      : undefined;
    if (isSummary(cached)) return cached;
    return this.remember(blob, summarize());
  }

  /** The task ids of a shard's content, in its order, computing them with `summarize` on a miss. */
  tasks(path: string, summarize: () => ShardSummary): string[] {
    const blob = this.blob(path);
    if (blob === undefined) return summarize().tasks;
    this.seen.add(blob);
    const cached = Object.hasOwn(this.storedTasks.tasks, blob)
      ? this.storedTasks.tasks[blob]
      : undefined;
    if (Array.isArray(cached) && cached.every((id) => typeof id === 'string')) return cached;
    const summary = summarize();
    this.remember(blob, summary);
    return summary.tasks;
  }

  /** The stored records of a shard's content, parsing them with `parse` on a miss (and storing them). */
  records(path: string, parse: () => RewardRecord[]): RewardRecord[] {
    const blob = this.blob(path);
    if (blob === undefined || this.folder === undefined) return parse();
    this.seen.add(blob);
    const keep = (records: RewardRecord[]) =>
      this.keepsDecoded ? decodedShards.use(blob, deepFreeze(records)) : records;
    const kept = decodedShards.peek(blob);
    if (kept !== undefined) return keep(kept);
    const file = join(this.folder, `${blob}.json`);
    try {
      const text = readTextIfExists(file);
      if (text !== undefined) {
        const records = decodeColumns(JSON.parse(text), blob);
        if (records) return keep(records);
      }
    } catch {
      // A damaged entry: rebuilt below from the shard itself.
    }
    const records = parse();
    try {
      writeFileAtomic(file, JSON.stringify(encodeColumns(blob, records)));
    } catch {
      // A read-only git directory: the next read parses the shard again.
    }
    if (!Object.hasOwn(this.stored.summaries, blob)) this.remember(blob, summarizeRecords(records));
    return keep(records);
  }

  /**
   * Writes what changed. With `complete` (every shard of the agent was looked at), entries of blobs
   * no shard has any more are dropped, so the store does not grow with edits. Best effort: a store
   * that cannot be written is rebuilt by a later read.
   */
  save(complete: boolean): void {
    if (this.summaryFile === undefined || this.folder === undefined) return;
    if (!this.dirty && !this.tasksDirty && !complete) return;
    if (complete) {
      for (const blob of Object.keys(this.stored.summaries)) {
        if (this.seen.has(blob)) continue;
        delete this.stored.summaries[blob];
        this.dirty = true;
      }
      // The ids file is pruned when it was read anyway: stale entries only cost space until then.
      for (const blob of Object.keys(this.loadedTasks?.tasks ?? {})) {
        if (this.seen.has(blob)) continue;
        delete this.storedTasks.tasks[blob];
        this.tasksDirty = true;
      }
      for (const [path, stamp] of Object.entries(this.stored.stamps)) {
        if (this.known.get(path) === stamp.blob) continue;
        delete this.stored.stamps[path];
        this.dirty = true;
      }
    }
    try {
      if (this.dirty) {
        mkdirSync(dirname(this.summaryFile), { recursive: true });
        const taken = Date.now();
        writeFileAtomic(this.summaryFile, JSON.stringify({ ...this.stored, taken }));
        this.stored.taken = taken;
        const stat = statOf(this.summaryFile);
        if (stat !== undefined)
          summariesInMemory.set(this.summaryFile, { stat, value: this.stored });
        this.dirty = false;
      }
      if (this.tasksDirty && this.tasksFile !== undefined) {
        mkdirSync(dirname(this.tasksFile), { recursive: true });
        writeFileAtomic(this.tasksFile, JSON.stringify(this.storedTasks));
        this.tasksDirty = false;
      }
      if (complete) {
        for (const name of readdirSync(this.folder)) {
          const blob = name.endsWith('.json') ? name.slice(0, -'.json'.length) : undefined;
          if (blob && /^[0-9a-f]{40}$/.test(blob) && !this.seen.has(blob))
            rmSync(join(this.folder, name), { force: true });
        }
      }
    } catch {
      // Read-only or full: nothing is lost but time.
    }
  }
}

/** Stores of earlier formats, looked for once per process and folder. */
const cleaned = new Set<string>();
function removeOtherFormats(folder: string): void {
  if (cleaned.has(folder)) return;
  cleaned.add(folder);
  removeEarlierFormats(folder, 'reward-shards', SEALED_SHARDS_FORMAT);
}

/** When a record last changed: its own time, or the time of the human feedback on it. */
export function recordChangedAt(record: RewardRecord): string {
  const feedback = record.feedback?.at;
  return feedback !== undefined && Date.parse(feedback) > Date.parse(record.at)
    ? feedback
    : record.at;
}

export function summarizeRecords(records: readonly RewardRecord[]): ShardSummary {
  let latest: string | null = null;
  let latestMs = -Infinity;
  let lastAt: string | null = null;
  for (const record of records) {
    if (lastAt === null || record.at > lastAt) lastAt = record.at;
    const at = recordChangedAt(record);
    const ms = Date.parse(at);
    if (latest === null || ms > latestMs) {
      latest = at;
      latestMs = ms;
    }
  }
  return {
    tasks: records.map((r) => r.task_id),
    failed: records.filter((r) => r.error !== undefined).map((r) => r.task_id),
    latest,
    lastAt,
  };
}
