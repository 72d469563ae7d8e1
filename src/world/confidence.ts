// The confidence rule: a belief's confidence follows from its evidence alone, counting each task
// once (its latest word), so replaying a task cannot inflate a belief. Unused beliefs fade towards
// the prior as their evidence ages; that fading never decides a belief's status (lifecycle.ts).
import type { Evidence } from './beliefs.js';

/**
 * Prior pseudo-counts (a Beta(1, 2) prior): a belief with no evidence sits at 1 / (1 + 2) ≈ 0.33, a
 * new claim with one supporting task at 0.5, three independent supports at 0.67; each
 * contradicting task pulls it down as much as a support pushes it up.
 */
export const CONFIDENCE_PRIOR = { support: 1, contradict: 2 } as const;

/** The confidence of a belief nobody has said anything about. */
export const PRIOR_CONFIDENCE =
  CONFIDENCE_PRIOR.support / (CONFIDENCE_PRIOR.support + CONFIDENCE_PRIOR.contradict);

/**
 * Decay of unused beliefs: for every whole `idleDays` since a belief's newest evidence, its
 * confidence moves `1 - factor` of the way back to the prior. Whole periods keep a learning run
 * idempotent: running it twice on the same day changes nothing the second time.
 */
export const CONFIDENCE_DECAY = { idleDays: 30, factor: 0.9 } as const;

const DAY_MS = 24 * 60 * 60 * 1000;

export interface EvidenceTally {
  /** Distinct tasks whose latest word supports the belief. */
  supporting: number;
  /** Distinct tasks whose latest word contradicts it. */
  contradicting: number;
  /** The tasks, by what their latest word says. */
  supportingTasks: string[];
  contradictingTasks: string[];
  /** True when the newest counted word is a contradiction no later support has answered. */
  openContradiction: boolean;
  /** When the newest evidence was recorded (undefined without evidence). */
  lastAt: string | undefined;
  /** When the first supporting task spoke (undefined without support). */
  firstSupportAt: string | undefined;
}

/**
 * Independent support and contradiction: one vote per task, the task's latest evidence wins (a
 * withdrawn item takes the task's vote away). Evidence is read in time order, so lists merged from
 * two files count the same as one list.
 */
export function tallyEvidence(evidence: readonly Evidence[]): EvidenceTally {
  const ordered = inTimeOrder(evidence);
  const latest = new Map<string, Evidence>();
  for (const item of ordered) {
    latest.delete(item.task); // re-inserted at the end: the map keeps the order of latest words
    latest.set(item.task, item);
  }
  const supportingTasks: string[] = [];
  const contradictingTasks: string[] = [];
  let newest: Evidence | undefined;
  for (const [task, item] of latest) {
    if (item.withdrawn === true) continue;
    (item.supports ? supportingTasks : contradictingTasks).push(task);
    newest = item;
  }
  const firstSupport = ordered.find(
    (item) => item.supports && item.withdrawn !== true && supportingTasks.includes(item.task),
  );
  return {
    supporting: supportingTasks.length,
    contradicting: contradictingTasks.length,
    supportingTasks,
    contradictingTasks,
    openContradiction: newest !== undefined && !newest.supports,
    lastAt: ordered.at(-1)?.at,
    firstSupportAt: firstSupport?.at,
  };
}

/** The evidence-only confidence: (supporting + 1) / (supporting + contradicting + 3). */
export function confidenceFromEvidence(evidence: readonly Evidence[]): number {
  const { supporting, contradicting } = tallyEvidence(evidence);
  const value =
    (supporting + CONFIDENCE_PRIOR.support) /
    (supporting + contradicting + CONFIDENCE_PRIOR.support + CONFIDENCE_PRIOR.contradict);
  return round(value);
}

/**
 * The confidence a belief file records at time `now`: the evidence-only confidence, faded towards
 * the prior for every whole idle period since its newest evidence (CONFIDENCE_DECAY).
 */
export function beliefConfidence(evidence: readonly Evidence[], now: string): number {
  const base = confidenceFromEvidence(evidence);
  const periods = idlePeriods(evidence, now);
  if (periods <= 0) return base;
  return round(PRIOR_CONFIDENCE + (base - PRIOR_CONFIDENCE) * CONFIDENCE_DECAY.factor ** periods);
}

/** Whole idle periods between the newest evidence and `now`. */
export function idlePeriods(evidence: readonly Evidence[], now: string): number {
  const last = tallyEvidence(evidence).lastAt;
  if (last === undefined) return 0;
  const idle = Date.parse(now) - Date.parse(last);
  return Number.isFinite(idle) ? Math.floor(idle / (CONFIDENCE_DECAY.idleDays * DAY_MS)) : 0;
}

/** Adds a task's evidence unless that task's latest word already says the same; returns the new list. */
export function addEvidence(evidence: readonly Evidence[], item: Evidence): Evidence[] {
  const latest = [...evidence].reverse().find((e) => e.task === item.task);
  const same =
    latest !== undefined &&
    latest.supports === item.supports &&
    (latest.withdrawn === true) === (item.withdrawn === true);
  return same ? [...evidence] : [...evidence, item];
}

/** Two evidence lists as one, in time order, without repeating an identical item. */
export function mergeEvidence(a: readonly Evidence[], b: readonly Evidence[]): Evidence[] {
  const seen = new Set<string>();
  const merged: Evidence[] = [];
  for (const item of inTimeOrder([...a, ...b])) {
    const key = `${item.task}\u0000${String(item.supports)}\u0000${item.at}\u0000${String(item.withdrawn === true)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    merged.push(item);
  }
  return merged;
}

/** Stable sort by `at`; items whose time cannot be read keep their place at the front. */
function inTimeOrder(evidence: readonly Evidence[]): Evidence[] {
  return evidence
    .map((item, index) => ({ item, index, time: Date.parse(item.at) }))
    .sort((x, y) => (x.time || 0) - (y.time || 0) || x.index - y.index)
    .map(({ item }) => item);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
