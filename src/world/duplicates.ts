// Duplicate concepts (SPEC §7): the same thing under two names, found by cheap deterministic
// checks, then collapsed into one canonical file that carries the other names as aliases. The
// other file stays as a stub that redirects to the canonical one, and the facts that named it are
// re-pointed. A model may nominate duplicates; these rules decide.
import { familyOf, isLive, tripleOf, type Belief, type DuplicateNomination } from './beliefs.js';
import { tallyEvidence } from './confidence.js';
import { mergeEvidenceRecords, withEvidence } from './evidence-fold.js';
import { emptyUpdate, relativeLink, type Transition, type WorldUpdate } from './lifecycle.js';
import { editDistance, nameKey, nameTokens, nameWords, singular } from './names.js';
import { beliefKeys, WorldIndex } from './resolve.js';
import { factAgreement, factProfiles, type FactProfiles } from './fact-agreement.js';

/**
 * The cheap checks, in order; the first that holds names the reason:
 * 1. same normalised name — any name or alias of one equals one of the other once case, spaces
 *    and punctuation are ignored ("Rate Limiter", "rate-limiter", "RateLimiter");
 * 2. same words — the same singular words in any order ("Billing services" / "billing service");
 * 3. token similarity — the same words but one, and that one a long word (at least
 *    `fuzzyWordLength` letters in the singular) one edit away: a typo ("Rate Limitter"). Shorter
 *    words never count as typos, so "API" and "APM", or "Feed reader" and "Feed header" — and
 *    their plurals "Feed readers" and "Feed headers" — stay apart;
 * 4. nominated — at least `nominationsNeeded` distinct tasks said so (`memory.duplicates`, or a
 *    task naming one thing by the other's name), at least one of the two is still a hypothesis (a
 *    model's word folds a name nobody has established into a thing, but never merges two things
 *    that each earned their own promotion), and each is the other's clear favourite: more tasks
 *    nominated this pair than any other pairing of either that no fact rules out (confused
 *    nominations scatter, true ones repeat). Never two differing short names (under `shortName`
 *    letters): models confuse acronyms. `bareNameNominations` tasks are enough when the hypothesis
 *    is a bare name: no live fact of its own, and no word in common with any name of the other (a
 *    codename such as "Tundra" says nothing of what it names, so nothing speaks against the tasks
 *    that said which thing it is, while "Billing queue" says it is a queue, not the billing cache
 *    a confused task paired it with).
 * 5. nominated and their facts agree — the pair is each one's clear favourite as in 4, and the
 *    two things' live facts agree: facts with the same predicate and the same thing at the other
 *    end make at least `agreeingShare` of the facts of the one with fewer, and the nominating
 *    tasks plus the agreeing facts number at least `corroborationNeeded`, at least one of each (a
 *    task calling one thing by the other's name counts as a nomination). Tasks state the same
 *    facts about a thing under either of its names (a codename such as "Falcon" that no name
 *    check can match), while two different things that share words ("Billing cache" / "Billing
 *    queue") or that a model confuses rarely share a fact and are rarely nominated together. This
 *    also merges two established things: the model's word, and the facts as evidence. A fact live
 *    under one name agrees with the same fact stated under the other and since refuted there:
 *    noise refutes a true fact stated once or twice, and a codename's facts are stated only a few
 *    times; a claim refuted under both names, or a refuted claim only one name had, does not.
 *    A tie on nominations is settled by the facts: when a rival pairing of either thing was
 *    nominated by as many tasks, rule 4 does not apply, and rule 5 merges the pair only when more
 *    of its facts agree than of the rival pair's. The nominations alone cannot tell which pairing
 *    the model meant, the facts can: a confused nomination pairs a thing with one it is related
 *    to, whose facts are its own, while two names of one thing carry the same facts.
 * Never merged, whatever the checks say: two things some fact (live or not) names as its two ends.
 */
export const DUPLICATE_RULES = {
  fuzzyWordLength: 7,
  shortName: 5,
  nominationsNeeded: 3,
  bareNameNominations: 2,
  agreeingShare: 2 / 3,
  corroborationNeeded: 3,
} as const;

function namesOf(belief: Belief): string[] {
  return [belief.data.name, ...belief.data.aliases];
}

function sortedTokens(name: string): string {
  return [...nameTokens(name)].sort().join(' ');
}

/** A name's words in the singular: the typo check compares these, so a plural is never a typo. */
function singularWords(name: string): string[] {
  return nameWords(name).map(singular);
}

function oneTypoApart(a: string[], b: string[]): boolean {
  if (a.length !== b.length || a.length === 0) return false;
  let differences = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x === y) continue;
    differences++;
    if (differences > 1) return false;
    if (Math.min(x.length, y.length) < DUPLICATE_RULES.fuzzyWordLength) return false;
    if (editDistance(x, y, 1) > 1) return false;
  }
  return differences === 1;
}

/**
 * Distinct tasks that nominated each pair, keyed by pairKey(path, path) of where each side lives now
 * (a nomination made while a thing was a hypothesis counts for the entity it was promoted to).
 */
export function nominationCounts(
  world: readonly Belief[],
  index: WorldIndex = new WorldIndex(world),
): Map<string, Set<string>> {
  const counts = new Map<string, Set<string>>();
  for (const belief of world) {
    for (const n of belief.data.duplicate_nominations ?? []) {
      const other = index.get(n.of);
      if (!other) continue;
      const from = index.follow(belief).path;
      const to = index.follow(other).path;
      if (from === to) continue;
      const key = pairKey(from, to);
      counts.set(key, (counts.get(key) ?? new Set()).add(n.task));
    }
  }
  return counts;
}

/**
 * Whether a thing is a bare name next to another: a hypothesis with no live fact of its own whose
 * names share no word with the other's (a codename). Its name tells nothing of what it is, and no
 * fact tells it apart, so only the tasks that named it can say which thing it is.
 */
function isBareName(thing: Belief, other: Belief, profiles: FactProfiles): boolean {
  if (thing.data.kind !== 'hypothesis' || (profiles.get(thing.path)?.live.size ?? 0) > 0)
    return false;
  const otherWords = new Set(namesOf(other).flatMap((name) => nameTokens(name)));
  return namesOf(thing).every((name) => nameTokens(name).every((word) => !otherWords.has(word)));
}

/**
 * Whether the model's nominations settle that a and b are one: not two differing short names, b is
 * a's clear favourite and a is b's (more nominations than any rival pairing of either), since
 * confused nominations scatter; then either enough distinct tasks (fewer for a bare name) with
 * one of them still a hypothesis (rule 4), or any nomination whose two things' facts agree (rule
 * 5). A rival pairing nominated as often leaves only rule 5, with more agreeing facts than the
 * rival pair has.
 */
function nominatedReason(
  a: Belief,
  b: Belief,
  counts: Map<string, Set<string>>,
  related: Set<string>,
  profiles: FactProfiles | undefined,
): string | undefined {
  const tasks = counts.get(pairKey(a.path, b.path));
  if (!tasks || tasks.size === 0) return undefined;
  const keyA = nameKey(a.data.name);
  const keyB = nameKey(b.data.name);
  if (keyA.length < DUPLICATE_RULES.shortName && keyB.length < DUPLICATE_RULES.shortName)
    return undefined;
  // The most facts any rival pairing as often nominated agrees on (-1: no such rival).
  let tiedRivalAgreement = -1;
  for (const [key, others] of counts) {
    // A rival pairing some fact already rules out is no alternative.
    if (key === pairKey(a.path, b.path) || related.has(key)) continue;
    const [x, y] = key.split('\u0000');
    const involves = x === a.path || y === a.path || x === b.path || y === b.path;
    if (!involves || others.size < tasks.size) continue;
    // A rival nominated more often wins; one nominated as often leaves it to the facts (rule 5).
    if (others.size > tasks.size || !profiles) return undefined;
    tiedRivalAgreement = Math.max(tiedRivalAgreement, factAgreement(profiles, x!, y!).shared);
  }
  const byTasks = `${tasks.size === 1 ? '1 task' : `${tasks.size} tasks`} (${[...tasks].sort().join(', ')})`;
  const oneOpen = a.data.kind === 'hypothesis' || b.data.kind === 'hypothesis';
  if (tasks.size >= DUPLICATE_RULES.nominationsNeeded && oneOpen && tiedRivalAgreement < 0)
    return `nominated as duplicates by ${byTasks}`;
  if (!profiles) return undefined;
  const bare = [a, b].find((x) => isBareName(x, x === a ? b : a, profiles));
  if (bare && tasks.size >= DUPLICATE_RULES.bareNameNominations && tiedRivalAgreement < 0)
    return `nominated as duplicates by ${byTasks}, and "${bare.data.name}" is a bare name: no fact of its own, no word of the other's names`;
  const { shared, fewer } = factAgreement(profiles, a.path, b.path);
  if (
    shared > 0 &&
    // (less a rounding margin: 3 × 2/3 must count as 2)
    shared >= fewer * DUPLICATE_RULES.agreeingShare - 1e-9 &&
    tasks.size + shared >= DUPLICATE_RULES.corroborationNeeded &&
    shared > tiedRivalAgreement
  ) {
    const tie =
      tiedRivalAgreement < 0
        ? ''
        : `; a rival pairing as often nominated has ${tiedRivalAgreement} agreeing`;
    return `nominated as duplicates by ${byTasks}, and ${shared} of ${fewer} facts agree${tie}`;
  }
  return undefined;
}

/** Why two things are one, or undefined when the cheap checks do not say so. */
export function duplicateReason(
  a: Belief,
  b: Belief,
  nominations?: {
    counts: Map<string, Set<string>>;
    related: Set<string>;
    /** The things' live facts (fact-agreement.ts); without them rule 5 does not apply. */
    profiles?: FactProfiles;
  },
): string | undefined {
  if (familyOf(a) !== 'entity' || familyOf(b) !== 'entity' || a.path === b.path) return undefined;
  const keysA = new Set(beliefKeys(a));
  for (const key of beliefKeys(b)) {
    if (keysA.has(key)) {
      const nameA = namesOf(a).find((n) => nameKey(n) === key) ?? a.slug;
      const nameB = namesOf(b).find((n) => nameKey(n) === key) ?? b.slug;
      return `same normalised name ("${nameA}" / "${nameB}")`;
    }
  }
  for (const nameA of namesOf(a)) {
    for (const nameB of namesOf(b)) {
      const tokensA = sortedTokens(nameA);
      if (tokensA !== '' && tokensA === sortedTokens(nameB))
        return `same words up to plural and order ("${nameA}" / "${nameB}")`;
      // In the singular: "Audit headers" / "Audit readers" are two things, not a typo.
      if (oneTypoApart(singularWords(nameA), singularWords(nameB)))
        return `one letter apart in a long word ("${nameA}" / "${nameB}")`;
    }
  }
  return nominations
    ? nominatedReason(a, b, nominations.counts, nominations.related, nominations.profiles)
    : undefined;
}

/**
 * Pairs of things some fact (live or not) names as its two ends: whoever stated it, even wrongly,
 * saw two different things there.
 */
function relatedPairs(world: readonly Belief[], index: WorldIndex): Set<string> {
  const pairs = new Set<string>();
  for (const belief of world) {
    const triple = tripleOf(belief);
    if (!triple) continue;
    const s = index.entity(triple.subject)?.path;
    const o = index.entity(triple.object)?.path;
    if (s && o) pairs.add(pairKey(s, o));
  }
  return pairs;
}

/**
 * The pairs [i, j] (i < j, in that order) of `things` that a cheap check could join: sharing a
 * normalised key, the same words, the same words but one long word one edit apart, or nominated
 * at all. Found through buckets instead of comparing every pair, so a learning run stays
 * linear in the number of things; duplicateReason still decides each pair. Two words one edit apart
 * share a word with one letter deleted (or one is the other with one deleted), so the typo check's
 * pairs meet in a bucket keyed by the other words and one such deletion.
 */
function candidatePairs(
  things: readonly Belief[],
  counts: Map<string, Set<string>>,
): [number, number][] {
  const buckets = new Map<string, number[]>();
  const put = (key: string, i: number) => {
    const bucket = buckets.get(key);
    if (!bucket) buckets.set(key, [i]);
    else if (bucket[bucket.length - 1] !== i) bucket.push(i);
  };
  things.forEach((thing, i) => {
    for (const key of beliefKeys(thing)) put(`key\u0000${key}`, i);
    for (const name of namesOf(thing)) {
      const tokens = sortedTokens(name);
      if (tokens !== '') put(`words\u0000${tokens}`, i);
      const words = singularWords(name);
      words.forEach((word, at) => {
        if (word.length < DUPLICATE_RULES.fuzzyWordLength) return;
        const others = [...words.slice(0, at), '', ...words.slice(at + 1)].join(' ');
        for (const variant of oneLetterDeleted(word)) put(`typo\u0000${others}\u0000${variant}`, i);
      });
    }
  });
  const seen = new Set<number>();
  const pairs: [number, number][] = [];
  const add = (i: number, j: number) => {
    const [low, high] = i < j ? [i, j] : [j, i];
    const id = low * things.length + high;
    if (low === high || seen.has(id)) return;
    seen.add(id);
    pairs.push([low, high]);
  };
  for (const bucket of buckets.values())
    for (let x = 0; x < bucket.length; x++)
      for (let y = x + 1; y < bucket.length; y++) add(bucket[x]!, bucket[y]!);
  const position = new Map(things.map((thing, i) => [thing.path, i]));
  // Any nominated pair: rule 5 can settle it from one nomination when the facts agree.
  for (const key of counts.keys()) {
    const [x, y] = key.split('\u0000');
    const i = position.get(x ?? '');
    const j = position.get(y ?? '');
    if (i !== undefined && j !== undefined) add(i, j);
  }
  return pairs.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
}

/** The word itself and every spelling of it with one letter deleted. */
function oneLetterDeleted(word: string): Set<string> {
  const variants = new Set([word]);
  for (let i = 0; i < word.length; i++) variants.add(word.slice(0, i) + word.slice(i + 1));
  return variants;
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

/** The record that survives a collapse: entity over hypothesis, more support, older, then path. */
function canonicalOrder(a: Belief, b: Belief): number {
  const settled = Number(b.data.kind !== 'hypothesis') - Number(a.data.kind !== 'hypothesis');
  if (settled !== 0) return settled;
  const support = tallyEvidence(b.data).supporting - tallyEvidence(a.data).supporting;
  if (support !== 0) return support;
  const age = Date.parse(a.data.created) - Date.parse(b.data.created);
  if (age) return age;
  return a.path.localeCompare(b.path);
}

class Clusters {
  private readonly parent = new Map<string, string>();
  readonly reasons = new Map<string, string>();

  find(x: string): string {
    let root = x;
    while (this.parent.has(root) && this.parent.get(root) !== root) root = this.parent.get(root)!;
    return root;
  }

  join(a: string, b: string, reason: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    this.parent.set(rb, ra);
    this.reasons.set(a < b ? `${a}|${b}` : `${b}|${a}`, reason);
  }

  groups(paths: string[]): string[][] {
    const byRoot = new Map<string, string[]>();
    for (const path of paths) {
      const root = this.find(path);
      byRoot.set(root, [...(byRoot.get(root) ?? []), path]);
    }
    return [...byRoot.values()].filter((group) => group.length > 1);
  }

  reasonFor(a: string, b: string): string | undefined {
    return this.reasons.get(a < b ? `${a}|${b}` : `${b}|${a}`);
  }
}

/**
 * Collapses duplicate things, re-points the facts that named the duplicates, then collapses facts
 * that became the same fact. Only live beliefs take part.
 */
export function collapseDuplicates(
  world: readonly Belief[],
  options: { agent: string; now: string },
): WorldUpdate & { repointed: string[] } {
  const update = { ...emptyUpdate(), repointed: [] as string[] };
  const current = new Map(world.map((belief) => [belief.path, belief]));
  const set = (belief: Belief) => {
    current.set(belief.path, belief);
    update.beliefs.set(belief.path, belief);
  };

  // 1. Things.
  let index = new WorldIndex(current.values());
  const related = relatedPairs([...current.values()], index);
  const things = [...current.values()].filter((b) => familyOf(b) === 'entity' && isLive(b));
  const clusters = new Clusters();
  const counts = nominationCounts([...current.values()], index);
  const profiles = factProfiles([...current.values()], index);
  // In the order of comparing every pair, so clusters and their reasons come out the same.
  for (const [i, j] of candidatePairs(things, counts)) {
    const a = things[i]!;
    const b = things[j]!;
    if (related.has(pairKey(a.path, b.path))) continue;
    // Already one cluster: joining again would change nothing.
    if (clusters.find(a.path) === clusters.find(b.path)) continue;
    const reason = duplicateReason(a, b, { counts, related, profiles });
    if (reason) clusters.join(a.path, b.path, reason);
  }
  mergeGroups(
    clusters.groups(things.map((b) => b.path)),
    current,
    clusters,
    options,
    set,
    update.transitions,
  );

  // 2. Facts that named a collapsed thing now name the canonical one.
  index = new WorldIndex(current.values());
  for (const belief of [...current.values()]) {
    const triple = tripleOf(belief);
    if (!triple || !isLive(belief)) continue;
    const subject = index.entity(triple.subject)?.slug ?? triple.subject;
    const object = index.entity(triple.object)?.slug ?? triple.object;
    if (subject === triple.subject && object === triple.object) continue;
    set({ ...belief, data: { ...belief.data, subject, object } as Belief['data'] });
    update.repointed.push(belief.path);
  }

  // 3. Facts that are now the same fact.
  index = new WorldIndex(current.values());
  const facts = [...current.values()].filter((b) => familyOf(b) === 'relation' && isLive(b));
  const byTriple = new Map<string, string[]>();
  for (const fact of facts) {
    const triple = tripleOf(fact);
    if (!triple) continue;
    const key = index.tripleKey(triple);
    byTriple.set(key, [...(byTriple.get(key) ?? []), fact.path]);
  }
  const factClusters = new Clusters();
  for (const group of byTriple.values()) {
    for (const other of group.slice(1))
      factClusters.join(group[0]!, other, 'same subject, predicate and object');
  }
  mergeGroups(
    [...byTriple.values()].filter((g) => g.length > 1),
    current,
    factClusters,
    options,
    set,
    update.transitions,
  );
  return update;
}

function mergeGroups(
  groups: string[][],
  current: Map<string, Belief>,
  clusters: Clusters,
  options: { agent: string; now: string },
  set: (belief: Belief) => void,
  transitions: Transition[],
): void {
  for (const group of groups) {
    const members = group.map((path) => current.get(path)!).sort(canonicalOrder);
    let canonical = members[0]!;
    for (const duplicate of members.slice(1)) {
      const reason =
        clusters.reasonFor(canonical.path, duplicate.path) ??
        group.map((p) => clusters.reasonFor(p, duplicate.path)).find((r) => r !== undefined) ??
        'duplicate';
      const merged = mergeInto(canonical, duplicate, options.now, reason);
      canonical = merged.canonical;
      set(merged.stub);
      const { supporting, contradicting } = tallyEvidence(canonical.data);
      transitions.push({
        kind: 'merge',
        path: duplicate.path,
        name: duplicate.data.name,
        target: canonical.path,
        reason,
        supporting,
        contradicting,
        confidence: canonical.data.confidence,
      });
    }
    set(canonical);
  }
}

/** The canonical belief with the duplicate's names, tags and evidence, and the stub left behind. */
export function mergeInto(
  canonical: Belief,
  duplicate: Belief,
  now: string,
  reason: string,
): { canonical: Belief; stub: Belief } {
  // Every spelling is kept ("rate-limiter", "RateLimiter"), so people see what was merged.
  const known = new Set(namesOf(canonical).map((name) => name.trim()));
  const aliases = [...canonical.data.aliases];
  for (const name of namesOf(duplicate)) {
    if (nameKey(name) === '' || known.has(name.trim())) continue;
    known.add(name.trim());
    aliases.push(name);
  }
  const merged = mergeEvidenceRecords(canonical.data, duplicate.data);
  const nominations: DuplicateNomination[] = [
    ...(canonical.data.duplicate_nominations ?? []),
    ...(duplicate.data.duplicate_nominations ?? []),
  ].filter((n) => n.of !== canonical.path && n.of !== duplicate.path);
  const data = withEvidence(
    {
      ...canonical.data,
      aliases,
      tags: [...new Set([...canonical.data.tags, ...duplicate.data.tags])],
      ...(canonical.data.duplicate_nominations !== undefined || nominations.length > 0
        ? { duplicate_nominations: nominations }
        : {}),
    } as Belief['data'],
    merged.evidence,
    now,
    merged.evidence_folded,
  );

  const closed =
    duplicate.data.kind === 'hypothesis'
      ? { status: 'promoted' as const }
      : { status: 'superseded' as const, invalid_at: now };
  const stub: Belief = {
    ...duplicate,
    data: {
      ...duplicate.data,
      ...closed,
      superseded_by: canonical.path,
      merged_into: canonical.path,
    } as Belief['data'],
    body: `Merged into ${relativeLink(duplicate.path, canonical.path)} on ${now.slice(0, 10)} (${reason}): the same ${familyOf(duplicate) === 'entity' ? 'thing' : 'fact'} under another name. Links to this file still resolve there.\n\n${duplicate.body}`.trim(),
  };
  return { canonical: { ...canonical, data }, stub };
}
