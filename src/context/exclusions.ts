// What a task's context left out, as context.md and the prompt tell it: how many items, counted by
// reason and kind, and the best-scoring few by name. At 10,000 items nearly all of what a task
// leaves out is unrelated to it (a score of 0), so a ranked context tells these from counts the
// corpus keeps and from what the task reached, and lists every excluded item only when asked.
import type { AssembledContext, ContextItemKind, ExcludedItem } from './assemble.js';

export type ExclusionReason = ExcludedItem['reason'];
/** Excluded items counted by reason, then by kind. */
export type ExclusionCounts = Map<ExclusionReason, Map<ContextItemKind, number>>;

/** Adds `n` (which may be negative) to the count of `reason` and `kind`. */
export function countExclusion(
  counts: ExclusionCounts,
  reason: ExclusionReason,
  kind: ContextItemKind,
  n = 1,
): void {
  if (n === 0) return;
  let byKind = counts.get(reason);
  if (byKind === undefined) {
    byKind = new Map();
    counts.set(reason, byKind);
  }
  // A count that falls to 0 goes: the table has no row or column of zeros.
  const count = (byKind.get(kind) ?? 0) + n;
  if (count !== 0) byKind.set(kind, count);
  else {
    byKind.delete(kind);
    if (byKind.size === 0) counts.delete(reason);
  }
}

/** What a context left out, without listing it. */
export interface Exclusions {
  /** How many items it left out. */
  count: number;
  /** Those items by reason and kind. */
  counts(): ExclusionCounts;
  /** The `n` first of them by score, best first, then by id (`byScoreThenId`). */
  best(n: number): ExcludedItem[];
}

/** The exclusions of contexts that know them without their list (assembleContext's ranking). */
const described = new WeakMap<AssembledContext, Exclusions>();

/** Records what `context` left out, as worked out while ranking it; returns the context. */
export function withExclusions(
  context: AssembledContext,
  exclusions: Exclusions,
): AssembledContext {
  described.set(context, exclusions);
  return context;
}

/** What `context` left out: as its ranking described it, or from its list. */
export function exclusionsOf(context: AssembledContext): Exclusions {
  return described.get(context) ?? listedExclusions(context.excluded);
}

function listedExclusions(excluded: readonly ExcludedItem[]): Exclusions {
  return {
    count: excluded.length,
    counts: () => {
      const counts: ExclusionCounts = new Map();
      // Runs of one reason are the rule (the unrelated items come last): the reason's counts are
      // looked up once per run.
      let reason: ExclusionReason | undefined;
      let byKind = new Map<ContextItemKind, number>();
      for (const item of excluded) {
        if (item.reason !== reason) {
          reason = item.reason;
          byKind = counts.get(reason) ?? new Map<ContextItemKind, number>();
          counts.set(reason, byKind);
        }
        byKind.set(item.kind, (byKind.get(item.kind) ?? 0) + 1);
      }
      return counts;
    },
    best: (n) => highestScoring(excluded, n),
  };
}

/**
 * Ids in the order `String.prototype.localeCompare` gives (a collator made once: calling
 * localeCompare per pair is what made ranking 10,000 items slow).
 */
const ID_COLLATOR = new Intl.Collator();

export function compareIds(a: string | undefined, b: string | undefined): number {
  return ID_COLLATOR.compare(a ?? '', b ?? '');
}

/** Best first; equal scores by id, so the order never depends on the order items came in. */
function byScoreThenId(a: ExcludedItem, b: ExcludedItem): number {
  return b.score - a.score || compareIds(a.id, b.id);
}

/** The `n` first items by `byScoreThenId`, without sorting them all. */
export function highestScoring(items: Iterable<ExcludedItem>, n: number): ExcludedItem[] {
  const best: ExcludedItem[] = [];
  for (const item of items) {
    const last = best.at(-1);
    if (best.length >= n && last !== undefined && byScoreThenId(item, last) >= 0) continue;
    let at = best.length;
    while (at > 0 && byScoreThenId(item, best[at - 1] as ExcludedItem) < 0) at--;
    best.splice(at, 0, item);
    if (best.length > n) best.pop();
  }
  return best;
}
