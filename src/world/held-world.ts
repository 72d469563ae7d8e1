// The world model one process plans over, held across its iterations (SPEC §4): an index to
// resolve names through, brought to the next iteration's world by the beliefs that changed.
// Beliefs are told apart by identity: the memory index serves an unchanged file as the same frozen
// value, so a changed or hand-edited file is a new value. A world with a value that is not frozen,
// or two beliefs at one path, is not held: callers use it directly.
import type { Belief } from './beliefs.js';
import { frozenValues, HeldValues } from '../memory/held-values.js';
import { HeldWorldIndex } from './held-index.js';

export class HeldWorld {
  readonly index = new HeldWorldIndex();
  private readonly held = new HeldValues<Belief>(frozenValues());

  /**
   * Brings the index to `world`; false, changing nothing, when it cannot be held (a changed value
   * that is not frozen, two beliefs at one path).
   */
  sync(world: readonly Belief[]): boolean {
    const changes = this.held.sync(world);
    if (!changes) return false;
    this.index.update(changes);
    return true;
  }
}

/** Worlds held by this process, by agent. */
const worlds = new Map<string, HeldWorld>();

/**
 * The held world of `agent` brought to `world`, or undefined when `world` cannot be held (a value
 * not frozen, two at one path: the held world stays as it was).
 */
export function holdWorld(agent: string, world: readonly Belief[]): HeldWorld | undefined {
  const held = worlds.get(agent) ?? new HeldWorld();
  let synced: boolean | undefined;
  try {
    synced = held.sync(world);
  } finally {
    // A sync that threw may have left it half way: the next call starts afresh.
    if (synced === undefined) worlds.delete(agent);
    else if (synced) worlds.set(agent, held);
  }
  return synced ? held : undefined;
}
