// What world/index.md lists, kept across iterations of one process: each kind's beliefs in slug
// order grouped by letter, their status counts and the most recently changed beliefs, brought from
// one world to the next by the beliefs that changed. It lists exactly what listWorld would.
import { WORLD_KINDS, type WorldKind } from '../memory/layout.js';
import { letterOf } from '../memory/index-pages.js';
import { LetterGroups, SortedRows, type ValueChange } from '../memory/held-values.js';
import {
  formatStatusCounts,
  INDEX_RECENT_ROWS,
  lastChange,
  listedStatus,
  type Belief,
  type KindListing,
  type WorldListing,
} from './beliefs.js';

/** More changes than one in this many beliefs: sorting afresh beats inserting one by one. */
const REBUILD_RATIO = 16;

interface Row {
  belief: Belief;
  changed: string;
}

class HeldKind {
  readonly members = new LetterGroups<Belief>();
  readonly statuses = new Map<string, number>();
}

export class HeldWorldListing implements WorldListing {
  private readonly beliefs = new Map<string, Belief>();
  private kinds = new Map<WorldKind, HeldKind>(WORLD_KINDS.map((kind) => [kind, new HeldKind()]));
  private rows = new SortedRows<Row>(
    (a, b) => b.changed.localeCompare(a.changed) || a.belief.path.localeCompare(b.belief.path),
    (row) => row.belief,
  );

  /**
   * False once two beliefs compare equal: a fresh sort keeps such a pair in the world's order,
   * which this listing does not know. It then lists nothing reliable.
   */
  get exact(): boolean {
    return this.rows.exact && [...this.kinds.values()].every((held) => held.members.exact);
  }

  /** Applies the changes (one per path) that bring the listed world to the next. */
  update(changes: readonly ValueChange<Belief>[]): void {
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

  kind(kind: WorldKind): KindListing {
    const held = this.kinds.get(kind) ?? new HeldKind();
    const holds = (letter: string, path: string) => {
      const belief = this.beliefs.get(path);
      return belief?.data.kind === kind && letterOf(belief.slug) === letter;
    };
    return {
      count: held.members.members.rows.length,
      members: () => held.members.members.rows,
      statusCounts: () => formatStatusCounts(held.statuses),
      pages: () => held.members.pages(holds),
    };
  }

  recent(): readonly Belief[] {
    return this.rows.rows.slice(0, INDEX_RECENT_ROWS).map((row) => row.belief);
  }

  private rebuild(): void {
    const all = [...this.beliefs.values()];
    this.kinds = new Map();
    for (const kind of WORLD_KINDS) {
      const held = new HeldKind();
      held.members.reset(all.filter((b) => b.data.kind === kind));
      for (const belief of held.members.members.rows) count(held.statuses, listedStatus(belief), 1);
      this.kinds.set(kind, held);
    }
    this.rows.reset(all.map((belief) => ({ belief, changed: lastChange(belief) })));
  }

  private insert(belief: Belief): void {
    this.rows.insert({ belief, changed: lastChange(belief) });
    const held = this.kinds.get(belief.data.kind);
    if (!held) return;
    held.members.insert(belief);
    count(held.statuses, listedStatus(belief), 1);
  }

  private remove(belief: Belief): void {
    this.rows.remove({ belief, changed: lastChange(belief) });
    const held = this.kinds.get(belief.data.kind);
    if (!held) return;
    held.members.remove(belief);
    count(held.statuses, listedStatus(belief), -1);
  }
}

function count(counts: Map<string, number>, status: string, by: number): void {
  const n = (counts.get(status) ?? 0) + by;
  if (n === 0) counts.delete(status);
  else counts.set(status, n);
}
