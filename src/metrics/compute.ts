// The metrics of one agent, as a pure function of its sources: each metric over the current and
// the previous window with the trend between them, what routing saved, and the series the charts
// draw (success, cost per success and tier mix per window, beliefs by status, proposals by outcome).
import { TIERS, type Tier } from '../memory/registry.js';
import { isoSeconds } from '../memory/schema-parts.js';
import { METRICS, type MetricId, type MetricUnit, type MetricValue } from './definitions.js';
import { routeOf, type ProposalStatus } from './expected-shapes.js';
import { SERIES_WINDOWS, windowsEndingAt, type MetricsWindow, type WindowSpec } from './windows.js';
import type { MetricRecord, MetricsSources } from './sources.js';

export type Trend = 'better' | 'worse' | 'same' | 'unknown';

export interface MetricReport {
  id: MetricId;
  name: string;
  unit: MetricUnit;
  better: 'higher' | 'lower';
  current: MetricValue;
  previous: MetricValue;
  trend: Trend;
}

export interface WindowSummary {
  /** Exclusive start (ISO), or null: from the beginning. */
  start: string | null;
  end: string;
  tasks: number;
}

export interface SeriesPoint extends WindowSummary {
  success_rate: number | null;
  cost_per_success: number | null;
  tiers: Record<Tier, number>;
}

/**
 * What routing saved over the current window, from the routing policy's per-tier estimates on each
 * task: what always-strongest would have cost, what the oracle route (each task on the cheapest
 * tier estimated to succeed) would have cost, and what was paid.
 */
export type RoutingSavings =
  | { status: 'no-data'; reason: string }
  | {
      status: 'ok';
      tasks: number;
      actual_usd: number;
      always_strongest_usd: number;
      oracle_usd: number;
      saved_usd: number;
      gap_to_oracle_usd: number;
    };

export interface AgentMetrics {
  agent: string;
  /** The newest time in the sources: the end of the current window (null: no data at all). */
  anchor: string | null;
  current: WindowSummary;
  previous: WindowSummary;
  metrics: MetricReport[];
  routing_savings: RoutingSavings;
  series: SeriesPoint[];
  beliefs_by_status: Record<string, number>;
  proposals_by_outcome: Record<ProposalStatus, number> | null;
}

/** An estimated success rate at or above this counts as "would have succeeded" for the oracle. */
export const ORACLE_SUCCESS_RATE = 0.5;

const EMPTY_WINDOW: MetricsWindow = { start: -Infinity, end: -Infinity, records: [] };

function iso(time: number): string | null {
  return Number.isFinite(time) ? isoSeconds(new Date(time)) : null;
}

function summary(window: MetricsWindow): WindowSummary {
  return { start: iso(window.start), end: iso(window.end) ?? '', tasks: window.records.length };
}

/** What timeSpan reads of the sources: of the records, only the times of the first and last. */
export type TimedSources = Pick<MetricsSources, 'beliefs' | 'proposals'> & {
  records: readonly Pick<MetricRecord, 'at'>[];
};

/** The first and last times anywhere in the sources (ms), or undefined when there are none. */
export function timeSpan(sources: TimedSources): { first: number; last: number } | undefined {
  let first = Infinity;
  let last = -Infinity;
  const see = (at: string | null | undefined) => {
    if (at === null || at === undefined) return;
    const time = Date.parse(at);
    if (Number.isNaN(time)) return;
    if (time < first) first = time;
    if (time > last) last = time;
  };
  const [oldest] = sources.records;
  see(oldest?.at);
  see(sources.records.at(-1)?.at);
  for (const b of sources.beliefs) {
    see(b.created);
    see(b.lastAt);
  }
  if (sources.proposals.available)
    for (const p of sources.proposals.items) {
      see(p.openedAt);
      see(p.mergedAt);
      see(p.closedAt);
    }
  // routing.md's commits are left out: a commit's time is when it landed, not when the work was done.
  return Number.isFinite(last) ? { first, last } : undefined;
}

export function trendOf(
  better: 'higher' | 'lower',
  current: MetricValue,
  previous: MetricValue,
): Trend {
  if (current.value === null || previous.value === null) return 'unknown';
  const change = current.value - previous.value;
  if (Math.abs(change) < 1e-9) return 'same';
  return change > 0 === (better === 'higher') ? 'better' : 'worse';
}

export function routingSavings(records: readonly MetricRecord[]): RoutingSavings {
  let tasks = 0;
  let actual = 0;
  let strongest = 0;
  let oracle = 0;
  const top = TIERS[TIERS.length - 1] as Tier;
  for (const record of records) {
    const route = routeOf(record);
    const topCost = route?.estimates[top]?.costUsd;
    if (!route || topCost === null || topCost === undefined || record.cost_usd === null) continue;
    const cheapest = TIERS.map((tier) => route.estimates[tier])
      .filter(
        (e) =>
          e !== undefined &&
          e.costUsd !== null &&
          e.successRate !== null &&
          e.successRate >= ORACLE_SUCCESS_RATE,
      )
      .map((e) => e?.costUsd ?? topCost);
    tasks++;
    actual += record.cost_usd;
    strongest += topCost;
    oracle += cheapest.length > 0 ? Math.min(...cheapest) : topCost;
  }
  if (tasks === 0)
    return {
      status: 'no-data',
      reason:
        records.length === 0
          ? 'no tasks in the window'
          : 'no record in the window carries the routing policy’s estimates (route.estimates with a cost for the strongest tier)',
    };
  return {
    status: 'ok',
    tasks,
    actual_usd: actual,
    always_strongest_usd: strongest,
    oracle_usd: oracle,
    saved_usd: strongest - actual,
    gap_to_oracle_usd: actual - oracle,
  };
}

function seriesPoint(window: MetricsWindow): SeriesPoint {
  const tiers = Object.fromEntries(TIERS.map((tier) => [tier, 0])) as Record<Tier, number>;
  let successes = 0;
  let cost = 0;
  let knownSuccesses = 0;
  let known = 0;
  for (const r of window.records) {
    tiers[r.model_used]++;
    if (r.outcome === 'success') successes++;
    if (r.cost_usd !== null) {
      known++;
      cost += r.cost_usd;
      if (r.outcome === 'success') knownSuccesses++;
    }
  }
  const n = window.records.length;
  return {
    ...summary(window),
    success_rate: n === 0 ? null : successes / n,
    cost_per_success: known === 0 || knownSuccesses === 0 ? null : cost / knownSuccesses,
    tiers,
  };
}

/** Every metric of one agent over the window `spec` ending at the newest time in its sources. */
export function computeAgentMetrics(sources: MetricsSources, spec: WindowSpec): AgentMetrics {
  const span = timeSpan(sources);
  const windows = span
    ? windowsEndingAt(spec, sources.records, span.last, span.first, SERIES_WINDOWS)
    : [];
  const current = windows.at(-1) ?? EMPTY_WINDOW;
  const previous = windows.at(-2) ?? EMPTY_WINDOW;
  const metrics = METRICS.map((definition): MetricReport => {
    const now = definition.compute(sources, current);
    const before = definition.compute(sources, previous);
    return {
      id: definition.id,
      name: definition.name,
      unit: definition.unit,
      better: definition.better,
      current: now,
      previous: before,
      trend: trendOf(definition.better, now, before),
    };
  });
  const beliefs: Record<string, number> = {};
  for (const b of sources.beliefs) {
    if (b.mergedInto !== null) continue;
    const key = `${b.kind}: ${b.status}`;
    beliefs[key] = (beliefs[key] ?? 0) + 1;
  }
  let proposals: Record<ProposalStatus, number> | null = null;
  if (sources.proposals.available) {
    proposals = { open: 0, merged: 0, closed: 0 };
    for (const p of sources.proposals.items) if (p.status !== null) proposals[p.status]++;
  }
  return {
    agent: sources.agent,
    anchor: span ? iso(span.last) : null,
    current: summary(current),
    previous: summary(previous),
    metrics,
    routing_savings: routingSavings(current.records),
    series: windows.filter((w) => w.records.length > 0).map(seriesPoint),
    beliefs_by_status: Object.fromEntries(
      Object.entries(beliefs).sort(([a], [b]) => a.localeCompare(b)),
    ),
    proposals_by_outcome: proposals,
  };
}
