// Context ranking's signals, each shown changing the ranking as documented: a thing the task names
// (by name or alias), links from it to the facts and claims about it, skills similar past tasks
// applied, how specific a matched tag is, and recency.
import {
  assembleContext,
  OUTRANKED_BELOW,
  RELEVANCE_FLOOR,
  type AssembledContext,
} from '../src/context/assemble.js';
import {
  contestedByBetterFact,
  linkedRelevance,
  mentions,
  nameTerms,
  recencyFactor,
  RECENCY_FLOOR,
  TagSpecificity,
  claimRelevance,
} from '../src/context/signals.js';
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
const AT = '2026-03-01T00:00:00Z';

function skill(slug: string, title: string, body: string, extra: object = {}): Skill {
  const data = SkillSchema.parse({ title, tags: [], created: AT, last_used: AT, ...extra });
  return { slug, path: `agents/${AGENT}/skills/${slug}.md`, data, body };
}

function entity(slug: string, name: string, body: string, aliases: string[] = []): Belief {
  const data = EntitySchema.parse({ kind: 'entity', name, aliases, confidence: 0.8, created: AT });
  return { slug, path: `agents/${AGENT}/world/entities/${slug}.md`, data, body };
}

function relation(slug: string, name: string, subject: string, object: string): Belief {
  const data = RelationSchema.parse({
    kind: 'relation',
    name,
    aliases: [],
    confidence: 0.8,
    created: AT,
    subject,
    predicate: 'writes to',
    object,
  });
  return { slug, path: `agents/${AGENT}/world/relations/${slug}.md`, data, body: `${name}.` };
}

/** An open claim "<subject> <predicate> <object>", supported by `supports` distinct tasks. */
function claim(subjectName: string, predicate: string, object: string, supports: number): Belief {
  const text = `${subjectName} ${predicate} ${object}`;
  const subject = subjectName.toLowerCase().replaceAll(' ', '-');
  const slug = `${subject}-${supports}`;
  const data = HypothesisSchema.parse({
    kind: 'hypothesis',
    name: text,
    aliases: [],
    tags: [subject, predicate.replaceAll(' ', '-')],
    confidence: 0.5,
    created: AT,
    evidence: Array.from({ length: supports }, (_, i) => ({
      task: `task-${i}`,
      supports: true,
      at: AT,
    })),
    claim: text,
    proposes: 'relation',
    subject,
    predicate: predicate.replaceAll(' ', '-'),
    object,
  });
  return { slug, path: `agents/${AGENT}/world/hypotheses/${slug}.md`, data, body: '' };
}

function past(
  task: string,
  skillsUsed: string[],
  reward: 1 | -1,
  tags: string[] = [],
): RewardRecord {
  return {
    task,
    task_id: `past-${task.length}-${reward}`,
    agent: AGENT,
    at: AT,
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
    skills_used: skillsUsed,
    feedback: null,
  };
}

function assemble(
  task: string,
  sources: { skills?: Skill[]; world?: Belief[]; rewards?: RewardRecord[] },
): AssembledContext {
  return assembleContext({
    taskId: 'task-1',
    task,
    budget: 4000,
    sources: {
      agent: AGENT,
      human: HUMAN,
      skills: sources.skills ?? [],
      world: sources.world ?? [],
      segments: [],
      rewards: sources.rewards ?? [],
    },
  });
}

const score = (context: AssembledContext, id: string) =>
  [...context.included, ...context.excluded].find((item) => item.id === id)?.score;
const includedIds = (context: AssembledContext) => context.included.map((item) => item.id);

describe('context ranking signals', () => {
  it('puts a thing the task names by its alias first, above things sharing its words', () => {
    const world = [
      entity('billing-cache', 'Billing cache', 'Caches invoices for the billing API.', [
        'Falcon 12',
      ]),
      entity('lag-monitor', 'Lag monitor', 'Watches replication lag and lag alerts.'),
    ];
    const named = assemble('Fix the replication lag in Falcon 12', { world });
    expect(includedIds(named)[0]).toBe('world/entities/billing-cache.md');
    // Without the alias in the task, the word-sharing thing wins and the aliased one is unrelated.
    const unnamed = assemble('Fix the replication lag in falcon', { world });
    expect(includedIds(unnamed)).toEqual(['world/entities/lag-monitor.md']);
  });

  it('brings in the facts from a named thing, even when they share no word with the task', () => {
    const world = [
      entity('billing-cache', 'Billing cache', 'Caches invoices.', ['Falcon 12']),
      entity('ledger-queue', 'Ledger queue', 'Queues ledger entries.'),
      relation(
        'falcon-writes-ledger',
        'Falcon 12 writes to Ledger queue',
        'billing-cache',
        'ledger-queue',
      ),
      relation(
        'ledger-writes-falcon',
        'Ledger queue writes to Falcon 12',
        'ledger-queue',
        'billing-cache',
      ),
    ];
    const context = assemble('Billing cache drops entries', { world });
    const ids = includedIds(context);
    expect(ids).toContain('world/relations/falcon-writes-ledger.md');
    // A fact from the thing inherits more than one pointing at it.
    expect(score(context, 'world/relations/falcon-writes-ledger.md')).toBeGreaterThan(
      score(context, 'world/relations/ledger-writes-falcon.md') ?? 0,
    );
    // Without a link to a named thing, the same fact is unrelated to the task.
    const unlinked = assemble('Billing cache drops entries', { world: world.slice(2) });
    expect(includedIds(unlinked)).toEqual([]);
  });

  it('reaches the facts of a thing known so far only from a claim, by an alias the claim records', () => {
    // "Drilo Quaqua, also called Project Xativve" is an open claim (a hypothesis proposing the
    // thing), not yet an entity; a settled fact about it names it by slug.
    const thing: Belief = {
      slug: 'drilo-quaqua',
      path: `agents/${AGENT}/world/hypotheses/drilo-quaqua.md`,
      body: '',
      data: HypothesisSchema.parse({
        kind: 'hypothesis',
        name: 'Drilo Quaqua',
        aliases: ['Project Xativve'],
        tags: ['drilo-quaqua'],
        confidence: 0.6,
        created: AT,
        evidence: ['t1', 't2'].map((task) => ({ task, supports: true, at: AT })),
        claim: 'Drilo Quaqua is a system the agent works with, also called Project Xativve',
        proposes: 'entity',
      }),
    };
    const fact = relation(
      'drilo-quaqua-writes-to-ledger',
      'Drilo Quaqua writes to the ledger queue',
      'drilo-quaqua',
      'ledger-queue',
    );
    const context = assemble('Why does Project Xativve stall at night?', { world: [thing, fact] });
    expect(includedIds(context)).toEqual([
      'world/hypotheses/drilo-quaqua.md',
      'world/relations/drilo-quaqua-writes-to-ledger.md',
    ]);
    // Once an entity holds the slug, it speaks for the thing: the claim's names no longer do.
    const settled = entity('drilo-quaqua', 'Drilo Quaqua', 'A system.');
    const later = assemble('Why does Project Xativve stall at night?', {
      world: [settled, thing, fact],
    });
    expect(includedIds(later)).not.toContain('world/relations/drilo-quaqua-writes-to-ledger.md');
  });

  it('shows a fact or a claim for what it is about, not for a word it shares with the task', () => {
    // One supporting task: below what promotion asks for, so the claim is unsettled.
    const unsettled = claim('Yorqua Sawen', 'authenticates by', 'fjord', 1);
    const supported = claim('Yorqua Sawen', 'authenticates by', 'fjord', 3);
    const fact = relation(
      'yorqua-oauth',
      'Yorqua Sawen authenticates by oauth',
      'yorqua-sawen',
      'oauth',
    );
    Object.assign(fact.data, { predicate: 'authenticates-by', tags: ['authenticates-by'] });
    const elsewhere = 'Do the kaloven reconcile ledger for Mirel Tosk (how it authenticates).';
    // The shared word "authenticates" brings in none of them: each is left out as unrelated.
    for (const belief of [unsettled, supported, fact]) {
      const context = assemble(elsewhere, { world: [belief] });
      expect(includedIds(context)).toEqual([]);
      expect(context.excluded).toContainEqual(
        expect.objectContaining({
          id: belief.path.replace(`agents/${AGENT}/`, ''),
          reason: 'unrelated',
        }),
      );
    }
    // A task that names its object (oauth) gets the fact.
    expect(includedIds(assemble('Check what authenticates by oauth.', { world: [fact] }))).toEqual([
      'world/relations/yorqua-oauth.md',
    ]);
    // A task that names the thing the claim is about gets it, ranked by its own words.
    const about = assemble(
      'Do the kaloven reconcile ledger for Yorqua Sawen (how it authenticates).',
      {
        world: [unsettled],
      },
    );
    expect(includedIds(about)).toEqual(['world/hypotheses/yorqua-sawen-1.md']);
  });

  it('shows an unsettled claim when the task names its subject by an alias of the entity', () => {
    const world = [
      entity('yorqua-sawen', 'Yorqua Sawen', 'The login gateway.', ['Project Zalvor']),
      claim('Yorqua Sawen', 'authenticates by', 'fjord', 1),
    ];
    const context = assemble('Rotate the keys of Project Zalvor (how it authenticates).', {
      world,
    });
    expect(includedIds(context)).toContain('world/hypotheses/yorqua-sawen-1.md');
  });

  it('leaves out an unsettled claim a settled fact contests, and shows the fact', () => {
    const truth = relation(
      'yorqua-oauth',
      'Yorqua Sawen authenticates by oauth',
      'yorqua-sawen',
      'oauth',
    );
    // As promoted from a claim: its predicate and tags.
    Object.assign(truth.data, {
      predicate: 'authenticates-by',
      tags: ['yorqua-sawen', 'authenticates-by'],
      evidence: ['t1', 't2', 't3'].map((task) => ({ task, supports: true, at: AT, note: null })),
    });
    const rival = claim('Yorqua Sawen', 'authenticates by', 'fjord', 1);
    const task = 'Do the kaloven reconcile ledger for Yorqua Sawen (how it authenticates).';
    const thing = entity('yorqua-sawen', 'Yorqua Sawen', 'The login gateway.');
    const context = assemble(task, { world: [thing, truth, rival] });
    expect(includedIds(context)).toEqual([
      'world/entities/yorqua-sawen.md',
      'world/relations/yorqua-oauth.md',
    ]);
    expect(context.excluded).toContainEqual(
      expect.objectContaining({ id: 'world/hypotheses/yorqua-sawen-1.md', reason: 'unrelated' }),
    );
    // A fact with another predicate does not contest it.
    (truth.data as { predicate: string }).predicate = 'stores-in';
    expect(includedIds(assemble(task, { world: [thing, truth, rival] }))).toContain(
      'world/hypotheses/yorqua-sawen-1.md',
    );
  });

  it('ranks the skill similar past tasks applied with success above an identical one', () => {
    const skills = [
      skill('throttle-a', 'Throttle webhook senders', 'Slow the sender down.'),
      skill('throttle-b', 'Throttle webhook senders', 'Slow the sender down.'),
    ];
    const before = assemble('Webhook senders flood the gateway', { skills });
    expect(score(before, 'skills/throttle-a.md')).toBe(score(before, 'skills/throttle-b.md'));
    const rewards = [
      past('Webhook senders flood the gateway again', ['skills/throttle-b.md'], 1),
      past('Webhook senders flood the proxy', ['skills/throttle-a.md'], -1),
    ];
    const after = assemble('Webhook senders flood the gateway', { skills, rewards });
    expect(score(after, 'skills/throttle-b.md')).toBeGreaterThan(
      score(after, 'skills/throttle-a.md') ?? 0,
    );
    expect(includedIds(after)).toContain('skills/throttle-b.md');
    // A skill that failed on a similar task gains nothing from it: with the past tasks' own text
    // now the best text match, it falls below the relevance floor.
    expect(includedIds(after)).not.toContain('skills/throttle-a.md');
  });

  it('counts a learned tag by how specific it is', () => {
    const common = Array.from({ length: 30 }, (_, i) =>
      skill(`other-${i}`, `Other procedure ${i}`, 'Unrelated steps.', { tags: ['reliability'] }),
    );
    const skills = [
      skill('broad', 'Procedure', 'Steps.', { tags: ['reliability'] }),
      skill('specific', 'Procedure', 'Steps.', { tags: ['cache-invalidation'] }),
      ...common,
    ];
    const rewards = [
      past('Stale prices after deploy', [], 1, ['reliability', 'cache-invalidation']),
    ];
    const context = assemble('Stale prices after deploy', { skills, rewards });
    expect(context.learnedTags).toEqual(['cache-invalidation', 'reliability']);
    expect(score(context, 'skills/specific.md')).toBeGreaterThan(
      2 * (score(context, 'skills/broad.md') ?? 0),
    );
  });

  it('leaves out a skill that shares one common word with the task, beside the skill that matches it', () => {
    // As a long-lived agent's skills look: a made-up name each, over a few common verbs and nouns.
    const syllables = ['ka', 'lo', 've', 'dri', 'nu', 'sa', 'tor', 'wen'];
    const skills = Array.from({ length: 40 }, (_, i) => {
      const name = i === 0 ? 'lumei' : `${syllables[i % 8]}${syllables[Math.floor(i / 8)]}`;
      const verb = ['migrate', 'replay', 'throttle', 'audit'][i % 4] as string;
      const common = ['ledger', 'invoice', 'cursor', 'quota', 'schema'][i % 5] as string;
      // Only the first is the task's "migrate ledger".
      const noun = i > 0 && verb === 'migrate' && common === 'ledger' ? 'schema' : common;
      const title = `${name} ${verb} ${noun}`;
      return skill(`${name}-${verb}-${noun}`, title, `1. Check the inputs of the ${title}.`, {
        tags: [name, verb, noun],
      });
    });
    // And the things it knows: in a memory this size a word 1 item in 30 holds still looks specific.
    const world = Array.from({ length: 500 }, (_, i) => {
      const name = `${syllables[i % 8]}${syllables[Math.floor(i / 8) % 8]} ${syllables[Math.floor(i / 64)]}mo`;
      return entity(`thing-${i}`, name, `${name} serves requests.`);
    });
    const task =
      'Do the lumei migrate ledger for Zenmei Pexost (how it authenticates) and Yorqua Sawen (how it bills).';
    // The skill that matches has served a task like this one: experience adds to it.
    const rewards = [
      past(task.replace('Yorqua Sawen', 'Sola Brim'), ['skills/lumei-migrate-ledger.md'], 1),
    ];
    const context = assemble(task, { skills, world, rewards });
    const skillsIn = (c: AssembledContext) =>
      includedIds(c).filter((id) => id.startsWith('skills/'));
    expect(skillsIn(context)).toEqual(['skills/lumei-migrate-ledger.md']);
    // Each of the others that shares "migrate" or "ledger" with the task: above the floor, under a
    // third of the best skill's score, listed as outranked with its score.
    const best = score(context, 'skills/lumei-migrate-ledger.md') ?? 0;
    const outranked = context.excluded.filter((item) => item.reason === 'outranked');
    expect(outranked.map((item) => item.id).sort()).toEqual(
      skills
        .map((s) => s.path.replace(`agents/${AGENT}/`, ''))
        .filter((id) => id !== 'skills/lumei-migrate-ledger.md')
        .filter((id) => /-migrate-|-ledger\./.test(id))
        .sort(),
    );
    for (const item of outranked) {
      expect(item.score).toBeGreaterThanOrEqual(RELEVANCE_FLOOR);
      expect(item.score).toBeLessThan(OUTRANKED_BELOW * best);
    }
    // Without the skill that matches, the others are shown: a skill is outranked only by a better one.
    const without = assemble(task, {
      skills: skills.filter((s) => s.slug !== 'lumei-migrate-ledger'),
      world,
      rewards,
    });
    expect(skillsIn(without).sort()).toEqual(outranked.map((item) => item.id).sort());
    expect(without.excluded.some((item) => item.reason === 'outranked')).toBe(false);
  });

  it('breaks a tie between equal items by recency, within the recency floor', () => {
    const skills = [
      skill('old', 'Rotate certificates', 'Rotate them.', { last_used: '2025-01-01T00:00:00Z' }),
      skill('new', 'Rotate certificates', 'Rotate them.', { last_used: AT }),
    ];
    const context = assemble('Rotate certificates', { skills });
    expect(includedIds(context)).toEqual(['skills/new.md', 'skills/old.md']);
    const ratio = (score(context, 'skills/old.md') ?? 0) / (score(context, 'skills/new.md') ?? 1);
    expect(ratio).toBeGreaterThanOrEqual(RECENCY_FLOOR - 0.01);
    expect(ratio).toBeLessThan(1);
  });
});

describe('context items of memory read through the memory index', () => {
  it('are built once per loaded value, and again for a changed file', () => {
    // The memory index hands out frozen values: the same object while a file is unchanged.
    const deepFreeze = <T>(value: T): T => {
      if (typeof value === 'object' && value !== null) {
        Object.values(value).forEach(deepFreeze);
        Object.freeze(value);
      }
      return value;
    };
    const before = deepFreeze(entity('billing-cache', 'Billing cache', 'Caches invoices.'));
    const first = assemble('Warm the billing cache', { world: [before] });
    expect(assemble('Warm the billing cache', { world: [before] })).toEqual(first);
    // The file changed: a new value, whose new text and confidence the context shows.
    const after = deepFreeze({
      ...before,
      data: { ...before.data, confidence: 0.2 },
      body: 'Caches invoices and refunds.',
    });
    const changed = assemble('Warm the billing cache', { world: [after] });
    expect(changed.included[0]?.text).toBe('Caches invoices and refunds.');
    expect(changed.included[0]?.confidence).toBe(0.2);
    expect(first.included[0]?.confidence).toBe(0.8);
    // A value that is not frozen may change in place: it is never taken from an earlier task.
    const loose = entity('billing-cache', 'Billing cache', 'Caches invoices.');
    assemble('Warm the billing cache', { world: [loose] });
    loose.body = 'Caches receipts.';
    expect(assemble('Warm the billing cache', { world: [loose] }).included[0]?.text).toBe(
      'Caches receipts.',
    );
  });
});

describe('signal functions', () => {
  it('match names on whole consecutive terms', () => {
    expect(
      mentions(nameTerms('Fix lag in the Tenant queue today'), nameTerms('Tenant queue')),
    ).toBe(true);
    expect(mentions(nameTerms('Tenant cache queue'), nameTerms('Tenant queue'))).toBe(false);
    expect(mentions(nameTerms('Tenant queue east'), nameTerms('Tenant queue v2'))).toBe(false);
    expect(mentions('anything', '')).toBe(false);
  });

  it('count the own words of an unsettled claim only when the task names what it is about', () => {
    expect(claimRelevance(0.3, 0, false)).toBe(0);
    expect(claimRelevance(0.3, 0.1, false)).toBe(0.1);
    expect(claimRelevance(0.3, 0.1, true)).toBe(0.3);
    expect(claimRelevance(0.3, 0.8, true)).toBe(0.8);
  });

  it('let a better-supported fact contest a claim with its subject and predicate, another object', () => {
    const claimLink = { subject: 'a', predicate: 'feeds', object: 'b', support: 1 };
    const fact = (kind: string, object: string, predicate = 'feeds', support = 3) => ({
      kind,
      link: { subject: 'a', predicate, object, support },
    });
    expect(contestedByBetterFact(claimLink, [fact('relation', 'c')])).toBe(true);
    expect(contestedByBetterFact(claimLink, [fact('relation', 'b')])).toBe(false);
    expect(contestedByBetterFact(claimLink, [fact('hypothesis', 'c')])).toBe(false);
    expect(contestedByBetterFact(claimLink, [fact('relation', 'c', 'reads')])).toBe(false);
    // A claim as well supported as the fact is not outweighed by it.
    expect(contestedByBetterFact(claimLink, [fact('relation', 'c', 'feeds', 1)])).toBe(false);
  });

  it('link a fact to its subject more than to its object', () => {
    const scores = new Map([['a', 0.8]]);
    expect(linkedRelevance({ subject: 'a', object: 'b' }, (s) => scores.get(s))).toBeCloseTo(0.72);
    expect(linkedRelevance({ subject: 'b', object: 'a' }, (s) => scores.get(s))).toBeCloseTo(0.4);
    expect(linkedRelevance({}, (s) => scores.get(s))).toBe(0);
  });

  it('weigh rare tags above common ones and recent items above old ones', () => {
    const tags = new TagSpecificity([['rare'], ['common'], ['common'], ['common'], ['common']]);
    const wanted = new Map([
      ['rare', 1],
      ['common', 1],
    ]);
    expect(tags.score(0, wanted)).toBe(1);
    expect(tags.score(1, wanted)).toBeLessThan(0.5);
    expect(tags.score(1, new Map())).toBe(0);
    const now = Date.parse(AT);
    expect(recencyFactor(now, now)).toBe(1);
    expect(recencyFactor(now - 90 * 86_400_000, now)).toBeCloseTo(
      RECENCY_FLOOR + (1 - RECENCY_FLOOR) / 2,
    );
    expect(recencyFactor(undefined, now)).toBe(1);
  });
});
