// What world/index.md lists, kept across iterations of one process: each kind's beliefs in slug
// order grouped by letter, their status counts and the most recently changed beliefs, brought from
// one world to the next by the beliefs that changed. It lists exactly what listWorld would.
import { WORLD_KINDS, type WorldKind } from '../memory/layout.js';
import { INDEX_PAGE_ROWS, letterOf, pageName } from '../memory/index-pages.js';
import {
  formatStatusCounts,
  INDEX_RECENT_ROWS,
  lastChange,
  listedStatus,
  type Belief,
  type KindListing,
  type ListedPage,
  type WorldListing,
} from './beliefs.js';
import type { BeliefChange } from './held-index.js';

/** More changes than one in this many beliefs: sorting afresh beats inserting one by one. */
const REBUILD_RATIO = 16;

interface Row {
  belief: Belief;
  changed: string;
}

const bySlug = (a: Belief, b: Belief) => a.slug.localeCompare(b.slug);
const byChange = (a: Row, b: Row) =>
  b.changed.localeCompare(a.changed) || a.belief.path.localeCompare(b.belief.path);

class HeldKind {
  readonly members: Belief[] = [];
  readonly letters = new Map<string, Belief[]>();
  readonly statuses = new Map<string, number>();
}

export class HeldWorldListing implements WorldListing {
  private readonly beliefs = new Map<string, Belief>();
  private kinds = new Map<WorldKind, HeldKind>(WORLD_KINDS.map((kind) => [kind, new HeldKind()]));
  private rows: Row[] = [];
  /**
   * False once two beliefs compare equal: a fresh sort keeps such a pair in the world's order,
   * which this listing does not know. It then lists nothing reliable.
   */
  exact = true;

  /** Applies the changes (one per path) that bring the listed world to the next. */
  update(changes: readonly BeliefChange[]): void {
    for (const { before, after } of changes) {
      if (before) this.beliefs.delete(before.path);
      if (after) this.beliefs.set(after.path, after);
    }
    if (changes.length * REBUILD_RATIO > this.beliefs.size) {
      this.rebuild();
      return;
    }
    for (const { before } of changes) if (before) this.remove(before);
    for (const { after } of changes) if (after) this.insert(after);
  }

  /** The belief it lists at `path`. */
  get(path: string): Belief | undefined {
    return this.beliefs.get(path);
  }

  kind(kind: WorldKind): KindListing {
    const held = this.kinds.get(kind) ?? new HeldKind();
    return {
      count: held.members.length,
      members: () => held.members,
      statusCounts: () => formatStatusCounts(held.statuses),
      pages: () => this.pages(kind, held),
    };
  }

  recent(): readonly Belief[] {
    return this.rows.slice(0, INDEX_RECENT_ROWS).map((row) => row.belief);
  }

  /** Letter groups in the order of their first slugs, cut as letterPages cuts them. */
  private pages(kind: WorldKind, held: HeldKind): ListedPage[] {
    const groups = [...held.letters].sort(([, a], [, b]) => bySlug(a[0] as Belief, b[0] as Belief));
    const pages: ListedPage[] = [];
    for (const [letter, group] of groups) {
      const lists = (paths: ReadonlySet<string>) =>
        [...paths].some((path) => {
          const belief = this.beliefs.get(path);
          return belief?.data.kind === kind && letterOf(belief.slug) === letter;
        });
      for (let start = 0, n = 1; start < group.length; start += INDEX_PAGE_ROWS, n++) {
        const from = start;
        pages.push({
          ...pageName(letter, n),
          size: Math.min(INDEX_PAGE_ROWS, group.length - start),
          members: () => group.slice(from, from + INDEX_PAGE_ROWS),
          lists,
        });
      }
    }
    return pages;
  }

  private rebuild(): void {
    this.kinds = new Map();
    const all = [...this.beliefs.values()];
    for (const kind of WORLD_KINDS) {
      const held = new HeldKind();
      held.members.push(...all.filter((b) => b.data.kind === kind).sort(bySlug));
      for (const belief of held.members) {
        const letter = letterOf(belief.slug);
        const group = held.letters.get(letter);
        if (group) group.push(belief);
        else held.letters.set(letter, [belief]);
        count(held.statuses, listedStatus(belief), 1);
      }
      this.checkOrder(held.members, bySlug);
      this.kinds.set(kind, held);
    }
    this.rows = all.map((belief) => ({ belief, changed: lastChange(belief) })).sort(byChange);
    this.checkOrder(this.rows, byChange);
  }

  private insert(belief: Belief): void {
    this.place(this.rows, { belief, changed: lastChange(belief) }, byChange);
    const held = this.held(belief);
    if (!held) return;
    this.place(held.members, belief, bySlug);
    const letter = letterOf(belief.slug);
    const group = held.letters.get(letter);
    if (group) this.place(group, belief, bySlug);
    else held.letters.set(letter, [belief]);
    count(held.statuses, listedStatus(belief), 1);
  }

  private remove(belief: Belief): void {
    this.take(this.rows, { belief, changed: lastChange(belief) }, byChange, (row) => row.belief);
    const held = this.held(belief);
    if (!held) return;
    this.take(held.members, belief, bySlug, (b) => b);
    const letter = letterOf(belief.slug);
    const group = held.letters.get(letter) ?? [];
    this.take(group, belief, bySlug, (b) => b);
    if (group.length === 0) held.letters.delete(letter);
    count(held.statuses, listedStatus(belief), -1);
  }

  private held(belief: Belief): HeldKind | undefined {
    return this.kinds.get(belief.data.kind);
  }

  /** Inserts in order; an equal neighbour makes the listing inexact. */
  private place<T>(rows: T[], item: T, compare: (a: T, b: T) => number): void {
    const at = lowerBound(rows, item, compare);
    if (at < rows.length && compare(rows[at] as T, item) === 0) this.exact = false;
    rows.splice(at, 0, item);
  }

  private take<T>(
    rows: T[],
    item: T,
    compare: (a: T, b: T) => number,
    belief: (row: T) => Belief,
  ): void {
    const target = belief(item);
    const at = lowerBound(rows, item, compare);
    const found =
      at < rows.length && belief(rows[at] as T) === target
        ? at
        : rows.findIndex((row) => belief(row) === target);
    if (found !== at) this.exact = false;
    if (found >= 0) rows.splice(found, 1);
  }

  private checkOrder<T>(rows: readonly T[], compare: (a: T, b: T) => number): void {
    for (let i = 1; i < rows.length; i++)
      if (compare(rows[i - 1] as T, rows[i] as T) === 0) this.exact = false;
  }
}

/** The first position whose row does not sort before `item`. */
function lowerBound<T>(rows: readonly T[], item: T, compare: (a: T, b: T) => number): number {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compare(rows[mid] as T, item) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

function count(counts: Map<string, number>, status: string, by: number): void {
  const n = (counts.get(status) ?? 0) + by;
  if (n === 0) counts.delete(status);
  else counts.set(status, n);
}
