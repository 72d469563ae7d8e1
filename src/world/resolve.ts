// Finding the belief a name, slug, path or triple refers to: by normalised name and aliases for
// things, by subject–predicate–object for facts, following the redirects that promotions and
// duplicate collapses leave behind, so an old name or link still lands on the live belief.
import { slugify } from '../memory/layout.js';
import { familyOf, isLive, redirectOf, tripleOf, type Belief } from './beliefs.js';
import { tallyEvidence } from './confidence.js';
import { nameKey } from './names.js';

/** Redirect chains longer than this are a loop in hand-edited files; resolution stops there. */
const MAX_REDIRECTS = 10;

/** Keys by belief data: data served by the memory index is the same object run after run. */
const keysOfData = new WeakMap<object, { slug: string; keys: string[] }>();

/** Every name a belief answers to, as normalised keys: its slug, its name and its aliases. */
export function beliefKeys(belief: Belief): string[] {
  const known = keysOfData.get(belief.data);
  if (known?.slug === belief.slug) return known.keys;
  const keys = new Set([nameKey(belief.slug), nameKey(belief.data.name)]);
  for (const alias of belief.data.aliases) keys.add(nameKey(alias));
  keys.delete('');
  const result = [...keys];
  // Only frozen data cannot change behind the memo's back.
  if (Object.isFrozen(belief.data))
    keysOfData.set(belief.data, { slug: belief.slug, keys: result });
  return result;
}

/** Orders candidates for one name: live first, then entities/relations over hypotheses, then support. */
function preference(a: Belief, b: Belief): number {
  const live = Number(isLive(b)) - Number(isLive(a));
  if (live !== 0) return live;
  const settled = Number(b.data.kind !== 'hypothesis') - Number(a.data.kind !== 'hypothesis');
  if (settled !== 0) return settled;
  const support = tallyEvidence(b.data).supporting - tallyEvidence(a.data).supporting;
  return support !== 0 ? support : a.path.localeCompare(b.path);
}

export class WorldIndex {
  protected readonly paths = new Map<string, Belief>();
  protected readonly entityKeys = new Map<string, Set<string>>();
  protected readonly relationSlugs = new Map<string, Set<string>>();
  protected readonly triples = new Map<string, Set<string>>();

  constructor(world: Iterable<Belief> = []) {
    const all = [...world];
    // Things first: a fact's subject and object are resolved through them.
    for (const belief of all) if (familyOf(belief) === 'entity') this.put(belief);
    for (const belief of all) if (familyOf(belief) === 'relation') this.put(belief);
  }

  /**
   * An index over `world` that reads through this one, which must already index exactly `world`
   * and stay unchanged while the fork is in use: puts go to the fork only. It answers every
   * question as `new WorldIndex(world)` would, without the pass over every belief.
   */
  fork(world: readonly Belief[]): WorldIndex {
    return new ForkedIndex(this, world);
  }

  /** Adds or replaces a belief (same path). Names only ever get added, so keys are add-only. */
  put(belief: Belief): void {
    this.paths.set(belief.path, belief);
    if (familyOf(belief) === 'entity') {
      for (const key of beliefKeys(belief)) add(this.entityKeys, key, belief.path);
      return;
    }
    add(this.relationSlugs, belief.slug, belief.path);
    const triple = tripleOf(belief);
    if (triple) add(this.triples, this.tripleKey(triple), belief.path);
  }

  get(path: string): Belief | undefined {
    return this.paths.get(path);
  }

  all(): Belief[] {
    return [...this.paths.values()];
  }

  /** The end of a belief's redirect chain: where its claim lives now. */
  follow(belief: Belief): Belief {
    let current = belief;
    for (let hops = 0; hops < MAX_REDIRECTS; hops++) {
      const target = redirectOf(current);
      const next = target === undefined ? undefined : this.get(target);
      if (!next || next === current) return current;
      current = next;
    }
    return current;
  }

  /** The thing a name, alias or slug refers to (after redirects), preferring the live record. */
  entity(nameOrSlug: string): Belief | undefined {
    return this.best(this.listed('entityKeys', nameKey(nameOrSlug)));
  }

  /** The slug the world model uses for a thing: the resolved belief's, else the name slugified. */
  entitySlug(nameOrSlug: string): string {
    return this.entity(nameOrSlug)?.slug ?? slugify(nameOrSlug);
  }

  /** The fact with this subject, predicate and object (names or slugs), after redirects. */
  relation(subject: string, predicate: string, object: string): Belief | undefined {
    return this.best(this.listed('triples', this.tripleKey({ subject, predicate, object })));
  }

  /** A relation or relation hypothesis by its file slug. */
  relationBySlug(slug: string): Belief | undefined {
    return this.best(this.listed('relationSlugs', slug));
  }

  /** Identity of a fact: its subject and object resolved to the things they name. */
  tripleKey(triple: { subject: string; predicate: string; object: string }): string {
    return [
      nameKey(this.entitySlug(triple.subject)),
      nameKey(triple.predicate),
      nameKey(this.entitySlug(triple.object)),
    ].join('|');
  }

  /** The paths one of the lookup tables lists under `key` (a fork reads its base through this). */
  listed(table: LookupTable, key: string): Iterable<string> | undefined {
    return this[table].get(key);
  }

  private best(paths: Iterable<string> | undefined): Belief | undefined {
    if (!paths) return undefined;
    const found = new Map<string, Belief>();
    for (const path of paths) {
      const belief = this.get(path);
      if (belief) {
        const end = this.follow(belief);
        found.set(end.path, end);
      }
    }
    return [...found.values()].sort(preference)[0];
  }
}

export type LookupTable = 'entityKeys' | 'relationSlugs' | 'triples';

/** A WorldIndex over a base index of the same world: what is put goes here, the rest is read there. */
class ForkedIndex extends WorldIndex {
  constructor(
    private readonly base: WorldIndex,
    private readonly world: readonly Belief[],
  ) {
    super();
  }

  override get(path: string): Belief | undefined {
    return this.paths.get(path) ?? this.base.get(path);
  }

  /** In the order a fresh index holds them: things, then facts, then what was put since. */
  override all(): Belief[] {
    const seen = new Set<string>();
    const all: Belief[] = [];
    const visit = (path: string) => {
      if (seen.has(path)) return;
      seen.add(path);
      const belief = this.get(path);
      if (belief) all.push(belief);
    };
    for (const family of ['entity', 'relation'])
      for (const belief of this.world) if (familyOf(belief) === family) visit(belief.path);
    for (const path of this.paths.keys()) visit(path);
    return all;
  }

  override listed(table: LookupTable, key: string): Iterable<string> | undefined {
    const own = this[table].get(key);
    const base = this.base.listed(table, key);
    if (!own) return base;
    if (!base) return own;
    return [...base, ...own];
  }
}

export function add(map: Map<string, Set<string>>, key: string, path: string): void {
  const set = map.get(key);
  if (set) set.add(path);
  else map.set(key, new Set([path]));
}
