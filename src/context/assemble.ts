// Task-scoped context (SPEC §4): persona and constraints always, then the skills, beliefs, shared
// segments and recent rewards most relevant to the task, ranked and cut to a token budget.
import type { Segment } from '../consensus/segments.js';
import type { HumanFiles } from '../memory/human.js';
import type { ParseCache } from '../memory/parse-cache.js';
import type { RewardRecord } from '../memory/rewards.js';
import type { Skill } from '../memory/skills.js';
import type { Belief } from '../world/beliefs.js';
import { excludedItem, item, rankedItem, round, type Candidate } from './candidates.js';
import { CANDIDATE_KINDS, corpusOf, type ContextCorpus, type ContextDocument } from './corpus.js';
import {
  learnFromExperience,
  linkedRelevance,
  mentionedIn,
  NAME_MENTION,
  nameTerms,
  recencyFactor,
  claimRelevance,
} from './signals.js';
import {
  compareIds,
  countExclusion,
  exclusionsOf,
  highestScoring,
  withExclusions,
  type ExclusionCounts,
  type Exclusions,
} from './exclusions.js';
import { terms } from './text.js';
import { everythingInMemoryOrder, type ContextScope } from './scope.js';

export type ContextItemKind =
  | 'persona'
  | 'constraints'
  | 'goals'
  | 'skill'
  | 'entity'
  | 'relation'
  | 'hypothesis'
  | 'segment'
  | 'reward';

export interface ContextItem {
  /** Agent-relative path ("skills/retry.md"), a repository path for segments, or "rewards#<task id>". */
  id: string;
  kind: ContextItemKind;
  title: string;
  tags: string[];
  text: string;
  tokens: number;
  /** Belief confidence, or a skill's success rate. */
  confidence?: number;
}

export interface RankedItem extends ContextItem {
  score: number;
}

export interface ExcludedItem extends RankedItem {
  reason:
    | 'unrelated'
    | 'over token budget'
    | 'outranked'
    | 'superseded or refuted'
    | 'archived'
    | 'unverified: only untrusted authors support it';
}

export interface ContextSources {
  agent: string;
  human: HumanFiles;
  skills: Skill[];
  world: Belief[];
  segments: Segment[];
  /** The most recent reward records, oldest first (the loop passes the last TAG_LEARNING_WINDOW). */
  rewards: RewardRecord[];
  /** Serves each memory file's terms from the memory index when the file is unchanged. */
  cache?: ParseCache;
}

export interface AssembledContext {
  taskId: string;
  task: string;
  budget: number;
  /** Persona, constraints and open goals: always in. */
  always: ContextItem[];
  /** Ranked items that made it in, best first. */
  included: RankedItem[];
  /**
   * Everything left out. An item below the relevance floor is "unrelated", with its score; a
   * pruned ranking (PRUNE_FROM) does not score what falls below the floor, and lists it with 0.
   */
  excluded: ExcludedItem[];
  /** Tags learned from past rewards of similar tasks, used as retrieval keys. */
  learnedTags: string[];
  tokens: number;
}

const RECENT_REWARDS = 20;
/**
 * Tag learning looks at the similar tasks among this many most recent records: enough to learn
 * from, and an iteration's cost stays flat however long the reward log grows.
 */
export const TAG_LEARNING_WINDOW = 1000;
const MAX_REWARD_ITEMS = 5;
/** How much a skill the most similar past tasks applied with success adds to its relevance. */
export const SKILL_EXPERIENCE = 0.5;
/** Below this score an item is unrelated to the task, however much budget is left. */
export const RELEVANCE_FLOOR = 0.2;
/**
 * A skill, or a past task, scoring under this share of the best of its kind for the task is
 * outranked: beside the procedure (or the past task) that matches the task, one that shares only a
 * common word with it is another way of doing something else, and takes the model's attention.
 * Facts, claims and things are each about their own subject, so none outranks another.
 */
export const OUTRANKED_BELOW = 1 / 3;
const RANKED_AGAINST_THE_BEST: ReadonlySet<ContextItemKind> = new Set(['skill', 'reward']);

export function assembleContext(input: {
  taskId: string;
  task: string;
  sources: ContextSources;
  budget: number;
  /** What the context may draw on (scope.ts); the ranked selection when absent. */
  scope?: ContextScope;
  /**
   * The corpus to rank in (corpus.ts): the process's corpus of the agent when absent, so a task
   * costs what changed since the last one. A new corpus builds everything from the sources.
   */
  corpus?: ContextCorpus;
  /**
   * Whether the ranking reaches items only through the keys that can lift them to the relevance
   * floor (`essentialKeys`): from PRUNE_FROM candidates on when absent.
   */
  prune?: boolean;
}): AssembledContext {
  const { task } = input;
  const scope = input.scope ?? 'ranked';
  // A failed attempt (a record with an error) taught nothing about the task: it is not context.
  const sources = {
    ...input.sources,
    rewards: input.sources.rewards.filter((record) => record.error === undefined),
  };
  const always = alwaysItems(sources);
  if (scope === 'persona-and-constraints')
    return {
      taskId: input.taskId,
      task,
      budget: input.budget,
      always,
      included: [],
      excluded: [],
      learnedTags: [],
      tokens: always.reduce((sum, item) => sum + item.tokens, 0),
    };
  const query = terms(task);
  const experience = learnFromExperience(query, sources.rewards.slice(-TAG_LEARNING_WINDOW));
  const learnedTags = experience.tags;
  // What a tag match is worth: 1 for the task's own words, a learned tag's weight for its terms.
  const wanted = new Map<string, number>();
  for (const [tag, weight] of experience.tagWeights)
    for (const term of terms(tag)) wanted.set(term, Math.max(wanted.get(term) ?? 0, weight));
  for (const term of query) wanted.set(term, 1);

  const corpus = input.corpus ?? corpusOf(sources.agent);
  corpus.update({ ...sources, rewards: sources.rewards.slice(-RECENT_REWARDS) });
  if (scope === 'everything') {
    const items = corpus.candidates.map((document) => (document.candidate as Candidate).item);
    const loaded = everythingInMemoryOrder(always, items, input.budget);
    const { taskId, budget } = input;
    return {
      taskId,
      task,
      budget,
      always,
      ...loaded,
      excluded: [...corpus.dormant, ...loaded.excluded],
      learnedTags,
    };
  }
  // Relevance of the candidates the task reaches (by its words, wanted tags, names, the skills
  // experience credits and links from those), kept on each document for this ranking; every other
  // candidate's is 0.
  const wantedTags = corpus.wantedTagsByWorth(wanted);
  const taskPhrase = nameTerms(task);
  const named = mentionedIn(taskPhrase);
  // Things the task names (by name or alias): what the task is about.
  const namedThings = [...corpus.namedIn(taskPhrase)].filter(
    (document) => document.terms?.names.some(named) === true,
  );
  const pruned = input.prune ?? corpus.candidates.length >= PRUNE_FROM;
  const worth = new Map(wantedTags);
  const newest = corpus.newest;
  let ranking = 0;
  let reached: ContextDocument[] = [];
  const reach = (document: ContextDocument): void => {
    if (document.reached === ranking) return;
    document.reached = ranking;
    document.relevance = 0;
    document.score = 0;
    reached.push(document);
  };
  // Text relevance is the task's own words; learned tags reach items through their tags only, so
  // an item that merely repeats a learned tag in its text does not outrank the task's own subject.
  const reachAndScore = (keys: RankingKeys): number => {
    ranking = ++rankings;
    reached = [];
    for (const term of keys.terms) corpus.text.eachHolding(term, reach);
    // By worth, the most first: the first kept tag an item is met under is the most it holds.
    const tags = keys.tags.map((tag): [string, number] => [tag, worth.get(tag) ?? 0]);
    for (const [tag, tagWorth] of tags.sort(([, a], [, b]) => b - a)) {
      const most =
        keys.tagOnly && keys.tagOnly.text + 0.4 * Math.max(tagWorth, keys.tagOnly.tagWorth);
      for (const document of corpus.holdingTag(tag))
        if (
          most === undefined ||
          document.reached === ranking ||
          mayReachFloor(document, most, newest)
        )
          reach(document);
    }
    for (const document of namedThings) reach(document);
    for (const id of experience.skills.keys())
      for (const document of corpus.withId(id)) reach(document);
    let maxText = 0;
    corpus.text.eachScored(query, query, reached, (document, textScore, coverage) => {
      document.score = textScore;
      document.relevance = coverage;
      maxText = Math.max(maxText, textScore);
    });
    return maxText;
  };
  const everyKey: RankingKeys = {
    terms: [...new Set(query)],
    tags: wantedTags.map(([tag]) => tag),
    leftOutCeiling: 0,
    // An item that holds no term of the task has no text relevance.
    ...(pruned ? { tagOnly: { text: 0, tagWorth: 0 } } : {}),
  };
  const keys = pruned
    ? essentialKeys(corpus, query, wantedTags, bestTextAmongRarest(corpus, query))
    : everyKey;
  let maxText = reachAndScore(keys);
  // An item left out could have had the best text score, which every other is measured against,
  // or the bounds were taken against a best text score the ranking did not find: then the task
  // reaches through every key.
  if (maxText < keys.leftOutCeiling || maxText < (keys.measuredAgainst ?? 0))
    maxText = reachAndScore(everyKey);

  // Direct relevance: BM25 ranks items against each other; coverage of the task's own terms keeps
  // a weak best match (one shared common word) from looking like a strong one; a matched tag
  // counts by how specific it is and how much the task wants it (its most worth wanted tag).
  for (const document of reached) {
    // Until now the text score and the coverage.
    const coverage = document.relevance;
    document.relevance =
      maxText > 0 ? 0.6 * (document.score / maxText) * Math.min(1, 2 * coverage) : 0;
    let specificity = -1;
    for (const tag of document.terms?.tags ?? [])
      specificity = Math.max(specificity, worth.get(tag) ?? -1);
    if (specificity >= 0) document.relevance = document.relevance + 0.4 * specificity;
  }
  for (const document of namedThings)
    document.relevance = Math.max(document.relevance, NAME_MENTION);
  // Experience: a skill the most similar past tasks applied with success.
  for (const [id, credit] of experience.skills)
    for (const document of corpus.withId(id))
      document.relevance = Math.min(1, document.relevance + SKILL_EXPERIENCE * credit);
  // Links: a fact or claim about a relevant thing is relevant with it. A thing's score is its last
  // entity's (as a map filled in memory order keeps it).
  const relevanceOf = (document: ContextDocument): number =>
    document.reached === ranking ? document.relevance : 0;
  const entityScore = (slug: string): number | undefined => {
    const entity = corpus.entity(slug);
    return entity === undefined ? undefined : relevanceOf(entity) * entity.trust;
  };
  const linked = new Set<ContextDocument>();
  for (const document of reached) {
    const slug = document.candidate?.entity;
    if (slug !== undefined) corpus.addLinkedTo(slug, linked);
  }
  for (const document of linked) {
    const link = (document.candidate as Candidate).link;
    if (link === undefined) continue;
    const value = linkedRelevance(link, entityScore);
    if (value > relevanceOf(document)) {
      reach(document);
      document.relevance = value;
    }
  }
  // Facts and open claims. A fact or an unsettled claim is reached through what it is about, not
  // through shared words: one whose subject or object the task names (by its slug's words, or by
  // a name of the entity it resolves to) keeps its own relevance; any other counts only its link to
  // a relevant thing. And an active fact with more support, the same subject and predicate and
  // another object answers instead of any rival fact or open claim.
  const namesNamed = (slug: string | undefined): boolean => {
    const names = slug === undefined ? undefined : corpus.entity(slug)?.terms?.names;
    return names !== undefined && names.some(named);
  };
  for (const document of reached) {
    if (!document.claim) continue;
    const candidate = document.candidate as Candidate;
    const link = candidate.link;
    if (candidate.about !== undefined) {
      const isNamed =
        candidate.about.some(named) ||
        (link !== undefined && (namesNamed(link.subject) || namesNamed(link.object)));
      const linkedValue = link === undefined ? 0 : linkedRelevance(link, entityScore);
      document.relevance = claimRelevance(document.relevance, linkedValue, isNamed);
    }
    if (document.relevance > 0 && corpus.contested(document)) document.relevance = 0;
  }

  // Below the floor an item is unrelated whatever its rank: those are listed in memory order,
  // unsorted (sorting every item a broad learned tag reaches is what would cost the time).
  const order: ContextDocument[] = [];
  const outranked: ContextDocument[] = [];
  const below: ContextDocument[] = [];
  // Counted by kind, as places in CANDIDATE_KINDS: the candidates the task did not reach (all of
  // them less those it did), those over the budget and those below the floor.
  const unreached = corpus.candidateKinds();
  const overBudget = CANDIDATE_KINDS.map(() => 0);
  const beside = CANDIDATE_KINDS.map(() => 0);
  const weak = CANDIDATE_KINDS.map(() => 0);
  const best = CANDIDATE_KINDS.map(() => 0);
  for (const document of reached) {
    const value = document.relevance;
    if (!(value > 0)) continue;
    const candidate = document.candidate as Candidate;
    document.score = round(value * document.trust * recencyFactor(candidate.at, newest));
    if (RANKED_AGAINST_THE_BEST.has(candidate.item.kind))
      best[document.kindIndex] = Math.max(best[document.kindIndex] ?? 0, document.score);
  }
  for (const document of reached) {
    if (!(document.relevance > 0)) continue;
    if (document.score >= RELEVANCE_FLOOR) {
      // The best of a kind is never under the floor when a document of that kind is above it, so
      // a pruned ranking (which scores all that may reach the floor) finds the same best.
      const outrankedBelow = OUTRANKED_BELOW * (best[document.kindIndex] ?? 0);
      if (document.score < outrankedBelow) {
        outranked.push(document);
        tally(beside, document.kindIndex, 1);
      } else order.push(document);
      tally(unreached, document.kindIndex, -1);
    } else if (!pruned) {
      below.push(document);
      tally(unreached, document.kindIndex, -1);
      tally(weak, document.kindIndex, 1);
    }
    // A pruned ranking's score below the floor may lack what an item it left out would have added:
    // counted and listed as the items it left out are, unrelated with 0.
  }
  // Equal scores by id, then in memory order (as a stable sort of items in memory order gives).
  const byScore = (a: ContextDocument, b: ContextDocument): number =>
    b.score - a.score ||
    compareIds((a.candidate as Candidate).item.id, (b.candidate as Candidate).item.id) ||
    a.position - b.position;
  order.sort(byScore);
  outranked.sort(byScore);

  let tokens = always.reduce((sum, item) => sum + item.tokens, 0);
  const included: RankedItem[] = [];
  // Over the budget, outranked, then below the floor: what the task reached and left out, with its
  // score.
  const scored: ExcludedItem[] = [];
  let rewardItems = 0;
  for (const document of order) {
    const { item } = document.candidate as Candidate;
    const score = document.score;
    if (
      tokens + item.tokens > input.budget ||
      (item.kind === 'reward' && rewardItems >= MAX_REWARD_ITEMS)
    ) {
      scored.push(excludedItem(item, score, 'over token budget'));
      tally(overBudget, document.kindIndex, 1);
    } else {
      included.push(rankedItem(item, score));
      tokens += item.tokens;
      if (item.kind === 'reward') rewardItems++;
    }
  }
  for (const document of outranked)
    scored.push(excludedItem((document.candidate as Candidate).item, document.score, 'outranked'));
  below.sort((a, b) => a.position - b.position);
  for (const document of below)
    scored.push(excludedItem((document.candidate as Candidate).item, document.score, 'unrelated'));

  // The corpus makes new lists when memory changes, never changing these: the context keeps them.
  const { dormant, candidates } = corpus;
  const dormantCounts = corpus.dormantCounts();
  let excluded: ExcludedItem[] | undefined;
  const context: AssembledContext = {
    taskId: input.taskId,
    task,
    budget: input.budget,
    always,
    included,
    // The dormant items, then what the task reached and left out, then every candidate nothing
    // relates to the task (scoring 0), each in memory order: listed when first read.
    get excluded(): ExcludedItem[] {
      if (excluded === undefined) {
        const related = new Set([...order, ...outranked, ...below]);
        // Filled by push from a literal: a spread of an empty list makes an array V8 types as
        // holding small integers, whose kind the first item pushed changes.
        const list: ExcludedItem[] = [];
        for (const item of dormant) list.push(item);
        for (const item of scored) list.push(item);
        for (const document of candidates) if (!related.has(document)) list.push(document.excluded);
        excluded = list;
      }
      return excluded;
    },
    learnedTags,
    tokens,
  };
  const total = (counts: number[]) => counts.reduce((sum, n) => sum + n, 0);
  return withExclusions(context, {
    count: dormant.length + scored.length + total(unreached),
    counts: () => {
      const counts: ExclusionCounts = new Map();
      for (const [reason, kinds] of dormantCounts)
        for (const [kind, n] of kinds) countExclusion(counts, reason, kind, n);
      CANDIDATE_KINDS.forEach((kind, i) => {
        countExclusion(counts, 'over token budget', kind, overBudget[i] ?? 0);
        countExclusion(counts, 'outranked', kind, beside[i] ?? 0);
        countExclusion(counts, 'unrelated', kind, (weak[i] ?? 0) + (unreached[i] ?? 0));
      });
      return counts;
    },
    // Whatever the task did not reach scores 0: the best are all among what it reached, unless
    // fewer of those than asked for score above 0.
    best: (n) => {
      const best = highestScoring(scored, n);
      const last = best.at(-1);
      return best.length === n && last !== undefined && last.score > 0
        ? best
        : highestScoring(context.excluded, n);
    },
  });
}

/**
 * From this many candidates on, a task's ranking leaves out the items that cannot reach the
 * relevance floor (`essentialKeys`). In a large memory nearly every item shares a common word
 * ("fix", "retry") with a task, and scoring them all made each task cost the whole memory; below
 * this many, scoring them all costs under a millisecond and lists every unrelated item's score.
 */
export const PRUNE_FROM = 1000;
/** An item whose relevance is below this scores below RELEVANCE_FLOOR, however its score rounds. */
const PRUNE_BELOW = RELEVANCE_FLOOR - 0.001;

/** The text terms and tags through which a ranking reaches items. */
interface RankingKeys {
  terms: string[];
  tags: string[];
  /**
   * The most an item holding only the terms left out can score by text: the ranking holds when the
   * best text score it found is at least this, so no item left out is the best text match.
   */
  leftOutCeiling: number;
  /**
   * What an item reached only through a tag can have of relevance besides that tag's worth: its
   * text relevance (it holds only the terms left out) and the most a tag left out is worth. A
   * pruned ranking reaches such an item only when, with these, it may reach the floor
   * (`mayReachFloor`); undefined: every holder of a tag is reached.
   */
  tagOnly?: { text: number; tagWorth: number };
  /** The best text score the bounds were measured against (`bestTextAmongRarest`). */
  measuredAgainst?: number;
}

/**
 * Whether an item reached only through a tag, whose relevance is at most `most`, may score at the
 * relevance floor: its score is its relevance times its trust and recency. A thing passes its
 * relevance times its trust on to the facts about it (`linkedRelevance`, at most 0.9 of it, times
 * the fact's own trust and recency, each at most 1), so its recency does not count here.
 */
function mayReachFloor(document: ContextDocument, most: number, newest: number): boolean {
  const candidate = document.candidate as Candidate;
  if (!(document.trust <= 1)) return true;
  const recency = candidate.entity === undefined ? recencyFactor(candidate.at, newest) : 1;
  return most * document.trust * recency >= PRUNE_BELOW;
}

/**
 * The keys a ranking must reach items through so that every item it leaves out falls below the
 * relevance floor. An item that holds none of them has, of the task's terms, only the ones left
 * out: its text score is at most the sum of their ceilings (`scoreCeiling`), so its text relevance
 * is at most 0.6 × that sum over the best text score (`bestText`, or any score below it) × min(1,
 * 2 × their share of the query's weight), and its tag relevance at most 0.4 × the most a tag left
 * out is worth. Names, experience and links reach what they raise on their own, and whatever a
 * fact inherits from a thing left out is below the floor too. The keys held by the most items are
 * left out first, while that bound stays below the floor.
 */
function essentialKeys(
  corpus: ContextCorpus,
  query: readonly string[],
  wantedTags: readonly [string, number][],
  bestText: number,
): RankingKeys {
  const text = corpus.text;
  const queryTerms = [...new Set(query)];
  const total = queryTerms.reduce((sum, term) => sum + text.weight(term), 0);
  type Key = { term: string; holders: number } | { tag: string; worth: number; holders: number };
  const keys: Key[] = [
    ...queryTerms.map((term) => ({ term, holders: text.frequency(term) })),
    ...wantedTags.map(([tag, worth]) => ({ tag, worth, holders: corpus.holdingTag(tag).size })),
  ].sort((a, b) => b.holders - a.holders);
  const essential: RankingKeys = {
    terms: [],
    tags: [],
    leftOutCeiling: 0,
    measuredAgainst: bestText,
  };
  // The most text relevance an item holding only terms whose ceilings sum to `ceiling` and whose
  // share of the query's weight is `ofWeight` can have: against the best text score found, or (none
  // found yet) against a best of at least their ceilings, which the ranking checks once it has
  // scored what it reached.
  const textBound = (ceiling: number, ofWeight: number): number =>
    0.6 * (bestText > 0 ? Math.min(1, ceiling / bestText) : 1) * Math.min(1, 2 * ofWeight);
  // What the keys left out so far add up to: their share of the query's weight, the sum of their
  // score ceilings, the most a tag among them is worth.
  let share = 0;
  let tagWorth = 0;
  for (const key of keys) {
    const isTerm = 'term' in key;
    const nextShare = isTerm && total > 0 ? share + text.weight(key.term) / total : share;
    const nextCeiling = essential.leftOutCeiling + (isTerm ? text.scoreCeiling(key.term) : 0);
    const nextWorth = isTerm ? tagWorth : Math.max(tagWorth, key.worth);
    if (textBound(nextCeiling, nextShare) + 0.4 * nextWorth < PRUNE_BELOW) {
      share = nextShare;
      tagWorth = nextWorth;
      essential.leftOutCeiling = nextCeiling;
    } else if (isTerm) essential.terms.push(key.term);
    else essential.tags.push(key.tag);
  }
  essential.tagOnly = { text: textBound(essential.leftOutCeiling, share), tagWorth };
  return essential;
}

/**
 * The best text score among the items holding the task's rarest term (a score no higher than the
 * best of all): 0 when even that term is held by more than an eighth of the items, whose scoring
 * would cost what leaving items out saves.
 */
function bestTextAmongRarest(corpus: ContextCorpus, query: readonly string[]): number {
  const text = corpus.text;
  let rarest: string | undefined;
  for (const term of query) {
    const holders = text.frequency(term);
    if (holders > 0 && (rarest === undefined || holders < text.frequency(rarest))) rarest = term;
  }
  if (rarest === undefined || text.frequency(rarest) > text.size / 8) return 0;
  const holding: ContextDocument[] = [];
  text.eachHolding(rarest, (document) => holding.push(document));
  let best = 0;
  text.eachScored(query, query, holding, (_, score) => {
    best = Math.max(best, score);
  });
  return best;
}

/** Adds `n` to the count at `at`. */
function tally(counts: number[], at: number, n: number): void {
  counts[at] = (counts[at] ?? 0) + n;
}

/** Counts rankings, so a document knows whether the current one reached it. */
let rankings = 0;

function alwaysItems(sources: ContextSources): ContextItem[] {
  const { persona, constraints, goals } = sources.human;
  const open = goals
    .filter((g) => !g.done)
    .map((g) => `- ${g.text}`)
    .join('\n');
  const items: ContextItem[] = [
    item('persona.md', 'persona', 'Persona', [], persona.text),
    item('constraints.md', 'constraints', 'Constraints', [], constraints.text),
  ];
  if (open) items.push(item('goals.md', 'goals', 'Open goals', [], open));
  return items;
}

/** Every item the model was shown, by id. */
export function contextItems(context: AssembledContext): ContextItem[] {
  return [...context.always, ...context.included];
}

/** context.md names at most this many excluded items; the rest are counted by reason and kind. */
export const LISTED_EXCLUSIONS = 10;

/**
 * context.md: what the model was shown, in full, and a bounded account of what it was not shown
 * (the best-scoring exclusions by name, the rest counted), so the file stays small however large
 * memory grows.
 */
export function renderContextMarkdown(context: AssembledContext, assembledAt: string): string {
  const exclusions = exclusionsOf(context);
  const listed = exclusions.best(LISTED_EXCLUSIONS);
  const lines = [
    `# Context — ${context.taskId}`,
    '',
    'Ephemeral: rebuilt for every task and never committed.',
    '',
    `- Task: ${context.task}`,
    `- Assembled: ${assembledAt}`,
    `- Tokens: ${context.tokens} of a ${context.budget}-token budget`,
    `- Learned retrieval tags: ${context.learnedTags.join(', ') || 'none yet'}`,
    '',
    '## Included',
    '',
    ...context.always.map((i) => `- ${i.id} (always; ${i.tokens} tokens)`),
    ...context.included.map((i) => `- ${i.id} (score ${i.score}; ${i.tokens} tokens)`),
    '',
    '## Excluded',
    '',
    ...(exclusions.count === 0
      ? ['Nothing.']
      : [
          ...listed.map((i) => `- ${i.id} (${i.reason}${i.score > 0 ? `; score ${i.score}` : ''})`),
          ...exclusionSummary(exclusions, listed.length),
        ]),
    '',
    '## Content',
  ];
  for (const i of contextItems(context))
    lines.push('', `### ${i.id} — ${i.title}`, '', i.text || '(empty)');
  return `${lines.join('\n')}\n`;
}

/** A table of every excluded item counted by reason and kind, when not all of them are listed. */
function exclusionSummary(exclusions: Exclusions, listed: number): string[] {
  if (exclusions.count <= listed) return [];
  const counts = exclusions.counts();
  const columns = [...new Set([...counts.values()].flatMap((kinds) => [...kinds.keys()]))].sort();
  const rows = [...counts].sort(([a], [b]) => a.localeCompare(b));
  return [
    '',
    `${exclusions.count} items excluded in all; the ${listed} with the highest scores are listed above.`,
    '',
    `| reason | ${columns.join(' | ')} | total |`,
    `|---|${columns.map(() => '---|').join('')}---|`,
    ...rows.map(([reason, byKind]) => {
      const total = [...byKind.values()].reduce((sum, n) => sum + n, 0);
      return `| ${reason} | ${columns.map((kind) => byKind.get(kind) ?? 0).join(' | ')} | ${total} |`;
    }),
  ];
}
