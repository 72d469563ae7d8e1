// The learned routing policy (SPEC §5): pure functions over what the runtime logs. Evidence from
// reward records is folded into per-cluster counts (a cluster is the estimated demand and the
// task's first tag); a task's start tier is the one with the lowest expected cost per success,
// escalation included, among those whose expected success is within the budget's tolerance of the
// best, and a failed answer escalates one tier up, past any tier that has cost as much per call as
// a stronger one; exploration (at a rate that shrinks with evidence and never exceeds MAX_EXPLORATION)
// first tries a cheaper start that has hardly been tried, since censored successes cannot tell
// which tier a task needed, else takes a Thompson draw. Tiers are plain names, so any 2 to 5 tiers work; their order is the
// escalation order, their costs decide the choice. The bench runs this same module.

/** One configured tier, in escalation order (weakest first), with its expected cost per call. */
export interface TierCost {
  tier: string;
  cost: number;
}

/** The four demands, weakest first; a demand outside this list routes like "novel". */
export const DEMAND_ORDER = ['routine', 'moderate', 'novel', 'consensus'] as const;

/**
 * The success the policy will trade for cost, per agent budget: a start tier is a candidate when
 * its expected success is at most this much below the best tier's (SPEC §5, agents.yaml budget).
 */
export const BUDGET_TOLERANCE = { cheap: 0.08, balanced: 0.02, premium: 0.005 } as const;
export type BudgetPreference = keyof typeof BUDGET_TOLERANCE;

/** Exploration never runs above this share of a cluster's decisions. */
export const MAX_EXPLORATION = 0.1;
/** Exploration rate = min(MAX_EXPLORATION, EXPLORATION_SCALE / sqrt(1 + decisions in the cluster)). */
export const EXPLORATION_SCALE = 1;
/** Observations of a tier's first attempts, in the cluster or its demand, before the greedy choice may start below the static route. */
export const MIN_EVIDENCE = 5;
/** Weight (in pseudo-observations) of the demand-wide estimate as the prior of a cluster's. */
export const POOL_WEIGHT = 4;
/** Share of the static prior on "the static route's tier is the weakest that succeeds"; the rest is spread evenly. */
export const PRIOR_AT_ROUTE = 0.2;
/** Starts whose cost per success is within this share of the lowest count as tied; the weakest of them wins. */
export const INFORMATION_SLACK = 0.05;
/** Weight of the static prior, in pseudo-observations. */
export const PRIOR_WEIGHT = 2;
/**
 * Under a run cost budget: once less than half of it remains, the tolerance grows linearly up to
 * this much more at an empty budget, so the policy moves to cheaper tiers before it has to stop.
 */
export const DRAIN_TOLERANCE = 0.25;

interface Counts {
  successes: number;
  failures: number;
}

/**
 * What a cluster (or a demand, pooled) has seen, as evidence on the task's level: the weakest tier
 * that succeeds on it (tiers are assumed nested: what a weaker tier solves, a stronger one does
 * too; where that fails in the log, the evidence says so and the estimate follows the log).
 */
export interface ClusterEvidence {
  decisions: number;
  /** Calls that started a task, per tier (for the readable table and the evidence rule). */
  first: Record<string, Counts>;
  /** Tasks whose level is known: a tier succeeded right after the one below it failed. */
  exact: Record<string, number>;
  /** Tasks that succeeded on their first call: their level is this tier or a weaker one. */
  atMost: Record<string, number>;
  /** Tasks that failed on this tier and went no further (cap or budget): a stronger level. */
  above: Record<string, number>;
  /**
   * Tasks that failed on one tier and succeeded on a stronger one after skipping the tiers between
   * (a route that skips): their level is above the first and at most the second. By failed tier,
   * then by the tier that succeeded.
   */
  between: Record<string, Record<string, number>>;
  /** Tasks that failed on the strongest tier: no tier solves them. */
  unsolved: number;
}

/** Everything the policy learned: additive counts, so a learning run is a fold over the log. */
export interface RoutingEvidence {
  clusters: Record<string, ClusterEvidence>;
  demands: Record<string, ClusterEvidence>;
  /** Observed cost per call, per tier (only from tasks that made exactly one call). */
  costs: Record<string, { total: number; calls: number }>;
}

/** One task as the runtime logged it: every tier tried in order, and whether each succeeded. */
export interface RouteObservation {
  demand: string;
  tags: readonly string[];
  attempts: readonly { tier: string; success: boolean }[];
  /** The task's total cost, when known. */
  cost: number | null;
}

export function emptyEvidence(): RoutingEvidence {
  return { clusters: {}, demands: {}, costs: {} };
}

export function emptyClusterEvidence(): ClusterEvidence {
  return { decisions: 0, first: {}, exact: {}, atMost: {}, above: {}, between: {}, unsolved: 0 };
}

/** The cluster a task falls in: its estimated demand and its first tag in sorted order. */
export function clusterKey(demand: string, tags: readonly string[]): string {
  let first: string | undefined;
  for (const tag of tags) if (first === undefined || tag < first) first = tag;
  return `${demand}:${first ?? 'untagged'}`;
}

function evidenceOf(table: Record<string, ClusterEvidence>, key: string): ClusterEvidence {
  let found = table[key];
  if (!found) {
    found = emptyClusterEvidence();
    table[key] = found;
  }
  return found;
}

function bump(table: Record<string, number>, key: string): void {
  table[key] = (table[key] ?? 0) + 1;
}

/**
 * Adds one task's evidence (mutates `evidence`: the fold of a learning run or a bench). `tiers`
 * are the configured tiers in escalation order: failing on the last means no tier solves the task,
 * and a success after a skipped tier says less than one right after the tier below it.
 */
export function addObservation(
  evidence: RoutingEvidence,
  observation: RouteObservation,
  tiers: readonly string[],
): void {
  const { attempts } = observation;
  const firstAttempt = attempts[0];
  if (!firstAttempt) return;
  const lastAttempt = attempts[attempts.length - 1] ?? firstAttempt;
  const failedBefore = attempts[attempts.length - 2];
  const skipped =
    failedBefore !== undefined &&
    tiers.indexOf(lastAttempt.tier) - tiers.indexOf(failedBefore.tier) > 1;
  const strongest = tiers[tiers.length - 1];
  const targets = [
    evidenceOf(evidence.clusters, clusterKey(observation.demand, observation.tags)),
    evidenceOf(evidence.demands, observation.demand),
  ];
  for (const target of targets) {
    target.decisions++;
    const first = (target.first[firstAttempt.tier] ??= { successes: 0, failures: 0 });
    if (firstAttempt.success) first.successes++;
    else first.failures++;
    if (lastAttempt.success) {
      if (attempts.length === 1) bump(target.atMost, lastAttempt.tier);
      else if (skipped && failedBefore)
        bump((target.between[failedBefore.tier] ??= {}), lastAttempt.tier);
      else bump(target.exact, lastAttempt.tier);
    } else if (lastAttempt.tier === strongest) target.unsolved++;
    else bump(target.above, lastAttempt.tier);
  }
  const only = attempts.length === 1 ? firstAttempt : undefined;
  if (only && observation.cost !== null && observation.cost > 0) {
    const cost = (evidence.costs[only.tier] ??= { total: 0, calls: 0 });
    cost.total += observation.cost;
    cost.calls++;
  }
}

/** Calls of a tier with observed cost before the observed mean replaces the configured cost. */
export const MIN_COST_OBSERVATIONS = 5;

/** Each tier's cost per call: observed when there is enough, else configured. */
export function effectiveCosts(tiers: readonly TierCost[], evidence: RoutingEvidence): TierCost[] {
  return tiers.map(({ tier, cost }) => {
    const observed = evidence.costs[tier];
    return observed && observed.calls >= MIN_COST_OBSERVATIONS
      ? { tier, cost: observed.total / observed.calls }
      : { tier, cost };
  });
}

/** The static table's tier for a demand among `count` tiers (its position, weakest = 0). */
export function staticPosition(demand: string, count: number): number {
  const rank = DEMAND_ORDER.indexOf(demand as (typeof DEMAND_ORDER)[number]);
  const positions = [0, 1, 2, count - 1];
  return Math.max(0, Math.min(count - 1, positions[rank < 0 ? 2 : rank] ?? count - 1));
}

/** The policy's estimate for one tier in one cluster. */
export interface TierEstimate {
  tier: string;
  /** Probability that one call on this tier succeeds. */
  success: number;
  /** Expected cost of one call. */
  cost: number;
  /** Expected success and cost of a task that starts here and escalates on failure along `route`. */
  start: { success: number; cost: number };
  /** The best route from this tier: it, then the tiers a failed answer escalates to. */
  route: string[];
  /** Tasks that started on this tier (cluster, then demand-wide). */
  evidence: { cluster: number; demand: number };
}

/** EM rounds that share out the censored evidence (a handful converge for 2 to 5 tiers). */
const EM_ROUNDS = 12;

/**
 * Completed counts per level (tiers in order, then "unsolved"): the prior plus the exact evidence
 * plus the censored evidence shared out by the current estimate (interval-censored EM).
 */
function levelCounts(
  prior: readonly number[],
  cluster: ClusterEvidence | undefined,
  tiers: readonly string[],
  /** Share the censored evidence once by this distribution instead of iterating (a Thompson draw). */
  sharedBy?: readonly number[],
): number[] {
  const levels = tiers.length + 1;
  // A success on the weakest tier's first call is exact: nothing is weaker.
  const exact = prior.map((p, j) =>
    j < tiers.length
      ? p +
        (cluster?.exact[tiers[j] ?? ''] ?? 0) +
        (j === 0 ? (cluster?.atMost[tiers[0] ?? ''] ?? 0) : 0)
      : p + (cluster?.unsolved ?? 0),
  );
  if (!cluster) return exact;
  const atMost = tiers.map((t, s) => (s === 0 ? 0 : (cluster.atMost[t] ?? 0)));
  const above = tiers.map((t) => cluster.above[t] ?? 0);
  // (failed tier, succeeded tier, count) of the routes that skipped tiers between the two.
  const intervals: [number, number, number][] = [];
  for (const [low, byHigh] of Object.entries(cluster.between ?? {}))
    for (const [high, n] of Object.entries(byHigh)) {
      const lo = tiers.indexOf(low);
      const hi = tiers.indexOf(high);
      if (lo >= 0 && hi > lo && n > 0) intervals.push([lo, hi, n]);
    }
  if (atMost.every((n) => n === 0) && above.every((n) => n === 0) && intervals.length === 0)
    return exact;
  // Each censored count is shared over the levels it allows, in proportion to `probability`.
  const spread = (
    next: number[],
    probability: readonly number[],
    from: number,
    to: number,
    n: number,
  ) => {
    let mass = 0;
    for (let j = from; j <= to; j++) mass += probability[j] ?? 0;
    if (mass <= 0) return;
    for (let j = from; j <= to; j++) next[j] = (next[j] ?? 0) + (n * (probability[j] ?? 0)) / mass;
  };
  const share = (probability: readonly number[]): number[] => {
    const next = [...exact];
    for (let s = 0; s < tiers.length; s++) {
      if ((atMost[s] ?? 0) > 0) spread(next, probability, 0, s, atMost[s] ?? 0);
      if ((above[s] ?? 0) > 0) spread(next, probability, s + 1, levels - 1, above[s] ?? 0);
    }
    for (const [lo, hi, n] of intervals) spread(next, probability, lo + 1, hi, n);
    return next;
  };
  if (sharedBy) return share(sharedBy);
  // EM from an even split of each censored count (slow to move where only censored evidence
  // speaks, which keeps an untried split near even rather than near the prior).
  let completed = share(new Array<number>(levels).fill(1 / levels));
  for (let round = 0; round < EM_ROUNDS; round++) completed = share(normalise(completed));
  return completed;
}

function normalise(values: readonly number[]): number[] {
  const sum = values.reduce((a, b) => a + b, 0);
  return values.map((v) => (sum > 0 ? v / sum : 1 / values.length));
}

/** The static table as a prior on levels: most weight on the static route's tier. */
function staticPrior(demand: string, count: number): number[] {
  const route = staticPosition(demand, count);
  return Array.from({ length: count + 1 }, (_, j) =>
    j === route ? PRIOR_WEIGHT * PRIOR_AT_ROUTE : (PRIOR_WEIGHT * (1 - PRIOR_AT_ROUTE)) / count,
  );
}

/**
 * A route as tier positions, weakest first: the start, then the tiers a failed answer escalates to
 * in turn.
 */
export type Ladder = readonly number[];

/** The one-step route from `start`: every tier above it, at most `maxEscalations` of them. */
export function stepLadder(start: number, count: number, maxEscalations: number): number[] {
  const last = Math.min(count - 1, start + Math.max(0, maxEscalations));
  return Array.from({ length: last - start + 1 }, (_, k) => start + k);
}

/**
 * The route from `start`: one tier up per failed answer, past every tier that costs at least as
 * much per call as a stronger one (that tier solves at most what the stronger one solves, for no
 * less: skipping it never costs more and never solves less), at most `maxEscalations` escalations.
 * With `known`, only costs both tiers have shown count: a configured price assumes the same
 * completion tokens on every tier, and a reasoning model spends many more than it says.
 */
export function routeFrom(
  start: number,
  costs: readonly number[],
  maxEscalations: number,
  known?: readonly boolean[],
): number[] {
  const ladder = [start];
  for (let k = start + 1; k < costs.length; k++) {
    let dominated = false;
    for (let j = k + 1; j < costs.length; j++)
      if ((costs[j] ?? Infinity) <= (costs[k] ?? 0) && (!known || (known[j] && known[k])))
        dominated = true;
    if (!dominated) ladder.push(k);
  }
  return ladder.slice(0, 1 + Math.max(0, maxEscalations));
}

/** Expected success and cost of a task that follows `ladder`, given the level distribution. */
export function ladderExpectation(
  levels: readonly number[],
  costs: readonly number[],
  ladder: Ladder,
): { success: number; cost: number } {
  let success = 0;
  let cost = 0;
  levels.forEach((probability, level) => {
    let spent = 0;
    for (const k of ladder) {
      spent += costs[k] ?? 0;
      if (level <= k) {
        success += probability;
        break;
      }
    }
    cost += probability * spent;
  });
  return { success, cost };
}

/** Expected success and cost of starting at `start` and escalating one tier per failure, given the level distribution. */
export function cascadeExpectation(
  levels: readonly number[],
  costs: readonly number[],
  start: number,
  maxEscalations: number,
): { success: number; cost: number } {
  return ladderExpectation(levels, costs, stepLadder(start, costs.length, maxEscalations));
}

/** A start's route and what it is expected to do. */
interface StartRoute {
  ladder: number[];
  success: number;
  cost: number;
}

/** Each start's route (routeFrom) and its expected success and cost under `levels`. */
function startRoutes(
  levels: readonly number[],
  costs: readonly number[],
  maxEscalations: number,
  known: readonly boolean[],
): StartRoute[] {
  return costs.map((_, start) => {
    const ladder = routeFrom(start, costs, maxEscalations, known);
    return { ladder, ...ladderExpectation(levels, costs, ladder) };
  });
}

interface ClusterModel {
  /** Completed level counts (a Dirichlet's parameters). */
  counts: number[];
  evidence: { cluster: number; demand: number }[];
}

function clusterModel(
  evidence: RoutingEvidence,
  demand: string,
  key: string,
  tiers: readonly string[],
  random?: () => number,
): ClusterModel {
  const pooled = evidence.demands[demand];
  const cluster = evidence.clusters[key];
  const prior = staticPrior(demand, tiers.length);
  let counts: number[];
  if (!random) {
    const demandLevels = normalise(levelCounts(prior, pooled, tiers));
    counts = levelCounts(
      demandLevels.map((p) => p * POOL_WEIGHT),
      cluster,
      tiers,
    );
  } else {
    // A Thompson draw that keeps the uncertainty of censored evidence: a success on a tier says
    // the level is that tier or a weaker one, so how it splits is drawn, not taken from the mean.
    const demandLevels = drawLevels(prior, pooled, tiers, random);
    counts = [
      ...drawLevels(
        demandLevels.map((p) => p * POOL_WEIGHT),
        cluster,
        tiers,
        random,
      ),
    ];
  }
  return {
    counts,
    evidence: tiers.map((t) => ({
      cluster: total(cluster?.first[t]),
      demand: total(pooled?.first[t]),
    })),
  };
}

function drawLevels(
  prior: readonly number[],
  cluster: ClusterEvidence | undefined,
  tiers: readonly string[],
  random: () => number,
): number[] {
  const exactOnly = levelCounts(
    prior,
    cluster ? { ...cluster, atMost: {}, above: {}, between: {} } : undefined,
    tiers,
  );
  const split = sampleDirichlet(exactOnly, random);
  return sampleDirichlet(levelCounts(prior, cluster, tiers, split), random);
}

function total(counts: Counts | undefined): number {
  return (counts?.successes ?? 0) + (counts?.failures ?? 0);
}

/** What the choice needs beyond the evidence. */
export interface RouteRequest {
  demand: string;
  tags: readonly string[];
  /** Configured tiers in escalation order, with configured cost per call. */
  tiers: readonly TierCost[];
  budget: BudgetPreference;
  maxEscalations: number;
  /** The run's cost budget, in the tiers' cost unit, when one is set. */
  run?: { spent: number; limit: number };
  /** A uniform [0, 1) source: the choice is a pure function of the evidence and these draws. */
  random: () => number;
}

export interface RouteDecision {
  tier: string;
  /** The static table's tier for the demand. */
  defaultTier: string;
  cluster: string;
  reason: string;
  /** The tiers a failed answer escalates to, in order, after `tier` (empty: no escalation). */
  escalation: string[];
  /** True when the route is not the greedy choice: an exploration draw picked it. */
  explored: boolean;
  explorationRate: number;
  tolerance: number;
  estimates: TierEstimate[];
}

/** The tolerance for a budget preference, widened as a run's cost budget drains. */
export function effectiveTolerance(
  budget: BudgetPreference,
  run: { spent: number; limit: number } | undefined,
): number {
  const base = BUDGET_TOLERANCE[budget];
  if (!run || run.limit <= 0) return base;
  const remaining = Math.max(0, 1 - run.spent / run.limit);
  return remaining >= 0.5 ? base : base + DRAIN_TOLERANCE * (1 - remaining / 0.5);
}

export function explorationRate(decisions: number): number {
  return Math.min(MAX_EXPLORATION, EXPLORATION_SCALE / Math.sqrt(1 + decisions));
}

/** Index of the start with the lowest cost per success among those within `tolerance` of the best success. */
function bestStart(
  starts: readonly { success: number; cost: number }[],
  eligible: readonly boolean[],
  tolerance: number,
): number {
  let bestSuccess = 0;
  starts.forEach((s, i) => {
    if (eligible[i]) bestSuccess = Math.max(bestSuccess, s.success);
  });
  let lowest = Infinity;
  const ratios = starts.map((s, i) => {
    if (!eligible[i] || s.success < bestSuccess - tolerance) return Infinity;
    const ratio = s.cost / Math.max(s.success, 1e-9);
    lowest = Math.min(lowest, ratio);
    return ratio;
  });
  // Near a tie the weaker start wins: it also shows which tier the task needed, where a stronger
  // start only shows that the task needed at most that tier.
  const chosen = ratios.findIndex((ratio) => ratio <= lowest * (1 + INFORMATION_SLACK));
  return chosen < 0 ? eligible.lastIndexOf(true) : chosen;
}

/** A draw from the Dirichlet with these parameters, by Gamma draws (Marsaglia–Tsang). */
function sampleDirichlet(parameters: readonly number[], random: () => number): number[] {
  return normalise(parameters.map((p) => (p > 0 ? sampleGamma(p, random) : 0)));
}

function sampleGamma(shape: number, random: () => number): number {
  if (shape < 1) return sampleGamma(shape + 1, random) * Math.pow(random() || 1e-12, 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random() || 1e-12;
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

function normal(random: () => number): number {
  const u = random() || 1e-12;
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/**
 * A cheaper start than the greedy one that has hardly been tried (fewer than MIN_EVIDENCE starts in
 * the cluster and its demand together) and could still win: its cost per success when it solves
 * every task the greedy start solves (the best case the censored evidence allows) is lower than
 * the greedy's. Starting there is the only way to learn which tier a task needs: a success on a
 * stronger start says only "this tier or a weaker one", so without it the estimate of a weaker
 * tier stays where the prior put it. The weakest such tier; -1 when there is none.
 */
function thinCheaperStart(
  model: ClusterModel,
  starts: readonly { success: number; cost: number }[],
  greedy: number,
  costs: readonly number[],
  affordable: (i: number) => boolean,
): number {
  const best = starts[greedy];
  if (!best || best.success <= 0) return -1;
  const greedyPerSuccess = best.cost / best.success;
  for (let i = 0; i < greedy; i++) {
    const tried = model.evidence[i];
    if (!tried || tried.cluster + tried.demand >= MIN_EVIDENCE || !affordable(i)) continue;
    if ((costs[i] ?? Infinity) / best.success < greedyPerSuccess) return i;
  }
  return -1;
}

/** The policy's choice for one task. */
export function chooseRoute(evidence: RoutingEvidence, request: RouteRequest): RouteDecision {
  const tiers = effectiveCosts(request.tiers, evidence);
  const names = tiers.map((t) => t.tier);
  const key = clusterKey(request.demand, request.tags);
  const route = staticPosition(request.demand, tiers.length);
  const defaultTier = tiers[route]?.tier ?? '';
  const model = clusterModel(evidence, request.demand, key, names);
  const costs = tiers.map((t) => t.cost);
  const levels = normalise(model.counts);
  const tolerance = effectiveTolerance(request.budget, request.run);
  // A tier is skipped on costs observed, not on configured prices (routeFrom).
  const known = tiers.map((t) => (evidence.costs[t.tier]?.calls ?? 0) >= MIN_COST_OBSERVATIONS);
  const starts = startRoutes(levels, costs, request.maxEscalations, known);
  const affordable = (i: number) =>
    !request.run || i === 0 || (starts[i]?.cost ?? 0) <= request.run.limit - request.run.spent;
  // Below the static route, a tier needs some evidence before the greedy choice may start there.
  const eligible = model.evidence.map(
    (e, i) => (i >= route || e.cluster + e.demand >= MIN_EVIDENCE) && affordable(i),
  );
  if (!eligible.some(Boolean)) eligible[0] = true;
  const greedy = bestStart(starts, eligible, tolerance);

  const decisions = evidence.clusters[key]?.decisions ?? 0;
  const rate = explorationRate(decisions);
  let chosen = greedy;
  const exploring = request.random() < rate;
  const untried = exploring ? thinCheaperStart(model, starts, greedy, costs, affordable) : -1;
  if (untried >= 0) chosen = untried;
  else if (exploring) {
    const drawn = clusterModel(evidence, request.demand, key, names, request.random).counts;
    const sampled = startRoutes(normalise(drawn), costs, request.maxEscalations, known);
    chosen = bestStart(
      sampled,
      tiers.map((_, i) => affordable(i)),
      tolerance,
    );
  }
  const explored = chosen !== greedy;
  const ladder = starts[chosen]?.ladder ?? [chosen];
  let solvedBelow = 0;
  const estimates: TierEstimate[] = tiers.map((t, i) => {
    solvedBelow += levels[i] ?? 0;
    return {
      tier: t.tier,
      success: solvedBelow,
      cost: t.cost,
      start: { success: starts[i]?.success ?? 0, cost: starts[i]?.cost ?? 0 },
      route: (starts[i]?.ladder ?? [i]).map((k) => names[k] ?? ''),
      evidence: model.evidence[i] ?? { cluster: 0, demand: 0 },
    };
  });
  const picked = estimates[chosen];
  const tier = picked?.tier ?? defaultTier;
  return {
    tier,
    defaultTier,
    cluster: key,
    escalation: ladder.slice(1).map((k) => names[k] ?? ''),
    reason: decisionReason({
      picked,
      skipped: skippedTiers(ladder).map((k) => names[k] ?? ''),
      explored,
      untried: untried >= 0,
      tolerance,
      defaultTier,
      decisions,
    }),
    explored,
    explorationRate: rate,
    tolerance,
    estimates,
  };
}

/** Tier positions a route passes over: above its start, below its last tier, not on it. */
export function skippedTiers(ladder: Ladder): number[] {
  const first = ladder[0] ?? 0;
  const last = ladder[ladder.length - 1] ?? first;
  const skipped: number[] = [];
  for (let k = first + 1; k < last; k++) if (!ladder.includes(k)) skipped.push(k);
  return skipped;
}

function decisionReason(input: {
  picked: TierEstimate | undefined;
  /** Tiers the route's escalation passes over. */
  skipped: readonly string[];
  explored: boolean;
  /** The exploration tried a cheaper start that has hardly been tried. */
  untried: boolean;
  tolerance: number;
  defaultTier: string;
  decisions: number;
}): string {
  const { picked } = input;
  if (!picked) return `static route ${input.defaultTier}`;
  const perSuccess = picked.start.cost / Math.max(picked.start.success, 1e-9);
  const skips = input.skipped.length > 0 ? `, escalation skips ${input.skipped.join(', ')}` : '';
  const numbers = `expected success ${picked.start.success.toFixed(2)}, cost per success ${formatCost(perSuccess)}${skips}`;
  if (input.explored && input.untried)
    return `exploring ${picked.tier} (fewer than ${MIN_EVIDENCE} starts there yet, and it could cost less per success; ${numbers}; ${input.decisions} decisions in the cluster)`;
  if (input.explored)
    return `exploring ${picked.tier} (a Thompson draw; ${numbers}; ${input.decisions} decisions in the cluster)`;
  if (input.decisions === 0 && picked.tier === input.defaultTier)
    return `static route: no evidence for this cluster yet (${numbers})`;
  return `lowest cost per success within ${input.tolerance.toFixed(3)} of the best success (${numbers})`;
}

export function formatCost(value: number): string {
  if (value === 0) return '0';
  if (value >= 100) return value.toFixed(0);
  if (value >= 1) return value.toFixed(2);
  return value.toPrecision(2);
}
