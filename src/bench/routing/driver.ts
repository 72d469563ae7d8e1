// The routing benchmark's driver: every policy routes the same task stream, side by side. The
// learned policy is the product's own module (src/routing/learned-policy.ts), fed only what the
// runtime logs (the estimated demand, the tags, each tier tried and whether it succeeded, the cost),
// and follows its route as the runtime's cascade does: the start, then the tiers a failed call
// escalates to (one tier up at a time for every other policy).
import {
  addObservation,
  chooseRoute,
  emptyEvidence,
  effectiveTolerance,
  routeFrom,
  staticPosition,
  stepLadder,
  type RouteObservation,
} from '../../routing/learned-policy.js';
import { Random } from '../random.js';
import {
  classTags,
  generateTasks,
  realiseOutcomes,
  successTable,
  type RoutingBenchConfig,
  type SimTask,
} from './simulation.js';

export const POLICY_NAMES = [
  'always-cheapest',
  'always-strongest',
  'static',
  'random',
  'cascade',
  'learned',
  'bayes-optimal',
  'oracle',
] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

/** The tiers a policy calls on a task, in order, until one succeeds: its start, then its escalation. */
type Plan = readonly number[];

interface TaskRun {
  success: boolean;
  cost: number;
  calls: number[];
  /** The first call failed where a stronger tier would have succeeded. */
  underpowered: boolean;
}

export interface PolicyResults {
  success_rate: number;
  cost_per_success: number | null;
  cost_per_task: number;
  calls_per_task: number;
  expensive_share: number;
  underpowered_failure_rate: number;
  wasted_call_rate: number;
  apgr: number | null;
  cpt50: number | null;
  cpt80: number | null;
  /** Over the tasks after the learning-curve's 5,000th (the stream's second part). */
  after_5000: { success_rate: number; cost_per_success: number | null } | null;
  tier_share: Record<string, number>;
  learning_curve?: CurvePoint[];
  exploration_share?: number;
}

export interface CurvePoint {
  tasks: number;
  /** Over all tasks so far. */
  cost_per_success: number | null;
  success_rate: number;
  /** Over the tasks since the previous point. */
  window_cost_per_success: number | null;
  window_success_rate: number;
}

export const ROUTING_TARGETS = {
  success_vs_always_strongest: 'learned success_rate >= always-strongest - 0.01',
  cost_vs_always_strongest: 'learned cost_per_success <= 0.45 x always-strongest',
  cost_vs_bayes_optimal_after_5000:
    'learned cost_per_success after 5,000 tasks <= 1.15 x bayes-optimal on the same tasks',
  cost_vs_static: 'learned cost_per_success <= 0.85 x static',
  time: '20,000 tasks in under 10 s of CPU time',
} as const;

export interface RoutingBenchResults {
  policies: Record<PolicyName, PolicyResults>;
  seconds: number;
  cpu_seconds: number;
  targets_met: Record<keyof typeof ROUTING_TARGETS, boolean>;
}

const AFTER = 5000;

function execute(task: SimTask, plan: Plan, costs: readonly number[]): TaskRun {
  const calls: number[] = [];
  let cost = 0;
  let success = false;
  for (const k of plan) {
    calls.push(k);
    cost += costs[k] ?? 0;
    if (task.succeeds[k]) {
      success = true;
      break;
    }
  }
  const first = calls[0] ?? 0;
  const underpowered = !task.succeeds[first] && task.succeeds.slice(first + 1).some(Boolean);
  return { success, cost, calls, underpowered };
}

function summarise(
  runs: readonly TaskRun[],
  tiers: number,
  names: readonly string[],
): PolicyResults {
  let successes = 0;
  let cost = 0;
  let calls = 0;
  let expensive = 0;
  let underpowered = 0;
  const perTier = new Array<number>(tiers).fill(0);
  for (const run of runs) {
    if (run.success) successes++;
    cost += run.cost;
    calls += run.calls.length;
    for (const k of run.calls) {
      perTier[k] = (perTier[k] ?? 0) + 1;
      if (k === tiers - 1) expensive++;
    }
    if (run.underpowered) underpowered++;
  }
  const after = runs.length > AFTER ? runs.slice(AFTER) : [];
  const afterSuccesses = after.filter((r) => r.success).length;
  const afterCost = after.reduce((sum, r) => sum + r.cost, 0);
  return {
    success_rate: round(successes / runs.length),
    cost_per_success: successes > 0 ? round(cost / successes) : null,
    cost_per_task: round(cost / runs.length),
    calls_per_task: round(calls / runs.length),
    expensive_share: round(expensive / Math.max(1, calls)),
    underpowered_failure_rate: round(underpowered / runs.length),
    wasted_call_rate: round((calls - successes) / Math.max(1, calls)),
    apgr: null,
    cpt50: null,
    cpt80: null,
    after_5000:
      after.length > 0
        ? {
            success_rate: round(afterSuccesses / after.length),
            cost_per_success: afterSuccesses > 0 ? round(afterCost / afterSuccesses) : null,
          }
        : null,
    tier_share: Object.fromEntries(
      names.map((name, i) => [name, round((perTier[i] ?? 0) / Math.max(1, calls))]),
    ),
  };
}

function round(value: number): number {
  return Math.round(value * 10000) / 10000;
}

/**
 * The performance gap recovered (weak = always-cheapest, strong = always-strongest) and the cost
 * thresholds to recover 50% and 80% of it, as a percentage of always-strongest's cost per task,
 * reading the policy's cost-quality curve as its random mix with always-cheapest.
 */
function gapMeasures(
  policy: PolicyResults,
  weak: PolicyResults,
  strong: PolicyResults,
): Pick<PolicyResults, 'apgr' | 'cpt50' | 'cpt80'> {
  const gap = strong.success_rate - weak.success_rate;
  if (gap <= 0) return { apgr: null, cpt50: null, cpt80: null };
  const pgr = (policy.success_rate - weak.success_rate) / gap;
  const threshold = (target: number): number | null => {
    if (pgr < target || pgr <= 0) return null;
    const mix = target / pgr;
    const cost = mix * policy.cost_per_task + (1 - mix) * weak.cost_per_task;
    return round((100 * cost) / strong.cost_per_task);
  };
  return { apgr: round(pgr), cpt50: threshold(0.5), cpt80: threshold(0.8) };
}

/** P(class | observed demand, tags) for the bayes-optimal router, from the true generative model. */
function classPosterior(config: RoutingBenchConfig, task: SimTask): number[] {
  const names = config.classes.map((c) => c.name);
  const seen = names.indexOf(task.demand);
  return config.classes.map((c, i) => {
    const adjacent = [i - 1, i + 1].filter((j) => j >= 0 && j < names.length);
    const demandLikelihood =
      seen === i
        ? config.demand_accuracy
        : adjacent.includes(seen)
          ? (1 - config.demand_accuracy) / adjacent.length
          : 0;
    const slice = classTags(config, i);
    let tagLikelihood = 1;
    for (const tag of task.tags)
      tagLikelihood *=
        config.tag_signal * (slice.includes(tag) ? 1 / slice.length : 0) +
        (1 - config.tag_signal) / config.tags;
    return c.share * demandLikelihood * tagLikelihood;
  });
}

/** Expected success and cost of each route per class, by simulating the true model. */
function classRouteTable(
  config: RoutingBenchConfig,
  routes: readonly Plan[],
): { success: number; cost: number }[][] {
  const random = new Random(config.seed ^ 0x5bd1e995);
  const table = successTable(config);
  const costs = config.tiers.map((t) => t.cost);
  const samples = 20000;
  return config.classes.map((_, classIndex) => {
    const totals = routes.map(() => ({ success: 0, cost: 0 }));
    for (let n = 0; n < samples; n++) {
      const succeeds = realiseOutcomes(config, table, classIndex, random);
      const task: SimTask = { classIndex, demand: '', tags: [], succeeds };
      totals.forEach((entry, r) => {
        const run = execute(task, routes[r] ?? [], costs);
        entry.success += run.success ? 1 : 0;
        entry.cost += run.cost;
      });
    }
    return totals.map((t) => ({ success: t.success / samples, cost: t.cost / samples }));
  });
}

/** The route with the lowest cost per success within `tolerance` of the best success: the learned policy's own rule. */
function ruleChoice(
  starts: readonly { success: number; cost: number }[],
  tolerance: number,
): number {
  const best = Math.max(...starts.map((s) => s.success));
  let chosen = starts.length - 1;
  let ratio = Infinity;
  starts.forEach((s, i) => {
    if (s.success < best - tolerance) return;
    const r = s.cost / Math.max(s.success, 1e-9);
    if (r < ratio) {
      ratio = r;
      chosen = i;
    }
  });
  return chosen;
}

export function runRoutingBench(config: RoutingBenchConfig): RoutingBenchResults {
  const began = performance.now();
  const cpuBegan = process.cpuUsage();
  const tasks = generateTasks(config);
  const costs = config.tiers.map((t) => t.cost);
  const names = config.tiers.map((t) => t.name);
  const top = costs.length - 1;
  const escalations = config.max_escalations ?? top;
  const tolerance = effectiveTolerance(config.budget, undefined);
  const runs = (plan: (task: SimTask, index: number) => Plan): TaskRun[] =>
    tasks.map((task, index) => execute(task, plan(task, index), costs));
  const climb = (start: number, up = escalations) => stepLadder(start, costs.length, up);

  // The learned policy: the product's module, learning from each task's logged evidence.
  const evidence = emptyEvidence();
  const random = new Random(config.seed ^ 0x27d4eb2f);
  const tierCosts = config.tiers.map((t) => ({ tier: t.name, cost: t.cost }));
  let explored = 0;
  const learnedRuns = tasks.map((task) => {
    const decision = chooseRoute(evidence, {
      demand: task.demand,
      tags: task.tags,
      tiers: tierCosts,
      budget: config.budget,
      maxEscalations: escalations,
      random: () => random.next(),
    });
    if (decision.explored) explored++;
    const route = [decision.tier, ...decision.escalation].map((tier) => names.indexOf(tier));
    const run = execute(task, route, costs);
    const observation: RouteObservation = {
      demand: task.demand,
      tags: task.tags,
      attempts: run.calls.map((k) => ({
        tier: names[k] ?? '',
        success: task.succeeds[k] ?? false,
      })),
      cost: run.cost,
    };
    addObservation(evidence, observation, names);
    return run;
  });
  const learnedSummary = summarise(learnedRuns, costs.length, names);

  // Bayes-optimal over the same routes the learned policy chooses from.
  const routes = costs.map((_, start) => routeFrom(start, costs, escalations));
  const routeTable = classRouteTable(config, routes);
  const bayesRuns = runs((task) => {
    const posterior = classPosterior(config, task);
    const norm = posterior.reduce((a, b) => a + b, 0) || 1;
    const expected = routes.map((_, r) => {
      let success = 0;
      let cost = 0;
      posterior.forEach((weight, c) => {
        success += (weight / norm) * (routeTable[c]?.[r]?.success ?? 0);
        cost += (weight / norm) * (routeTable[c]?.[r]?.cost ?? 0);
      });
      return { success, cost };
    });
    return routes[ruleChoice(expected, tolerance)] ?? climb(top);
  });

  const randomSource = new Random(config.seed ^ 0x165667b1);
  const matched = Math.min(
    1,
    Math.max(
      0,
      (learnedSummary.cost_per_task - (costs[0] ?? 0)) / ((costs[top] ?? 1) - (costs[0] ?? 0)),
    ),
  );
  const oracleRuns = tasks.map((task) => {
    const cheapest = task.succeeds.indexOf(true);
    return execute(task, [cheapest < 0 ? 0 : cheapest], costs);
  });

  const all: Record<PolicyName, TaskRun[]> = {
    'always-cheapest': runs(() => [0]),
    'always-strongest': runs(() => [top]),
    static: runs((task) => climb(staticPosition(task.demand, costs.length))),
    random: runs(() => [randomSource.chance(matched) ? top : 0]),
    cascade: runs(() => climb(0, top)),
    learned: learnedRuns,
    'bayes-optimal': bayesRuns,
    oracle: oracleRuns,
  };
  const policies = Object.fromEntries(
    POLICY_NAMES.map((name) => [
      name,
      name === 'learned' ? learnedSummary : summarise(all[name], costs.length, names),
    ]),
  ) as Record<PolicyName, PolicyResults>;
  const weak = policies['always-cheapest'];
  const strong = policies['always-strongest'];
  for (const name of POLICY_NAMES)
    Object.assign(policies[name], gapMeasures(policies[name], weak, strong));
  policies.learned.learning_curve = learningCurve(learnedRuns, config.checkpoints);
  policies.learned.exploration_share = round(explored / tasks.length);

  const seconds = (performance.now() - began) / 1000;
  const cpu = process.cpuUsage(cpuBegan);
  // On a shared machine the wall clock measures the neighbours: the time target is read on CPU time.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const learned = policies.learned;
  const ratio = (a: number | null, b: number | null) =>
    a === null || b === null || b === 0 ? Infinity : a / b;
  return {
    policies,
    seconds: round(seconds),
    cpu_seconds: round(cpuSeconds),
    targets_met: {
      success_vs_always_strongest: learned.success_rate >= strong.success_rate - 0.01,
      cost_vs_always_strongest: ratio(learned.cost_per_success, strong.cost_per_success) <= 0.45,
      cost_vs_bayes_optimal_after_5000:
        ratio(
          learned.after_5000?.cost_per_success ?? null,
          policies['bayes-optimal'].after_5000?.cost_per_success ?? null,
        ) <= 1.15,
      cost_vs_static: ratio(learned.cost_per_success, policies.static.cost_per_success) <= 0.85,
      time: cpuSeconds < (10 * config.tasks) / 20000,
    },
  };
}

function learningCurve(runs: readonly TaskRun[], checkpoints: readonly number[]): CurvePoint[] {
  const points: CurvePoint[] = [];
  let successes = 0;
  let cost = 0;
  let windowSuccesses = 0;
  let windowCost = 0;
  let windowTasks = 0;
  const marks = new Set(checkpoints.filter((c) => c <= runs.length));
  marks.add(runs.length);
  runs.forEach((run, index) => {
    successes += run.success ? 1 : 0;
    cost += run.cost;
    windowSuccesses += run.success ? 1 : 0;
    windowCost += run.cost;
    windowTasks++;
    const count = index + 1;
    if (!marks.has(count)) return;
    points.push({
      tasks: count,
      cost_per_success: successes > 0 ? round(cost / successes) : null,
      success_rate: round(successes / count),
      window_cost_per_success: windowSuccesses > 0 ? round(windowCost / windowSuccesses) : null,
      window_success_rate: round(windowSuccesses / windowTasks),
    });
    windowSuccesses = 0;
    windowCost = 0;
    windowTasks = 0;
  });
  return points;
}
