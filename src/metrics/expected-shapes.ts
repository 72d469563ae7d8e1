// Readers for what routing and consensus record, in one place: the fields a metric expects on a
// reward record (`route`, `segments_used`) and in a proposal's frontmatter (`status`, `proposer`,
// `opened_at`, `merged_at`, `closed_at`). Each reader takes what is there and valid and reports
// what is missing, so a metric says "no data yet" and why instead of guessing; when the writers'
// shapes settle, this file is the one to reconcile (docs/metrics.md lists the fields).
import { TIERS, type Tier } from '../memory/registry.js';
import type { MetricRecord } from './sources.js';

/** Where shared segments live: an id under it in `context.used_ids` is a segment the model used. */
export const SEGMENT_ID_PREFIX = 'shared/iac/segments/';

/** The routing policy's estimate for one tier on one task. */
export interface TierEstimate {
  /** Estimated chance the tier succeeds on the task (0..1), or null when the policy gave none. */
  successRate: number | null;
  /** Estimated cost of the task on the tier, in USD, or null. */
  costUsd: number | null;
}

/**
 * A record's `route`, as the learned routing policy writes it:
 * `route: {tier, default_tier, reason, explored, estimates: {<tier>: {success, cost, …}}}`
 * (src/memory/route-record.ts): `success` and `cost` are one call's on that tier.
 */
export interface RouteFacts {
  tier: Tier;
  defaultTier: Tier | null;
  explored: boolean | null;
  estimates: Partial<Record<Tier, TierEstimate>>;
}

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function tierOrNull(value: unknown): Tier | null {
  return typeof value === 'string' && (TIERS as readonly string[]).includes(value)
    ? (value as Tier)
    : null;
}

function finiteOrNull(value: unknown, min = 0, max = Infinity): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max
    ? value
    : null;
}

/** The record's route, or undefined when the record has none (written before routing recorded it). */
export function routeOf(record: MetricRecord): RouteFacts | undefined {
  const route = field(record, 'route');
  const tier = tierOrNull(field(route, 'tier'));
  if (tier === null) return undefined;
  const explored = field(route, 'explored');
  const estimates: Partial<Record<Tier, TierEstimate>> = {};
  const raw = field(route, 'estimates');
  for (const candidate of TIERS) {
    const estimate = field(raw, candidate);
    if (estimate === undefined) continue;
    estimates[candidate] = {
      successRate: finiteOrNull(field(estimate, 'success'), 0, 1),
      costUsd: finiteOrNull(field(estimate, 'cost')),
    };
  }
  return {
    tier,
    defaultTier: tierOrNull(field(route, 'default_tier')),
    explored: typeof explored === 'boolean' ? explored : null,
    estimates,
  };
}

/**
 * The shared segments the model used on the task: `segments_used` when consensus recorded it,
 * else the segment ids among `context.used_ids`; undefined when the record kept neither.
 */
export function segmentsUsedOf(record: MetricRecord): string[] | undefined {
  const explicit = field(record, 'segments_used');
  if (Array.isArray(explicit) && explicit.every((item) => typeof item === 'string'))
    return explicit as string[];
  const used = record.context.used_ids;
  return used === undefined ? undefined : used.filter((id) => id.startsWith(SEGMENT_ID_PREFIX));
}

export const PROPOSAL_STATUSES = ['open', 'merged', 'closed'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

/** What the metrics need of one proposal file (`shared/iac/proposals/prop-NNN.md`). */
export interface ProposalFacts {
  path: string;
  proposer: string | null;
  /** `status`; `expired` and `rejected` count as closed, an unknown value as null. */
  status: ProposalStatus | null;
  openedAt: string | null;
  mergedAt: string | null;
  closedAt: string | null;
}

/** A time as frontmatter holds it: an ISO string, or a date YAML already parsed. */
function timeOrNull(value: unknown): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return value;
  return null;
}

/** A proposal's facts from its parsed frontmatter; fields that are missing or invalid are null. */
export function proposalOf(path: string, frontmatter: unknown): ProposalFacts {
  const status = field(frontmatter, 'status');
  const proposer = field(frontmatter, 'proposer');
  const normal =
    typeof status === 'string'
      ? status === 'expired' || status === 'rejected'
        ? 'closed'
        : (PROPOSAL_STATUSES as readonly string[]).includes(status)
          ? (status as ProposalStatus)
          : null
      : null;
  return {
    path,
    proposer: typeof proposer === 'string' ? proposer : null,
    status: normal,
    openedAt: timeOrNull(field(frontmatter, 'opened_at')),
    mergedAt: timeOrNull(field(frontmatter, 'merged_at')),
    closedAt: timeOrNull(field(frontmatter, 'closed_at')),
  };
}
