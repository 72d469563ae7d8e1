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
import { settleWorld } from '../src/world/lifecycle.js';
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
  ])('"%s" and "%s" are one thing', (a, b, reason) => {
    expect(duplicateReason(thing('a', a), thing('b', b))).toMatch(reason);
  });

  it.each([
    ['API', 'APM'],
    ['SLA', 'SLO'],
    ['Feed reader', 'Feed header'],
    ['Kafka consumer', 'Kafka producer'],
    ['Payment webhook', 'Payment webhook handler'],
  ])('"%s" and "%s" stay apart', (a, b) => {
    expect(duplicateReason(thing('a', a), thing('b', b))).toBeUndefined();
  });

  it('merges on nominations only from three tasks, with a hypothesis involved and no stronger rival', () => {
    const nominate = (tasks: string[], of: string) =>
      tasks.map((task) => ({ of, task, at: AT, note: null }));
    const usual = thing('billing-service', 'Billing service');
    const codename = (tasks: string[]) =>
      thing('falcon', 'Falcon', {
        kind: 'hypothesis',
        duplicate_nominations: nominate(tasks, usual.path),
      } as Partial<Belief['data']>);
    const two = collapseDuplicates([usual, codename(['t1', 't2'])], { agent: 'orion', now: AT });
    expect(two.transitions).toEqual([]);
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
    expect(tallyEvidence(supported.data.evidence)).toMatchObject({
      supporting: 1,
      contradicting: 2,
    });
    const withdrawn = applyVerdict(belief, { ...input, taskId: 't9' })!;
    expect(tallyEvidence(withdrawn.data.evidence)).toMatchObject({
      supporting: 2,
      contradicting: 0,
    });
    const restored = applyVerdict(supported, { ...input, verdict: 'right', taskId: 's2' })!;
    expect(confidenceFromEvidence(restored.data.evidence)).toBe(
      confidenceFromEvidence(belief.data.evidence),
    );
    expect(applyVerdict(belief, { ...input, taskId: 'never-touched' })).toBeUndefined();
  });

  it('fades unused confidence towards the prior in whole idle periods', () => {
    const evidence = [
      support('a', true, '2026-01-01T00:00:00Z'),
      support('b', true, '2026-01-01T00:00:00Z'),
    ];
    expect(beliefConfidence(evidence, '2026-01-30T00:00:00Z')).toBe(0.6);
    expect(beliefConfidence(evidence, '2026-01-31T00:00:00Z')).toBe(0.573);
    expect(beliefConfidence(evidence, '2026-12-31T00:00:00Z')).toBeGreaterThan(0.333);
  });
});
