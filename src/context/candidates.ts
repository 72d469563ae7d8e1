// What each memory file (and each recent reward) is as a context candidate: its item, what links it
// to other items, when it was last used, its terms for ranking, or why it is dormant.
import type { Segment } from '../consensus/segments.js';
import { agentRelative } from '../memory/layout.js';
import type { ParseCache } from '../memory/parse-cache.js';
import type { RewardRecord } from '../memory/rewards.js';
import { skillSuccessRate, type Skill } from '../memory/skills.js';
import { isLive, type Belief } from '../world/beliefs.js';
import { tallyEvidence } from '../world/confidence.js';
import { PROMOTION } from '../world/lifecycle.js';
import { isTrusted } from '../world/provenance.js';
import type { ContextItem, ContextItemKind, ExcludedItem, RankedItem } from './assemble.js';
import { countTerms, type TermCounts } from './bm25.js';
import { nameTerms } from './signals.js';
import { estimateTokensOfLength, terms } from './text.js';

/** A candidate item and the file it comes from, when it has one. */
export interface Candidate {
  item: ContextItem;
  path?: string;
  /**
   * A thing's slug, what facts and claims name it by: an entity's, or an open claim's that a thing
   * exists (the entity wins when both hold the slug: ContextCorpus.entity).
   */
  entity?: string;
  /** The thing's name and aliases. */
  names?: string[];
  /**
   * The things a relation or claim is about (slugs), what it says of them (its predicate as
   * `nameTerms` gives it), and how many distinct tasks support it.
   */
  link?: {
    subject?: string | undefined;
    object?: string | undefined;
    predicate?: string | undefined;
    support?: number;
  };
  /** When the item was last used or became valid (ms since the epoch). */
  at?: number;
  /**
   * Set on a fact (a relation) and on an unsettled claim (`isUnsettledClaim`): the names of what it is about, as
   * `nameTerms` gives them (its subject's and object's slugs as words, or, for a claim that a
   * thing exists, its name and aliases). The task must name one of them (or the entity its subject
   * or object resolves to) for the claim's own words to count (`claimRelevance`).
   */
  about?: string[];
}

/** An item that is never a candidate, and why. */
export interface Dormant {
  item: ContextItem;
  reason: ExcludedItem['reason'];
}

export type CandidateOrDormant = Candidate | Dormant;

export function isDormant(entry: CandidateOrDormant): entry is Dormant {
  return 'reason' in entry;
}

export function skillEntry(agent: string, skill: Skill): CandidateOrDormant {
  const entry = withConfidence(
    item(agentRelative(agent, skill.path), 'skill', skill.data.title, skill.data.tags, skill.body),
    skillSuccessRate(skill.data),
  );
  if (skill.data.status === 'archived') return { item: entry, reason: 'archived' };
  return { item: entry, path: skill.path, at: timeOf(skill.data.last_used ?? skill.data.created) };
}

export function beliefEntry(agent: string, belief: Belief): CandidateOrDormant {
  const data = belief.data;
  const described = [
    data.kind === 'hypothesis' ? data.claim : '',
    data.aliases.join(', '),
    belief.body,
  ]
    .filter(Boolean)
    .join('\n');
  const entry = withConfidence(
    item(agentRelative(agent, belief.path), data.kind, data.name, data.tags, described),
    data.confidence,
  );
  // A claim only untrusted authors support is never shown to a task, as fact or otherwise.
  if (!isLive(belief)) return { item: entry, reason: 'superseded or refuted' };
  if (!isTrusted(belief))
    return { item: entry, reason: 'unverified: only untrusted authors support it' };
  const triple = data as { subject?: string; predicate?: string; object?: string };
  const candidate: Candidate = {
    item: entry,
    path: belief.path,
    at: timeOf(data.valid_at ?? data.created),
    // A thing known so far only from a claim that it exists (an open hypothesis that proposes an
    // entity) stands for that thing until an entity holds its slug: a task that calls it by a name or
    // alias the claim records reaches the facts about it, as it would an entity's.
    ...(data.kind === 'entity' || (data.kind === 'hypothesis' && data.proposes === 'entity')
      ? { entity: belief.slug, names: [data.name, ...data.aliases] }
      : {
          link: {
            subject: triple.subject,
            object: triple.object,
            predicate: triple.predicate === undefined ? undefined : nameTerms(triple.predicate),
            support: tallyEvidence(data).supporting,
          },
        }),
  };
  // What a fact or an unsettled claim is about: its subject and object, or the thing a claim that a
  // thing exists names. A claim of a fact that records neither says nothing a task could name, so the
  // rule has nothing to go by and leaves it ranked as any item.
  if (
    isUnsettledClaim(belief) ||
    data.kind === 'relation' ||
    (data.kind === 'hypothesis' && data.proposes === 'relation')
  ) {
    const named =
      triple.subject !== undefined || triple.object !== undefined
        ? [triple.subject, triple.object].map((slug) => (slug ?? '').replaceAll('-', ' '))
        : data.kind === 'hypothesis' && data.proposes === 'entity'
          ? [data.name, ...data.aliases]
          : [];
    const about = named.map(nameTerms).filter((name) => name !== '');
    if (about.length > 0) candidate.about = about;
  }
  return candidate;
}

/**
 * An unsettled claim: an open hypothesis that fewer independent tasks support than promotion asks
 * for (`PROMOTION.minSupportingTasks`). Nothing has verified it yet, so a context shows it only for
 * what it is about (`claimRelevance`).
 */
export function isUnsettledClaim(belief: Belief): boolean {
  const data = belief.data;
  return (
    data.kind === 'hypothesis' &&
    data.status === 'open' &&
    tallyEvidence(data).supporting < PROMOTION.minSupportingTasks
  );
}

export function segmentEntry(segment: Segment): Candidate {
  return {
    item: item(segment.path, 'segment', segment.title, segment.tags, segment.body),
    path: segment.path,
  };
}

export function rewardEntry(record: RewardRecord): Candidate {
  const summary = `${record.task} — ${record.outcome} (reward ${record.reward}) on ${record.model_used}; demand ${record.reasoning_demand}`;
  return {
    item: item(`rewards#${record.task_id}`, 'reward', record.task, record.context_tags, summary),
  };
}

function timeOf(timestamp: string | null | undefined): number | undefined {
  const ms = timestamp ? Date.parse(timestamp) : NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

export function item(
  id: string,
  kind: ContextItemKind,
  title: string,
  tags: string[],
  text: string,
): ContextItem {
  // The tokens of `${title}\n${text}`, counted without building that string for every item.
  return {
    id,
    kind,
    title,
    tags,
    text,
    tokens: estimateTokensOfLength(title.length + 1 + text.length),
  };
}

/** The item with its confidence set in place: 10,000 items a task, so no copy of each. */
function withConfidence(entry: ContextItem, confidence: number | undefined): ContextItem {
  entry.confidence = confidence;
  return entry;
}

/** What ranking needs of an item's words: its text's term counts and its tags' distinct terms. */
export interface ItemTerms {
  text: TermCounts;
  tags: string[];
  /** An entity's names (name and aliases), each as its terms joined by spaces. */
  names: string[];
}

/** Names the derived value in the memory index; bump it when `item` or `terms` change. */
const ITEM_TERMS = 'context-terms@3';

/**
 * The item's terms, from the memory index when its file is unchanged: tokenizing every file on
 * every task is what made context assembly grow with memory. An item is built from its file as
 * loaded in this same read, so terms derived from it belong to that content.
 */
export function itemTerms(candidate: Candidate, cache: ParseCache | undefined): ItemTerms {
  const derive = (): ItemTerms => {
    const { title, tags, text } = candidate.item;
    return {
      text: countTerms(terms(`${title} ${tags.join(' ')} ${text}`)),
      tags: [...new Set(tags.flatMap((tag) => terms(tag)))],
      names: (candidate.names ?? []).map(nameTerms).filter((name) => name !== ''),
    };
  };
  if (!cache || candidate.path === undefined) return derive();
  return cache.parse(candidate.path, ITEM_TERMS, derive) ?? derive();
}

/** How far an item's own confidence lets its relevance count. */
export function trustOf(item: ContextItem): number {
  return item.confidence === undefined ? 1 : 0.5 + 0.5 * item.confidence;
}

/**
 * The item with its score, as `{ ...item, score }` would make it (same keys in the same order), by
 * a literal: a spread per item was most of the cost of ranking 10,000 of them.
 */
export function rankedItem(item: ContextItem, score: number): RankedItem {
  const { id, kind, title, tags, text, tokens } = item;
  return Object.hasOwn(item, 'confidence')
    ? { id, kind, title, tags, text, tokens, confidence: item.confidence, score }
    : { id, kind, title, tags, text, tokens, score };
}

export function excludedItem(
  item: ContextItem,
  score: number,
  reason: ExcludedItem['reason'],
): ExcludedItem {
  const { id, kind, title, tags, text, tokens } = item;
  return Object.hasOwn(item, 'confidence')
    ? { id, kind, title, tags, text, tokens, confidence: item.confidence, score, reason }
    : { id, kind, title, tags, text, tokens, score, reason };
}

export function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
