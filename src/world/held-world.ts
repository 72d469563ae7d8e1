// The world model one process plans over, held across its iterations (SPEC §4): an index to
// resolve names through and the listing of world/index.md, each brought to the next iteration's
// world by the beliefs that changed. Beliefs are told apart by identity: the memory index serves an
// unchanged file as the same frozen value, so a changed or hand-edited file is a new value. A world
// with a value that is not frozen, or two beliefs at one path, is not held: callers use it directly.
import type { Belief } from './beliefs.js';
import { frozenValues, HeldValues } from '../memory/held-values.js';
import { HeldWorldIndex } from './held-index.js';
import { HeldWorldListing } from './held-listing.js';

export class HeldWorld {
  readonly index = new HeldWorldIndex();
  readonly listing = new HeldWorldListing();
  private readonly held = new HeldValues<Belief>(frozenValues());

  /**
   * Brings the index and the listing to `world`; false, changing nothing, when it cannot be held
   * (a changed value that is not frozen, two beliefs at one path).
   */
  sync(world: readonly Belief[]): boolean {
    const changes = this.held.sync(world);
    if (!changes) return false;
    this.index.update(changes);
    this.listing.update(changes);
    return true;
  }

  /**
   * Runs `use` on the listing with `beliefs` put in (each replacing the belief at its path), then
   * takes them out again: the held world stays the one synced.
   */
  listingWith<T>(beliefs: readonly Belief[], use: (listing: HeldWorldListing) => T): T {
    const changes = beliefs.map((after) => ({ before: this.held.get(after.path), after }));
    const put = changes.map(({ before, after }) => (before ? { before, after } : { after }));
    this.listing.update(put);
    try {
      return use(this.listing);
    } finally {
      this.listing.update(
        changes.map(({ before, after }) =>
          before ? { before: after, after: before } : { before: after },
        ),
      );
    }
  }
}

/** Worlds held by this process, by agent. */
const worlds = new Map<string, HeldWorld>();

/**
 * The held world of `agent` brought to `world`, or undefined when `world` cannot be held (a value
 * not frozen, two at one path: the held world stays as it was) or its listing cannot reproduce a
 * fresh sort (then it is dropped, and the next call starts afresh).
 */
export function holdWorld(agent: string, world: readonly Belief[]): HeldWorld | undefined {
  const held = worlds.get(agent) ?? new HeldWorld();
  let synced: boolean | undefined;
  try {
    synced = held.sync(world);
  } finally {
    if (synced === undefined || (synced && !held.listing.exact)) worlds.delete(agent);
    else if (synced) worlds.set(agent, held);
  }
  return synced && held.listing.exact ? held : undefined;
}
