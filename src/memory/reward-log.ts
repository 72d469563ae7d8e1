// The reward log of an agent (SPEC §6): where its records live, reading them (all of them, or only
// what an iteration needs), and pure plans for adding, replacing and sealing records.
//
//   agents/<name>/rewards/recent/<task-id>.md   one record per new task, until sealed
//   agents/<name>/rewards/<YYYY-MM-DD>-<hash8>.md  sealed shards, one record per line, oldest first
//   agents/<name>/rewards.md                    legacy: read, rewritten in place, never appended to
//
// A new task only adds its own file, so two branches' appends never touch the same file and any
// merge is clean. A shard is named by the date of its first record and its content's hash, so two
// branches that seal the same records add the same file, and different ones never collide.
// Reading order is legacy → shards by date (one date's shards together, by time, then id) →
// recent (by time, then id); when a task occurs twice (two branches sealed overlapping sets), the
// later copy wins, so there is one record per task.
import { createHash } from 'node:crypto';
import { bloomMayHold } from './bloom-filter.js';
import { join } from 'node:path';
import { listMarkdown, readMemoryTextIfExists, readTextIfExists } from './files.js';
import { agentPaths } from './layout.js';
import { directReads, type ParseCache } from './parse-cache.js';
import {
  parseRewardLines,
  renderRewardFile,
  renderRewardLine,
  replaceRewardLine,
} from './reward-lines.js';
import { parseRewards, replaceRewardText, type RewardRecord } from './rewards.js';
import {
  recordChangedAt,
  SealedShardStore,
  summarizeRecords,
  type ShardSummary,
} from './sealed-shards.js';
import type { FileChange, MemoryWriter } from './writer.js';

/** `recent/` is sealed into shards by the iteration that brings it to this many records. */
export const SEAL_AT_RECENT_RECORDS = 200;
/** The most records a sealed shard holds. */
export const MAX_SHARD_RECORDS = 256;
/** The largest sealed shard, in bytes (a shard holds at least one record, whatever its size). */
export const MAX_SHARD_BYTES = 128 * 1024;

/** Parser kinds for the parse cache: bump the version when the parse or summary changes. */
const RECORDS_KIND = 'reward-shard@1';
const SUMMARY_KIND = 'reward-summary@3';
// Sealed shards are read through the SealedShardStore (sealed-shards.ts), not the parse cache.
const LEGACY_KIND = 'reward-legacy@1';
const LEGACY_SUMMARY_KIND = 'reward-legacy-summary@3';

const SHARD_NAME = /^\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\.md$/;

export type RewardFileKind = 'legacy' | 'shard' | 'recent';

/** A file of the log. */
export interface RewardFile {
  /** Repository-relative path. */
  path: string;
  kind: RewardFileKind;
}

/** A task's state in the log: done, or a failed attempt (a record with `error`) to retry. */
export type RewardStatus = 'done' | 'failed';

/** A record in `recent/` and its file. */
export interface RecentRecord {
  path: string;
  record: RewardRecord;
}

/** What planning a write needs to know of the log. */
export interface RewardPlacement {
  agent: string;
  /** The file holding the task's record (the copy a reader keeps), if it has one. */
  locate(taskId: string): RewardFile | undefined;
  /** The records of `recent/`, oldest first. */
  recentRecords: readonly RecentRecord[];
}

/** The whole log, one record per task. */
export interface RewardLog extends RewardPlacement {
  /** Every record, oldest first in reading order. */
  records: RewardRecord[];
}

/** What an iteration needs of the log, without holding every record. */
export interface RewardIndex extends RewardPlacement {
  /** How many tasks have a record. */
  size: number;
  status(taskId: string): RewardStatus | undefined;
  /** Every task id that has a record. */
  taskIds(): IterableIterator<string>;
  /** The task's record, read from the one file where it lives. */
  record(taskId: string): RewardRecord | undefined;
  /** The last `n` records in reading order (one per task), read from the newest files only. */
  recent(n: number): RewardRecord[];
  /**
   * The latest time a record of the log changed (its own time or its feedback's), from the files'
   * summaries without reading a record; undefined for an empty log. A copy of a task that a later
   * one replaces counts too, so it may be later than the kept records' latest, never earlier.
   */
  latestChange(): string | undefined;
}

export function recentRecordPath(agent: string, taskId: string): string {
  return `${agentPaths(agent).rewardsRecent}/${taskId}.md`;
}

/** The log's files in reading order (recent/ files by name: their records are sorted on read). */
export function listRewardFiles(repoRoot: string, agent: string): RewardFile[] {
  const paths = agentPaths(agent);
  return [
    { path: paths.rewardsLegacy, kind: 'legacy' as const },
    ...listMarkdown(repoRoot, paths.rewardsDir)
      .filter((name) => SHARD_NAME.test(name))
      .map((name) => ({ path: `${paths.rewardsDir}/${name}`, kind: 'shard' as const })),
    ...listMarkdown(repoRoot, paths.rewardsRecent).map((name) => ({
      path: `${paths.rewardsRecent}/${name}`,
      kind: 'recent' as const,
    })),
  ];
}

export { recordChangedAt };

/**
 * How the log's files are read: the legacy file and `recent/` through the parse cache, sealed
 * shards through the agent's store of derived copies (keyed by blob id, so the files always win).
 */
interface LogReader {
  repoRoot: string;
  cache: ParseCache;
  store: SealedShardStore;
}

/** `keepsDecoded`: whether the shards' records it decodes are kept for the next read (an iteration's). */
function openReader(
  repoRoot: string,
  agent: string,
  cache: ParseCache,
  keepsDecoded = false,
): LogReader {
  const blobOf = cache.blobOf ? (path: string) => cache.blobOf?.(path) : undefined;
  return { repoRoot, cache, store: SealedShardStore.open(repoRoot, agent, blobOf, keepsDecoded) };
}

function shardRecords(reader: LogReader, path: string): RewardRecord[] {
  return reader.store.records(path, () => {
    const text = readMemoryTextIfExists(reader.repoRoot, path);
    return text === undefined ? [] : parseRewardLines(path, text);
  });
}

function fileRecords(reader: LogReader, file: RewardFile): RewardRecord[] {
  if (file.kind === 'shard') return shardRecords(reader, file.path);
  const records =
    file.kind === 'legacy'
      ? reader.cache.parse(file.path, LEGACY_KIND, (text) => parseRewards(file.path, text))
      : reader.cache.parse(file.path, RECORDS_KIND, (text) => parseRewardLines(file.path, text));
  return records ?? [];
}

/** What a lookup needs of a file: which tasks it may hold, the failed ones, its latest change. */
interface FileFacts {
  /** Whether the file holds a record of the task. */
  holds(taskId: string): boolean;
  failed: readonly string[];
  /** The latest time one of its records changed (null when it holds none), for a reflection's read. */
  latest: string | null;
  /** The greatest record time `at`, as text (null when it holds none), for a window's read. */
  lastAt: string | null;
  /** How many records it holds. */
  count: number;
}

function summaryOf(reader: LogReader, file: RewardFile): ShardSummary {
  const summary =
    file.kind === 'legacy'
      ? reader.cache.parse(file.path, LEGACY_SUMMARY_KIND, (text) =>
          summarizeRecords(parseRewards(file.path, text)),
        )
      : reader.cache.parse(file.path, SUMMARY_KIND, (text) =>
          summarizeRecords(parseRewardLines(file.path, text)),
        );
  return summary ?? { tasks: [], failed: [], latest: null, lastAt: null };
}

/**
 * A file's facts: a sealed shard's from the store (a filter of its task ids, not the ids), the
 * others' from the parse cache.
 */
function fileFacts(reader: LogReader, file: RewardFile): FileFacts {
  if (file.kind === 'shard') {
    const stored = reader.store.summary(file.path, () =>
      summarizeRecords(shardRecords(reader, file.path)),
    );
    // The filter's "maybe" is confirmed from the shard's own records.
    const holds = (taskId: string) =>
      bloomMayHold(stored.bloom, taskId) &&
      shardRecords(reader, file.path).some((r) => r.task_id === taskId);
    return { ...stored, holds };
  }
  const summary = summaryOf(reader, file);
  return {
    ...summary,
    count: summary.tasks.length,
    holds: (taskId) => summary.tasks.includes(taskId),
  };
}

/**
 * Whether a sealed shard may hold the task, by its stored filter alone: a lookup asks every shard
 * (500 in a 100,000-record log), and all but one or two say no.
 */
function shardMayHold(reader: LogReader, path: string, taskId: string): boolean {
  const { bloom } = reader.store.summary(path, () => summarizeRecords(shardRecords(reader, path)));
  return bloomMayHold(bloom, taskId);
}

/** The task ids of a file, in its order. */
function fileTasks(reader: LogReader, file: RewardFile): readonly string[] {
  if (file.kind === 'shard')
    return reader.store.tasks(file.path, () => summarizeRecords(shardRecords(reader, file.path)));
  return summaryOf(reader, file).tasks;
}

/** A group's reading order: by time (as written), then task id; used with a stable sort. */
export function byTimeThenId(
  a: Pick<RewardRecord, 'at' | 'task_id'>,
  b: Pick<RewardRecord, 'at' | 'task_id'>,
): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  return a.task_id < b.task_id ? -1 : a.task_id > b.task_id ? 1 : 0;
}

/**
 * The legacy file and the shards in reading order, in groups: the legacy file alone, then the
 * shards of each date (the prefix of their names) together, since names of one date sort by hash,
 * not by time. A group's records are read sorted by time, then task id (a stable sort, so copies of
 * one task keep the order of their files' names).
 */
export function sealedGroups(files: readonly RewardFile[]): RewardFile[][] {
  const groups: RewardFile[][] = [];
  let date: string | undefined;
  for (const file of files) {
    if (file.kind === 'recent') continue;
    const fileDate = file.kind === 'shard' ? (file.path.split('/').at(-1) ?? '').slice(0, 10) : '';
    const last = groups.at(-1);
    if (last && file.kind === 'shard' && fileDate === date) last.push(file);
    else groups.push([file]);
    date = file.kind === 'shard' ? fileDate : undefined;
  }
  return groups;
}

/**
 * The oldest record a newest-first take of `wanted` tasks beyond `seen` would reach in `records`
 * (in reading order), or undefined when they hold fewer such tasks.
 */
function oldestTaken(
  records: readonly RewardRecord[],
  wanted: number,
  seen: ReadonlySet<string>,
): RewardRecord | undefined {
  const taken = new Set<string>();
  for (let i = records.length - 1; i >= 0; i--) {
    const record = records[i] as RewardRecord;
    if (seen.has(record.task_id) || taken.has(record.task_id)) continue;
    taken.add(record.task_id);
    if (taken.size === wanted) return record;
  }
  return undefined;
}

/** The records of a group of files in reading order, each with the file it lives in. */
function groupRecords(
  reader: LogReader,
  group: readonly RewardFile[],
): { records: RewardRecord[]; files: RewardFile[] } {
  const records: RewardRecord[] = [];
  const files: RewardFile[] = [];
  for (const file of group) {
    for (const record of fileRecords(reader, file)) {
      records.push(record);
      files.push(file);
    }
  }
  if (group.length === 1) return { records, files };
  const order = records.map((_, i) => i);
  order.sort((i, j) => byTimeThenId(records[i] as RewardRecord, records[j] as RewardRecord));
  return {
    records: order.map((i) => records[i] as RewardRecord),
    files: order.map((i) => files[i] as RewardFile),
  };
}

function readRecent(reader: LogReader, files: RewardFile[]): RecentRecord[] {
  return files
    .filter((file) => file.kind === 'recent')
    .flatMap((file) => fileRecords(reader, file).map((record) => ({ path: file.path, record })))
    .sort((a, b) => byTimeThenId(a.record, b.record));
}

/** Every record of the log, one per task (a later copy wins), and where each lives. Linear. */
export function readRewardLog(
  repoRoot: string,
  agent: string,
  cache: ParseCache = directReads(repoRoot),
): RewardLog {
  const files = listRewardFiles(repoRoot, agent);
  const reader = openReader(repoRoot, agent, cache);
  const recentRecords = readRecent(reader, files);
  // Every copy in reading order, and for each task the position of its last copy: plain numbers,
  // so a 100,000-record log makes no object per record beyond the records themselves.
  const copies: RewardRecord[] = [];
  const fileOfCopy: RewardFile[] = [];
  for (const group of sealedGroups(files)) {
    const read = groupRecords(reader, group);
    for (let i = 0; i < read.records.length; i++) {
      copies.push(read.records[i] as RewardRecord);
      fileOfCopy.push(read.files[i] as RewardFile);
    }
  }
  for (const { path, record } of recentRecords) {
    copies.push(record);
    fileOfCopy.push({ path, kind: 'recent' });
  }
  reader.store.save(true);
  const lastCopy = new Map<string, number>();
  copies.forEach((record, position) => lastCopy.set(record.task_id, position));
  const records =
    lastCopy.size === copies.length
      ? copies
      : copies.filter((record, position) => lastCopy.get(record.task_id) === position);
  return {
    agent,
    records,
    locate: (taskId) => {
      const position = lastCopy.get(taskId);
      return position === undefined ? undefined : fileOfCopy[position];
    },
    recentRecords,
  };
}

/** A task's file in the log and its status there. */
interface TaskPlace {
  file: RewardFile;
  status: RewardStatus;
}

/** Lookups of single tasks that scan the log's file summaries before the index maps every task. */
const SCANS_BEFORE_MAP = 8;

function recentPlace(path: string, record: RewardRecord): TaskPlace {
  return {
    file: { path, kind: 'recent' },
    status: record.error === undefined ? 'done' : 'failed',
  };
}

/**
 * The records of the log (one per task, in reading order, as readRewardLog gives them) of every
 * group of files that holds a record changed after `since`: all records changed after `since`, and
 * others beside them. The whole log when `since` is undefined. A reflection needs only these, so a
 * nightly learning run reads the files written since the last one, not 100,000 records: `cache`
 * keeps each file's summary (latest time, task ids), and records are read from the files themselves.
 */
export function readRewardsChangedSince(
  repoRoot: string,
  agent: string,
  since: string | undefined,
  cache: ParseCache = directReads(repoRoot),
): RewardRecord[] {
  if (since === undefined) return readRewardLog(repoRoot, agent).records;
  const after = Date.parse(since);
  const files = listRewardFiles(repoRoot, agent);
  const reader = openReader(repoRoot, agent, cache);
  // The sealed groups, then recent/ as one more group: reading order, group after group.
  const groups = [...sealedGroups(files), files.filter((file) => file.kind === 'recent')];
  const changed = groups.map((group) =>
    group.some((file) => {
      const latest = fileFacts(reader, file).latest;
      return latest !== null && Date.parse(latest) > after;
    }),
  );
  const first = changed.indexOf(true);
  if (first === -1) {
    reader.store.save(false);
    return [];
  }
  // Records straight from the files (recent/ and the legacy file are not kept in the cache whole).
  const direct: LogReader = { ...reader, cache: directReads(repoRoot) };
  const read = groups.map((group, g) => {
    if (!changed[g]) return [];
    if (g === groups.length - 1) return readRecent(direct, group).map((entry) => entry.record);
    return groupRecords(direct, group).records;
  });
  // A copy is the record a reader keeps when no later copy of its task follows it: later in its
  // own group, or in any later group (known from the cached task ids of the files).
  const wanted = new Set(read.flat().map((record) => record.task_id));
  const lastGroup = new Map<string, number>();
  for (let g = first; g < groups.length; g++) {
    for (const file of groups[g] ?? []) {
      for (const task of fileTasks(reader, file)) if (wanted.has(task)) lastGroup.set(task, g);
    }
  }
  reader.store.save(false);
  const records: RewardRecord[] = [];
  read.forEach((group, g) => {
    const lastInGroup = new Map<string, number>();
    group.forEach((record, position) => lastInGroup.set(record.task_id, position));
    group.forEach((record, position) => {
      if (lastInGroup.get(record.task_id) === position && lastGroup.get(record.task_id) === g)
        records.push(record);
    });
  });
  return records;
}

/**
 * What an iteration needs of the log: each task's status and file, from per-file summaries that
 * the cache keeps for unchanged files, and the most recent records, from the newest files only.
 */
export function readRewardIndex(
  repoRoot: string,
  agent: string,
  cache: ParseCache = directReads(repoRoot),
): RewardIndex {
  const files = listRewardFiles(repoRoot, agent);
  // An iteration reads the newest shards on every task: their records are kept from one to the next.
  const reader = openReader(repoRoot, agent, cache, true);
  const recentRecords = readRecent(reader, files);
  const groups = sealedGroups(files);
  const sealed = groups.flat();

  // Where each task lives: a lookup or two (the iteration's already-processed check, the write of
  // its record) scan the per-file summaries newest first; building a map of every task (100,000
  // entries in a long-lived log) is left to callers that ask for many tasks or all of them.
  let where: Map<string, TaskPlace> | undefined;
  let scans = 0;
  const everyTask = (): Map<string, TaskPlace> => {
    if (where) return where;
    // Files in name order: a task in two files is kept from the later one, as the full read keeps
    // it (its copies share their time and task id, so sorting a date's records keeps their order).
    where = new Map();
    for (const file of sealed) {
      const failedHere = new Set(fileFacts(reader, file).failed);
      for (const task of fileTasks(reader, file))
        where.set(task, { file, status: failedHere.has(task) ? 'failed' : 'done' });
    }
    for (const { path, record } of recentRecords)
      where.set(record.task_id, recentPlace(path, record));
    reader.store.save(true);
    return where;
  };
  // The index is a snapshot: a task looked up twice (the iteration's check, then its write) is
  // scanned for once.
  const scanned = new Map<string, TaskPlace | undefined>();
  const place = (taskId: string): TaskPlace | undefined => {
    if (where) return where.get(taskId);
    if (scanned.has(taskId)) return scanned.get(taskId);
    if (++scans > SCANS_BEFORE_MAP) return everyTask().get(taskId);
    const found = scan(taskId);
    scanned.set(taskId, found);
    return found;
  };
  const scan = (taskId: string): TaskPlace | undefined => {
    // The same answer the map gives: the last copy in reading order, so the newest file first.
    for (let i = recentRecords.length - 1; i >= 0; i--) {
      const entry = recentRecords[i] as RecentRecord;
      if (entry.record.task_id === taskId) return recentPlace(entry.path, entry.record);
    }
    for (let i = sealed.length - 1; i >= 0; i--) {
      const file = sealed[i] as RewardFile;
      if (file.kind === 'shard' && !shardMayHold(reader, file.path, taskId)) continue;
      const { holds, failed } = fileFacts(reader, file);
      if (holds(taskId)) {
        reader.store.save(false);
        return { file, status: failed.includes(taskId) ? 'failed' : 'done' };
      }
    }
    reader.store.save(false);
    return undefined;
  };

  const record = (taskId: string): RewardRecord | undefined => {
    const file = place(taskId)?.file;
    if (!file) return undefined;
    return fileRecords(reader, file).findLast((r) => r.task_id === taskId);
  };

  const recent = (n: number): RewardRecord[] => {
    // Newest first: recent/, then the shards of each date from the last back, then the legacy
    // file. The first copy of a task met this way is the one a reader keeps.
    const newestFirst: RewardRecord[] = [];
    const seen = new Set<string>();
    const take = (records: readonly RewardRecord[]) => {
      for (let i = records.length - 1; i >= 0 && newestFirst.length < n; i--) {
        const r = records[i];
        if (r === undefined || seen.has(r.task_id)) continue;
        seen.add(r.task_id);
        newestFirst.push(r);
      }
    };
    take(recentRecords.map((entry) => entry.record));
    for (let i = groups.length - 1; i >= 0 && newestFirst.length < n; i--) {
      const group = groups[i];
      if (group) take(newestRecordsOfGroup(group, n - newestFirst.length, seen));
    }
    reader.store.save(false);
    return newestFirst.reverse();
  };

  /**
   * The records (in reading order) of the files of a date's group that hold its newest `wanted`
   * tasks beyond `seen`: shards are read by their greatest record time, newest first, until the
   * tasks read fill the window and no unread shard can hold a record the reading order puts after
   * the oldest of them. A busy day's dozens of shards are not all decoded for the last 1,000 records.
   */
  const newestRecordsOfGroup = (
    group: readonly RewardFile[],
    wanted: number,
    seen: ReadonlySet<string>,
  ): RewardRecord[] => {
    if (group.length === 1) return groupRecords(reader, group).records;
    const read = new Set<RewardFile>();
    const readRecords = () =>
      groupRecords(
        reader,
        group.filter((f) => read.has(f)),
      ).records;
    const byLastAt = group
      .map((file) => {
        const facts = fileFacts(reader, file);
        return { file, lastAt: facts.lastAt ?? '', count: facts.count };
      })
      .sort((a, b) => (a.lastAt < b.lastAt ? 1 : a.lastAt > b.lastAt ? -1 : 0));
    let count = 0;
    for (let k = 0; k < byLastAt.length; k++) {
      const shard = byLastAt[k] as { file: RewardFile; count: number };
      read.add(shard.file);
      count += shard.count;
      const next = byLastAt[k + 1];
      if (next === undefined || next.lastAt === '') break; // the rest hold no records
      if (count < wanted) continue;
      const records = readRecords();
      const oldest = oldestTaken(records, wanted, seen);
      // Every unread record is at or before `next.lastAt`; one at the oldest taken time may still
      // sort after it (by task id), so only an earlier time ends the read.
      if (oldest !== undefined && next.lastAt < oldest.at) return records;
    }
    return readRecords();
  };

  const latestChange = (): string | undefined => {
    let latest: string | undefined;
    const consider = (at: string | null) => {
      if (at !== null && (latest === undefined || Date.parse(at) > Date.parse(latest))) latest = at;
    };
    for (const file of sealed) consider(fileFacts(reader, file).latest);
    for (const { record } of recentRecords) consider(recordChangedAt(record));
    reader.store.save(false);
    return latest;
  };

  return {
    agent,
    latestChange,
    get size() {
      return everyTask().size;
    },
    locate: (taskId) => place(taskId)?.file,
    status: (taskId) => place(taskId)?.status,
    taskIds: () => everyTask().keys(),
    record,
    recent,
    recentRecords,
  };
}

function recentHeader(agent: string): string {
  return `Reward record of agent ${agent} (AgentOS): one line per task; sealed into a shard of rewards/ later.`;
}

function shardHeader(agent: string): string {
  return `Reward records of agent ${agent} (AgentOS): one line per task, oldest first; sealed, never appended to.`;
}

/**
 * The changes that put `record` in the log: a new task's own file in `recent/`, or its record
 * replaced where it lives (recent file, shard line, or legacy block). `currentText` is the text of
 * the file where the task's record lives now (`log.locate`), needed to replace it in place.
 */
export function planRecordWrite(
  log: RewardPlacement,
  record: RewardRecord,
  currentText?: string,
): FileChange[] {
  const file = log.locate(record.task_id);
  if (!file) {
    const path = recentRecordPath(log.agent, record.task_id);
    return [
      { path, content: renderRewardFile(recentHeader(log.agent), [renderRewardLine(record)]) },
    ];
  }
  if (file.kind === 'recent' && currentText === undefined) {
    return [
      {
        path: file.path,
        content: renderRewardFile(recentHeader(log.agent), [renderRewardLine(record)]),
      },
    ];
  }
  const text = currentText ?? '';
  return [
    {
      path: file.path,
      content:
        file.kind === 'legacy'
          ? replaceRewardText(file.path, text, record)
          : replaceRewardLine(file.path, text, record),
    },
  ];
}

export interface SealPlan {
  changes: FileChange[];
  /** The new shards' paths. */
  shards: string[];
  /** How many records were sealed. */
  count: number;
}

/**
 * Seals records into new shards, oldest first (by time, then task id), each within
 * MAX_SHARD_RECORDS and MAX_SHARD_BYTES, and deletes their recent files. The same records always
 * give the same shards, byte for byte and by name.
 */
export function planSeal(agent: string, recent: readonly RecentRecord[]): SealPlan {
  const records = [...recent].sort((a, b) => byTimeThenId(a.record, b.record));
  const header = shardHeader(agent);
  const lines = records.map(({ record }) => renderRewardLine(record));
  // As many shards as the bounds need, then the records spread evenly over them (two shards of
  // 100 rather than 168 and 32), so no seal leaves a sliver of a file behind.
  const groups = evenGroups(header, lines, groupLines(header, lines, MAX_SHARD_RECORDS).length);
  let next = 0;
  const firsts = groups.map((group) => {
    const first = records[next]?.record;
    next += group.length;
    return first;
  });
  const dir = agentPaths(agent).rewardsDir;
  const shards = groups.map((group, i) => {
    const first = firsts[i];
    if (!first) throw new Error('a shard without records'); // groups partition the records
    const content = renderRewardFile(header, group);
    const hash = createHash('sha256').update(content).digest('hex').slice(0, 8);
    return { path: `${dir}/${first.at.slice(0, 10)}-${hash}.md`, content };
  });
  const deletes = [...new Set(recent.map((entry) => entry.path))]
    .sort()
    .map((path): FileChange => ({
      path,
      delete: true,
    }));
  return {
    changes: [...shards, ...deletes],
    shards: shards.map((s) => s.path),
    count: records.length,
  };
}

/** Lines cut, in order, into groups within `maxRecords` lines and MAX_SHARD_BYTES each. */
function groupLines(header: string, lines: readonly string[], maxRecords: number): string[][] {
  const headerBytes = Buffer.byteLength(renderRewardFile(header, []));
  const groups: string[][] = [];
  let bytes = 0;
  for (const line of lines) {
    const lineBytes = Buffer.byteLength(line) + 1;
    const group = groups.at(-1);
    if (group && group.length < maxRecords && bytes + lineBytes <= MAX_SHARD_BYTES) {
      group.push(line);
      bytes += lineBytes;
    } else {
      groups.push([line]);
      bytes = headerBytes + lineBytes;
    }
  }
  return groups;
}

/**
 * Lines cut, in order, into `count` groups whose sizes differ by at most one, or into more when
 * a group would be over MAX_SHARD_BYTES (a single line is always a group of its own).
 */
function evenGroups(header: string, lines: readonly string[], count: number): string[][] {
  const headerBytes = Buffer.byteLength(renderRewardFile(header, []));
  for (let parts = Math.max(1, count); ; parts++) {
    const groups: string[][] = [];
    const base = Math.floor(lines.length / parts);
    const larger = lines.length % parts;
    let start = 0;
    for (let i = 0; i < parts && start < lines.length; i++) {
      const size = base + (i < larger ? 1 : 0);
      groups.push(lines.slice(start, start + size));
      start += size;
    }
    const fits = (group: string[]) =>
      group.length === 1 ||
      headerBytes + group.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0) <=
        MAX_SHARD_BYTES;
    if (groups.every(fits)) return groups;
  }
}

/**
 * The whole change of writing one record: `planRecordWrite`, and when that brings `recent/` to
 * SEAL_AT_RECENT_RECORDS, the seal of every recent record (the new one goes straight to a shard).
 */
export function planRewardUpdate(
  log: RewardPlacement,
  record: RewardRecord,
  currentText?: string,
): { changes: FileChange[]; sealed?: SealPlan } {
  const changes = planRecordWrite(log, record, currentText);
  if (log.locate(record.task_id)) return { changes };
  const path = recentRecordPath(log.agent, record.task_id);
  const recent = [...log.recentRecords, { path, record }];
  if (recent.length < SEAL_AT_RECENT_RECORDS) return { changes };
  const sealed = planSeal(log.agent, recent);
  // The new record's own recent file was never written: neither write nor delete it.
  return { changes: sealed.changes.filter((change) => change.path !== path), sealed };
}

/**
 * Writes `record` into the log through the writer (the thin shell over `planRewardUpdate`);
 * returns the seal it made, if any, for the commit message.
 */
export function writeRewardRecord(
  writer: MemoryWriter,
  repoRoot: string,
  log: RewardPlacement,
  record: RewardRecord,
): SealPlan | undefined {
  const file = log.locate(record.task_id);
  const currentText = file ? readTextIfExists(join(repoRoot, file.path)) : undefined;
  const { changes, sealed } = planRewardUpdate(log, record, currentText);
  writer.apply(changes);
  return sealed;
}
