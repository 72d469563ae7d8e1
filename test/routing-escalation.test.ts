// The learned route's escalation: which tiers a failed answer climbs to. A tier that costs as much
// per call as a stronger one (by default gpt-4o costs more per token than o3) is skipped; what a skipping route observes is kept as an interval, written
// to routing.md and read back; and a real iteration follows the route.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { runLearning } from '../src/learning/run.js';
import { cascadeTiers, runRequestCascade } from '../src/llm/cascade.js';
import { OfflineModel } from '../src/llm/offline/offline-model.js';
import { runIteration } from '../src/loop/iteration.js';
import { taskFromText } from '../src/loop/task.js';
import { agentPaths } from '../src/memory/layout.js';
import type { Tier } from '../src/memory/registry.js';
import { parseMarkdown } from '../src/memory/markdown.js';
import {
  addObservation,
  chooseRoute,
  emptyEvidence,
  routeFrom,
  ladderExpectation,
  type RouteObservation,
  type RoutingEvidence,
} from '../src/routing/learned-policy.js';
import {
  evidenceOfFile,
  renderRoutingFile,
  RoutingFrontmatterSchema,
} from '../src/routing/routing-file.js';
import { commitRewardRecords, sampleRewardRecord } from './helpers/rewards.js';
import { makeRepo, steppingClock, type TestRepo } from './helpers/repo.js';

const NAMES = ['cheap-fast', 'balanced', 'strongest'];
const AGENT = 'orion';

function observe(evidence: RoutingEvidence, tried: [string, boolean][], times = 1): void {
  const observation: RouteObservation = {
    demand: 'novel',
    tags: ['ledger'],
    attempts: tried.map(([tier, success]) => ({ tier, success })),
    cost: null,
  };
  for (let n = 0; n < times; n++) addObservation(evidence, observation, NAMES);
}

/** Each tier's cost per call as if observed on 5 single-call tasks (a tier is skipped only on those). */
function priced(evidence: RoutingEvidence, costs: readonly number[]): RoutingEvidence {
  NAMES.forEach((tier, i) => (evidence.costs[tier] = { total: 5 * (costs[i] ?? 0), calls: 5 }));
  return evidence;
}

function choose(evidence: RoutingEvidence, costs: [number, number, number]) {
  return chooseRoute(evidence, {
    demand: 'novel',
    tags: ['ledger'],
    tiers: NAMES.map((tier, i) => ({ tier, cost: costs[i] ?? 0 })),
    budget: 'balanced',
    maxEscalations: 2,
    random: () => 1,
  });
}

/** Half the tasks solved on cheap-fast's first call, half failing there and solved one tier up. */
function halfNeedBalanced(): RoutingEvidence {
  const evidence = emptyEvidence();
  observe(evidence, [['cheap-fast', true]], 10);
  observe(
    evidence,
    [
      ['cheap-fast', false],
      ['balanced', true],
    ],
    10,
  );
  return evidence;
}

describe('the learned route skips a tier a stronger one costs no more than', () => {
  it('escalates past a tier that costs more than a stronger one, and says so', () => {
    const decision = choose(priced(halfNeedBalanced(), [1, 50, 40]), [1, 50, 40]);
    expect(decision.tier).toBe('cheap-fast');
    expect(decision.escalation).toEqual(['strongest']);
    expect(decision.reason).toMatch(/escalation skips balanced\)$/);
    expect(decision.estimates[0]?.route).toEqual(['cheap-fast', 'strongest']);
  });

  it('skips nothing on configured prices alone: a reasoning model spends more than its price says', () => {
    const decision = choose(halfNeedBalanced(), [1, 50, 40]);
    expect(decision.tier).toBe('cheap-fast');
    expect(decision.escalation).toEqual(['balanced', 'strongest']);
  });

  it('climbs one tier at a time where the middle tier solves what the cheap one failed at a lower price', () => {
    const decision = choose(priced(halfNeedBalanced(), [1, 8, 40]), [1, 8, 40]);
    expect(decision.tier).toBe('cheap-fast');
    expect(decision.escalation).toEqual(['balanced', 'strongest']);
    expect(decision.reason).not.toMatch(/skips/);
  });

  it('escalates one tier at a time, past each tier a stronger one costs no more than, within the bound', () => {
    expect(routeFrom(0, [1, 8, 40], 2)).toEqual([0, 1, 2]);
    // Only costs both tiers have shown: a configured price alone skips nothing.
    expect(routeFrom(0, [1, 50, 40], 2, [true, true, false])).toEqual([0, 1, 2]);
    expect(routeFrom(0, [1, 50, 40], 2, [false, true, true])).toEqual([0, 2]);
    expect(routeFrom(0, [1, 50, 40], 2)).toEqual([0, 2]);
    // Capped at one escalation: straight to the strongest, which solves more for less.
    expect(routeFrom(0, [1, 50, 40], 1)).toEqual([0, 2]);
    expect(routeFrom(0, [1, 8, 40], 1)).toEqual([0, 1]);
    expect(routeFrom(0, [1, 8, 40], 0)).toEqual([0]);
    expect(routeFrom(1, [1, 50, 40], 2)).toEqual([1, 2]);
    // Equal cost: the stronger tier wins.
    expect(routeFrom(0, [1, 30, 5, 30, 60], 4)).toEqual([0, 2, 3, 4]);
    // Level 1 (balanced is the weakest that solves): [0, 2] pays cheap then strongest.
    expect(ladderExpectation([0, 1, 0, 0], [1, 8, 40], [0, 2])).toEqual({ success: 1, cost: 41 });
    expect(ladderExpectation([0, 0, 0, 1], [1, 8, 40], [0, 1])).toEqual({ success: 0, cost: 9 });
  });
});

describe('what a skipping route observes', () => {
  it('is an interval, not an exact level: a success after a skip does not credit the skipped tier', () => {
    const skipping = emptyEvidence();
    observe(
      skipping,
      [
        ['cheap-fast', false],
        ['strongest', true],
      ],
      1,
    );
    expect(skipping.clusters['novel:ledger']?.between).toEqual({ 'cheap-fast': { strongest: 1 } });
    expect(skipping.clusters['novel:ledger']?.exact).toEqual({});

    const stepping = emptyEvidence();
    observe(
      stepping,
      [
        ['cheap-fast', false],
        ['balanced', false],
        ['strongest', true],
      ],
      1,
    );
    expect(stepping.clusters['novel:ledger']?.exact).toEqual({ strongest: 1 });
  });

  it('is written to routing.md only once a route skipped, and read back as it was', () => {
    const settings = {
      agent: AGENT,
      through: '2026-05-01T09:00:00Z',
      records: 3,
      tiers: NAMES.map((tier, i) => ({ tier, cost: [1, 50, 40][i] ?? 0 })),
      budget: 'balanced' as const,
      maxEscalations: 2,
      previous: undefined,
    };
    const plain = halfNeedBalanced();
    expect(renderRoutingFile({ ...settings, evidence: plain })).not.toMatch(/between/);

    const evidence = halfNeedBalanced();
    observe(
      evidence,
      [
        ['cheap-fast', false],
        ['strongest', true],
      ],
      3,
    );
    const text = renderRoutingFile({ ...settings, evidence });
    expect(text).toMatch(/between:\n\s+cheap-fast:\n\s+strongest: 3/);
    const read = evidenceOfFile(parseMarkdown('routing.md', text, RoutingFrontmatterSchema).data);
    expect(read.clusters['novel:ledger']?.between).toEqual({ 'cheap-fast': { strongest: 3 } });
    expect(read.demands.novel?.between).toEqual({ 'cheap-fast': { strongest: 3 } });
  });
});

describe('the cascade follows the route', () => {
  it('tries the route’s tiers in order, within the escalation bound, never downwards', async () => {
    expect(cascadeTiers('cheap-fast', 2, ['strongest'])).toEqual(['cheap-fast', 'strongest']);
    expect(cascadeTiers('cheap-fast', 0, ['strongest'])).toEqual(['cheap-fast']);
    expect(cascadeTiers('balanced', 2, ['cheap-fast', 'strongest'])).toEqual([
      'balanced',
      'strongest',
    ]);
    expect(cascadeTiers('cheap-fast', 2)).toEqual(['cheap-fast', 'balanced', 'strongest']);
    const failing = await runRequestCascade(
      { tier: 'cheap-fast', maxEscalations: 2, escalation: ['strongest'] },
      async (tier: Tier) => ({
        tier,
        output: { answer: 'no', outcome: 'failure' } as never,
        problems: undefined,
      }),
    );
    expect(failing.attempts.map((a) => a.tier)).toEqual(['cheap-fast', 'strongest']);
  });
});

describe('an iteration on the learned route', () => {
  let repo: TestRepo;
  beforeEach(async () => {
    repo = await makeRepo();
  });
  afterEach(() => repo.cleanup());

  it('skips gpt-4o once it has cost more per call than o3, and records the route', async () => {
    // Novel work: half solved on cheap-fast, half failing there and solved one tier up; and
    // routine work answered in one call on gpt-4o and on o3, at what each cost.
    const oneCall = (tier: 'balanced' | 'strongest', cost: number) =>
      Array.from({ length: 5 }, (_, i) =>
        sampleRewardRecord(AGENT, `${tier}-${i}`, 30 + i, {
          reasoning_demand: 'routine',
          context_tags: ['billing'],
          model_used: tier,
          tiers_tried: [tier],
          cost_usd: cost,
        }),
      );
    const records = [
      ...oneCall('balanced', 0.011),
      ...oneCall('strongest', 0.009),
      ...Array.from({ length: 6 }, (_, i) =>
        sampleRewardRecord(AGENT, `solved-${i}`, i, {
          reasoning_demand: 'novel',
          context_tags: ['sync'],
          model_used: 'cheap-fast',
          tiers_tried: ['cheap-fast'],
          cost_usd: 0.0006,
        }),
      ),
      ...Array.from({ length: 6 }, (_, i) =>
        sampleRewardRecord(AGENT, `climbed-${i}`, 10 + i, {
          reasoning_demand: 'novel',
          context_tags: ['sync'],
          model_used: 'balanced',
          tiers_tried: ['cheap-fast', 'balanced'],
          cost_usd: 0.0106,
        }),
      ),
    ];
    await commitRewardRecords(repo, AGENT, records);
    await runLearning({ repoRoot: repo.dir, git: repo.git, now: steppingClock() });

    // One hardness cue: beyond cheap-fast's capability for novel work, within balanced's and strongest's.
    const result = await runIteration(
      { repoRoot: repo.dir, git: repo.git, model: new OfflineModel(), now: steppingClock() },
      taskFromText(AGENT, 'Fix a tricky pagination bug in the API sync.', 'skip-task'),
    );
    expect(result.status).toBe('done');
    const stored = result.record;
    expect(stored?.reasoning_demand).toBe('novel');
    expect(stored?.route?.source).toBe('routing.md');
    expect(stored?.route?.tier).toBe('cheap-fast');
    expect(stored?.route?.escalation).toEqual(['strongest']);
    expect(stored?.route?.reason).toMatch(/escalation skips balanced/);
    expect(stored?.tiers_tried).toEqual(['cheap-fast', 'strongest']);
    expect(stored?.model_used).toBe('strongest');
    expect(stored?.outcome).toBe('success');

    // The next learning run keeps what the skip showed as an interval in routing.md.
    await runLearning({ repoRoot: repo.dir, git: repo.git, now: steppingClock() });
    expect(repo.read(agentPaths(AGENT).routing)).toMatch(
      /between:\n\s+cheap-fast:\n\s+strongest: 1/,
    );
  });
});
