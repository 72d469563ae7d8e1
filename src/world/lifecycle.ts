// The belief lifecycle (SPEC §7): when evidence promotes a hypothesis to an entity or relation,
// refutes it, supersedes a contradicted entity or relation, or brings a belief back because later
// evidence outweighs the earlier contradiction. Pure functions over beliefs; nothing is deleted —
// a belief that stops being current keeps its file, its evidence and a pointer to what replaced it.
import { agentPaths, type WorldKind } from '../memory/layout.js';
import {
  familyOf,
  isLive,
  tripleOf,
  type Belief,
  type EntityData,
  type HypothesisData,
  type RelationData,
} from './beliefs.js';
import { beliefConfidence, confidenceFromEvidence, tallyEvidence } from './confidence.js';
import { isTrusted } from './provenance.js';
import { WorldIndex } from './resolve.js';

/**
 * Promotion: an open hypothesis becomes an entity or relation once at least 3 distinct tasks
 * support it, its evidence-only confidence is at least 0.6 (with the Beta(1, 2) prior: 3 supports
 * and no contradiction, 4 supports against 1, 5 against 2, 7 against 3) and its newest word is not
 * a contradiction. It waits for a learning run, so promotions land as their own reviewable commit.
 *
 * An uncontested fact needs only `uncontestedFactSupportingTasks` (2): a proposed relation that
 * two distinct tasks stated, that no task contradicted, and that no live fact contests — no other
 * fact (open or active) gives its subject and predicate another object. Two independent tasks with
 * no contradiction are exactly the 0.6 the rule asks under the prior; the third support guards
 * against a claim somebody doubted or a rival claim disputes (the plausible mistake is a true fact
 * with the wrong object), and where nothing does, waiting for a third task only keeps a fact two
 * tasks stated out of the world model on a topic tasks rarely visit. Promoting it is no harder to
 * undo: a promoted fact is superseded at its 2nd contradiction (below 0.45), where a hypothesis
 * with two supports is refuted only at its 4th (below 0.35). Things keep the floor of 3: the
 * duplicate rules (duplicates.ts) settle a name more freely while it is still a hypothesis.
 */
export const PROMOTION = {
  minSupportingTasks: 3,
  minConfidence: 0.6,
  uncontestedFactSupportingTasks: 2,
} as const;

/**
 * Refutation: an open hypothesis with at least one contradicting task whose evidence-only
 * confidence falls below 0.35 is refuted (a new claim with one support: at the 2nd contradiction).
 * It takes effect in the iteration that recorded the contradiction.
 */
export const REFUTATION = { below: 0.35 } as const;

/**
 * Supersession: an active entity or relation with at least one contradicting task whose
 * evidence-only confidence falls below 0.45 is superseded (one promoted on 3 supports: at the 3rd
 * contradiction), in the iteration that recorded the contradiction.
 */
export const SUPERSESSION = { below: 0.45 } as const;

/**
 * Second thoughts, in the learning run: a refuted hypothesis reopens when later support lifts its
 * evidence-only confidence to 0.5 with no open contradiction; a contradicted entity or relation is
 * reinstated when its evidence meets the promotion rule again. The gaps between these thresholds
 * and the ones above keep a belief from flapping without new evidence.
 */
export const REOPENING = { atLeast: 0.5 } as const;

export type TransitionKind = 'promote' | 'refute' | 'supersede' | 'reopen' | 'reinstate' | 'merge';

/** One change of a belief's status, with the numbers that decided it. */
export interface Transition {
  kind: TransitionKind;
  /** The belief whose status changed. */
  path: string;
  name: string;
  /** The belief it now points to: the promoted file, a successor, the canonical duplicate. */
  target?: string;
  /** Why, in words a reviewer reads in the commit message. */
  reason: string;
  supporting: number;
  contradicting: number;
  confidence: number;
}

/** What a rule changed: beliefs by path (new and updated), the new paths, and the transitions. */
export interface WorldUpdate {
  beliefs: Map<string, Belief>;
  created: string[];
  transitions: Transition[];
}

export function emptyUpdate(): WorldUpdate {
  return { beliefs: new Map(), created: [], transitions: [] };
}

function numbers(belief: Belief) {
  const tally = tallyEvidence(belief.data);
  return {
    tally,
    confidence: confidenceFromEvidence(belief.data),
  };
}

function describe(supporting: number, contradicting: number, confidence: number): string {
  return `${supporting} supporting and ${contradicting} contradicting task(s), confidence ${confidence.toFixed(2)}`;
}

/**
 * The live facts of a world by subject and predicate: what tells whether a fact is contested (some
 * live fact gives its subject and predicate another object).
 */
export class FactRivals {
  private readonly objects = new Map<string, Set<string>>();

  constructor(
    world: readonly Belief[],
    private readonly index: WorldIndex = new WorldIndex(world),
  ) {
    for (const belief of world) {
      if (!isLive(belief)) continue;
      const key = this.keyOf(belief);
      if (!key) continue;
      const objects = this.objects.get(key.subjectPredicate);
      if (objects) objects.add(key.object);
      else this.objects.set(key.subjectPredicate, new Set([key.object]));
    }
  }

  /** Whether a live fact other than this one gives its subject and predicate another object. */
  contested(belief: Belief): boolean {
    const key = this.keyOf(belief);
    if (!key) return false;
    const objects = this.objects.get(key.subjectPredicate);
    return objects !== undefined && [...objects].some((object) => object !== key.object);
  }

  private keyOf(belief: Belief): { subjectPredicate: string; object: string } | undefined {
    const triple = tripleOf(belief);
    if (!triple) return undefined;
    const [subject, predicate, object] = this.index.tripleKey(triple).split('|');
    return { subjectPredicate: `${subject}|${predicate}`, object: object ?? '' };
  }
}

/**
 * Whether a belief's numbers meet the promotion rule, whoever supports it. With `rivals` (the live
 * facts of its world), an uncontested fact meets it on fewer supports (PROMOTION).
 */
export function meetsPromotionNumbers(belief: Belief, rivals?: FactRivals): boolean {
  const { tally, confidence } = numbers(belief);
  if (confidence < PROMOTION.minConfidence || tally.openContradiction) return false;
  if (tally.supporting >= PROMOTION.minSupportingTasks) return true;
  return (
    rivals !== undefined &&
    familyOf(belief) === 'relation' &&
    tally.supporting >= PROMOTION.uncontestedFactSupportingTasks &&
    tally.contradicting === 0 &&
    !rivals.contested(belief)
  );
}

/**
 * Whether an open hypothesis (or a contradicted entity or relation) meets the promotion rule: its
 * numbers, and support from a trusted source (world/provenance.ts).
 */
export function isPromotable(belief: Belief, rivals?: FactRivals): boolean {
  return meetsPromotionNumbers(belief, rivals) && isTrusted(belief);
}

/**
 * The contradiction rules alone (refute, supersede), for one belief whose evidence just changed;
 * runs in the same iteration as the evidence. Returns undefined when its status stands.
 */
export function settleContradiction(
  belief: Belief,
  index: WorldIndex,
  now: string,
): { belief: Belief; transition: Transition } | undefined {
  const { tally, confidence } = numbers(belief);
  if (tally.contradicting === 0) return undefined;
  const data = belief.data;
  const stats = {
    supporting: tally.supporting,
    contradicting: tally.contradicting,
    confidence,
  };
  if (data.kind === 'hypothesis' && data.status === 'open' && confidence < REFUTATION.below) {
    return {
      belief: {
        ...belief,
        data: {
          ...data,
          status: 'refuted',
          invalid_at: now,
          confidence: beliefConfidence(data, now),
        },
      },
      transition: {
        kind: 'refute',
        path: belief.path,
        name: data.name,
        reason: `${describe(tally.supporting, tally.contradicting, confidence)} < ${REFUTATION.below} (contradicted by ${tally.contradictingTasks.join(', ')})`,
        ...stats,
      },
    };
  }
  if (data.kind !== 'hypothesis' && data.status === 'active' && confidence < SUPERSESSION.below) {
    const successor = successorOf(belief, index);
    return {
      belief: {
        ...belief,
        data: {
          ...data,
          status: 'superseded',
          invalid_at: now,
          superseded_by: successor?.path ?? null,
          confidence: beliefConfidence(data, now),
        },
      },
      transition: {
        kind: 'supersede',
        path: belief.path,
        name: data.name,
        ...(successor ? { target: successor.path } : {}),
        reason: `${describe(tally.supporting, tally.contradicting, confidence)} < ${SUPERSESSION.below} (contradicted by ${tally.contradictingTasks.join(', ')})${successor ? `; the live rival is ${successor.data.name}` : ''}`,
        ...stats,
      },
    };
  }
  return undefined;
}

/**
 * What replaces a contradicted fact: the most confident live fact with the same subject and
 * predicate and another object ("the API paginates with cursors" replacing "... with offsets").
 * Things and facts without such a rival are superseded with no successor: their evidence says why.
 */
function successorOf(belief: Belief, index: WorldIndex): Belief | undefined {
  const triple = tripleOf(belief);
  if (!triple) return undefined;
  const [subject, predicate, object] = index.tripleKey(triple).split('|');
  let best: { belief: Belief; confidence: number } | undefined;
  for (const other of index.all()) {
    if (other.path === belief.path || !isLive(other)) continue;
    const rival = tripleOf(other);
    if (!rival) continue;
    const [s, p, o] = index.tripleKey(rival).split('|');
    if (s !== subject || p !== predicate || o === object) continue;
    const confidence = confidenceFromEvidence(other.data);
    if (!best || confidence > best.confidence) best = { belief: other, confidence };
  }
  return best?.belief;
}

/**
 * Every status the evidence now calls for except promotion: refutations and supersessions the
 * iterations have not made yet (after feedback or a hand edit), reopenings and reinstatements.
 * `hypothesesOnly` (learning: constrained) leaves entities and relations alone.
 */
export function settleWorld(
  world: readonly Belief[],
  options: { now: string; hypothesesOnly?: boolean },
): WorldUpdate {
  const index = new WorldIndex(world);
  const update = emptyUpdate();
  for (const belief of world) {
    if (options.hypothesesOnly && belief.data.kind !== 'hypothesis') continue;
    const settled = settleContradiction(belief, index, options.now);
    if (settled) {
      index.put(settled.belief);
      update.beliefs.set(belief.path, settled.belief);
      update.transitions.push(settled.transition);
      continue;
    }
    const revived = reconsider(belief, options.now);
    if (revived) {
      index.put(revived.belief);
      update.beliefs.set(belief.path, revived.belief);
      update.transitions.push(revived.transition);
    }
  }
  return update;
}

function reconsider(
  belief: Belief,
  now: string,
): { belief: Belief; transition: Transition } | undefined {
  const data = belief.data;
  const { tally, confidence } = numbers(belief);
  const recorded = beliefConfidence(data, now);
  const stats = {
    supporting: tally.supporting,
    contradicting: tally.contradicting,
    confidence,
  };
  if (
    data.kind === 'hypothesis' &&
    data.status === 'refuted' &&
    !tally.openContradiction &&
    confidence >= REOPENING.atLeast
  ) {
    return {
      belief: {
        ...belief,
        data: { ...data, status: 'open', invalid_at: null, confidence: recorded },
      },
      transition: {
        kind: 'reopen',
        path: belief.path,
        name: data.name,
        reason: `later support outweighs the contradiction: ${describe(tally.supporting, tally.contradicting, confidence)} ≥ ${REOPENING.atLeast}`,
        ...stats,
      },
    };
  }
  if (
    data.kind !== 'hypothesis' &&
    data.status === 'superseded' &&
    !data.merged_into &&
    isPromotable(belief)
  ) {
    return {
      belief: {
        ...belief,
        data: {
          ...data,
          status: 'active',
          invalid_at: null,
          superseded_by: null,
          confidence: recorded,
        },
      },
      transition: {
        kind: 'reinstate',
        path: belief.path,
        name: data.name,
        reason: `later support meets the promotion rule again: ${describe(tally.supporting, tally.contradicting, confidence)}`,
        ...stats,
      },
    };
  }
  return undefined;
}

/**
 * Promotes every open hypothesis that meets the promotion rule: `proposes: entity` becomes
 * `world/entities/<slug>.md`, `proposes: relation` becomes `world/relations/<slug>.md` (subject and
 * object resolved to the things they name). The hypothesis stays, `promoted`, pointing at the new
 * file; later evidence on it follows that pointer.
 */
export function promoteHypotheses(
  world: readonly Belief[],
  options: { agent: string; now: string },
): WorldUpdate {
  const paths = agentPaths(options.agent);
  const index = new WorldIndex(world);
  const taken = new Set(world.map((belief) => belief.path));
  // Promotions keep the facts live, so which facts are contested does not change in this loop.
  const rivals = new FactRivals(world, index);
  const update = emptyUpdate();
  for (const belief of world) {
    const data = belief.data;
    if (data.kind !== 'hypothesis' || data.status !== 'open' || !isPromotable(belief, rivals))
      continue;
    const kind: WorldKind = data.proposes;
    let slug = belief.slug;
    for (let n = 2; taken.has(paths.world(kind, slug)); n++) slug = `${belief.slug}-${n}`;
    const path = paths.world(kind, slug);
    taken.add(path);

    const { tally, confidence } = numbers(belief);
    // Dated by the evidence that made it promotable, not by the run: proposing the same promotion
    // twice (learning: constrained) writes the same file.
    const at = tally.lastAt ?? options.now;
    const head = { name: data.name, aliases: data.aliases, tags: data.tags, confidence };
    const tail = {
      evidence: data.evidence,
      ...(data.evidence_folded ? { evidence_folded: data.evidence_folded } : {}),
      created: at,
      valid_at: tally.firstSupportAt ?? options.now,
      invalid_at: null,
      superseded_by: null,
      promoted_from: belief.path,
    };
    const promotedData: EntityData | RelationData =
      kind === 'entity'
        ? { kind: 'entity', ...head, status: 'active', ...tail }
        : {
            kind: 'relation',
            ...head,
            subject: index.entitySlug(data.subject ?? ''),
            predicate: data.predicate ?? '',
            object: index.entitySlug(data.object ?? ''),
            status: 'active',
            ...tail,
          };
    const why = describe(tally.supporting, tally.contradicting, confidenceFromEvidence(data));
    const promoted: Belief = {
      slug,
      path,
      data: promotedData,
      body: `${(belief.body || data.claim).trim()}\n\nPromoted from ${relativeLink(path, belief.path)} on ${at.slice(0, 10)}: ${why} (tasks ${tally.supportingTasks.join(', ')}).`,
    };
    const closed: Belief = {
      ...belief,
      data: { ...data, status: 'promoted', superseded_by: path } satisfies HypothesisData,
    };
    index.put(promoted);
    index.put(closed);
    update.beliefs.set(path, promoted);
    update.beliefs.set(belief.path, closed);
    update.created.push(path);
    update.transitions.push({
      kind: 'promote',
      path: belief.path,
      name: data.name,
      target: path,
      reason:
        tally.supporting >= PROMOTION.minSupportingTasks
          ? `${why} ≥ ${PROMOTION.minConfidence} with at least ${PROMOTION.minSupportingTasks} independent supports and no open contradiction`
          : `${why} ≥ ${PROMOTION.minConfidence}, an uncontested fact: no contradiction and no live fact giving ${data.subject ?? ''} ${data.predicate ?? ''} another object`,
      supporting: tally.supporting,
      contradicting: tally.contradicting,
      confidence,
    });
  }
  return update;
}

/**
 * Decay of unused confidence: every live belief's recorded confidence is recomputed at `now`, so
 * beliefs whose newest evidence is a whole idle period old fade towards the prior. Status is never
 * decided by decay.
 */
export function decayConfidence(world: readonly Belief[], options: { now: string }): WorldUpdate {
  const update = emptyUpdate();
  for (const belief of world) {
    if (!isLive(belief)) continue;
    const confidence = beliefConfidence(belief.data, options.now);
    if (confidence === belief.data.confidence) continue;
    update.beliefs.set(belief.path, { ...belief, data: { ...belief.data, confidence } });
  }
  return update;
}

/** A Markdown link from one world file to another (both repository paths in one agent's world/). */
export function relativeLink(from: string, to: string): string {
  const fromParts = from.split('/').slice(0, -1);
  const toParts = to.split('/');
  let common = 0;
  while (common < fromParts.length && fromParts[common] === toParts[common]) common++;
  const up = fromParts.slice(common).map(() => '..');
  const target = [...up, ...toParts.slice(common)].join('/');
  return `[${toParts.at(-1)?.replace(/\.md$/, '')}](${target})`;
}
