// The confidence rule: a belief's confidence follows from its evidence alone, counting each task
// once (its latest word), so replaying a task cannot inflate a belief.
import type { Evidence } from './beliefs.js';

/**
 * Prior pseudo-counts: a belief with no evidence sits at 1 / (1 + 2) ≈ 0.33, a new claim with one
 * supporting task at 0.5, three independent supports at 0.67; each contradiction pulls it down.
 */
export const CONFIDENCE_PRIOR = { support: 1, contradict: 2 } as const;

export interface EvidenceTally {
  supporting: number;
  contradicting: number;
}

/** Independent support and contradiction: one vote per task, the task's latest evidence wins. */
export function tallyEvidence(evidence: readonly Evidence[]): EvidenceTally {
  const latest = new Map<string, boolean>();
  for (const item of evidence) latest.set(item.task, item.supports);
  let supporting = 0;
  for (const supports of latest.values()) if (supports) supporting++;
  return { supporting, contradicting: latest.size - supporting };
}

export function confidenceFromEvidence(evidence: readonly Evidence[]): number {
  const { supporting, contradicting } = tallyEvidence(evidence);
  const value =
    (supporting + CONFIDENCE_PRIOR.support) /
    (supporting + contradicting + CONFIDENCE_PRIOR.support + CONFIDENCE_PRIOR.contradict);
  return Math.round(value * 1000) / 1000;
}

/** Adds a task's evidence unless that task already said the same; returns the new list. */
export function addEvidence(evidence: readonly Evidence[], item: Evidence): Evidence[] {
  const same = evidence.find((e) => e.task === item.task && e.supports === item.supports);
  return same ? [...evidence] : [...evidence, item];
}
