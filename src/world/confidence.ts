// The confidence rule: a belief's confidence follows from its evidence alone, counting each task
// once (its latest word), so replaying a task cannot inflate a belief. Unused beliefs fade towards
// the prior as their evidence ages; that fading never decides a belief's status (lifecycle.ts).
// Older tasks' latest words may be folded into counts (evidence-fold.ts): every rule here counts
// them with the items.
import type { Evidence, EvidenceRecord } from './beliefs.js';

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
  /** Distinct tasks whose latest word supports the belief, folded ones included. */
  supporting: number;
  /** Distinct tasks whose latest word contradicts it, folded ones included. */
  contradicting: number;
  /** The tasks still listed item by item, by what their latest word says. */
  supportingTasks: string[];
  contradictingTasks: string[];
  /** Distinct tasks whose words were folded into counts. */
  foldedTasks: number;
  /** True when the newest counted word is a contradiction no later support has answered. */
  openContradiction: boolean;
  /** When the newest evidence was recorded (undefined without evidence). */
  lastAt: string | undefined;
  /** When the first supporting task spoke (undefined without support). */
  firstSupportAt: string | undefined;
}

/**
 * Independent support and contradiction: one vote per task, the task's latest evidence wins (a
 * withdrawn item takes the task's vote away), and each folded task counts as its latest word did.
 * Evidence is read in time order, so lists merged from two files count the same as one list.
 */
export function tallyEvidence(record: EvidenceRecord): EvidenceTally {
  const ordered = inTimeOrder(record.evidence);
  const latest = latestWords(ordered);
  const folded = record.evidence_folded ?? undefined;
  const supportingTasks: string[] = [];
  const contradictingTasks: string[] = [];
  let newest: Evidence | undefined;
  for (const [task, item] of latest) {
    if (item.withdrawn === true) continue;
    (item.supports ? supportingTasks : contradictingTasks).push(task);
    newest = item;
  }
  const supporters = new Set(supportingTasks);
  const firstSupport = ordered.find(
    (item) => item.supports && item.withdrawn !== true && supporters.has(item.task),
  );
  return {
    supporting: supportingTasks.length + (folded?.supporting ?? 0),
    contradicting: contradictingTasks.length + (folded?.contradicting ?? 0),
    supportingTasks,
    contradictingTasks,
    foldedTasks: folded?.tasks ?? 0,
    openContradiction:
      newest !== undefined ? !newest.supports : folded?.last_word === 'contradicts',
    lastAt: earliestOrLatest('latest', ordered.at(-1)?.at, folded?.through),
    firstSupportAt: earliestOrLatest('earliest', firstSupport?.at, folded?.first_support_at),
  };
}

/** Each task's latest word, in the order of those words (oldest first); `ordered` is in time order. */
export function latestWords(ordered: readonly Evidence[]): Map<string, Evidence> {
  const latest = new Map<string, Evidence>();
  for (const item of ordered) {
    latest.delete(item.task); // re-inserted at the end: the map keeps the order of latest words
    latest.set(item.task, item);
  }
  return latest;
}

/** The earlier or later of two optional times (a time that cannot be read loses). */
export function earliestOrLatest(
  which: 'earliest' | 'latest',
  a: string | null | undefined,
  b: string | null | undefined,
): string | undefined {
  if (!a) return b ?? undefined;
  if (!b) return a;
  const later = Date.parse(b) > Date.parse(a);
  return which === 'latest' ? (later ? b : a) : later ? a : b;
}

/** The evidence-only confidence: (supporting + 1) / (supporting + contradicting + 3). */
export function confidenceFromEvidence(record: EvidenceRecord): number {
  return confidenceOfTally(tallyEvidence(record));
}

function confidenceOfTally({ supporting, contradicting }: EvidenceTally): number {
  const value =
    (supporting + CONFIDENCE_PRIOR.support) /
    (supporting + contradicting + CONFIDENCE_PRIOR.support + CONFIDENCE_PRIOR.contradict);
  return round(value);
}

/**
 * The confidence a belief file records at time `now`: the evidence-only confidence, faded towards
 * the prior for every whole idle period since its newest evidence (CONFIDENCE_DECAY). The evidence
 * is tallied once: every write of a belief asks, over up to 300 items.
 */
export function beliefConfidence(record: EvidenceRecord, now: string): number {
  const tally = tallyEvidence(record);
  const base = confidenceOfTally(tally);
  const periods = idlePeriodsSince(tally.lastAt, now);
  if (periods <= 0) return base;
  return round(PRIOR_CONFIDENCE + (base - PRIOR_CONFIDENCE) * CONFIDENCE_DECAY.factor ** periods);
}

/** Whole idle periods between the newest evidence and `now`. */
export function idlePeriods(record: EvidenceRecord, now: string): number {
  return idlePeriodsSince(tallyEvidence(record).lastAt, now);
}

function idlePeriodsSince(last: string | undefined, now: string): number {
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

/** Stable sort by `at`; items whose time cannot be read keep their place at the front. */
export function inTimeOrder(evidence: readonly Evidence[]): Evidence[] {
  return evidence
    .map((item, index) => ({ item, index, time: Date.parse(item.at) }))
    .sort((x, y) => (x.time || 0) - (y.time || 0) || x.index - y.index)
    .map(({ item }) => item);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
