// Context assembly through the process's corpus, kept from task to task and brought up to date by
// what changed, gives exactly what a pass over every candidate gives: over random memories, changed
// between tasks (files added, changed, removed, listed twice, edited in place when not frozen).
import fc from 'fast-check';
import {
  assembleContext,
  PRUNE_FROM,
  OUTRANKED_BELOW,
  RELEVANCE_FLOOR,
  SKILL_EXPERIENCE,
  TAG_LEARNING_WINDOW,
  type AssembledContext,
  type ContextSources,
  type ExcludedItem,
  type RankedItem,
} from '../src/context/assemble.js';
import { Bm25Index } from '../src/context/bm25.js';
import {
  beliefEntry,
  excludedItem,
  isDormant,
  item,
  itemTerms,
  rankedItem,
  rewardEntry,
  round,
  segmentEntry,
  skillEntry,
  trustOf,
  type Candidate,
  type Dormant,
} from '../src/context/candidates.js';
import { ContextCorpus } from '../src/context/corpus.js';
import { exclusionsOf } from '../src/context/exclusions.js';
import { everythingInMemoryOrder } from '../src/context/scope.js';
import {
  contestedByBetterFact,
  learnFromExperience,
  linkedRelevance,
  mentions,
  NAME_MENTION,
  nameTerms,
  recencyFactor,
  TagSpecificity,
  claimRelevance,
} from '../src/context/signals.js';
import { terms } from '../src/context/text.js';
import type { Segment } from '../src/consensus/segments.js';
import type { RewardRecord } from '../src/memory/rewards.js';
import { SkillSchema, type Skill } from '../src/memory/skills.js';
import {
  EntitySchema,
  HypothesisSchema,
  RelationSchema,
  type Belief,
} from '../src/world/beliefs.js';
import { humanFilesFixture } from './helpers/human.js';

const AGENT = 'orion';
const HUMAN = humanFilesFixture(AGENT);
const VOCABULARY = [
  'retry',
  'payment',
  'webhook',
  'queue',
  'tenant',
  'cache',
  'lag',
  'cursor',
  'token',
  'region',
  'shard',
  'billing',
];
/** Entity slugs: relations and claims name them, and two entities may share one. */
const SLUGS = ['e0', 'e1', 'e2'];
const DAY = 86_400_000;
const EPOCH = Date.parse('2026-01-01T00:00:00Z');
const day = (n: number) => new Date(EPOCH + n * DAY).toISOString().replace('.000', '');

const word = fc.constantFrom(...VOCABULARY);
const phrase = (min: number, max: number) =>
  fc.array(word, { minLength: min, maxLength: max }).map((words) => words.join(' '));
const tagList = fc.array(word, { maxLength: 3 });
const confidence = fc.integer({ min: 0, max: 10 }).map((n) => n / 10);

/** A memory value built from its arbitrary fields; `frozen` as the memory index hands them out. */
type Value = Skill | Belief | Segment | RewardRecord;
type Kind = 'skills' | 'world' | 'segments' | 'rewards';

const skillValue = fc
  .record({
    slug: fc.integer({ min: 0, max: 30 }),
    title: phrase(1, 3),
    tags: tagList,
    body: phrase(0, 8),
    archived: fc.boolean(),
    uses: fc.integer({ min: 0, max: 5 }),
    lastUsed: fc.option(fc.integer({ min: 0, max: 400 })),
  })
  .map(({ slug, title, tags, body, archived, uses, lastUsed }): Value => {
    const data = SkillSchema.parse({
      title,
      tags,
      uses,
      successes: Math.floor(uses / 2),
      created: day(0),
      last_used: lastUsed === null ? null : day(lastUsed),
      status: archived ? 'archived' : 'active',
    });
    return { slug: `s${slug}`, path: `agents/${AGENT}/skills/s${slug}.md`, data, body };
  });

const evidence = (untrusted: boolean) =>
  untrusted
    ? [
        {
          task: 'issue-1',
          supports: true,
          at: day(1),
          source: { kind: 'issue', association: 'NONE', login: 'someone' },
        },
      ]
    : [];

const beliefValue = fc
  .record({
    kind: fc.constantFrom('entity', 'relation', 'hypothesis'),
    slug: fc.constantFrom(...SLUGS),
    index: fc.integer({ min: 0, max: 30 }),
    name: phrase(1, 3),
    aliases: fc.array(phrase(1, 2), { maxLength: 2 }),
    tags: tagList,
    body: phrase(0, 8),
    confidence,
    inactive: fc.boolean(),
    untrusted: fc.boolean(),
    subject: fc.option(fc.constantFrom(...SLUGS, 'elsewhere')),
    object: fc.option(fc.constantFrom(...SLUGS, 'elsewhere')),
    validAt: fc.option(fc.integer({ min: 0, max: 400 })),
  })
  .map((spec): Value => {
    const common = {
      name: spec.name,
      aliases: spec.aliases,
      tags: spec.tags,
      confidence: spec.confidence,
      evidence: evidence(spec.untrusted),
      created: day(0),
      valid_at: spec.validAt === null ? null : day(spec.validAt),
    };
    const subject = spec.subject ?? 'e0';
    const object = spec.object ?? 'e1';
    if (spec.kind === 'entity') {
      const data = EntitySchema.parse({
        kind: 'entity',
        ...common,
        status: spec.inactive ? 'retired' : 'active',
      });
      const path = `agents/${AGENT}/world/entities/${spec.slug}.md`;
      return { slug: spec.slug, path, data, body: spec.body } as Belief;
    }
    const slug = `${spec.kind[0]}${spec.index}`;
    const data =
      spec.kind === 'relation'
        ? RelationSchema.parse({
            kind: 'relation',
            ...common,
            subject,
            predicate: 'feeds',
            object,
            status: spec.inactive ? 'superseded' : 'active',
          })
        : HypothesisSchema.parse({
            kind: 'hypothesis',
            ...common,
            claim: `${spec.name} ${spec.body}`.trim(),
            proposes: 'relation',
            ...(spec.subject === null ? {} : { subject: spec.subject, predicate: 'feeds' }),
            ...(spec.object === null ? {} : { object: spec.object }),
            status: spec.inactive ? 'refuted' : 'open',
          });
    const folder = spec.kind === 'relation' ? 'relations' : 'hypotheses';
    return {
      slug,
      path: `agents/${AGENT}/world/${folder}/${slug}.md`,
      data,
      body: spec.body,
    } as Belief;
  });

const segmentValue = fc
  .record({
    topic: fc.integer({ min: 0, max: 5 }),
    title: phrase(1, 3),
    tags: tagList,
    body: phrase(0, 8),
  })
  .map(({ topic, title, tags, body }): Value => ({
    topic: `t${topic}`,
    path: `shared/segments/t${topic}.md`,
    title,
    tags,
    body,
  }));

const rewardValue = fc
  .record({
    id: fc.integer({ min: 0, max: 50 }),
    task: phrase(1, 5),
    tags: tagList,
    skills: fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 2 }),
    reward: fc.constantFrom(1, -1),
    failed: fc.boolean(),
  })
  .map(({ id, task, tags, skills, reward, failed }): Value => ({
    task,
    task_id: `task-${id}`,
    agent: AGENT,
    at: day(1),
    outcome: reward > 0 ? 'success' : 'failure',
    reward,
    reward_decomposition: { correctness: reward, efficiency: 0, novelty: 0, generality: 0 },
    context_tags: tags,
    reasoning_demand: 'moderate',
    model_used: 'balanced',
    model_name: 'gpt-4o',
    model_appropriate: 'yes',
    tiers_tried: ['balanced'],
    tokens: { prompt: 1, completion: 1 },
    cost_usd: 0,
    context: { included: 1, used: 1, tokens: 1 },
    world_model_update: [],
    skills_used: skills.map((n) => `skills/s${n}.md`),
    feedback: null,
    ...(failed ? { error: 'timeout: no answer' } : {}),
  }));

const VALUES: Record<Kind, fc.Arbitrary<Value>> = {
  skills: skillValue,
  world: beliefValue,
  segments: segmentValue,
  rewards: rewardValue,
};
const kind = fc.constantFrom<Kind>('skills', 'world', 'segments', 'rewards');
/** Where in a list an operation applies, as a share of its length. */
const place = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

type Operation =
  | { op: 'add'; kind: Kind; value: Value; frozen: boolean; at: number }
  | { op: 'change'; kind: Kind; value: Value; frozen: boolean; at: number }
  | { op: 'remove'; kind: Kind; at: number }
  | { op: 'repeat'; kind: Kind; at: number }
  | { op: 'edit'; kind: Kind; at: number; body: string };

const operation: fc.Arbitrary<Operation> = kind.chain((k) =>
  fc.oneof(
    fc.record({
      op: fc.constant('add' as const),
      kind: fc.constant(k),
      value: VALUES[k],
      frozen: fc.constantFrom(true, true, true, false),
      at: place,
    }),
    fc.record({
      op: fc.constant('change' as const),
      kind: fc.constant(k),
      value: VALUES[k],
      frozen: fc.boolean(),
      at: place,
    }),
    fc.record({ op: fc.constant('remove' as const), kind: fc.constant(k), at: place }),
    fc.record({ op: fc.constant('repeat' as const), kind: fc.constant(k), at: place }),
    fc.record({
      op: fc.constant('edit' as const),
      kind: fc.constant(k),
      at: place,
      body: phrase(0, 4),
    }),
  ),
);

interface Step {
  operations: Operation[];
  task: string;
  budget: number;
}

const step: fc.Arbitrary<Step> = fc.record({
  operations: fc.array(operation, { maxLength: 4 }),
  task: phrase(1, 5),
  budget: fc.constantFrom(20, 60, 200, 4000),
});

type Memory = Record<Kind, Value[]>;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** A value as loaded: frozen, except a skill's wrapper, which the loader builds on every read. */
function loaded(kind: Kind, value: Value, frozen: boolean): Value {
  const copy = structuredClone(value);
  if (!frozen) return copy;
  if (kind === 'skills') {
    deepFreeze((copy as Skill).data);
    return copy;
  }
  return deepFreeze(copy);
}

function apply(memory: Memory, operation: Operation): void {
  const list = memory[operation.kind];
  const at = Math.floor(operation.at * list.length);
  const value = list[at];
  switch (operation.op) {
    case 'add':
      list.splice(
        Math.floor(operation.at * (list.length + 1)),
        0,
        loaded(operation.kind, operation.value, operation.frozen),
      );
      return;
    case 'change':
      if (value) list[at] = loaded(operation.kind, operation.value, operation.frozen);
      return;
    case 'remove':
      if (value) list.splice(at, 1);
      return;
    case 'repeat':
      if (value) list.splice(at, 0, value);
      return;
    case 'edit':
      // Changed in place: only a value that is not frozen can be.
      if (value && !Object.isFrozen(value) && 'body' in value)
        (value as { body: string }).body = operation.body;
      return;
  }
}

/** What the loop passes: a skill's wrapper is new on every read, its data the same frozen value. */
function sourcesOf(memory: Memory): ContextSources {
  return {
    agent: AGENT,
    human: HUMAN,
    skills: memory.skills.map((skill) =>
      Object.isFrozen((skill as Skill).data) ? { ...(skill as Skill) } : (skill as Skill),
    ),
    world: memory.world as Belief[],
    segments: memory.segments as Segment[],
    rewards: memory.rewards as RewardRecord[],
  };
}

/**
 * The ranked context as a pass over every candidate computes it: BM25 and tag specificity over all
 * of them, every signal checked on every item. What the corpus must reproduce.
 */
function everyCandidate(
  task: string,
  sources: ContextSources,
  budget: number,
  scope: 'ranked' | 'everything' = 'ranked',
): AssembledContext {
  const rewards = sources.rewards.filter((record) => record.error === undefined);
  const always = [
    item('persona.md', 'persona', 'Persona', [], sources.human.persona.text),
    item('constraints.md', 'constraints', 'Constraints', [], sources.human.constraints.text),
  ];
  const query = terms(task);
  const experience = learnFromExperience(query, rewards.slice(-TAG_LEARNING_WINDOW));
  const wanted = new Map<string, number>();
  for (const [tag, weight] of experience.tagWeights)
    for (const term of terms(tag)) wanted.set(term, Math.max(wanted.get(term) ?? 0, weight));
  for (const term of query) wanted.set(term, 1);
  const entries = [
    ...sources.skills.map((skill) => skillEntry(AGENT, skill)),
    ...sources.world.map((belief) => beliefEntry(AGENT, belief)),
    ...sources.segments.map(segmentEntry),
    ...rewards.slice(-20).map(rewardEntry),
  ];
  const dormant = entries.filter(isDormant) as Dormant[];
  const candidates = entries.filter((entry) => !isDormant(entry)) as Candidate[];
  if (scope === 'everything') {
    const loaded = everythingInMemoryOrder(
      always,
      candidates.map((candidate) => candidate.item),
      budget,
    );
    const asleep = dormant.map((d) => excludedItem(d.item, 0, d.reason));
    return {
      taskId: 'task',
      task,
      budget,
      always,
      ...loaded,
      excluded: [...asleep, ...loaded.excluded],
      learnedTags: experience.tags,
    };
  }
  const documents = candidates.map((candidate) => itemTerms(candidate, undefined));
  const matches = new Bm25Index(documents.map((d) => d.text)).matches(query, query);
  const specificity = new TagSpecificity(documents.map((d) => d.tags));
  const maxText = matches.reduce((max, match) => Math.max(max, match.score), 0);
  const relevance = candidates.map(() => 0);
  for (const { document: i, score, coverage } of matches)
    relevance[i] = maxText > 0 ? 0.6 * (score / maxText) * Math.min(1, 2 * coverage) : 0;
  const phrase = nameTerms(task);
  candidates.forEach((candidate, i) => {
    relevance[i] = (relevance[i] as number) + 0.4 * specificity.score(i, wanted);
    if ((documents[i] as { names: string[] }).names.some((name) => mentions(phrase, name)))
      relevance[i] = Math.max(relevance[i] as number, NAME_MENTION);
    const credit = experience.skills.get(candidate.item.id);
    if (credit !== undefined)
      relevance[i] = Math.min(1, (relevance[i] as number) + SKILL_EXPERIENCE * credit);
  });
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
  // A fact or an unsettled claim counts its own words only when the task names what it is about.
  const entityNames = new Map<string, string[]>();
  candidates.forEach((candidate, i) => {
    if (candidate.entity !== undefined)
      entityNames.set(candidate.entity, (documents[i] as { names: string[] }).names);
  });
  candidates.forEach((candidate, i) => {
    if (candidate.about === undefined) return;
    const link = candidate.link;
    const mentioned = (name: string) => mentions(phrase, name);
    const named =
      candidate.about.some(mentioned) ||
      [link?.subject, link?.object].some(
        (slug) => slug !== undefined && (entityNames.get(slug) ?? []).some(mentioned),
      );
    const linked = link === undefined ? 0 : linkedRelevance(link, (slug) => entityScores.get(slug));
    relevance[i] = claimRelevance(relevance[i] as number, linked, named);
  });
  // Any fact or open claim: out when an active fact with more support contests it.
  const facts = candidates.map((c) => ({ kind: c.item.kind, link: c.link }));
  candidates.forEach((candidate, i) => {
    const link = candidate.link;
    if (!['hypothesis', 'relation'].includes(candidate.item.kind) || link === undefined) return;
    if ((relevance[i] as number) > 0 && contestedByBetterFact(link, facts)) relevance[i] = 0;
  });
  const newest = candidates.reduce((max, c) => Math.max(max, c.at ?? -Infinity), -Infinity);
  const scores = candidates.map((candidate, i) =>
    round((relevance[i] as number) * trustOf(candidate.item) * recencyFactor(candidate.at, newest)),
  );
  const related = candidates.flatMap((_, i) => ((relevance[i] as number) > 0 ? [i] : []));
  // A skill or a past task under a third of the best of its kind is outranked.
  const best = new Map<string, number>();
  for (const i of related) {
    const kind = (candidates[i] as Candidate).item.kind;
    if (kind === 'skill' || kind === 'reward')
      best.set(kind, Math.max(best.get(kind) ?? 0, scores[i] as number));
  }
  const isOutranked = (i: number): boolean =>
    (scores[i] as number) <
    OUTRANKED_BELOW * (best.get((candidates[i] as Candidate).item.kind) ?? 0);
  const collator = new Intl.Collator();
  const byScore = (a: number, b: number): number =>
    (scores[b] as number) - (scores[a] as number) ||
    collator.compare((candidates[a] as Candidate).item.id, (candidates[b] as Candidate).item.id);
  const above = related.filter((i) => (scores[i] as number) >= RELEVANCE_FLOOR).sort(byScore);
  const order = above.filter((i) => !isOutranked(i));
  const outranked = above.filter(isOutranked);
  const weak = related.filter((i) => (scores[i] as number) < RELEVANCE_FLOOR);
  let tokens = always.reduce((sum, i) => sum + i.tokens, 0);
  const included: RankedItem[] = [];
  const excluded: ExcludedItem[] = dormant.map((d) => excludedItem(d.item, 0, d.reason));
  let rewardItems = 0;
  for (const i of [...order, ...weak]) {
    const { item: it } = candidates[i] as Candidate;
    const score = scores[i] as number;
    if (score < RELEVANCE_FLOOR) excluded.push(excludedItem(it, score, 'unrelated'));
    else if (tokens + it.tokens > budget || (it.kind === 'reward' && rewardItems >= 5))
      excluded.push(excludedItem(it, score, 'over token budget'));
    else {
      included.push(rankedItem(it, score));
      tokens += it.tokens;
      if (it.kind === 'reward') rewardItems++;
    }
  }
  excluded.splice(
    excluded.length - weak.length,
    0,
    ...outranked.map((i) =>
      excludedItem((candidates[i] as Candidate).item, scores[i] as number, 'outranked'),
    ),
  );
  candidates.forEach((candidate, i) => {
    if (!((relevance[i] as number) > 0))
      excluded.push(excludedItem(candidate.item, round(0 * trustOf(candidate.item)), 'unrelated'));
  });
  return {
    taskId: 'task',
    task,
    budget,
    always,
    included,
    excluded,
    learnedTags: experience.tags,
    tokens,
  };
}

/**
 * What a pruned ranking shares with the full one: what is included, what is over the budget or
 * dormant (in order, with scores), the counts and the best-scoring few. Below the floor it lists
 * the same items as unrelated, each with 0: it scored only what could reach the floor.
 */
function expectPrunedAsFull(pruned: AssembledContext, full: AssembledContext): void {
  expect(pruned.included).toStrictEqual(full.included);
  expect(pruned.tokens).toBe(full.tokens);
  expect(pruned.learnedTags).toEqual(full.learnedTags);
  const told = exclusionsOf(pruned);
  const listed = exclusionsOf(full);
  expect(told.count).toBe(listed.count);
  expect(told.counts()).toEqual(listed.counts());
  const scored = (context: AssembledContext) =>
    context.excluded.filter((item) => item.reason !== 'unrelated');
  expect(scored(pruned)).toStrictEqual(scored(full));
  const overBudget = scored(full).filter((item) => item.reason === 'over token budget').length;
  for (const n of [1, 3, 10].filter((n) => n <= overBudget))
    expect(told.best(n)).toEqual(listed.best(n));
  const unrelated = (context: AssembledContext) =>
    context.excluded
      .filter((item) => item.reason === 'unrelated')
      .map((item) => `${item.kind} ${item.id}`)
      .sort();
  expect(unrelated(pruned)).toEqual(unrelated(full));
  for (const item of pruned.excluded) if (item.reason === 'unrelated') expect(item.score).toBe(0);
}

const initial = fc.record({
  skills: fc.array(skillValue, { maxLength: 12 }),
  world: fc.array(beliefValue, { maxLength: 16 }),
  segments: fc.array(segmentValue, { maxLength: 3 }),
  rewards: fc.array(rewardValue, { maxLength: 25 }),
});

describe('context assembly through the process corpus', () => {
  it('gives what a pass over every candidate gives, task after task, as memory changes', () => {
    fc.assert(
      fc.property(initial, fc.array(step, { minLength: 1, maxLength: 6 }), (start, steps) => {
        const memory: Memory = {
          skills: start.skills.map((v) => loaded('skills', v, true)),
          world: start.world.map((v) => loaded('world', v, true)),
          segments: start.segments.map((v) => loaded('segments', v, true)),
          rewards: start.rewards.map((v) => loaded('rewards', v, true)),
        };
        let before: { context: AssembledContext; expected: AssembledContext } | undefined;
        for (const { operations, task, budget } of steps) {
          for (const operation of operations) apply(memory, operation);
          const sources = sourcesOf(memory);
          const input = { taskId: 'task', task, sources, budget };
          const expected = everyCandidate(task, sources, budget);
          const context = assembleContext(input);
          // What context.md tells of the exclusions, without listing them, is what their list says.
          const told = exclusionsOf(context);
          const listed = exclusionsOf(expected);
          expect(told.count).toBe(listed.count);
          expect(told.counts()).toEqual(listed.counts());
          for (const n of [1, 3, 10]) expect(told.best(n)).toEqual(listed.best(n));
          expect(context).toStrictEqual(expected);
          // A context listed after the corpus moved on to the next task lists what it left out.
          if (before) expect(before.context.excluded).toEqual(before.expected.excluded);
          before = { context: assembleContext(input), expected };
          expect(assembleContext({ ...input, corpus: new ContextCorpus() })).toStrictEqual(
            expected,
          );
          // A pruned ranking (a large memory's, PRUNE_FROM) gives what the full one gives.
          expectPrunedAsFull(
            assembleContext({ ...input, corpus: new ContextCorpus(), prune: true }),
            expected,
          );
          // The baseline that loads every item in memory order draws on the same corpus.
          expect(assembleContext({ ...input, scope: 'everything' })).toStrictEqual(
            everyCandidate(task, sources, budget, 'everything'),
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives a thing the score of the last entity that names it, as the pass over every item does', () => {
    const entity = (name: string): Belief =>
      deepFreeze({
        slug: 'e0',
        path: `agents/${AGENT}/world/entities/e0.md`,
        data: EntitySchema.parse({
          kind: 'entity',
          name,
          aliases: [],
          confidence: 0.5,
          created: day(0),
        }),
        body: '',
      });
    const relation = deepFreeze({
      slug: 'r0',
      path: `agents/${AGENT}/world/relations/r0.md`,
      data: RelationSchema.parse({
        kind: 'relation',
        name: 'Feeds',
        aliases: [],
        confidence: 1,
        created: day(0),
        subject: 'e0',
        predicate: 'feeds',
        object: 'e9',
      }),
      body: '',
    });
    for (const world of [
      [entity('billing cache'), entity('lag monitor'), relation],
      [entity('lag monitor'), entity('billing cache'), relation],
    ]) {
      const sources = { ...sourcesOf({ skills: [], world, segments: [], rewards: [] }) };
      const context = assembleContext({
        taskId: 'task',
        task: 'lag monitor',
        sources,
        budget: 4000,
      });
      expect(context).toStrictEqual(everyCandidate('lag monitor', sources, 4000));
    }
  });

  it('in a large memory scores only the items that can reach the floor, and ranks as the full pass does', () => {
    const skill = (slug: string, title: string, body: string): Skill => ({
      slug,
      path: `agents/${AGENT}/skills/${slug}.md`,
      data: deepFreeze(SkillSchema.parse({ title, tags: [], created: day(0) })),
      body,
    });
    const memory = (others: number): ContextSources => ({
      agent: AGENT,
      human: HUMAN,
      skills: [
        skill('kaloven', 'Reconcile the kaloven ledger', 'Retry the reconcile once it closes.'),
        ...Array.from({ length: others }, (_, i) =>
          skill(`other-${i}`, `Procedure ${i}`, `Retry the service when it fails.`),
        ),
      ],
      world: [],
      segments: [],
      rewards: [],
    });
    // The documents a ranking scored.
    const scoredBy = (corpus: ContextCorpus): string[] => {
      const seen: string[] = [];
      const eachScored = corpus.text.eachScored.bind(corpus.text);
      corpus.text.eachScored = (query, covered, documents, visit) =>
        eachScored(query, covered, documents, (document, score, coverage) => {
          seen.push(document.candidate?.item.id ?? '');
          visit(document, score, coverage);
        });
      return seen;
    };
    const rank = (sources: ContextSources, prune?: boolean) => {
      const corpus = new ContextCorpus();
      const scored = scoredBy(corpus);
      const task = 'Retry the kaloven reconcile';
      const context = assembleContext({
        taskId: 'task',
        task,
        sources,
        budget: 4000,
        corpus,
        prune,
      });
      return { context, scored: new Set(scored) };
    };
    const sources = memory(60);
    const full = rank(sources, false);
    const pruned = rank(sources, true);
    expect(full.context.included.map((item) => item.id)).toEqual(['skills/kaloven.md']);
    expectPrunedAsFull(pruned.context, full.context);
    // The sixty that share only "retry" with the task: the full pass scores them (below the
    // floor), the pruned ranking never looks at them.
    expect(full.scored.size).toBe(61);
    expect([...pruned.scored]).toEqual(['skills/kaloven.md']);
    // Unasked, a ranking prunes from PRUNE_FROM candidates on.
    expect(rank(sources).scored.size).toBe(61);
    expect([...rank(memory(PRUNE_FROM - 1)).scored]).toEqual(['skills/kaloven.md']);
  });

  it('leaves out a holder of a tag only when neither it nor a fact about it can reach the floor', () => {
    // Every thing and fact says "cache", so the word is left out as a term; some things hold it as
    // a tag too, which is kept: through it the ranking reaches those things alone, and leaves
    // out the ones whose score cannot reach the floor. A thing's own score counts its recency, what
    // it passes on to its fact (0.9 of its relevance times its trust) does not: a thing too old to
    // be shown can still make its fact relevant, and must be reached.
    type Thing = { confidence: number; age: number; tagged: boolean; factConfidence: number };
    const worldOf = (things: Thing[]) =>
      things.flatMap((spec, i): Belief[] => [
        deepFreeze({
          slug: `e${i}`,
          path: `agents/${AGENT}/world/entities/e${i}.md`,
          data: EntitySchema.parse({
            kind: 'entity',
            name: `Cache unit ${i}`,
            aliases: [],
            tags: spec.tagged ? ['cache'] : ['other'],
            confidence: spec.confidence,
            created: day(0),
            valid_at: day(3000 - spec.age),
          }),
          body: '',
        }),
        deepFreeze({
          slug: `r${i}`,
          path: `agents/${AGENT}/world/relations/r${i}.md`,
          data: RelationSchema.parse({
            kind: 'relation',
            name: `Cache unit ${i} feeds`,
            aliases: [],
            confidence: spec.factConfidence,
            created: day(0),
            valid_at: day(3000),
            subject: `e${i}`,
            predicate: 'feeds',
            object: 'elsewhere',
          }),
          body: '',
        }),
      ]);
    // The task's rare word, so that the best text score is known before the ranking.
    const rare: Skill = {
      slug: 'kaloven',
      path: `agents/${AGENT}/skills/kaloven.md`,
      data: deepFreeze(SkillSchema.parse({ title: 'Kaloven', tags: [], created: day(3000) })),
      body: 'Warm the kaloven cache.',
    };
    const rankBoth = (things: Thing[]) => {
      const world = worldOf(things);
      const sources = sourcesOf({ skills: [rare], world, segments: [], rewards: [] });
      const input = { taskId: 'task', task: 'Warm the kaloven cache', sources, budget: 40_000 };
      const full = everyCandidate(input.task, sources, input.budget);
      expectPrunedAsFull(
        assembleContext({ ...input, corpus: new ContextCorpus(), prune: true }),
        full,
      );
      return full.included.map((item) => item.id);
    };
    const others = (n: number): Thing[] =>
      Array.from({ length: n }, () => ({
        confidence: 1,
        age: 0,
        tagged: false,
        factConfidence: 0.5,
      }));
    // A tagged thing of every low confidence and a few ages, with a fully trusted fact.
    let factWithoutItsThing = 0;
    for (const age of [300, 600, 1200])
      for (let percent = 0; percent <= 60; percent += 2) {
        const included = rankBoth([
          { confidence: percent / 100, age, tagged: true, factConfidence: 1 },
          ...others(19),
        ]);
        if (
          included.includes('world/relations/r0.md') &&
          !included.includes('world/entities/e0.md')
        )
          factWithoutItsThing++;
      }
    // The case the rule is for did occur: a fact shown through a thing not shown itself.
    expect(factWithoutItsThing).toBeGreaterThan(0);
    const thing = fc.record({
      confidence: fc.double({ min: 0, max: 1, noNaN: true }),
      age: fc.integer({ min: 0, max: 1500 }),
      tagged: fc.boolean(),
      factConfidence: fc.double({ min: 0.5, max: 1, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(thing, { minLength: 4, maxLength: 30 }), (things) => {
        rankBoth(things);
      }),
      { numRuns: 150 },
    );
  });

  it('reaches through every key when an item it would leave out has the best text score', () => {
    const skill = (slug: string, body: string): Skill => ({
      slug,
      path: `agents/${AGENT}/skills/${slug}.md`,
      data: deepFreeze(SkillSchema.parse({ title: slug, tags: [], created: day(0) })),
      body,
    });
    const common = 'amber basil cedar dune ember fable gorse heath';
    const sources: ContextSources = {
      agent: AGENT,
      human: HUMAN,
      skills: [
        // The only one with the rare word, in so long a text that its score is small.
        skill('rare', `kaloven ${'lorem '.repeat(20_000)}`),
        // The best text match: every common word of the task, fifty times.
        skill('common', `${common} `.repeat(50)),
        ...Array.from({ length: 98 }, (_, i) => skill(`other-${i}`, common)),
      ],
      world: [],
      segments: [],
      rewards: [],
    };
    const input = { taskId: 'task', task: `kaloven ${common}`, sources, budget: 100_000 };
    const full = assembleContext({ ...input, corpus: new ContextCorpus(), prune: false });
    // Measured against "common", the rare word's long text falls below the floor: nothing is in.
    expect(full.included).toEqual([]);
    expect(full.excluded.map((item) => item.id)).toContain('skills/rare.md');
    expectPrunedAsFull(
      assembleContext({ ...input, corpus: new ContextCorpus(), prune: true }),
      full,
    );
  });

  it('keeps a value changed in place at its place, and finds it there once the values before it go', () => {
    const skill = (slug: string, title: string): Value =>
      loaded(
        'skills',
        {
          slug,
          path: `agents/${AGENT}/skills/${slug}.md`,
          data: SkillSchema.parse({ title, tags: [], created: day(0) }),
          body: title,
        },
        true,
      );
    const memory: Memory = {
      skills: [
        skill('a', 'Rotate the signing secret'),
        skill('b', 'Drain the tenant queue'),
        skill('c', 'Shard the billing cache'),
      ],
      world: [],
      segments: [],
      rewards: [],
    };
    const task = 'drain the tenant queue lag';
    const check = () => {
      const sources = sourcesOf(memory);
      const expected = everyCandidate(task, sources, 4000);
      expect(assembleContext({ taskId: 'task', task, sources, budget: 4000 })).toStrictEqual(
        expected,
      );
      return expected.included.map((item) => item.title);
    };
    expect(check()).toEqual(['Drain the tenant queue']);
    // Changed in place: the lists are copied with the new value put in its place.
    memory.skills[1] = skill('b', 'Drain the tenant queue lag');
    expect(check()).toEqual(['Drain the tenant queue lag']);
    // The value before it gone: the changed one is found again, and only the gone one leaves.
    memory.skills.splice(0, 1);
    expect(check()).toEqual(['Drain the tenant queue lag']);
    memory.skills.unshift(skill('d', 'Lag alerts for the tenant queue'));
    expect(check()).toEqual(['Drain the tenant queue lag', 'Lag alerts for the tenant queue']);
  });

  it('serves an unchanged memory from the corpus, and sees a file that changed', () => {
    // Frozen whole, as the memory index serves an unchanged file's skill on every read.
    const skill = (body: string): Skill => {
      const data = SkillSchema.parse({
        title: 'Retry webhooks',
        tags: ['webhook'],
        created: day(0),
      });
      return deepFreeze({ slug: 'retry', path: `agents/${AGENT}/skills/retry.md`, data, body });
    };
    const first = skill('Back off between attempts.');
    const sources = (skills: Skill[]): ContextSources => ({
      agent: AGENT,
      human: HUMAN,
      skills,
      world: [],
      segments: [],
      rewards: [],
    });
    const assemble = (skills: Skill[], task: string) =>
      assembleContext({ taskId: 'task', task, sources: sources(skills), budget: 4000 });

    expect(assemble([first], 'retry the webhook').included.map((i) => i.text)).toEqual([
      'Back off between attempts.',
    ]);
    // Same data, new body (the file changed): the new body is what is shown.
    expect(
      assemble([{ ...first, body: 'Use jitter.' }], 'retry the webhook').included.map(
        (i) => i.text,
      ),
    ).toEqual(['Use jitter.']);
    // An unrelated task excludes the same frozen object every time the skill is unchanged.
    const a = assemble([first], 'rotate the signing secret').excluded;
    const b = assemble([first], 'rotate the signing secret').excluded;
    expect(a).toHaveLength(1);
    expect(a[0]).toBe(b[0]);
    expect(Object.isFrozen(a[0])).toBe(true);
    // A skill read anew (not the index's frozen value) is built anew, and reads the same.
    expect(assemble([{ ...first }], 'rotate the signing secret').excluded).toEqual(a);
  });
});
