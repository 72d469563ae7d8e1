// Bounded evidence (SPEC §7, over an agent's whole life): every task that gives its word on a
// belief adds an item to the belief's file, so a belief that tasks keep using would grow past the
// write limit and stop learning. Once a belief lists more than EVIDENCE_BOUNDS.maxTasks tasks (or
// its items pass maxBytes), the latest words of its oldest tasks are folded into counts
// (`evidence_folded`) and their items leave the list; the newest tasks stay item by item.
//
// The tally (confidence.ts) counts a folded task as its latest word did, so confidence, the
// lifecycle thresholds and the firewall give the same answers before and after a fold. What a fold
// gives up: the folded items' notes and times (git history keeps them), and the right to change a
// folded word: a person's verdict on a folded task, or a failed use older than the fold, no longer
// reaches the belief.
import { isTrustedEvidence } from './provenance.js';
import type { BeliefData, Evidence, EvidenceFold, EvidenceRecord } from './beliefs.js';
import { beliefConfidence, earliestOrLatest, inTimeOrder, latestWords } from './confidence.js';

export const EVIDENCE_BOUNDS = {
  /** A fold happens when the list holds more tasks than this… */
  maxTasks: 300,
  /** …or its items more bytes (as JSON) than this, */
  maxBytes: 128 * 1024,
  /** and keeps the newest tasks, at most this many… */
  keptTasks: 200,
  /** …whose items take at most this many bytes (the newest task is always kept). */
  keptBytes: 64 * 1024,
} as const;

type Bounds = { [K in keyof typeof EVIDENCE_BOUNDS]: number };

/**
 * The record with its oldest tasks folded when it is over the bounds, or as it is. Items of kept
 * tasks keep their order; a folded task takes all its items with it.
 */
export function foldEvidence(
  record: EvidenceRecord,
  bounds: Bounds = EVIDENCE_BOUNDS,
): { evidence: Evidence[]; evidence_folded?: EvidenceFold } {
  const previous = record.evidence_folded ?? undefined;
  const unchanged = {
    evidence: [...record.evidence],
    ...(previous ? { evidence_folded: previous } : {}),
  };
  const sizes = new Map<string, number>();
  let bytes = 0;
  for (const item of record.evidence) {
    const size = JSON.stringify(item).length;
    sizes.set(item.task, (sizes.get(item.task) ?? 0) + size);
    bytes += size;
  }
  if (sizes.size <= bounds.maxTasks && bytes <= bounds.maxBytes) return unchanged;

  const ordered = inTimeOrder(record.evidence);
  const tasks = [...latestWords(ordered).keys()].reverse(); // newest latest word first
  const kept = new Set<string>();
  let keptBytes = 0;
  for (const task of tasks) {
    const size = sizes.get(task) ?? 0;
    if (kept.size >= bounds.keptTasks || (kept.size > 0 && keptBytes + size > bounds.keptBytes))
      break;
    kept.add(task);
    keptBytes += size;
  }
  const folding = ordered.filter((item) => !kept.has(item.task));
  if (folding.length === 0) return unchanged;
  return {
    evidence: record.evidence.filter((item) => kept.has(item.task)),
    evidence_folded: addToFold(previous, folding),
  };
}

/** `fold` with the words of `items` (every item of the tasks folded, in time order) counted in. */
function addToFold(fold: EvidenceFold | undefined, items: readonly Evidence[]): EvidenceFold {
  const next: EvidenceFold = fold
    ? { ...fold }
    : {
        tasks: 0,
        supporting: 0,
        contradicting: 0,
        ever_supporting: 0,
        trusted_supporting: 0,
        through: items[0]?.at ?? '',
        first_support_at: null,
        first_contradiction_at: null,
        last_word: null,
      };
  const latest = latestWords(items);
  for (const item of latest.values()) {
    next.tasks++;
    if (item.withdrawn === true) continue;
    if (item.supports) next.supporting++;
    else next.contradicting++;
    next.last_word = item.supports ? 'supports' : 'contradicts';
  }
  // The firewall reads items, not latest words (provenance.ts): any support, any trusted support.
  const supported = new Set<string>();
  const trusted = new Set<string>();
  for (const item of items) {
    if (!item.supports || item.withdrawn === true) continue;
    supported.add(item.task);
    if (isTrustedEvidence(item)) trusted.add(item.task);
  }
  next.ever_supporting += supported.size;
  next.trusted_supporting += trusted.size;
  for (const item of items) {
    next.through = earliestOrLatest('latest', next.through, item.at) ?? next.through;
    if (item.withdrawn === true) continue;
    const counted = latest.get(item.task);
    if (item.supports && counted?.supports === true && counted.withdrawn !== true)
      next.first_support_at = earliestOrLatest('earliest', next.first_support_at, item.at) ?? null;
    if (!item.supports)
      next.first_contradiction_at =
        earliestOrLatest('earliest', next.first_contradiction_at, item.at) ?? null;
  }
  return next;
}

/**
 * Two beliefs' evidence as one (a duplicate collapse): the items merged in time order without
 * repeats, and the folds summed; `withEvidence` folds it to the bounds. A task folded on both sides
 * counts twice: nothing records which tasks a fold holds.
 */
export function mergeEvidenceRecords(a: EvidenceRecord, b: EvidenceRecord): EvidenceRecord {
  const seen = new Set<string>();
  const evidence: Evidence[] = [];
  for (const item of inTimeOrder([...a.evidence, ...b.evidence])) {
    const key = `${item.task}\u0000${String(item.supports)}\u0000${item.at}\u0000${String(item.withdrawn === true)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    evidence.push(item);
  }
  const folds = [a.evidence_folded, b.evidence_folded].filter((f): f is EvidenceFold => !!f);
  const [first, second] = folds;
  const fold = first && second ? sumFolds(first, second) : first;
  return { evidence, ...(fold ? { evidence_folded: fold } : {}) };
}

function sumFolds(a: EvidenceFold, b: EvidenceFold): EvidenceFold {
  const newer = Date.parse(b.through) > Date.parse(a.through) ? b : a;
  return {
    tasks: a.tasks + b.tasks,
    supporting: a.supporting + b.supporting,
    ever_supporting: a.ever_supporting + b.ever_supporting,
    trusted_supporting: a.trusted_supporting + b.trusted_supporting,
    contradicting: a.contradicting + b.contradicting,
    through: newer.through,
    first_support_at: earliestOrLatest('earliest', a.first_support_at, b.first_support_at) ?? null,
    first_contradiction_at:
      earliestOrLatest('earliest', a.first_contradiction_at, b.first_contradiction_at) ?? null,
    last_word: newer.last_word ?? (newer === a ? b : a).last_word,
  };
}

/**
 * The belief data with a new evidence list (and, after a merge, a new fold): folded to the bounds,
 * and its confidence as the rule gives it at `now`. Every writer of evidence goes through here.
 */
export function withEvidence<D extends BeliefData>(
  data: D,
  evidence: readonly Evidence[],
  now: string,
  fold: EvidenceFold | null | undefined = data.evidence_folded,
): D {
  const folded = foldEvidence({ evidence, evidence_folded: fold });
  // Keys in the order a belief file is read in (the fold right after the evidence), so a write
  // moves no line that did not change.
  const next: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (key === 'evidence_folded') continue;
    if (key === 'confidence') next.confidence = beliefConfidence(folded, now);
    else if (key !== 'evidence') next[key] = value;
    else {
      next.evidence = folded.evidence;
      if (folded.evidence_folded) next.evidence_folded = folded.evidence_folded;
    }
  }
  return next as D;
}

/**
 * Whether `task`'s word on the belief may have been folded: it is not listed, and a use from
 * `taskAt` could have been recorded no later than the fold's newest item.
 */
export function mayBeFolded(record: EvidenceRecord, task: string, taskAt: string): boolean {
  const fold = record.evidence_folded;
  if (!fold || record.evidence.some((item) => item.task === task)) return false;
  return !(Date.parse(taskAt) > Date.parse(fold.through));
}
