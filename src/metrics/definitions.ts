// The thirteen learning metrics of the seed ("Before continuing the series, benchmark: …"), each a
// pure function of the sources over one window, with its definition beside it: numerator,
// denominator, window, and what "not enough data" means. docs/metrics.md says the same in prose.
// A metric without data says so and why; it never gives 0 in place of "unknown".
import { TIERS } from '../memory/registry.js';
import { segmentsUsedOf } from './expected-shapes.js';
import { inWindow, type MetricsWindow } from './windows.js';
import type { MetricRecord, MetricsSources } from './sources.js';

export const METRIC_IDS = [
  'task_success',
  'context_efficiency',
  'reward_trend',
  'skill_reuse',
  'hypothesis_promotion',
  'contradiction_correction',
  'duplicate_collapse',
  'cost_per_success',
  'expensive_calls',
  'underpowered_failures',
  'proposal_acceptance',
  'time_to_consensus',
  'segment_usefulness',
] as const;
export type MetricId = (typeof METRIC_IDS)[number];

/** How a value reads: a share (0..1), a mean reward (-1..+1), US dollars, or hours. */
export type MetricUnit = 'ratio' | 'reward' | 'usd' | 'hours';

export type MetricStatus = 'ok' | 'not-enough-data' | 'no-data';

/** One metric over one window. `value` is null unless `status` is ok; `reason` says why. */
export interface MetricValue {
  status: MetricStatus;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  reason: string | null;
  /** Further figures the metric's definition names (e.g. included / available). */
  detail: Record<string, number | null>;
}

export interface MetricDefinition {
  id: MetricId;
  name: string;
  unit: MetricUnit;
  /** Which way is better. */
  better: 'higher' | 'lower';
  numerator: string;
  denominator: string;
  /** Too little data: below this many in the denominator, the value is not given. */
  minimum: number;
  notEnoughData: string;
  compute(sources: MetricsSources, window: MetricsWindow): MetricValue;
}

/** Least tasks in a window for a share of tasks to mean anything. */
export const MIN_TASKS = 5;
export const MIN_HYPOTHESES = 3;
export const MIN_CORRECTIONS = 2;
export const MIN_DUPLICATES = 1;
export const MIN_SUCCESSES = 3;
export const MIN_CALLS = 5;
export const MIN_PROPOSALS = 2;

const HOUR_MS = 3_600_000;

function ok(
  numerator: number,
  denominator: number,
  value: number,
  detail: Record<string, number | null> = {},
): MetricValue {
  return { status: 'ok', value, numerator, denominator, reason: null, detail };
}

function noData(reason: string, detail: Record<string, number | null> = {}): MetricValue {
  return { status: 'no-data', value: null, numerator: null, denominator: null, reason, detail };
}

function tooLittle(
  numerator: number | null,
  denominator: number,
  minimum: number,
  what: string,
  detail: Record<string, number | null> = {},
): MetricValue {
  return {
    status: 'not-enough-data',
    value: null,
    numerator,
    denominator,
    reason: `${denominator} ${denominator === 1 ? singular(what) : what} in the window; at least ${minimum} needed`,
    detail,
  };
}

/** "proposals decided" → "proposal decided": the phrase's first plural word made singular. */
function singular(phrase: string): string {
  return phrase.replace(/^(.*?\w)s\b/, '$1');
}

/** A share numerator / denominator, or the verdict that says why there is none. */
function share(
  numerator: number,
  denominator: number,
  minimum: number,
  what: string,
  detail: Record<string, number | null> = {},
): MetricValue {
  if (denominator === 0) return noData(`no ${what} in the window`, detail);
  if (denominator < minimum) return tooLittle(numerator, denominator, minimum, what, detail);
  return ok(numerator, denominator, numerator / denominator, detail);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? 0)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function count<T>(items: readonly T[], test: (item: T) => boolean): number {
  let n = 0;
  for (const item of items) if (test(item)) n++;
  return n;
}

/** Each model call of a task: every tier the cascade tried, and whether that call succeeded. */
function calls(record: MetricRecord): { tier: string; failed: boolean }[] {
  const tiers =
    record.tiers_tried && record.tiers_tried.length > 0 ? record.tiers_tried : [record.model_used];
  // Every tier but the last was escalated from (its answer was failed or invalid); the last call
  // failed when the task did not succeed.
  return tiers.map((tier, i) => ({
    tier,
    failed: i < tiers.length - 1 || record.outcome !== 'success',
  }));
}

const STRONGEST = TIERS[TIERS.length - 1];

export const METRICS: readonly MetricDefinition[] = [
  {
    id: 'task_success',
    name: 'Task success',
    unit: 'ratio',
    better: 'higher',
    numerator: 'tasks whose record says outcome: success',
    denominator: 'tasks with a record in the window (failed attempts, records with `error`, count)',
    minimum: MIN_TASKS,
    notEnoughData: `fewer than ${MIN_TASKS} tasks in the window`,
    compute: (_sources, window) =>
      share(
        count(window.records, (r) => r.outcome === 'success'),
        window.records.length,
        MIN_TASKS,
        'tasks',
      ),
  },
  {
    id: 'context_efficiency',
    name: 'Context efficiency',
    unit: 'ratio',
    better: 'higher',
    numerator: 'tokens of the context items the model used (context.used_tokens), summed',
    denominator:
      'tokens of the context shown (context.tokens), summed over the same records; detail: items included / available, items used / included',
    minimum: MIN_TASKS,
    notEnoughData: `fewer than ${MIN_TASKS} records in the window that record context.used_tokens (older records do not)`,
    compute: (_sources, window) => {
      const measured = window.records.filter((r) => r.context.used_tokens !== undefined);
      const withAvailable = window.records.filter((r) => r.context.available !== undefined);
      const included = window.records.reduce((sum, r) => sum + r.context.included, 0);
      const detail = {
        included_per_available:
          withAvailable.length === 0
            ? null
            : sumOf(withAvailable, (r) => r.context.included) /
              Math.max(
                1,
                sumOf(withAvailable, (r) => r.context.available ?? 0),
              ),
        used_per_included:
          included === 0 ? null : sumOf(window.records, (r) => r.context.used) / included,
      };
      if (window.records.length === 0) return noData('no tasks in the window', detail);
      if (measured.length === 0)
        return noData(
          'no record in the window has context.used_tokens (written before this version)',
          detail,
        );
      const used = sumOf(measured, (r) => r.context.used_tokens ?? 0);
      const shown = sumOf(measured, (r) => r.context.tokens);
      if (measured.length < MIN_TASKS)
        return tooLittle(
          used,
          measured.length,
          MIN_TASKS,
          'records with context.used_tokens',
          detail,
        );
      if (shown === 0) return noData('the measured records show no context tokens', detail);
      return ok(used, shown, used / shown, detail);
    },
  },
  {
    id: 'reward_trend',
    name: 'Reward trend (mean reward)',
    unit: 'reward',
    better: 'higher',
    numerator: 'the sum of the tasks’ rewards (-1, 0, +1)',
    denominator: 'tasks with a record in the window; the trend is this window against the previous',
    minimum: MIN_TASKS,
    notEnoughData: `fewer than ${MIN_TASKS} tasks in the window`,
    compute: (_sources, window) =>
      share(
        sumOf(window.records, (r) => r.reward),
        window.records.length,
        MIN_TASKS,
        'tasks',
      ),
  },
  {
    id: 'skill_reuse',
    name: 'Skill reuse rate',
    unit: 'ratio',
    better: 'higher',
    numerator: 'tasks that used at least one skill from memory (skills_used not empty)',
    denominator: 'tasks with a record in the window',
    minimum: MIN_TASKS,
    notEnoughData: `fewer than ${MIN_TASKS} tasks in the window`,
    compute: (_sources, window) =>
      share(
        count(window.records, (r) => r.skills_used.length > 0),
        window.records.length,
        MIN_TASKS,
        'tasks',
      ),
  },
  {
    id: 'hypothesis_promotion',
    name: 'Hypothesis promotion rate',
    unit: 'ratio',
    better: 'higher',
    numerator: 'of those hypotheses, the ones promoted since (status: promoted, not by a merge)',
    denominator: 'hypotheses created in the window (their `created` time)',
    minimum: MIN_HYPOTHESES,
    notEnoughData: `fewer than ${MIN_HYPOTHESES} hypotheses created in the window`,
    compute: (sources, window) => {
      const created = sources.beliefs.filter(
        (b) => b.kind === 'hypothesis' && b.mergedInto === null && inWindow(window, b.created),
      );
      return share(
        count(created, (b) => b.status === 'promoted'),
        created.length,
        MIN_HYPOTHESES,
        'hypotheses created',
        { refuted: count(created, (b) => b.status === 'refuted') },
      );
    },
  },
  {
    id: 'contradiction_correction',
    name: 'Contradiction correction speed (median hours)',
    unit: 'hours',
    better: 'lower',
    numerator:
      'the median of (invalid_at − the first contradicting evidence) over beliefs superseded or refuted in the window',
    denominator:
      'beliefs superseded or refuted in the window (invalid_at) that had contradicting evidence; detail: contradicted beliefs still live',
    minimum: MIN_CORRECTIONS,
    notEnoughData: `fewer than ${MIN_CORRECTIONS} corrections in the window`,
    compute: (sources, window) => {
      const hours: number[] = [];
      let open = 0;
      for (const b of sources.beliefs) {
        if (b.mergedInto !== null) continue;
        const first = b.contradictedAt[0];
        if (first === undefined) continue;
        if (b.invalidAt === null) {
          if (b.status === 'active' || b.status === 'open') open++;
          continue;
        }
        if (!inWindow(window, b.invalidAt)) continue;
        hours.push(Math.max(0, Date.parse(b.invalidAt) - Date.parse(first)) / HOUR_MS);
      }
      const detail = { still_contradicted: open };
      if (hours.length === 0)
        return noData('no contradicted belief was superseded or refuted in the window', detail);
      if (hours.length < MIN_CORRECTIONS)
        return tooLittle(null, hours.length, MIN_CORRECTIONS, 'corrections', detail);
      return { ...ok(hours.length, hours.length, median(hours), detail), numerator: null };
    },
  },
  {
    id: 'duplicate_collapse',
    name: 'Duplicate concept collapse rate',
    unit: 'ratio',
    better: 'higher',
    numerator: 'duplicates collapsed in the window (files with merged_into, by their invalid_at)',
    denominator:
      'those, plus duplicates nominated in the window that are still waiting (duplicate_nominations on live beliefs)',
    minimum: MIN_DUPLICATES,
    notEnoughData: 'no duplicate was nominated or collapsed in the window',
    compute: (sources, window) => {
      let collapsed = 0;
      let waiting = 0;
      for (const b of sources.beliefs) {
        // A merged hypothesis keeps no invalid_at: the newest time its file records stands in.
        if (b.mergedInto !== null) {
          if (inWindow(window, b.invalidAt ?? b.lastAt)) collapsed++;
        } else if (b.invalidAt === null) {
          waiting += count(b.nominatedAt, (at) => inWindow(window, at));
        }
      }
      return share(
        collapsed,
        collapsed + waiting,
        MIN_DUPLICATES,
        'duplicates nominated or collapsed',
      );
    },
  },
  {
    id: 'cost_per_success',
    name: 'Cost per successful task (USD)',
    unit: 'usd',
    better: 'lower',
    numerator:
      'the cost of every task in the window (cost_usd; tasks of unknown cost are left out)',
    denominator: 'successful tasks among those of known cost',
    minimum: MIN_SUCCESSES,
    notEnoughData: `fewer than ${MIN_SUCCESSES} successful tasks of known cost in the window`,
    compute: (_sources, window) => {
      const known = window.records.filter((r) => r.cost_usd !== null);
      const detail = { tasks_of_unknown_cost: window.records.length - known.length };
      if (window.records.length === 0) return noData('no tasks in the window', detail);
      if (known.length === 0)
        return noData('no task in the window has a known cost (cost_usd: null)', detail);
      const cost = sumOf(known, (r) => r.cost_usd ?? 0);
      const successes = count(known, (r) => r.outcome === 'success');
      if (successes < MIN_SUCCESSES)
        return tooLittle(cost, successes, MIN_SUCCESSES, 'successful tasks', detail);
      return ok(cost, successes, cost / successes, detail);
    },
  },
  {
    id: 'expensive_calls',
    name: 'Expensive calls (share on the strongest tier)',
    unit: 'ratio',
    better: 'lower',
    numerator: `tasks answered on the strongest tier (model_used: ${STRONGEST}); a fall against the previous window is the reduction`,
    denominator:
      'tasks with a record in the window; detail: strongest-tier successes that a cheaper default would have served (model_appropriate: no), and routing.md revisions',
    minimum: MIN_TASKS,
    notEnoughData: `fewer than ${MIN_TASKS} tasks in the window`,
    compute: (sources, window) => {
      const strongest = window.records.filter((r) => r.model_used === STRONGEST);
      return share(strongest.length, window.records.length, MIN_TASKS, 'tasks', {
        avoidable: count(strongest, (r) => r.outcome === 'success' && r.model_appropriate === 'no'),
        routing_revisions: count(sources.routingRevisions, (at) => inWindow(window, at)),
      });
    },
  },
  {
    id: 'underpowered_failures',
    name: 'Underpowered-call failure rate',
    unit: 'ratio',
    better: 'lower',
    numerator:
      'calls below the strongest tier that failed: escalated from within a task (tiers_tried), or the final call of a task that did not succeed',
    denominator: 'model calls below the strongest tier in the window (every tier in tiers_tried)',
    minimum: MIN_CALLS,
    notEnoughData: `fewer than ${MIN_CALLS} calls below the strongest tier in the window`,
    compute: (_sources, window) => {
      let below = 0;
      let failed = 0;
      for (const record of window.records) {
        for (const call of calls(record)) {
          if (call.tier === STRONGEST) continue;
          below++;
          if (call.failed) failed++;
        }
      }
      return share(failed, below, MIN_CALLS, 'calls below the strongest tier');
    },
  },
  {
    id: 'proposal_acceptance',
    name: 'Proposal acceptance rate',
    unit: 'ratio',
    better: 'higher',
    numerator: 'the agent’s proposals merged in the window (merged_at)',
    denominator:
      'the agent’s proposals decided in the window: merged (merged_at) or closed unmerged (closed_at)',
    minimum: MIN_PROPOSALS,
    notEnoughData: `fewer than ${MIN_PROPOSALS} proposals decided in the window`,
    compute: (sources, window) => {
      if (!sources.proposals.available) return noData(sources.proposals.reason);
      const proposals = sources.proposals.items;
      const merged = count(proposals, (p) => p.status === 'merged' && inWindow(window, p.mergedAt));
      const closed = count(proposals, (p) => p.status === 'closed' && inWindow(window, p.closedAt));
      const undated = count(
        proposals,
        (p) =>
          (p.status === 'merged' && p.mergedAt === null) ||
          (p.status === 'closed' && p.closedAt === null),
      );
      const result = share(merged, merged + closed, MIN_PROPOSALS, 'proposals decided', {
        undated,
      });
      // Only a decided proposal's record is on the default branch: open ones are on their branches.
      if (result.status === 'no-data' && proposals.length === 0)
        return noData(`no proposal of agent ${sources.agent} has been decided yet`, { undated });
      return result;
    },
  },
  {
    id: 'time_to_consensus',
    name: 'Time to consensus (median hours)',
    unit: 'hours',
    better: 'lower',
    numerator:
      'the median of (merged_at − opened_at) over the agent’s proposals merged in the window',
    denominator: 'the agent’s proposals merged in the window with both times',
    minimum: MIN_PROPOSALS,
    notEnoughData: `fewer than ${MIN_PROPOSALS} proposals merged in the window`,
    compute: (sources, window) => {
      if (!sources.proposals.available) return noData(sources.proposals.reason);
      const hours = sources.proposals.items
        .filter((p) => p.status === 'merged' && p.openedAt !== null && inWindow(window, p.mergedAt))
        .map((p) => (Date.parse(p.mergedAt ?? '') - Date.parse(p.openedAt ?? '')) / HOUR_MS);
      if (hours.length === 0)
        return noData(
          sources.proposals.items.length === 0
            ? `no proposal of agent ${sources.agent} has been decided yet`
            : 'no proposal with opened_at and merged_at was merged in the window',
        );
      if (hours.length < MIN_PROPOSALS)
        return tooLittle(null, hours.length, MIN_PROPOSALS, 'proposals merged');
      return { ...ok(hours.length, hours.length, median(hours)), numerator: null };
    },
  },
  {
    id: 'segment_usefulness',
    name: 'Shared segment usefulness',
    unit: 'ratio',
    better: 'higher',
    numerator:
      'tasks whose answer used a shared segment (segments_used, or segment ids in context.used_ids)',
    denominator:
      'tasks in the window that record which context items they used; detail: segments used at least once in the window / segments',
    minimum: MIN_TASKS,
    notEnoughData: `fewer than ${MIN_TASKS} tasks in the window that record the items they used`,
    compute: (sources, window) => {
      if (!sources.segments.available) return noData(sources.segments.reason);
      const segments = sources.segments.items;
      if (segments.length === 0) return noData('shared/iac/segments/ holds no segment yet');
      const usedSets = window.records
        .map(segmentsUsedOf)
        .filter((used): used is string[] => used !== undefined);
      const distinct = new Set(usedSets.flat());
      const detail = {
        segments: segments.length,
        segments_used: count(segments, (s) => distinct.has(s)),
      };
      if (window.records.length > 0 && usedSets.length === 0)
        return noData(
          'no record in the window says which context items were used (context.used_ids, written since this version)',
          detail,
        );
      return share(
        count(usedSets, (used) => used.length > 0),
        usedSets.length,
        MIN_TASKS,
        'tasks that record the items they used',
        detail,
      );
    },
  },
];

function sumOf<T>(items: readonly T[], value: (item: T) => number): number {
  let sum = 0;
  for (const item of items) sum += value(item);
  return sum;
}
