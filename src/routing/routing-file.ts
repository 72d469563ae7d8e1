// routing.md (SPEC §5): the learned policy as a committed file. Its frontmatter holds the evidence
// (counts per demand and tag cluster) the policy decides from; its body is the readable table per
// cluster and what changed since the last run. Rendering is pure; reading goes through the memory
// index, and a missing or broken file falls back to the static table with a warning.
import { z } from 'zod';
import { MemoryFileError } from '../errors.js';
import { parseMarkdown, renderMarkdown } from '../memory/markdown.js';
import type { ParseCache } from '../memory/parse-cache.js';
import {
  BUDGET_TOLERANCE,
  chooseRoute,
  formatCost,
  MAX_EXPLORATION,
  type BudgetPreference,
  type ClusterEvidence,
  type RouteDecision,
  type RoutingEvidence,
  type TierCost,
} from './learned-policy.js';

export const ROUTING_FILE_FORMAT = 1;

/**
 * routing.md lists at most this many clusters, those with the most decisions: a cluster is keyed by
 * a task's first tag, which a model words freely, so an agent meets thousands of them and each
 * takes about 700 bytes here (300 clusters made a 210 KB file, read on every task). A cluster not
 * listed routes by its demand's evidence, as a new one does.
 */
export const MAX_ROUTING_CLUSTERS = 64;

const count = z.number().min(0);
const counts = z.strictObject({ successes: count, failures: count });
const perTier = z.record(z.string(), count).default({});

const ClusterSchema = z.strictObject({
  decisions: count,
  chosen: z.string().optional(),
  exploration_rate: z.number().min(0).max(1).optional(),
  first: z.record(z.string(), counts).default({}),
  exact: perTier,
  at_most: perTier,
  above: perTier,
  /** Failed on the outer tier, then succeeded on the inner one after skipping the tiers between. */
  between: z.record(z.string(), z.record(z.string(), count)).optional(),
  unsolved: count.default(0),
});
type ClusterFrontmatter = z.infer<typeof ClusterSchema>;

export const RoutingFrontmatterSchema = z.strictObject({
  format: z.literal(ROUTING_FILE_FORMAT),
  agent: z.string().min(1),
  updated: z.string().min(1),
  records: count,
  budget: z.enum(['cheap', 'balanced', 'premium']),
  tolerance: z.number().min(0).max(1),
  max_escalations: z.number().int().min(0),
  max_exploration: z.number().min(0).max(1),
  tiers: z.array(z.strictObject({ tier: z.string().min(1), cost: z.number().min(0) })).min(1),
  clusters: z.record(z.string(), ClusterSchema).default({}),
  demands: z.record(z.string(), ClusterSchema).default({}),
  costs: z
    .record(z.string(), z.strictObject({ total: z.number().min(0), calls: count }))
    .default({}),
});
export type RoutingFrontmatter = z.infer<typeof RoutingFrontmatterSchema>;

function toFrontmatter(cluster: ClusterEvidence, decision?: RouteDecision): ClusterFrontmatter {
  return {
    decisions: cluster.decisions,
    ...(decision
      ? { chosen: decision.tier, exploration_rate: round(decision.explorationRate) }
      : {}),
    first: cluster.first,
    exact: cluster.exact,
    at_most: cluster.atMost,
    above: cluster.above,
    // Written only once a route has skipped a tier: files of one-step routes stay as they were.
    ...(Object.keys(cluster.between).length > 0 ? { between: cluster.between } : {}),
    unsolved: cluster.unsolved,
  };
}

function fromFrontmatter(cluster: ClusterFrontmatter): ClusterEvidence {
  return {
    decisions: cluster.decisions,
    first: cluster.first,
    exact: cluster.exact,
    atMost: cluster.at_most,
    above: cluster.above,
    between: cluster.between ?? {},
    unsolved: cluster.unsolved,
  };
}

export function evidenceOfFile(data: RoutingFrontmatter): RoutingEvidence {
  const map = (table: Record<string, ClusterFrontmatter>) =>
    Object.fromEntries(Object.entries(table).map(([key, c]) => [key, fromFrontmatter(c)]));
  return { clusters: map(data.clusters), demands: map(data.demands), costs: data.costs };
}

function round(value: number): number {
  return Math.round(value * 10000) / 10000;
}

/** The greedy choice for a cluster (what the table shows; exploration aside). */
function greedyDecision(
  evidence: RoutingEvidence,
  key: string,
  settings: { tiers: readonly TierCost[]; budget: BudgetPreference; maxEscalations: number },
): RouteDecision {
  const [demand = 'novel', tag] = key.split(':');
  return chooseRoute(evidence, {
    demand,
    tags: tag && tag !== 'untagged' ? [tag] : [],
    tiers: settings.tiers,
    budget: settings.budget,
    maxEscalations: settings.maxEscalations,
    random: () => 1,
  });
}

export interface RoutingFileInput {
  agent: string;
  /** When the newest evidence changed (not the run's time: an unchanged log rewrites nothing). */
  through: string;
  records: number;
  evidence: RoutingEvidence;
  tiers: readonly TierCost[];
  budget: BudgetPreference;
  maxEscalations: number;
  /** The file as the last run left it, for "what changed". */
  previous: RoutingFrontmatter | undefined;
}

/** routing.md's text for this evidence. */
export function renderRoutingFile(input: RoutingFileInput): string {
  const settings = {
    tiers: input.tiers,
    budget: input.budget,
    maxEscalations: input.maxEscalations,
  };
  const { clusters } = input.evidence;
  const all = Object.keys(clusters);
  const decided = (key: string) => clusters[key]?.decisions ?? 0;
  const listed = new Set(
    [...all]
      .sort((a, b) => decided(b) - decided(a) || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, MAX_ROUTING_CLUSTERS),
  );
  const keys = all.filter((key) => listed.has(key)).sort();
  const unlisted = all.filter((key) => !listed.has(key));
  const decisions = new Map(
    keys.map((key) => [key, greedyDecision(input.evidence, key, settings)] as const),
  );
  const data: RoutingFrontmatter = {
    format: ROUTING_FILE_FORMAT,
    agent: input.agent,
    updated: input.through,
    records: input.records,
    budget: input.budget,
    tolerance: BUDGET_TOLERANCE[input.budget],
    max_escalations: input.maxEscalations,
    max_exploration: MAX_EXPLORATION,
    tiers: input.tiers.map((t) => ({ tier: t.tier, cost: t.cost })),
    clusters: Object.fromEntries(
      keys.map((key) => [
        key,
        toFrontmatter(input.evidence.clusters[key] as ClusterEvidence, decisions.get(key)),
      ]),
    ),
    demands: Object.fromEntries(
      Object.keys(input.evidence.demands)
        .sort()
        .map((key) => [key, toFrontmatter(input.evidence.demands[key] as ClusterEvidence)]),
    ),
    costs: input.evidence.costs,
  };
  const body = [
    `# Routing policy — ${input.agent}`,
    '',
    `Learned by a learning run from ${input.records} reward record(s), the newest changed ${input.through}. Every iteration reads this file; ` +
      `without it (or with a broken one) routing falls back to the static table. Per demand and tag cluster, ` +
      `a task starts on the tier with the lowest expected cost per success (escalating up to ${input.maxEscalations} time(s) ` +
      `on a failed answer), among tiers whose expected success is within ${BUDGET_TOLERANCE[input.budget]} of the best ` +
      `(budget: ${input.budget}). Exploration tries another tier at most ${MAX_EXPLORATION * 100}% of the time, less as evidence grows.`,
    ...(unlisted.length > 0
      ? [
          '',
          `${unlisted.length} rarer cluster(s), of at most ${Math.max(...unlisted.map(decided))} decision(s) each, are not listed: their tasks route by their demand's evidence.`,
        ]
      : []),
    '',
    '## What changed since the last run',
    '',
    ...changes(input.previous, decisions),
    '',
    ...keys.flatMap((key) => clusterSection(key, input.evidence, decisions.get(key))),
  ];
  return renderMarkdown(data, body.join('\n'));
}

function changes(
  previous: RoutingFrontmatter | undefined,
  decisions: ReadonlyMap<string, RouteDecision>,
): string[] {
  const lines: string[] = [];
  for (const [key, decision] of decisions) {
    const before = previous?.clusters[key]?.chosen;
    if (before === decision.tier) continue;
    const estimate = decision.estimates.find((e) => e.tier === decision.tier);
    const why = estimate
      ? `expected success ${estimate.start.success.toFixed(2)} at ${formatCost(estimate.start.cost / Math.max(estimate.start.success, 1e-9))} per success`
      : decision.reason;
    lines.push(
      before === undefined
        ? `- \`${key}\`: new cluster, starts on ${decision.tier} (${why})`
        : `- \`${key}\`: ${before} → ${decision.tier} (${why})`,
    );
  }
  return lines.length > 0 ? lines : ['Nothing changed: every cluster keeps its tier.'];
}

function clusterSection(
  key: string,
  evidence: RoutingEvidence,
  decision: RouteDecision | undefined,
): string[] {
  if (!decision) return [];
  const cluster = evidence.clusters[key];
  const rows = decision.estimates.map((e) => {
    const first = cluster?.first[e.tier];
    const calls = (first?.successes ?? 0) + (first?.failures ?? 0);
    const observed = calls > 0 ? `${first?.successes ?? 0}/${calls}` : '—';
    const perSuccess = e.start.cost / Math.max(e.start.success, 1e-9);
    return `| ${e.tier}${e.tier === decision.tier ? ' ✔' : ''} | ${observed} | ${e.success.toFixed(2)} | ${e.start.success.toFixed(2)} | ${formatCost(perSuccess)} |`;
  });
  return [
    `## \`${key}\` → ${decision.tier}`,
    '',
    `${cluster?.decisions ?? 0} task(s); static route ${decision.defaultTier}; exploration rate ${(decision.explorationRate * 100).toFixed(1)}%.`,
    '',
    '| tier | first calls succeeded | est. success of one call | est. success starting here | cost per success starting here |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ];
}

export type RoutingFileRead =
  | { status: 'ok'; path: string; data: RoutingFrontmatter; evidence: RoutingEvidence }
  | { status: 'missing'; path: string }
  | { status: 'invalid'; path: string; problem: string };

/** routing.md through the memory index; never throws for a missing or broken file. */
export function readRoutingFile(cache: ParseCache, path: string): RoutingFileRead {
  try {
    const data = cache.parse(
      path,
      'routing@2',
      (text) => parseMarkdown(path, text, RoutingFrontmatterSchema).data,
    );
    if (data === undefined) return { status: 'missing', path };
    return { status: 'ok', path, data, evidence: evidenceOfFile(data) };
  } catch (error) {
    if (error instanceof MemoryFileError)
      return { status: 'invalid', path, problem: error.message };
    throw error;
  }
}
