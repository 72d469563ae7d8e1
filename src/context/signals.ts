// The ranking signals of context assembly besides text relevance, each a pure function over plain
// data: how specific a matched tag is, what similar past tasks used, links from a relevant thing
// to the facts and claims about it, and how recent an item is.
import type { RewardRecord } from '../memory/rewards.js';
import { Bm25Index, countTerms, idf, type TermCounts } from './bm25.js';
import { terms } from './text.js';

/** Similar past tasks whose tags and skills are learned from. */
export const SIMILAR_TASKS = 5;

export interface Experience {
  /** Context tags of the similar past tasks, sorted. */
  tags: string[];
  /** Per tag, in (0, 1]: the similarity-weighted share of the similar past tasks that carry it. */
  tagWeights: Map<string, number>;
  /**
   * Per skill id ("skills/x.md"), in [0, 1]: how strongly the similar past tasks say it works here
   * (similarity-weighted successes minus failures, over the similar tasks' total weight).
   */
  skills: Map<string, number>;
}

/**
 * What recent experience says about a task: the tags and skills of the most similar past tasks
 * (BM25 over their task texts). A record without a positive score is not similar at all.
 */
export function learnFromExperience(
  query: readonly string[],
  rewards: readonly RewardRecord[],
): Experience {
  const skills = new Map<string, number>();
  const tagWeights = new Map<string, number>();
  if (rewards.length === 0 || query.length === 0) return { tags: [], tagWeights, skills };
  const index = new Bm25Index(rewards.map((r) => taskTerms(r.task)));
  const similar = index
    .score(query)
    .map((score, i) => ({ score, record: rewards[i] as RewardRecord, i }))
    .filter((entry) => entry.score > 0)
    // Equal scores: the newer record first.
    .sort((a, b) => b.score - a.score || b.i - a.i)
    .slice(0, SIMILAR_TASKS);
  const top = similar[0]?.score ?? 0;
  const tags = new Set<string>();
  let weights = 0;
  const credit = new Map<string, number>();
  for (const { score, record } of similar) {
    const weight = score / top;
    for (const tag of new Set(record.context_tags)) {
      tags.add(tag);
      tagWeights.set(tag, (tagWeights.get(tag) ?? 0) + weight);
    }
    weights += weight;
    const sign = record.reward > 0 ? 1 : record.reward < 0 ? -1 : 0;
    for (const skill of new Set(record.skills_used))
      credit.set(skill, (credit.get(skill) ?? 0) + sign * weight);
  }
  for (const [skill, value] of credit)
    if (value > 0 && weights > 0) skills.set(skill, Math.min(1, value / weights));
  for (const [tag, weight] of tagWeights) tagWeights.set(tag, weight / weights);
  return { tags: [...tags].sort(), tagWeights, skills };
}

/**
 * A past task's text as counted terms, kept by text: every task looks at the same recent records
 * (read anew, so not the same objects), and tokenizing a thousand of them per task is what it
 * would cost. Dropped whole past this many texts, so a long-running process keeps it bounded.
 */
const KEPT_TASK_TERMS = 8192;
const taskTermCounts = new Map<string, TermCounts>();

function taskTerms(task: string): TermCounts {
  let counts = taskTermCounts.get(task);
  if (counts === undefined) {
    if (taskTermCounts.size >= KEPT_TASK_TERMS) taskTermCounts.clear();
    counts = countTerms(terms(task));
    taskTermCounts.set(task, counts);
  }
  return counts;
}

/**
 * Tag specificity: a tag term's inverse frequency among the items' tags, over the highest an idf can
 * be (a tag only one item carries), so a broad tag half the memory carries counts little and a tag
 * a handful of items carry counts nearly fully.
 */
export class TagSpecificity {
  private readonly frequency = new Map<string, number>();

  constructor(private readonly itemTags: readonly (readonly string[])[]) {
    for (const tags of itemTags)
      for (const tag of tags) this.frequency.set(tag, (this.frequency.get(tag) ?? 0) + 1);
  }

  /**
   * The best of the item's wanted tag terms, in [0, 1]: its specificity times how much it is wanted
   * (`wanted` maps a term to a weight in [0, 1]); 0 when no tag term is wanted.
   */
  score(item: number, wanted: ReadonlyMap<string, number>): number {
    const worth = wantedTagWorth(wanted, this.itemTags.length, (tag) => this.frequency.get(tag));
    let best = 0;
    for (const tag of this.itemTags[item] ?? []) best = Math.max(best, worth.get(tag) ?? 0);
    return best;
  }
}

/**
 * What each wanted tag term is worth to an item that carries it, in [0, 1]: its specificity (its
 * idf over the highest an idf can be) times how much it is wanted. An item's tag specificity is the
 * most any of its tags is worth.
 */
export function wantedTagWorth(
  wanted: ReadonlyMap<string, number>,
  items: number,
  frequency: (tag: string) => number | undefined,
): Map<string, number> {
  const ceiling = idf(items, 1);
  const worth = new Map<string, number>();
  for (const [tag, weight] of wanted)
    worth.set(
      tag,
      ceiling > 0 ? Math.min(1, (weight * idf(items, frequency(tag) ?? 1)) / ceiling) : 0,
    );
  return worth;
}

/** How much of a linked thing's relevance a fact or claim about it inherits. */
export const SUBJECT_LINK = 0.9;
export const OBJECT_LINK = 0.5;

/**
 * A fact or claim is as relevant as the thing it is about: `SUBJECT_LINK` of its subject's score,
 * `OBJECT_LINK` of its object's (the facts from a thing tell what it does; the ones pointing at it
 * tell less). `entityScore` gives a thing's own score by slug, undefined when it is not an item.
 */
export function linkedRelevance(
  link: { subject?: string | undefined; object?: string | undefined },
  entityScore: (slug: string) => number | undefined,
): number {
  const subject = link.subject === undefined ? 0 : (entityScore(link.subject) ?? 0);
  const object = link.object === undefined ? 0 : (entityScore(link.object) ?? 0);
  return Math.max(SUBJECT_LINK * subject, OBJECT_LINK * object);
}

/**
 * The relevance of a fact (a relation) or an unsettled claim (an open hypothesis that lacks the
 * support promotion asks for, see `Candidate.about`): it is reached through what it is about, not
 * through the words it shares with the task. When the task names its subject or object (`named`),
 * its own text and tag match count as any item's do; otherwise only its link to a relevant thing
 * (`linked`, as `linkedRelevance` gives) counts. A fact about another thing that shares a common
 * word with the task (a predicate such as "retries") tells the task nothing, and fills the context;
 * a claim with one supporting task shown that way is worse: no task about other things uses it, so
 * no outcome would ever speak against it, and a model may take it as fact.
 */
export function claimRelevance(own: number, linked: number, named: boolean): number {
  return named ? Math.max(own, linked) : linked;
}

/**
 * Whether an active fact contests a fact or an open claim: an active relation with the same subject
 * and predicate and another object (the rivalry the promotion rules count, `world/lifecycle.ts`)
 * that more tasks support. The better-supported answer is what a context shows; the rival stays in
 * memory for learning to settle, out of the context, where a model would have to choose between
 * the two and may take the wrong one. When the rival gathers as much support, both are shown
 * again, and outcomes decide.
 */
export function contestedByBetterFact(
  claim: {
    subject?: string | undefined;
    predicate?: string | undefined;
    object?: string | undefined;
    support?: number | undefined;
  },
  facts: Iterable<{ kind: string; link?: typeof claim | undefined }>,
): boolean {
  if (claim.subject === undefined || claim.predicate === undefined) return false;
  for (const fact of facts)
    if (
      fact.kind === 'relation' &&
      fact.link?.subject === claim.subject &&
      fact.link.predicate === claim.predicate &&
      fact.link.object !== claim.object &&
      (fact.link.support ?? 0) > (claim.support ?? 0)
    )
      return true;
  return false;
}

/** Days after which an item's recency weight halves. */
export const RECENCY_HALF_LIFE_DAYS = 90;
/** The least an old item's score keeps: recency breaks near-ties, it never buries a strong match. */
export const RECENCY_FLOOR = 0.85;

/**
 * A factor in [RECENCY_FLOOR, 1] from the item's last use or validity, against the newest item's
 * time: items without a time keep 1.
 */
export function recencyFactor(at: number | undefined, newest: number): number {
  if (at === undefined || !Number.isFinite(at) || !Number.isFinite(newest)) return 1;
  const days = Math.max(0, (newest - at) / 86_400_000);
  return RECENCY_FLOOR + (1 - RECENCY_FLOOR) * 0.5 ** (days / RECENCY_HALF_LIFE_DAYS);
}

/** The relevance of a thing the task names: as high as a strong text match. */
export const NAME_MENTION = 0.9;

/**
 * Names as `nameTerms` gave them, by text: a fresh process builds 10,000 candidates, whose facts and
 * claims name a few thousand things by slug and a few dozen predicates over and over. Dropped
 * whole past this many, so a long-running process keeps it bounded.
 */
const KEPT_NAMES = 16_384;
const namesAsTerms = new Map<string, string>();

/** A name (or any text) as its terms joined by single spaces: how names are compared. */
export function nameTerms(text: string): string {
  let name = namesAsTerms.get(text);
  if (name === undefined) {
    if (namesAsTerms.size >= KEPT_NAMES) namesAsTerms.clear();
    name = terms(text).join(' ');
    namesAsTerms.set(text, name);
  }
  return name;
}

/**
 * Whether `phrase` (terms joined by spaces, as `nameTerms` gives) contains `name` as whole
 * consecutive terms: "tenant queue" is in "fix tenant queue lag", not in "tenant queues" (a
 * different stem) nor in "tenant cache queue".
 */
export function mentions(phrase: string, name: string): boolean {
  return mentionedIn(phrase)(name);
}

/** `mentions` by one phrase, for many names: the phrase is padded once. */
export function mentionedIn(phrase: string): (name: string) => boolean {
  const padded = ` ${phrase} `;
  return (name) => name !== '' && padded.includes(` ${name} `);
}
