// Task-scoped context (SPEC §4): persona and constraints always, then the skills, beliefs, shared
// segments and recent rewards most relevant to the task, ranked and cut to a token budget.
import type { Segment } from '../consensus/segments.js';
import type { HumanFiles } from '../memory/human.js';
import type { ParseCache } from '../memory/parse-cache.js';
import { agentRelative } from '../memory/layout.js';
import type { RewardRecord } from '../memory/rewards.js';
import { skillSuccessRate, type Skill } from '../memory/skills.js';
import { isLive, type Belief } from '../world/beliefs.js';
import { isTrusted } from '../world/provenance.js';
import { Bm25Index, countTerms, type TermCounts } from './bm25.js';
import {
  learnFromExperience,
  linkedRelevance,
  mentions,
  NAME_MENTION,
  nameTerms,
  recencyFactor,
  TagSpecificity,
} from './signals.js';
import { estimateTokensOfLength, terms } from './text.js';
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

export function assembleContext(input: {
  taskId: string;
  task: string;
  sources: ContextSources;
  budget: number;
  /** What the context may draw on (scope.ts); the ranked selection when absent. */
  scope?: ContextScope;
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

  const { candidates, dormant } = candidateItems(sources);
  if (scope === 'everything') {
    const items = candidates.map((candidate) => candidate.item);
    const loaded = everythingInMemoryOrder(always, items, input.budget);
    const asleep = dormant.map(({ item, reason }) => excludedItem(item, 0, reason));
    const { taskId, budget } = input;
    return {
      taskId,
      task,
      budget,
      always,
      ...loaded,
      excluded: [...asleep, ...loaded.excluded],
      learnedTags,
    };
  }
  const documents = candidates.map((candidate) => itemTerms(candidate, sources.cache));
  const index = new Bm25Index(documents.map((document) => document.text));
  const specificity = new TagSpecificity(documents.map((document) => document.tags));
  // Text relevance is the task's own words; learned tags reach items through their tags only, so
  // an item that merely repeats a learned tag in its text does not outrank the task's own subject.
  const matches = index.matches(query, query);
  const maxText = matches.reduce((max, match) => Math.max(max, match.score), 0);

  // Direct relevance: BM25 ranks items against each other; coverage of the task's own terms keeps
  // a weak best match (one shared common word) from looking like a strong one; a matched tag
  // counts by how specific it is and how much the task wants it.
  const relevance = new Float64Array(candidates.length);
  for (const { document: i, score: textScore, coverage } of matches)
    relevance[i] = maxText > 0 ? 0.6 * (textScore / maxText) * Math.min(1, 2 * coverage) : 0;
  for (let i = 0; i < candidates.length; i++)
    relevance[i] = (relevance[i] as number) + 0.4 * specificity.score(i, wanted);
  // Names: a thing the task names (by name or alias) is what the task is about.
  const taskPhrase = nameTerms(task);
  documents.forEach((document, i) => {
    if (document.names.some((name) => mentions(taskPhrase, name)))
      relevance[i] = Math.max(relevance[i] as number, NAME_MENTION);
  });
  // Experience: a skill the most similar past tasks applied with success.
  for (let i = 0; i < candidates.length; i++) {
    const credit = experience.skills.get((candidates[i] as Candidate).item.id);
    if (credit !== undefined)
      relevance[i] = Math.min(1, (relevance[i] as number) + SKILL_EXPERIENCE * credit);
  }
  // Links: a fact or claim about a relevant thing is relevant with it.
  const entityScores = new Map<string, number>();
  candidates.forEach((candidate, i) => {
    if (candidate.entity !== undefined)
      entityScores.set(candidate.entity, (relevance[i] as number) * trustOf(candidate.item));
  });
  candidates.forEach((candidate, i) => {
    if (candidate.link === undefined) return;
    const linked = linkedRelevance(candidate.link, (slug) => entityScores.get(slug));
    if (linked > (relevance[i] as number)) relevance[i] = linked;
  });
  const newest = candidates.reduce((max, c) => Math.max(max, c.at ?? -Infinity), -Infinity);

  // Scores as plain numbers: objects are made once per item, for the list it ends up in.
  const order: number[] = [];
  // Below the floor an item is unrelated whatever its rank: those are listed in memory order,
  // unsorted (sorting every item a broad learned tag reaches is what would cost the time).
  const weak: number[] = [];
  const scores = new Float64Array(candidates.length);
  for (let i = 0; i < candidates.length; i++) {
    if ((relevance[i] as number) <= 0) continue;
    const candidate = candidates[i] as Candidate;
    scores[i] = round(
      (relevance[i] as number) * trustOf(candidate.item) * recencyFactor(candidate.at, newest),
    );
    if ((scores[i] as number) >= RELEVANCE_FLOOR) order.push(i);
    else weak.push(i);
  }
  const ids = candidates.map((candidate) => candidate.item.id);
  order.sort((a, b) => (scores[b] as number) - (scores[a] as number) || compareIds(ids[a], ids[b]));

  let tokens = always.reduce((sum, item) => sum + item.tokens, 0);
  const included: RankedItem[] = [];
  const excluded: ExcludedItem[] = dormant.map(({ item, reason }) => excludedItem(item, 0, reason));
  let rewardItems = 0;
  for (const i of [...order, ...weak]) {
    const item = (candidates[i] as Candidate).item;
    const score = scores[i] as number;
    if (score < RELEVANCE_FLOOR) excluded.push(excludedItem(item, score, 'unrelated'));
    else if (tokens + item.tokens > input.budget)
      excluded.push(excludedItem(item, score, 'over token budget'));
    else if (item.kind === 'reward' && rewardItems >= MAX_REWARD_ITEMS) {
      excluded.push(excludedItem(item, score, 'over token budget'));
    } else {
      included.push(rankedItem(item, score));
      tokens += item.tokens;
      if (item.kind === 'reward') rewardItems++;
    }
  }
  // The items nothing relates to the task, last and in memory order: unrelated, scoring 0.
  for (let i = 0; i < candidates.length; i++) {
    if ((relevance[i] as number) > 0) continue;
    const item = (candidates[i] as Candidate).item;
    excluded.push(excludedItem(item, round(0 * trustOf(item)), 'unrelated'));
  }
  return {
    taskId: input.taskId,
    task,
    budget: input.budget,
    always,
    included,
    excluded,
    learnedTags,
    tokens,
  };
}

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

/** A candidate item and the file it comes from, when it has one. */
interface Candidate {
  item: ContextItem;
  path?: string;
  /** An entity's slug: what facts and claims name it by. */
  entity?: string;
  /** An entity's name and aliases. */
  names?: string[];
  /** The things a relation or claim is about (slugs). */
  link?: { subject?: string | undefined; object?: string | undefined };
  /** When the item was last used or became valid (ms since the epoch). */
  at?: number;
}

function candidateItems(sources: ContextSources): {
  candidates: Candidate[];
  dormant: { item: ContextItem; reason: ExcludedItem['reason'] }[];
} {
  const candidates: Candidate[] = [];
  const dormant: { item: ContextItem; reason: ExcludedItem['reason'] }[] = [];
  const place = (entry: CandidateOrDormant): void => {
    if ('reason' in entry) dormant.push(entry);
    else candidates.push(entry);
  };
  for (const skill of sources.skills)
    place(memoized(skillEntries, skill, sources.agent, () => skillEntry(sources.agent, skill)));
  for (const belief of sources.world)
    place(memoized(beliefEntries, belief, sources.agent, () => beliefEntry(sources.agent, belief)));
  for (const segment of sources.segments) {
    candidates.push({
      item: item(segment.path, 'segment', segment.title, segment.tags, segment.body),
      path: segment.path,
    });
  }
  for (const record of sources.rewards.slice(-RECENT_REWARDS)) {
    const summary = `${record.task} — ${record.outcome} (reward ${record.reward}) on ${record.model_used}; demand ${record.reasoning_demand}`;
    candidates.push({
      item: item(`rewards#${record.task_id}`, 'reward', record.task, record.context_tags, summary),
    });
  }
  return { candidates, dormant };
}

type Dormant = { item: ContextItem; reason: ExcludedItem['reason'] };
type CandidateOrDormant = Candidate | Dormant;

/**
 * A file's candidate (or why it is dormant), kept per loaded value while that value lives: memory
 * read through the memory index hands out the same frozen value for unchanged content, so a
 * process that runs many tasks (`run --all`, the daemon) builds each item once, not once a task.
 * A value that is not frozen may change, so it is built every time.
 */
const skillEntries = new WeakMap<Skill, { agent: string; entry: CandidateOrDormant }>();
const beliefEntries = new WeakMap<Belief, { agent: string; entry: CandidateOrDormant }>();

function memoized<K extends object>(
  memo: WeakMap<K, { agent: string; entry: CandidateOrDormant }>,
  key: K,
  agent: string,
  build: () => CandidateOrDormant,
): CandidateOrDormant {
  if (!Object.isFrozen(key)) return build();
  const known = memo.get(key);
  if (known?.agent === agent) return known.entry;
  const entry = build();
  memo.set(key, { agent, entry });
  return entry;
}

function skillEntry(agent: string, skill: Skill): CandidateOrDormant {
  const entry = withConfidence(
    item(agentRelative(agent, skill.path), 'skill', skill.data.title, skill.data.tags, skill.body),
    skillSuccessRate(skill.data),
  );
  if (skill.data.status === 'archived') return { item: entry, reason: 'archived' };
  return { item: entry, path: skill.path, at: timeOf(skill.data.last_used ?? skill.data.created) };
}

function beliefEntry(agent: string, belief: Belief): CandidateOrDormant {
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
  const triple = data as { subject?: string; object?: string };
  return {
    item: entry,
    path: belief.path,
    at: timeOf(data.valid_at ?? data.created),
    ...(data.kind === 'entity'
      ? { entity: belief.slug, names: [data.name, ...data.aliases] }
      : { link: { subject: triple.subject, object: triple.object } }),
  };
}

function timeOf(timestamp: string | null | undefined): number | undefined {
  const ms = timestamp ? Date.parse(timestamp) : NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

function item(
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
interface ItemTerms {
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
function itemTerms(candidate: Candidate, cache: ParseCache | undefined): ItemTerms {
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
function trustOf(item: ContextItem): number {
  return item.confidence === undefined ? 1 : 0.5 + 0.5 * item.confidence;
}

/**
 * Ids in the order `String.prototype.localeCompare` gives (a collator made once: calling
 * localeCompare per pair is what made ranking 10,000 items slow).
 */
const ID_COLLATOR = new Intl.Collator();

function compareIds(a: string | undefined, b: string | undefined): number {
  return ID_COLLATOR.compare(a ?? '', b ?? '');
}

/** Best first; equal scores by id, so the order never depends on the order items came in. */
function byScoreThenId(a: RankedItem, b: RankedItem): number {
  return b.score - a.score || compareIds(a.id, b.id);
}

/**
 * The item with its score, as `{ ...item, score }` would make it (same keys in the same order), by
 * a literal: a spread per item was most of the cost of ranking 10,000 of them.
 */
function rankedItem(item: ContextItem, score: number): RankedItem {
  const { id, kind, title, tags, text, tokens } = item;
  return Object.hasOwn(item, 'confidence')
    ? { id, kind, title, tags, text, tokens, confidence: item.confidence, score }
    : { id, kind, title, tags, text, tokens, score };
}

function excludedItem(
  item: ContextItem,
  score: number,
  reason: ExcludedItem['reason'],
): ExcludedItem {
  const { id, kind, title, tags, text, tokens } = item;
  return Object.hasOwn(item, 'confidence')
    ? { id, kind, title, tags, text, tokens, confidence: item.confidence, score, reason }
    : { id, kind, title, tags, text, tokens, score, reason };
}

/** The `n` first items by `byScoreThenId`, without sorting them all. */
function highestScoring<T extends RankedItem>(items: readonly T[], n: number): T[] {
  const best: T[] = [];
  for (const item of items) {
    const last = best.at(-1);
    if (best.length >= n && last !== undefined && byScoreThenId(item, last) >= 0) continue;
    let at = best.length;
    while (at > 0 && byScoreThenId(item, best[at - 1] as T) < 0) at--;
    best.splice(at, 0, item);
    if (best.length > n) best.pop();
  }
  return best;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
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
  const listed = highestScoring(context.excluded, LISTED_EXCLUSIONS);
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
    ...(context.excluded.length === 0
      ? ['Nothing.']
      : [
          ...listed.map((i) => `- ${i.id} (${i.reason}${i.score > 0 ? `; score ${i.score}` : ''})`),
          ...exclusionSummary(context.excluded, listed.length),
        ]),
    '',
    '## Content',
  ];
  for (const i of contextItems(context))
    lines.push('', `### ${i.id} — ${i.title}`, '', i.text || '(empty)');
  return `${lines.join('\n')}\n`;
}

/** A table of every excluded item counted by reason and kind, when not all of them are listed. */
function exclusionSummary(excluded: readonly ExcludedItem[], listed: number): string[] {
  if (excluded.length <= listed) return [];
  const counts = new Map<string, Map<ContextItemKind, number>>();
  const kinds = new Set<ContextItemKind>();
  for (const item of excluded) {
    const byKind = counts.get(item.reason) ?? new Map<ContextItemKind, number>();
    byKind.set(item.kind, (byKind.get(item.kind) ?? 0) + 1);
    counts.set(item.reason, byKind);
    kinds.add(item.kind);
  }
  const columns = [...kinds].sort();
  const rows = [...counts].sort(([a], [b]) => a.localeCompare(b));
  return [
    '',
    `${excluded.length} items excluded in all; the ${listed} with the highest scores are listed above.`,
    '',
    `| reason | ${columns.join(' | ')} | total |`,
    `|---|${columns.map(() => '---|').join('')}---|`,
    ...rows.map(([reason, byKind]) => {
      const total = [...byKind.values()].reduce((sum, n) => sum + n, 0);
      return `| ${reason} | ${columns.map((kind) => byKind.get(kind) ?? 0).join(' | ')} | ${total} |`;
    }),
  ];
}
