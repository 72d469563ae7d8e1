// A WorldIndex one process keeps across iterations: brought from one world to the next by the
// beliefs that changed, it stays equal to a fresh `new WorldIndex(world)` without a pass over every
// belief. A fact's identity depends on how its subject and object resolve, so a change to a thing
// re-keys only the facts that name it (or name a thing whose redirects pass through it).
import type { ValueChange } from '../memory/held-values.js';
import { familyOf, redirectOf, tripleOf, type Belief } from './beliefs.js';
import { nameKey } from './names.js';
import { add, beliefKeys, WorldIndex } from './resolve.js';

export class HeldWorldIndex extends WorldIndex {
  /** Things by the path their redirect names. */
  private readonly redirectsTo = new Map<string, Set<string>>();
  /** Facts by the name key of their subject and of their object. */
  private readonly factsNaming = new Map<string, Set<string>>();
  /** The triple key each fact is listed under. */
  private readonly tripleKeys = new Map<string, string>();
  /**
   * Things whose redirect names a fact. A fresh index resolves names while it is still adding facts,
   * so such a redirect resolves differently fact by fact: this index does not follow that.
   */
  private readonly crossing = new Set<string>();

  /** Whether it answers every question as a fresh index over the same world would. */
  get exact(): boolean {
    return this.crossing.size === 0;
  }

  /** Applies the changes (one per path) that bring the indexed world to the next. */
  update(changes: readonly ValueChange<Belief>[]): void {
    const changed = changes.map((c) => (c.before ?? c.after)?.path ?? '');
    const names = new Set<string>();
    this.namesResolvingThrough(changed, names);
    for (const { before } of changes) if (before) this.remove(before);
    for (const { after } of changes) if (after) this.add(after);
    this.namesResolvingThrough(changed, names);

    const facts = new Set<string>();
    for (const { after } of changes)
      if (after && familyOf(after) === 'relation') facts.add(after.path);
    for (const name of names) for (const fact of this.factsNaming.get(name) ?? []) facts.add(fact);
    for (const fact of facts) this.rekey(fact);

    for (const path of changed) {
      this.checkCrossing(path);
      for (const source of this.redirectsTo.get(path) ?? []) this.checkCrossing(source);
    }
  }

  /**
   * Adds to `names` the keys of the things at `paths` and of every thing whose redirects lead
   * through them: the names whose resolution a change at those paths can alter.
   */
  private namesResolvingThrough(paths: readonly string[], names: Set<string>): void {
    const seen = new Set<string>();
    const queue = [...paths];
    for (let path = queue.pop(); path !== undefined; path = queue.pop()) {
      if (seen.has(path)) continue;
      seen.add(path);
      const belief = this.paths.get(path);
      if (belief && familyOf(belief) === 'entity')
        for (const key of beliefKeys(belief)) names.add(key);
      for (const source of this.redirectsTo.get(path) ?? []) queue.push(source);
    }
  }

  private remove(belief: Belief): void {
    if (this.paths.get(belief.path) !== belief) return;
    this.paths.delete(belief.path);
    const family = familyOf(belief);
    if (family === 'entity') {
      for (const key of beliefKeys(belief)) drop(this.entityKeys, key, belief.path);
      const target = redirectOf(belief);
      if (target !== undefined) drop(this.redirectsTo, target, belief.path);
      this.crossing.delete(belief.path);
      return;
    }
    drop(this.relationSlugs, belief.slug, belief.path);
    const key = this.tripleKeys.get(belief.path);
    if (key !== undefined) drop(this.triples, key, belief.path);
    this.tripleKeys.delete(belief.path);
    const triple = tripleOf(belief);
    if (triple) {
      drop(this.factsNaming, nameKey(triple.subject), belief.path);
      drop(this.factsNaming, nameKey(triple.object), belief.path);
    }
  }

  /** Lists a belief like `put`, except a fact's triple key: that waits for every thing (rekey). */
  private add(belief: Belief): void {
    const family = familyOf(belief);
    if (family === 'entity') {
      this.paths.set(belief.path, belief);
      for (const key of beliefKeys(belief)) add(this.entityKeys, key, belief.path);
      const target = redirectOf(belief);
      if (target !== undefined) add(this.redirectsTo, target, belief.path);
      return;
    }
    // A fresh index lists only things and facts.
    if (family !== 'relation') return;
    this.paths.set(belief.path, belief);
    add(this.relationSlugs, belief.slug, belief.path);
    const triple = tripleOf(belief);
    if (triple) {
      add(this.factsNaming, nameKey(triple.subject), belief.path);
      add(this.factsNaming, nameKey(triple.object), belief.path);
    }
  }

  /** Lists a fact under its triple key as the things resolve now. */
  private rekey(path: string): void {
    const before = this.tripleKeys.get(path);
    if (before !== undefined) drop(this.triples, before, path);
    this.tripleKeys.delete(path);
    const belief = this.paths.get(path);
    const triple = belief && familyOf(belief) === 'relation' ? tripleOf(belief) : undefined;
    if (!triple) return;
    const key = this.tripleKey(triple);
    add(this.triples, key, path);
    this.tripleKeys.set(path, key);
  }

  private checkCrossing(path: string): void {
    const belief = this.paths.get(path);
    const target = belief && familyOf(belief) === 'entity' ? redirectOf(belief) : undefined;
    const landing = target === undefined ? undefined : this.paths.get(target);
    if (landing && familyOf(landing) === 'relation') this.crossing.add(path);
    else this.crossing.delete(path);
  }
}

function drop(map: Map<string, Set<string>>, key: string, path: string): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(path);
  if (set.size === 0) map.delete(key);
}
