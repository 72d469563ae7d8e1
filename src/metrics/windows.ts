// Time windows of the metrics: "the last 7 days" or "the last 50 tasks", the window before it, and
// the series of windows the charts draw. A window is a span of time, (start, end], plus the records
// in it, so metrics over other files (beliefs, proposals) use the same span as the task metrics.
import { InputError } from '../errors.js';
import type { MetricRecord } from './sources.js';

export type WindowSpec = { kind: 'days'; size: number } | { kind: 'tasks'; size: number };

export const DEFAULT_WINDOW: WindowSpec = { kind: 'days', size: 7 };

/** How many windows the charts show, at most. */
export const SERIES_WINDOWS = 12;

const DAY_MS = 86_400_000;

/** Parses `7d` or `50tasks`; a bad value is an InputError naming the flag. */
export function parseWindow(text: string, flag = '--window'): WindowSpec {
  const match = /^(\d{1,5})(d|tasks)$/.exec(text.trim());
  const size = match ? Number(match[1]) : 0;
  if (!match || size < 1)
    throw new InputError(
      `${flag}: must be a number of days or tasks, such as 7d or 50tasks (got "${text}")`,
    );
  return { kind: match[2] === 'd' ? 'days' : 'tasks', size };
}

export function formatWindow(spec: WindowSpec): string {
  return spec.kind === 'days' ? `${spec.size}d` : `${spec.size}tasks`;
}

export interface MetricsWindow {
  /** Exclusive start, in ms since the epoch (-Infinity: from the beginning). */
  start: number;
  /** Inclusive end, in ms since the epoch. */
  end: number;
  /** The records whose time is in (start, end], oldest first. */
  records: readonly MetricRecord[];
}

/** Whether a time (an ISO string) falls in the window. */
export function inWindow(window: MetricsWindow, at: string | null): boolean {
  if (at === null) return false;
  const time = Date.parse(at);
  return time > window.start && time <= window.end;
}

/**
 * The windows ending at `anchor` (the newest time in the sources), newest last: `count` of them,
 * fewer when the records run out (task windows) or the sources begin (day windows).
 * `records` are oldest first; `firstAt` is the oldest time in the sources.
 */
export function windowsEndingAt(
  spec: WindowSpec,
  records: readonly MetricRecord[],
  anchor: number,
  firstAt: number,
  count: number,
): MetricsWindow[] {
  const windows: MetricsWindow[] = [];
  if (spec.kind === 'days') {
    const times = records.map((record) => Date.parse(record.at));
    let hi = records.length;
    for (let i = 0; i < count; i++) {
      const end = anchor - i * spec.size * DAY_MS;
      const start = end - spec.size * DAY_MS;
      // The window before the current one is always made (the table compares with it), however empty.
      if (i > 1 && end < firstAt) break;
      let lo = hi;
      while (lo > 0 && (times[lo - 1] ?? 0) > start) lo--;
      windows.unshift({ start, end, records: records.slice(lo, hi) });
      hi = lo;
    }
    return windows;
  }
  let hi = records.length;
  let end = anchor;
  for (let i = 0; i < count && (i <= 1 || hi > 0); i++) {
    const lo = Math.max(0, hi - spec.size);
    const before = records[lo - 1];
    const start = before ? Date.parse(before.at) : -Infinity;
    windows.unshift({ start, end, records: records.slice(lo, hi) });
    end = start;
    hi = lo;
  }
  return windows;
}

/**
 * The positions of the records (oldest first, their times in ms) that the `count` windows of `spec`
 * ending at `anchor` can reach, in order: every record a window may hold, for task windows the one
 * before the oldest window (its time starts that window), and the oldest record (its time bounds
 * the day windows). windowsEndingAt over just these records gives the same windows as over all.
 */
export function positionsTheWindowsReach(
  spec: WindowSpec,
  times: readonly number[],
  anchor: number,
  count: number,
): number[] {
  let from: number;
  if (spec.kind === 'days') {
    const start = anchor - count * spec.size * DAY_MS;
    from = times.length;
    while (from > 0 && (times[from - 1] ?? 0) > start) from--;
  } else from = Math.max(0, times.length - count * spec.size - 1);
  const positions: number[] = from > 0 ? [0] : [];
  for (let i = from; i < times.length; i++) positions.push(i);
  return positions;
}

/** Whether a time is at or after `since` (--since keeps these; null and unparsable times are not). */
export function atOrAfter(since: string): (at: string | null) => boolean {
  const from = Date.parse(since);
  return (at) => at !== null && Date.parse(at) >= from;
}
