// Whether two things' facts agree: each fact seen from one of its ends is a signature (the
// direction, the predicate and the thing at the other end); two names of one thing pick up the same
// signatures, because tasks state the same facts about it under either name. Pure: the duplicate
// rules (duplicates.ts) use it to corroborate a model's nomination.
import { isLive, tripleOf, type Belief } from './beliefs.js';
import { nameKey } from './names.js';
import type { WorldIndex } from './resolve.js';

/**
 * What tasks stated about one thing, as signatures: `live` from its open hypotheses and active
 * relations, `dead` from the refuted, superseded or retired ones (a signature live under some fact
 * is not also dead).
 */
export interface FactProfile {
  live: Set<string>;
  dead: Set<string>;
}

/** The fact profile of every thing, keyed by the path of the thing (after redirects). */
export type FactProfiles = Map<string, FactProfile>;

/**
 * Whether a fact's signature says anything of its ends: live facts, and facts found wrong or
 * retired. A promoted hypothesis and a merged stub are left out: the file they redirect to carries
 * the same claim.
 */
function stated(belief: Belief): 'live' | 'dead' | undefined {
  if (isLive(belief)) return 'live';
  if (belief.data.merged_into) return undefined;
  const status = belief.data.status;
  return status === 'refuted' || status === 'superseded' || status === 'retired'
    ? 'dead'
    : undefined;
}

/**
 * The signatures of each thing's facts: `>predicate other` for a fact it is the subject of,
 * `<predicate other` for one it is the object of, where `other` is the path the other end resolves
 * to (or its normalised name when no thing has it yet).
 */
export function factProfiles(world: readonly Belief[], index: WorldIndex): FactProfiles {
  const profiles: FactProfiles = new Map();
  const add = (thing: string, signature: string, state: 'live' | 'dead') => {
    let profile = profiles.get(thing);
    if (!profile) {
      profile = { live: new Set(), dead: new Set() };
      profiles.set(thing, profile);
    }
    profile[state].add(signature);
  };
  for (const belief of world) {
    const state = stated(belief);
    if (!state) continue;
    const triple = tripleOf(belief);
    if (!triple) continue;
    const subject = index.entity(triple.subject)?.path;
    const object = index.entity(triple.object)?.path;
    const predicate = nameKey(triple.predicate);
    if (subject) add(subject, `>${predicate} ${object ?? nameKey(triple.object)}`, state);
    if (object) add(object, `<${predicate} ${subject ?? nameKey(triple.subject)}`, state);
  }
  for (const profile of profiles.values())
    for (const signature of profile.live) profile.dead.delete(signature);
  return profiles;
}

/**
 * How two things' facts agree. A signature agrees when it is live under one of the two and was
 * stated under the other, live or since found wrong: tasks said the same of both names, and the
 * truth of the claim is the lifecycle's business, not identity's (noise refutes a true fact
 * stated once or twice, and a codename's facts are stated only a few times). A claim found wrong
 * under both, or stated under one only, does not agree. `fewer` counts the sparser thing's
 * signatures that take part: its live ones and its dead ones that agree, so an old wrong claim
 * under one name neither helps nor hurts unless the other name says the same.
 */
export function factAgreement(
  profiles: FactProfiles,
  a: string,
  b: string,
): { shared: number; fewer: number } {
  const empty: FactProfile = { live: new Set(), dead: new Set() };
  const of = profiles.get(a) ?? empty;
  const other = profiles.get(b) ?? empty;
  const liveShared = [...of.live].filter((s) => other.live.has(s)).length;
  // Dead under one name, live under the other.
  const deadOfA = [...of.dead].filter((s) => other.live.has(s)).length;
  const deadOfB = [...other.dead].filter((s) => of.live.has(s)).length;
  return {
    shared: liveShared + deadOfA + deadOfB,
    fewer: Math.min(of.live.size + deadOfA, other.live.size + deadOfB),
  };
}
