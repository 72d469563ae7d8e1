// Whether two things' facts agree: each live fact seen from one of its ends is a signature (the
// direction, the predicate and the thing at the other end); two names of one thing pick up the same
// signatures, because tasks state the same facts about it under either name. Pure: the duplicate
// rules (duplicates.ts) use it to corroborate a model's nomination.
import { isLive, tripleOf, type Belief } from './beliefs.js';
import { nameKey } from './names.js';
import type { WorldIndex } from './resolve.js';

/** The live facts of every thing, as signatures, keyed by the path of the thing (after redirects). */
export type FactProfiles = Map<string, Set<string>>;

/**
 * The signatures of each thing's live facts (open hypotheses and active relations): `>predicate
 * other` for a fact it is the subject of, `<predicate other` for one it is the object of, where
 * `other` is the path the other end resolves to (or its normalised name when no thing has it yet).
 * Refuted and superseded facts do not count: a claim found wrong says nothing about identity.
 */
export function factProfiles(world: readonly Belief[], index: WorldIndex): FactProfiles {
  const profiles: FactProfiles = new Map();
  const add = (thing: string, signature: string) => {
    const set = profiles.get(thing);
    if (set) set.add(signature);
    else profiles.set(thing, new Set([signature]));
  };
  for (const belief of world) {
    if (!isLive(belief)) continue;
    const triple = tripleOf(belief);
    if (!triple) continue;
    const subject = index.entity(triple.subject)?.path;
    const object = index.entity(triple.object)?.path;
    const predicate = nameKey(triple.predicate);
    if (subject) add(subject, `>${predicate} ${object ?? nameKey(triple.object)}`);
    if (object) add(object, `<${predicate} ${subject ?? nameKey(triple.subject)}`);
  }
  return profiles;
}

/** How two things' facts agree: the signatures they share, and how many the sparser one has. */
export function factAgreement(
  profiles: FactProfiles,
  a: string,
  b: string,
): { shared: number; fewer: number } {
  const of = profiles.get(a) ?? new Set<string>();
  const other = profiles.get(b) ?? new Set<string>();
  let shared = 0;
  for (const signature of of) if (other.has(signature)) shared++;
  return { shared, fewer: Math.min(of.size, other.size) };
}
