// The world model's deterministic rules on plain data: what counts as the same name, when a
// contradiction refutes in the iteration, when later support brings a belief back, and how a
// person's verdict replaces a task's word.
import type { Belief, Evidence } from '../src/world/beliefs.js';
import {
  beliefConfidence,
  confidenceFromEvidence,
  tallyEvidence,
} from '../src/world/confidence.js';
import { collapseDuplicates, duplicateReason } from '../src/world/duplicates.js';
import { applyVerdict } from '../src/world/feedback.js';
import { promoteHypotheses, settleWorld } from '../src/world/lifecycle.js';
import { observe } from '../src/world/observe.js';

const AT = '2026-05-01T09:00:00Z';

function support(task: string, supports = true, at = AT): Evidence {
  return { task, supports, at, note: null };
}

function thing(slug: string, name: string, options: Partial<Belief['data']> = {}): Belief {
  const kind = options.kind ?? 'entity';
  const folder = kind === 'entity' ? 'entities' : 'hypotheses';
  return {
    slug,
    path: `agents/orion/world/${folder}/${slug}.md`,
    body: '',
    data: {
      kind,
      name,
      aliases: [],
      tags: [],
      confidence: 0.5,
      evidence: [support('seed')],
      created: AT,
      valid_at: null,
      invalid_at: null,
      superseded_by: null,
      status: kind === 'entity' ? 'active' : 'open',
      ...(kind === 'hypothesis' ? { claim: `${name} exists.`, proposes: 'entity' } : {}),
      ...options,
    } as Belief['data'],
  };
}

describe('duplicate detection', () => {
  it.each([
    ['Rate Limiter', 'rate_limiter', /same normalised name/],
    ['Billing services', 'billing service', /same words up to plural and order/],
    ['Report caches', 'Report cache', /same words up to plural and order/],
    ['Rate Limitter', 'Rate limiter', /one letter apart in a long word/],
    ['Invoiice reader', 'Invoice readers', /one letter apart in a long word/],
  ])('"%s" and "%s" are one thing', (a, b, reason) => {
    expect(duplicateReason(thing('a', a), thing('b', b))).toMatch(reason);
  });

  it.each([
    ['API', 'APM'],
    ['SLA', 'SLO'],
    ['Feed reader', 'Feed header'],
    ['Audit headers', 'Audit readers'],
    ['Kafka consumer', 'Kafka producer'],
    ['Payment webhook', 'Payment webhook handler'],
  ])('"%s" and "%s" stay apart', (a, b) => {
    expect(duplicateReason(thing('a', a), thing('b', b))).toBeUndefined();
  });

  it('merges on nominations only from three tasks, with a hypothesis involved and no stronger rival', () => {
    const nominate = (tasks: string[], of: string) =>
      tasks.map((task) => ({ of, task, at: AT, note: null }));
    const usual = thing('billing-service', 'Billing service');
    /** A hypothesis that `tasks` nominated as the billing service. */
    const nominated = (slug: string, name: string, tasks: string[]) =>
      thing(slug, name, {
        kind: 'hypothesis',
        duplicate_nominations: nominate(tasks, usual.path),
      } as Partial<Belief['data']>);
    // A name that shares a word with the other says what it is: two tasks are not enough.
    const sibling = (tasks: string[]) => nominated('billing-queue', 'Billing queue', tasks);
    const two = collapseDuplicates([usual, sibling(['t1', 't2'])], { agent: 'orion', now: AT });
    expect(two.transitions).toEqual([]);
    const siblings = collapseDuplicates([usual, sibling(['t1', 't2', 't3'])], {
      agent: 'orion',
      now: AT,
    });
    expect(siblings.transitions).toEqual([
      expect.objectContaining({
        kind: 'merge',
        path: 'agents/orion/world/hypotheses/billing-queue.md',
        target: usual.path,
        reason: 'nominated as duplicates by 3 tasks (t1, t2, t3)',
      }),
    ]);

    const codename = (tasks: string[]) => nominated('falcon', 'Falcon', tasks);
    // A bare codename: one task is not enough, two are.
    expect(
      collapseDuplicates([usual, codename(['t1'])], { agent: 'orion', now: AT }).transitions,
    ).toEqual([]);
    const bare = collapseDuplicates([usual, codename(['t1', 't2'])], { agent: 'orion', now: AT });
    expect(bare.transitions).toEqual([
      expect.objectContaining({
        kind: 'merge',
        path: 'agents/orion/world/hypotheses/falcon.md',
        target: usual.path,
        reason:
          'nominated as duplicates by 2 tasks (t1, t2), and "Falcon" is a bare name: no fact of its own, no word of the other\'s names',
      }),
    ]);
    expect(bare.beliefs.get(usual.path)?.data.aliases).toEqual(['Falcon']);
    // A codename with a fact of its own is no longer bare: the facts must agree (rule 5), or
    // three tasks say so.
    const ownFact = thing('falcon-calls-ledger-service', 'Falcon calls Ledger service', {
      kind: 'hypothesis',
      proposes: 'relation',
      subject: 'Falcon',
      predicate: 'calls',
      object: 'Ledger service',
    } as Partial<Belief['data']>);
    expect(
      collapseDuplicates([usual, codename(['t1', 't2']), ownFact], { agent: 'orion', now: AT })
        .transitions,
    ).toEqual([]);
    const three = collapseDuplicates([usual, codename(['t1', 't2', 't3'])], {
      agent: 'orion',
      now: AT,
    });
    expect(three.transitions).toEqual([
      expect.objectContaining({
        kind: 'merge',
        path: 'agents/orion/world/hypotheses/falcon.md',
        target: usual.path,
        reason: 'nominated as duplicates by 3 tasks (t1, t2, t3)',
      }),
    ]);
    expect(three.beliefs.get(usual.path)?.data.aliases).toEqual(['Falcon']);

    // Two established things are never merged on a model's word alone.
    const established = thing('falcon', 'Falcon', {
      duplicate_nominations: nominate(['t1', 't2', 't3', 't4'], usual.path),
    } as Partial<Belief['data']>);
    expect(
      collapseDuplicates([usual, established], { agent: 'orion', now: AT }).transitions,
    ).toEqual([]);
    // A rival pairing as strong leaves the question open.
    const rival = thing('ledger-service', 'Ledger service');
    const torn = thing('falcon', 'Falcon', {
      kind: 'hypothesis',
      duplicate_nominations: [
        ...nominate(['t1', 't2', 't3'], usual.path),
        ...nominate(['t4', 't5', 't6'], rival.path),
      ],
    } as Partial<Belief['data']>);
    expect(
      collapseDuplicates([usual, rival, torn], { agent: 'orion', now: AT }).transitions,
    ).toEqual([]);
  });
});

describe('duplicate collapse corroborated by agreeing facts', () => {
  const nominate = (tasks: string[], of: string) =>
    tasks.map((task) => ({ of, task, at: AT, note: null }));
  /** An active fact between two things, named by their slugs. */
  function fact(subject: string, predicate: string, object: string): Belief {
    const slug = `${subject}-${predicate}-${object}`;
    return {
      slug,
      path: `agents/orion/world/relations/${slug}.md`,
      body: '',
      data: {
        kind: 'relation',
        name: `${subject} ${predicate} ${object}`,
        aliases: [],
        tags: [],
        subject,
        predicate,
        object,
        confidence: 0.6,
        evidence: [support('seed')],
        created: AT,
        valid_at: null,
        invalid_at: null,
        superseded_by: null,
        status: 'active',
      } as Belief['data'],
    };
  }
  const ledger = thing('ledger-service', 'Ledger service');
  const orders = thing('order-queue', 'Order queue');
  const usual = thing('billing-cache', 'Billing cache');
  const usualFacts = [
    fact('billing-cache', 'calls', 'ledger-service'),
    fact('billing-cache', 'reads-from', 'order-queue'),
  ];
  const collapse = (world: Belief[]) => collapseDuplicates(world, { agent: 'orion', now: AT });

  it('merges an established codename nominated once whose two facts are the usual name’s', () => {
    const falcon = thing('falcon', 'Falcon', {
      duplicate_nominations: nominate(['t7'], usual.path),
    } as Partial<Belief['data']>);
    const falconFacts = [
      fact('falcon', 'calls', 'ledger-service'),
      fact('falcon', 'reads-from', 'order-queue'),
    ];
    const result = collapse([ledger, orders, usual, falcon, ...usualFacts, ...falconFacts]);
    expect(result.transitions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'merge',
          path: falcon.path,
          target: usual.path,
          reason: 'nominated as duplicates by 1 task (t7), and 2 of 2 facts agree',
        }),
      ]),
    );
    expect(result.beliefs.get(usual.path)?.data.aliases).toEqual(['Falcon']);
    expect(result.beliefs.get(falcon.path)?.data).toMatchObject({ merged_into: usual.path });
    // The codename's facts now name the usual thing and fold into the facts it already had.
    for (const f of falconFacts)
      expect(result.beliefs.get(f.path)?.data).toMatchObject({
        subject: 'billing-cache',
        merged_into: expect.stringMatching(/relations\/billing-cache-/),
      });
  });

  it('merges on two nominations and one agreeing fact, not on one of each', () => {
    const falcon = (tasks: string[]) =>
      thing('falcon', 'Falcon', {
        kind: 'hypothesis',
        duplicate_nominations: nominate(tasks, usual.path),
      } as Partial<Belief['data']>);
    const oneFact = [fact('falcon', 'calls', 'ledger-service')];
    const world = (tasks: string[]) => [
      ledger,
      orders,
      usual,
      falcon(tasks),
      ...usualFacts,
      ...oneFact,
    ];
    expect(collapse(world(['t1'])).transitions).toEqual([]);
    expect(collapse(world(['t1', 't2'])).transitions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: falcon([]).path,
          reason: 'nominated as duplicates by 2 tasks (t1, t2), and 1 of 1 facts agree',
        }),
      ]),
    );
  });

  it('settles a tie between two nominated pairings by whose facts agree', () => {
    // One task nominated "Falcon" as the billing cache, a confused one as the billing queue: the
    // nominations tie, and Falcon's two facts are the cache's, none the queue's.
    const queue = thing('billing-queue', 'Billing queue');
    const queueFacts = [fact('billing-queue', 'publishes-to', 'order-queue')];
    const falcon = (queueTasks: string[]) =>
      thing('falcon', 'Falcon', {
        kind: 'hypothesis',
        duplicate_nominations: [
          ...nominate(['t7'], usual.path),
          ...nominate(queueTasks, queue.path),
        ],
      } as Partial<Belief['data']>);
    const falconFacts = [
      fact('falcon', 'calls', 'ledger-service'),
      fact('falcon', 'reads-from', 'order-queue'),
    ];
    const world = (queueTasks: string[], extra: Belief[] = []) => [
      ledger,
      orders,
      usual,
      queue,
      falcon(queueTasks),
      ...usualFacts,
      ...queueFacts,
      ...falconFacts,
      ...extra,
    ];
    const tied = collapse(world(['t8']));
    expect(tied.transitions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'merge',
          path: falcon([]).path,
          target: usual.path,
          reason:
            'nominated as duplicates by 1 task (t7), and 2 of 2 facts agree; a rival pairing as often nominated has 0 agreeing',
        }),
      ]),
    );
    expect(tied.transitions.filter((t) => t.target === queue.path)).toEqual([]);
    // Nominated more often, the rival still leaves the question open.
    expect(collapse(world(['t8', 't9'])).transitions).toEqual([]);
    // So does a rival whose facts agree as much: the facts cannot tell the two pairings apart.
    const queueAgrees = [
      fact('billing-queue', 'calls', 'ledger-service'),
      fact('billing-queue', 'reads-from', 'order-queue'),
    ];
    expect(collapse(world(['t8'], queueAgrees)).transitions).toEqual([]);
  });

  it('never merges on agreeing facts alone, nor when most facts disagree', () => {
    const falcon = thing('falcon', 'Falcon');
    const falconFacts = [
      fact('falcon', 'calls', 'ledger-service'),
      fact('falcon', 'reads-from', 'order-queue'),
    ];
    expect(
      collapse([ledger, orders, usual, falcon, ...usualFacts, ...falconFacts]).transitions,
    ).toEqual([]);

    // "Billing cache" and "Billing queue" share words and one fact, and a confused task nominated
    // them, but the queue's other facts are its own.
    const queue = thing('billing-queue', 'Billing queue', {
      duplicate_nominations: nominate(['t1', 't2'], usual.path),
    } as Partial<Belief['data']>);
    const queueFacts = [
      fact('billing-queue', 'calls', 'ledger-service'),
      fact('billing-queue', 'publishes-to', 'order-queue'),
      fact('billing-queue', 'writes-to', 'ledger-service'),
    ];
    expect(duplicateReason(usual, queue)).toBeUndefined();
    expect(
      collapse([ledger, orders, usual, queue, ...usualFacts, ...queueFacts]).transitions,
    ).toEqual([]);
  });

  /** The same fact, found wrong: a refuted hypothesis that proposed it. */
  function refuted(subject: string, predicate: string, object: string): Belief {
    const live = fact(subject, predicate, object);
    return {
      ...live,
      path: `agents/orion/world/hypotheses/${live.slug}.md`,
      data: {
        ...live.data,
        kind: 'hypothesis',
        claim: `${live.data.name}.`,
        proposes: 'relation',
        status: 'refuted',
        invalid_at: AT,
      } as Belief['data'],
    };
  }

  it('counts a claim found wrong under one name that stands under the other', () => {
    // Tasks stated three facts under each name; noise refuted one under each, a different one.
    const falcon = thing('falcon', 'Falcon', {
      kind: 'hypothesis',
      duplicate_nominations: nominate(['t7'], usual.path),
    } as Partial<Belief['data']>);
    const world = (extra: Belief[]) => [
      ledger,
      orders,
      usual,
      falcon,
      ...usualFacts,
      fact('falcon', 'calls', 'ledger-service'),
      fact('falcon', 'writes-to', 'ledger-service'),
      ...extra,
    ];
    // Live facts alone: 1 of 2 agree, and one task with one fact is not enough.
    expect(collapse(world([])).transitions).toEqual([]);
    const result = collapse(
      world([
        refuted('falcon', 'reads-from', 'order-queue'),
        refuted('billing-cache', 'writes-to', 'ledger-service'),
      ]),
    );
    expect(result.transitions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'merge',
          path: falcon.path,
          target: usual.path,
          reason: 'nominated as duplicates by 1 task (t7), and 3 of 3 facts agree',
        }),
      ]),
    );
  });

  it('does not merge things that share words on a confused claim found wrong', () => {
    // A confused task said the queue calls the ledger service (the cache does) and nominated the
    // pair; the claim was refuted, and the queue's standing facts are its own.
    const queue = thing('billing-queue', 'Billing queue', {
      kind: 'hypothesis',
      duplicate_nominations: nominate(['t1', 't2'], usual.path),
    } as Partial<Belief['data']>);
    const own = fact('billing-queue', 'publishes-to', 'order-queue');
    const confused = refuted('billing-queue', 'calls', 'ledger-service');
    expect(
      collapse([ledger, orders, usual, queue, ...usualFacts, own, confused]).transitions,
    ).toEqual([]);
    // A claim found wrong under both names is no agreement: all that was said of the queue was
    // wrong of the cache too.
    expect(
      collapse([
        ledger,
        orders,
        usual,
        queue,
        fact('billing-cache', 'reads-from', 'order-queue'),
        refuted('billing-cache', 'calls', 'ledger-service'),
        confused,
      ]).transitions,
    ).toEqual([]);
  });

  it('never merges two things a fact relates, however their other facts agree', () => {
    const falcon = thing('falcon', 'Falcon', {
      duplicate_nominations: nominate(['t1', 't2', 't3'], usual.path),
    } as Partial<Belief['data']>);
    const world = [
      ledger,
      orders,
      usual,
      falcon,
      ...usualFacts,
      fact('falcon', 'calls', 'ledger-service'),
      fact('falcon', 'reads-from', 'order-queue'),
      fact('falcon', 'caches', 'billing-cache'),
    ];
    expect(collapse(world).transitions).toEqual([]);
  });
});

describe('promotion', () => {
  const cache = thing('billing-cache', 'Billing cache');
  const ledger = thing('ledger-service', 'Ledger service');
  const audit = thing('audit-log', 'Audit log');
  /** A proposed fact between two things, named by their slugs. */
  function claim(
    subject: string,
    predicate: string,
    object: string,
    evidence: Evidence[],
    status: 'open' | 'refuted' = 'open',
  ): Belief {
    const slug = `${subject}-${predicate}-${object}`;
    return {
      slug,
      path: `agents/orion/world/hypotheses/${slug}.md`,
      body: '',
      data: {
        kind: 'hypothesis',
        name: `${subject} ${predicate} ${object}`,
        claim: `${subject} ${predicate} ${object}.`,
        proposes: 'relation',
        aliases: [],
        tags: [],
        subject,
        predicate,
        object,
        confidence: confidenceFromEvidence({ evidence }),
        evidence,
        created: AT,
        valid_at: null,
        invalid_at: status === 'refuted' ? AT : null,
        superseded_by: null,
        status,
      } as Belief['data'],
    };
  }
  const promote = (world: Belief[]) => promoteHypotheses(world, { agent: 'orion', now: AT });
  const twoTasks = [support('t1'), support('t2')];

  it('promotes a fact two tasks stated when nothing contests it', () => {
    const fact = claim('billing-cache', 'calls', 'ledger-service', twoTasks);
    const result = promote([cache, ledger, audit, fact]);
    expect(result.transitions).toEqual([
      expect.objectContaining({
        kind: 'promote',
        path: fact.path,
        target: 'agents/orion/world/relations/billing-cache-calls-ledger-service.md',
        supporting: 2,
        reason:
          '2 supporting and 0 contradicting task(s), confidence 0.60 ≥ 0.6, an uncontested fact: no contradiction and no live fact giving billing-cache calls another object',
      }),
    ]);
    // A claim found wrong contests nothing.
    const wrong = claim('billing-cache', 'calls', 'audit-log', [support('t3')], 'refuted');
    expect(promote([cache, ledger, audit, fact, wrong]).transitions).toHaveLength(1);
  });

  it('waits for a third task when a live fact gives the subject and predicate another object', () => {
    const fact = claim('billing-cache', 'calls', 'ledger-service', twoTasks);
    const rival = claim('billing-cache', 'calls', 'audit-log', [support('t3')]);
    expect(promote([cache, ledger, audit, fact, rival]).transitions).toEqual([]);
    // Another predicate, or the same fact the other way round, is no rival.
    const other = claim('billing-cache', 'reads-from', 'audit-log', [support('t3')]);
    const reverse = claim('ledger-service', 'calls', 'billing-cache', [support('t4')]);
    expect(
      promote([cache, ledger, audit, fact, other, reverse]).transitions.map((t) => t.path),
    ).toEqual([fact.path]);
    // A third task settles it whatever the rival says.
    const third = claim('billing-cache', 'calls', 'ledger-service', [...twoTasks, support('t5')]);
    expect(promote([cache, ledger, audit, third, rival]).transitions.map((t) => t.path)).toEqual([
      third.path,
    ]);
  });

  it('waits for a third task when a task contradicted the fact, and for things', () => {
    // Two supports after a contradiction: 3 / 6 = 0.5, under 0.6.
    const doubted = claim('billing-cache', 'calls', 'ledger-service', [
      support('t1'),
      support('c1', false),
      support('t2'),
    ]);
    expect(promote([cache, ledger, doubted]).transitions).toEqual([]);
    // A thing two tasks named stays a hypothesis: the duplicate rules settle names first.
    const named = thing('falcon', 'Falcon', {
      kind: 'hypothesis',
      evidence: twoTasks,
    } as Partial<Belief['data']>);
    expect(promote([named]).transitions).toEqual([]);
  });
});

describe('contradictions and second thoughts', () => {
  const claim = thing('webhook', 'Webhook', { kind: 'hypothesis' });

  it('refutes a one-support hypothesis at the second contradicting task, in that iteration', () => {
    const observation = (taskId: string) => ({
      agent: 'orion',
      taskId,
      at: AT,
      hypotheses: [],
      evidence: [{ target: 'world/hypotheses/webhook.md', supports: false, note: 'no webhook' }],
      hypothesesOnly: false,
    });
    const first = observe([claim], observation('c1'));
    expect(first.transitions).toEqual([]);
    const after = first.beliefs.get(claim.path)!;
    expect(after.data.confidence).toBe(0.4);
    const second = observe([after], observation('c2'));
    expect(second.transitions).toEqual([
      expect.objectContaining({ kind: 'refute', contradicting: 2, confidence: 0.333 }),
    ]);
    expect(second.beliefs.get(claim.path)?.data).toMatchObject({
      status: 'refuted',
      invalid_at: AT,
    });
    // The same task contradicting again changes nothing.
    expect(observe([after], observation('c1')).beliefs.size).toBe(0);
  });

  it('reopens a refuted hypothesis once later support outweighs the contradiction', () => {
    const refuted = thing('webhook', 'Webhook', {
      kind: 'hypothesis',
      status: 'refuted',
      invalid_at: AT,
      evidence: [
        support('s1'),
        support('c1', false),
        support('c2', false),
        support('s2'),
        support('s3'),
      ],
    } as Partial<Belief['data']>);
    const update = settleWorld([refuted], { now: AT });
    expect(update.transitions.map((t) => t.kind)).toEqual(['reopen']);
    expect(update.beliefs.get(refuted.path)?.data).toMatchObject({
      status: 'open',
      invalid_at: null,
    });
    expect(settleWorld([update.beliefs.get(refuted.path)!], { now: AT }).transitions).toEqual([]);
  });

  it('takes a wrong task’s word back: supports become contradictions, contradictions are withdrawn', () => {
    const belief = thing('webhook', 'Webhook', {
      evidence: [support('s1'), support('s2'), support('t9', false)],
    } as Partial<Belief['data']>);
    const input = { verdict: 'wrong' as const, by: 'ana', at: AT, note: 'wrong' };
    const supported = applyVerdict(belief, { ...input, taskId: 's2' })!;
    expect(tallyEvidence(supported.data)).toMatchObject({
      supporting: 1,
      contradicting: 2,
    });
    const withdrawn = applyVerdict(belief, { ...input, taskId: 't9' })!;
    expect(tallyEvidence(withdrawn.data)).toMatchObject({
      supporting: 2,
      contradicting: 0,
    });
    const restored = applyVerdict(supported, { ...input, verdict: 'right', taskId: 's2' })!;
    expect(confidenceFromEvidence(restored.data)).toBe(confidenceFromEvidence(belief.data));
    expect(applyVerdict(belief, { ...input, taskId: 'never-touched' })).toBeUndefined();
  });

  it('fades unused confidence towards the prior in whole idle periods', () => {
    const evidence = [
      support('a', true, '2026-01-01T00:00:00Z'),
      support('b', true, '2026-01-01T00:00:00Z'),
    ];
    expect(beliefConfidence({ evidence }, '2026-01-30T00:00:00Z')).toBe(0.6);
    expect(beliefConfidence({ evidence }, '2026-01-31T00:00:00Z')).toBe(0.573);
    expect(beliefConfidence({ evidence }, '2026-12-31T00:00:00Z')).toBeGreaterThan(0.333);
  });
});
