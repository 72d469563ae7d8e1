// Values one process holds across iterations, and the orders kept over them: a memory file the
// memory index serves unchanged is the same frozen value iteration after iteration, so what changed
// is told by identity, and a sorted list follows it by the changed values alone.

/** One value's change between two iterations: added (no `before`), removed (no `after`) or replaced. */
export interface ValueChange<T> {
  before?: T;
  after?: T;
}

/** How values of one type are held: what may be kept, and when two are the same. */
export interface Holding<T> {
  /** The value to keep for `value` (frozen: it cannot change behind the holder's back), or undefined. */
  hold(value: T): T | undefined;
  /** Whether two values at one path are the same (identity, or identical frozen parts). */
  same(held: T, value: T): boolean;
}

/** Values by path, brought to the next iteration's by identity. */
export class HeldValues<T extends { path: string }> {
  private readonly held = new Map<string, { value: T; sweep: number }>();
  private sweeps = 0;
  /** The held values in the order of the values last synced. */
  private order: T[] = [];

  constructor(private readonly holding: Holding<T>) {}

  get size(): number {
    return this.held.size;
  }

  get(path: string): T | undefined {
    return this.held.get(path)?.value;
  }

  /**
   * Becomes `values` and returns what changed; undefined, changing nothing, when a changed value
   * cannot be held or two values share a path.
   */
  sync(values: readonly T[]): ValueChange<T>[] | undefined {
    const inOrder = this.syncInOrder(values);
    if (inOrder === false) return undefined;
    if (inOrder) return inOrder;
    const changes = this.syncByPath(values);
    if (changes) this.order = values.map((value) => this.held.get(value.path)?.value ?? value);
    return changes;
  }

  /**
   * The same as syncByPath for values that come in the order last synced, give or take a few
   * added, removed or changed: it walks both lists side by side and looks up by path only the
   * values out of step. Undefined (nothing changed) when the values are too far out of order;
   * false when they cannot be held.
   */
  private syncInOrder(values: readonly T[]): ValueChange<T>[] | undefined | false {
    const { order, holding } = this;
    const limit = Math.max(64, values.length >>> 3);
    const fresh: T[] = [];
    const stale: T[] = [];
    /** The next order: matched values as held, fresh ones at their places until held below. */
    const next: T[] = [];
    const freshAt: number[] = [];
    const takeFresh = (value: T) => {
      fresh.push(value);
      freshAt.push(next.length);
      next.push(value);
    };
    let i = 0;
    let j = 0;
    while (i < values.length && j < order.length) {
      const value = values[i] as T;
      const was = order[j] as T;
      if (was === value || holding.same(was, value)) {
        next.push(was);
        i++;
        j++;
        continue;
      }
      if (fresh.length + stale.length > limit) return undefined;
      if (i + 1 < values.length && holding.same(was, values[i + 1] as T)) {
        takeFresh(value);
        i++;
      } else if (j + 1 < order.length && holding.same(order[j + 1] as T, value)) {
        stale.push(was);
        j++;
      } else {
        takeFresh(value);
        stale.push(was);
        i++;
        j++;
      }
    }
    for (; i < values.length; i++) takeFresh(values[i] as T);
    for (; j < order.length; j++) stale.push(order[j] as T);
    if (fresh.length + stale.length > limit) return undefined;

    // Held values out of step are marked; any other held value was matched in step.
    const sweep = ++this.sweeps;
    for (const was of stale) {
      const entry = this.held.get(was.path);
      if (entry) entry.sweep = sweep;
    }
    const claimed = new Map<string, T | undefined>();
    const changes: ValueChange<T>[] = [];
    for (const value of fresh) {
      const entry = this.held.get(value.path);
      // The path of a value matched in step, or of another value out of step: two at one path.
      if ((entry && entry.sweep !== sweep) || claimed.has(value.path)) return false;
      if (entry && holding.same(entry.value, value)) {
        claimed.set(value.path, undefined);
        continue;
      }
      const kept = holding.hold(value);
      if (kept === undefined) return false;
      claimed.set(value.path, kept);
      changes.push(entry ? { before: entry.value, after: kept } : { after: kept });
    }
    for (const was of stale)
      if (!claimed.has(was.path)) {
        changes.push({ before: was });
        this.held.delete(was.path);
      }
    for (const [path, kept] of claimed) {
      if (kept === undefined) continue;
      const entry = this.held.get(path);
      if (entry) entry.value = kept;
      else this.held.set(path, { value: kept, sweep });
    }
    for (const k of freshAt) {
      const entry = this.held.get((next[k] as T).path);
      if (entry) next[k] = entry.value;
    }
    this.order = next;
    return changes;
  }

  /** Becomes `values` by looking each up by path. */
  private syncByPath(values: readonly T[]): ValueChange<T>[] | undefined {
    const sweep = ++this.sweeps;
    const changes: ValueChange<T>[] = [];
    const added = new Map<string, T>();
    let present = 0;
    for (const value of values) {
      const entry = this.held.get(value.path);
      if (entry) {
        if (entry.sweep === sweep) return undefined;
        entry.sweep = sweep;
        present++;
        if (this.holding.same(entry.value, value)) continue;
        const kept = this.holding.hold(value);
        if (kept === undefined) return undefined;
        changes.push({ before: entry.value, after: kept });
      } else {
        const kept = added.has(value.path) ? undefined : this.holding.hold(value);
        if (kept === undefined) return undefined;
        added.set(value.path, kept);
      }
    }
    if (present < this.held.size)
      for (const [path, entry] of this.held)
        if (entry.sweep !== sweep) {
          changes.push({ before: entry.value });
          this.held.delete(path);
        }
    for (const { after } of changes) {
      const entry = after && this.held.get(after.path);
      if (entry) entry.value = after;
    }
    for (const value of added.values()) {
      this.held.set(value.path, { value, sweep });
      changes.push({ after: value });
    }
    return changes;
  }
}

/**
 * Values the memory index serves: the same frozen value while the file is unchanged (it freezes a
 * value's children first, so a frozen root means all).
 */
export function frozenValues<T extends { data: object }>(): Holding<T> {
  return {
    hold: (value) => (Object.isFrozen(value) && Object.isFrozen(value.data) ? value : undefined),
    same: (held, value) => held === value,
  };
}
