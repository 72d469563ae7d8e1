// The reward log as the metrics read it: each file's records cut down to what a metric looks at
// (a flat row per record), cached per file in the memory index under a kind of its own, so a later
// run reads a 100,000-record log from small cached rows instead of parsing every record again. The files
// are parsed by the log's own parsers (same validation, same errors), and read in the log's own
// order, so the records are those readRewardLog returns, one per task (a later copy wins).
import { MemoryFileError } from '../errors.js';
import {
  byTimeThenId,
  listRewardFiles,
  sealedGroups,
  type RewardFile,
} from '../memory/reward-log.js';
import { parseRewardLines } from '../memory/reward-lines.js';
import { TIERS, type Tier } from '../memory/registry.js';
import { parseRewards } from '../memory/rewards.js';
import type { ParseCache } from '../memory/parse-cache.js';
import { routeOf, segmentsUsedOf } from './expected-shapes.js';
import { scanRecordTimes, type RecordTimes } from './record-times.js';
import type { MetricRecord } from './sources.js';

/** Names the cached values in the memory index; bump when a row's layout changes. */
const ROWS_KIND = 'metrics-rows@2';
/** Names a file's record ids and times (record-times.ts) in the memory index; null: not scannable. */
const TIMES_KIND = 'metrics-times@1';
const LEGACY_ROWS_KIND = 'metrics-legacy-rows@2';

/** A tier's estimate as routeOf reads it (success rate, cost), or null when the route has none. */
type EstimateCell = [number | null, number | null] | null;
/** routeOf's reading of a route: tier, default tier, explored, then one cell per tier of TIERS. */
type RouteCell = [Tier, Tier | null, boolean | null, ...EstimateCell[]];

/**
 * One record as the metrics cache keeps it: a flat array (a tenth of the record's size, and far
 * cheaper to parse back than objects), in this order. Optional fields are null when absent.
 */
type RecordRow = [
  task_id: string,
  at: string,
  outcome: MetricRecord['outcome'],
  reward: MetricRecord['reward'],
  model_used: MetricRecord['model_used'],
  model_appropriate: MetricRecord['model_appropriate'],
  cost_usd: number | null,
  tiers_tried: MetricRecord['tiers_tried'] | null,
  included: number,
  used: number,
  tokens: number,
  available: number | null,
  used_tokens: number | null,
  skills_used: string[],
  segments: string[] | null,
  route: RouteCell | null,
];

/** A record's row: what each metric reads of it, the route and segments already as read. */
export function recordRow(record: MetricRecord): RecordRow {
  const route = routeOf(record);
  const segments = segmentsUsedOf(record);
  return [
    record.task_id,
    record.at,
    record.outcome,
    record.reward,
    record.model_used,
    record.model_appropriate,
    record.cost_usd,
    record.tiers_tried ?? null,
    record.context.included,
    record.context.used,
    record.context.tokens,
    record.context.available ?? null,
    record.context.used_tokens ?? null,
    record.skills_used,
    segments ?? null,
    route
      ? [
          route.tier,
          route.defaultTier,
          route.explored,
          ...TIERS.map((tier): EstimateCell => {
            const estimate = route.estimates[tier];
            return estimate ? [estimate.successRate, estimate.costUsd] : null;
          }),
        ]
      : null,
  ];
}

/**
 * The record a row stands for, as the metrics see it: routeOf and segmentsUsedOf read the same
 * from it as from the record (the route holds only what routeOf reads; the segments the task used
 * are in segments_used, and context keeps no used_ids, which only segmentsUsedOf reads).
 */
export function rowRecord(row: RecordRow): MetricRecord {
  const [taskId, at, outcome, reward, modelUsed, appropriate, cost, tiersTried] = row;
  const [, , , , , , , , included, used, tokens, available, usedTokens, skills, segments, route] =
    row;
  const record: MetricRecord = {
    task_id: taskId,
    at,
    outcome,
    reward,
    model_used: modelUsed,
    model_appropriate: appropriate,
    cost_usd: cost,
    context: {
      included,
      used,
      tokens,
      ...(available !== null ? { available } : {}),
      ...(usedTokens !== null ? { used_tokens: usedTokens } : {}),
    },
    skills_used: skills,
  };
  if (tiersTried !== null) record.tiers_tried = tiersTried;
  if (segments !== null) record.segments_used = segments;
  if (route !== null) {
    const [tier, defaultTier, explored, ...cells] = route;
    const estimates: Record<string, { success: number | null; cost: number | null }> = {};
    TIERS.forEach((name, i) => {
      const cell = cells[i];
      if (cell) estimates[name] = { success: cell[0], cost: cell[1] };
    });
    record.route = { tier, default_tier: defaultTier, explored, estimates };
  }
  return record;
}

/**
 * A file's records. The rows are cached as one JSON text, not as arrays: the memory index then
 * reads (and freezes) a single string per file instead of a million small values, and the rows are
 * parsed here only once, straight into records.
 */
function fileRecords(cache: ParseCache, file: RewardFile): MetricRecord[] {
  // Rows parsed just now are used as they are, not read back from the text cached for later runs.
  let fresh: RecordRow[] | undefined;
  const cacheRows = (records: readonly MetricRecord[]): string => {
    fresh = records.map(recordRow);
    return JSON.stringify(fresh);
  };
  const rows =
    file.kind === 'legacy'
      ? cache.parse(file.path, LEGACY_ROWS_KIND, (text) => cacheRows(parseRewards(file.path, text)))
      : cache.parse(file.path, ROWS_KIND, (text) => cacheRows(parseRewardLines(file.path, text)));
  if (rows === undefined) return [];
  return (fresh ?? (JSON.parse(rows) as RecordRow[])).map(rowRecord);
}

/** Every record of the agent's log, one per task (the last copy in reading order wins). */
export function readMetricRecords(
  repoRoot: string,
  agent: string,
  cache: ParseCache,
): MetricRecord[] {
  const files = listRewardFiles(repoRoot, agent);
  const copies: MetricRecord[] = [];
  for (const group of sealedGroups(files)) {
    const read = group.flatMap((file) => fileRecords(cache, file));
    if (group.length > 1) read.sort(byTimeThenId);
    for (const record of read) copies.push(record);
  }
  const recent = files
    .filter((file) => file.kind === 'recent')
    .flatMap((file) => fileRecords(cache, file))
    .sort(byTimeThenId);
  for (const record of recent) copies.push(record);
  const lastCopy = new Map<string, number>();
  copies.forEach((record, position) => lastCopy.set(record.task_id, position));
  return lastCopy.size === copies.length
    ? copies
    : copies.filter((record, position) => lastCopy.get(record.task_id) === position);
}

/** A task's last copy in the log, as the timeline knows it: its id, time, and where it lives. */
export interface TimelineEntry {
  task_id: string;
  at: string;
  /** The file's position in listRewardFiles, and the record's among that file's records. */
  file: number;
  record: number;
}

export interface RecordTimeline {
  /** One entry per task (its last copy, as readMetricRecords keeps it), in reading order. */
  entries: TimelineEntry[];
  /** The whole records of `entries`, in the same order (each file read and validated in full). */
  records(entries: readonly TimelineEntry[]): MetricRecord[];
}

/**
 * The agent's log as task ids and times, with its whole records on demand: what readMetricRecords
 * returns, without parsing the records no window reaches. A file the time reader does not read for
 * certain (record-times.ts) is read whole at once, which reports what is wrong with it as before.
 */
export function readRecordTimeline(
  repoRoot: string,
  agent: string,
  cache: ParseCache,
): RecordTimeline {
  const files = listRewardFiles(repoRoot, agent);
  const whole = new Map<number, MetricRecord[]>();
  const timesOf = (index: number): RecordTimes => {
    const file = files[index] as RewardFile;
    const scanned =
      file.kind === 'legacy'
        ? null
        : cache.parse(file.path, TIMES_KIND, (text) => scanRecordTimes(text) ?? null);
    if (scanned === undefined) return { ids: [], ats: [] };
    if (scanned !== null) return scanned;
    const records = fileRecords(cache, file);
    whole.set(index, records);
    return { ids: records.map((r) => r.task_id), ats: records.map((r) => r.at) };
  };
  const copiesOf = (indexes: readonly number[]): TimelineEntry[] =>
    indexes.flatMap((file) => {
      const { ids, ats } = timesOf(file);
      return ids.map((id, record) => ({ task_id: id, at: ats[record] ?? '', file, record }));
    });
  const position = new Map(files.map((file, index) => [file, index]));
  const indexesOf = (group: readonly RewardFile[]) => group.map((file) => position.get(file) ?? 0);

  const copies: TimelineEntry[] = [];
  for (const group of sealedGroups(files)) {
    const read = copiesOf(indexesOf(group));
    if (group.length > 1) read.sort(byTimeThenId);
    for (const entry of read) copies.push(entry);
  }
  const recent = copiesOf(indexesOf(files.filter((file) => file.kind === 'recent'))).sort(
    byTimeThenId,
  );
  for (const entry of recent) copies.push(entry);
  const lastCopy = new Map<string, number>();
  copies.forEach((entry, at) => lastCopy.set(entry.task_id, at));
  const entries =
    lastCopy.size === copies.length
      ? copies
      : copies.filter((entry, at) => lastCopy.get(entry.task_id) === at);

  return {
    entries,
    records(wanted) {
      return wanted.map((entry) => {
        const file = files[entry.file] as RewardFile;
        let records = whole.get(entry.file);
        if (!records) {
          records = fileRecords(cache, file);
          whole.set(entry.file, records);
        }
        const record = records[entry.record];
        if (record?.task_id !== entry.task_id || record.at !== entry.at)
          throw new MemoryFileError(
            file.path,
            'changed while the metrics read it (run agentos metrics again)',
          );
        return record;
      });
    },
  };
}
