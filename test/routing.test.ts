// The learned routing policy on real reward records in temporary repositories: escalation and
// de-escalation, routing.md written by a learning run and read back (and a broken one falling back
// with a warning naming it), budget, the exploration bound, and a person's feedback moving it.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Random } from '../src/bench/random.js';
import { runLearning } from '../src/learning/run.js';
import { runRequestCascade } from '../src/llm/cascade.js';
import { OfflineModel } from '../src/llm/offline/offline-model.js';
import { memoryLogger } from '../src/log.js';
import { readAgentMemory } from '../src/loop/agent-memory.js';
import { applyFeedback } from '../src/loop/feedback.js';
import { runIteration } from '../src/loop/iteration.js';
import { taskFromText } from '../src/loop/task.js';
import { agentPaths } from '../src/memory/layout.js';
import type { Tier } from '../src/memory/registry.js';
import type { ReasoningDemand, RewardRecord } from '../src/memory/rewards.js';
import {
  addObservation,
  chooseRoute,
  emptyEvidence,
  explorationRate,
  MAX_EXPLORATION,
} from '../src/routing/learned-policy.js';
import {
  MAX_ROUTING_CLUSTERS,
  readRoutingFile,
  renderRoutingFile,
} from '../src/routing/routing-file.js';
import { routeTask, type RouteResult } from '../src/routing/runtime-policy.js';
import { directReads } from '../src/memory/parse-cache.js';
import { commitStaged } from './helpers/person.js';
import { commitRewardRecords, repoRewardRecords } from './helpers/rewards.js';
import { makeRepo, steppingClock, type TestRepo } from './helpers/repo.js';

const AGENT = 'orion';
const TIERS = [
  { tier: 'cheap-fast', cost: 1 },
  { tier: 'balanced', cost: 8 },
  { tier: 'strongest', cost: 40 },
];

let serial = 0;
function record(input: {
  demand: ReasoningDemand;
  tags: string[];
  tried: Tier[];
  success: boolean;
}): RewardRecord {
  serial++;
  const tier = input.tried[input.tried.length - 1] ?? 'cheap-fast';
  return {
    task: `task ${serial}`,
    task_id: `task-${serial}`,
    agent: AGENT,
    at: new Date(Date.UTC(2026, 4, 1, 9, serial)).toISOString().replace(/\.\d+Z$/, 'Z'),
    outcome: input.success ? 'success' : 'failure',
    reward: input.success ? 1 : -1,
    reward_decomposition: {
      correctness: input.success ? 1 : -1,
      efficiency: 0,
      novelty: 0,
      generality: 0,
    },
    context_tags: input.tags,
    reasoning_demand: input.demand,
    model_used: tier,
    model_name: 'offline-rules',
    model_appropriate: 'yes',
    tiers_tried: input.tried,
    tokens: { prompt: 100, completion: 50 },
    cost_usd: 0,
    context: { included: 0, used: 0, tokens: 100 },
    world_model_update: [],
    skills_used: [],
    feedback: null,
  };
}

function times<T>(n: number, make: () => T): T[] {
  return Array.from({ length: n }, make);
}

const commitRecords = (repo: TestRepo, records: RewardRecord[]) =>
  commitRewardRecords(repo, AGENT, records);

async function learnedRoute(
  repo: TestRepo,
  demand: ReasoningDemand,
  tags: string[],
  budget: 'cheap' | 'balanced' | 'premium' = 'balanced',
): Promise<RouteResult> {
  const memory = await readAgentMemory(repo.dir, repo.git);
  return routeTask({
    taskId: 'probe',
    estimate: { demand, reason: 'test' },
    tags,
    routing: memory.routing,
    tiers: TIERS,
    budget,
    maxEscalations: 2,
  });
}

describe('the learned routing policy on a real reward log', () => {
  let repo: TestRepo;
  beforeEach(async () => {
    repo = await makeRepo();
  });
  afterEach(() => repo.cleanup());

  it('escalates after repeated failures on a tier and de-escalates after repeated successes on a cheaper one', async () => {
    // Prices in the ratio 1 : 8 : 40 (by default o3 costs less per token than gpt-4o), so
    // routing.md's table shows the same choices as the probes below, which use those costs.
    const price = (usd: number) => `{input_per_mtok: ${usd}, output_per_mtok: ${usd}}`;
    repo.write(
      'agents.yaml',
      `${repo.read('agents.yaml')}prices:\n  gpt-4o-mini: ${price(1)}\n  gpt-4o: ${price(8)}\n  o3: ${price(40)}\n`,
    );
    await repo.git.exec(['add', 'agents.yaml']);
    await commitStaged(repo.git, 'Price tiers in order\n');
    const before = await learnedRoute(repo, 'routine', ['api']);
    expect(before.route.source).toBe('static');
    expect(before.tier).toBe('cheap-fast');

    await commitRecords(repo, [
      // routine api work keeps failing on cheap-fast and succeeding one tier up
      ...times(10, () =>
        record({
          demand: 'routine',
          tags: ['api'],
          tried: ['cheap-fast', 'balanced'],
          success: true,
        }),
      ),
      // moderate parsing work keeps succeeding on cheap-fast (below its static route, balanced)
      ...times(10, () =>
        record({ demand: 'moderate', tags: ['parsing'], tried: ['cheap-fast'], success: true }),
      ),
    ]);
    const learned = await runLearning({ repoRoot: repo.dir, git: repo.git, now: steppingClock() });
    expect(learned.commits.map((c) => c.step)).toContain('routing');

    const escalated = await learnedRoute(repo, 'routine', ['api']);
    expect(escalated.route.source).toBe('routing.md');
    expect(escalated.tier).toBe('balanced');
    expect(escalated.route.default_tier).toBe('cheap-fast');
    const deescalated = await learnedRoute(repo, 'moderate', ['parsing']);
    expect(deescalated.tier).toBe('cheap-fast');
    expect(deescalated.route.default_tier).toBe('balanced');

    const file = repo.read(agentPaths(AGENT).routing);
    expect(file).toContain('## `routine:api` → balanced');
    expect(file).toContain('## `moderate:parsing` → cheap-fast');
    expect(file).toContain('`routine:api`: new cluster, starts on balanced');
    expect(file).toMatch(/\| cheap-fast ✔ \| 10\/10 \|/);
  });

  it('round-trips routing.md, commits nothing when nothing changed, and falls back with a warning naming a broken file', async () => {
    await commitRecords(
      repo,
      times(6, () =>
        record({ demand: 'novel', tags: ['queue'], tried: ['strongest'], success: true }),
      ),
    );
    await runLearning({ repoRoot: repo.dir, git: repo.git, now: steppingClock() });
    const path = agentPaths(AGENT).routing;
    const text = repo.read(path);
    const read = readRoutingFile(directReads(repo.dir), path);
    if (read.status !== 'ok') throw new Error(`routing.md did not read: ${read.status}`);
    const again = renderRoutingFile({
      agent: AGENT,
      through: read.data.updated,
      records: read.data.records,
      evidence: read.evidence,
      tiers: read.data.tiers,
      budget: read.data.budget,
      maxEscalations: read.data.max_escalations,
      previous: undefined,
    });
    expect(again).toBe(text);

    const second = await runLearning({ repoRoot: repo.dir, git: repo.git, now: steppingClock() });
    expect(second.commits.map((c) => c.step)).not.toContain('routing');

    repo.write(path, text.replace(/^format: 1$/m, 'format: [broken'));
    const fallback = await learnedRoute(repo, 'novel', ['queue']);
    expect(fallback.route.source).toBe('static');
    expect(fallback.tier).toBe('strongest');
    expect(fallback.warning).toContain('agents/orion/routing.md');

    const logger = memoryLogger();
    const result = await runIteration(
      {
        repoRoot: repo.dir,
        git: repo.git,
        model: new OfflineModel(),
        now: steppingClock(),
        logger,
      },
      taskFromText(AGENT, 'Retry a paginated API call with backoff.', 'after-broken-routing'),
    );
    expect(result.status).toBe('done');
    expect(logger.lines.join('\n')).toContain('agents/orion/routing.md is invalid');
    const stored = repoRewardRecords(repo.dir, AGENT).find(
      (r) => r.task_id === 'after-broken-routing',
    );
    expect(stored?.route?.source).toBe('static');
  });

  it(`lists at most ${MAX_ROUTING_CLUSTERS} clusters, the most decided, however many tags a model words`, async () => {
    // 200 tags met once each (a model words tags freely), and one cluster with a record of its own.
    await commitRecords(repo, [
      ...times(200, () =>
        record({
          demand: 'moderate',
          tags: [`topic-${serial}`],
          tried: ['balanced'],
          success: true,
        }),
      ),
      ...times(6, () =>
        record({ demand: 'novel', tags: ['queue'], tried: ['cheap-fast'], success: true }),
      ),
    ]);
    await runLearning({ repoRoot: repo.dir, git: repo.git, now: steppingClock() });
    const path = agentPaths(AGENT).routing;
    const read = readRoutingFile(directReads(repo.dir), path);
    if (read.status !== 'ok') throw new Error(`routing.md did not read: ${read.status}`);
    expect(Object.keys(read.data.clusters)).toHaveLength(MAX_ROUTING_CLUSTERS);
    expect(read.data.clusters['novel:queue']?.decisions).toBe(6);
    expect(repo.read(path)).toContain(
      `${201 - MAX_ROUTING_CLUSTERS} rarer cluster(s), of at most 1 decision(s) each, are not listed: their tasks route by their demand's evidence.`,
    );
    expect(Buffer.byteLength(repo.read(path))).toBeLessThan(64 * 1024);
    // A cluster left out routes as one never seen: by its demand's evidence.
    const listedTopic = Object.keys(read.data.clusters).find((key) => key.startsWith('moderate:'));
    const left = Array.from({ length: 250 }, (_, i) => `moderate:topic-${i}`).find(
      (key) => !(key in read.data.clusters) && key !== listedTopic,
    );
    expect(left).toBeDefined();
    const leftOut = await learnedRoute(repo, 'moderate', [left!.slice('moderate:'.length)]);
    const neverSeen = await learnedRoute(repo, 'moderate', ['never-seen']);
    expect(leftOut.tier).toBe(neverSeen.tier);
    expect(leftOut.route.source).toBe('routing.md');
    expect(leftOut.route.estimates).toEqual(neverSeen.route.estimates);
  });

  it('picks cheaper tiers under budget: cheap than under premium on the same log', async () => {
    // novel queue work: cheap-fast solves 19 in 20, balanced every one
    await commitRecords(repo, [
      ...times(19, () =>
        record({ demand: 'novel', tags: ['queue'], tried: ['cheap-fast'], success: true }),
      ),
      ...times(1, () =>
        record({
          demand: 'novel',
          tags: ['queue'],
          tried: ['cheap-fast', 'balanced'],
          success: true,
        }),
      ),
      ...times(20, () =>
        record({ demand: 'novel', tags: ['queue'], tried: ['balanced'], success: true }),
      ),
    ]);
    await runLearning({ repoRoot: repo.dir, git: repo.git, now: steppingClock() });
    // Without escalation the cheap start is less likely to succeed: the budget decides.
    const probe = async (budget: 'cheap' | 'premium') => {
      const memory = await readAgentMemory(repo.dir, repo.git);
      return routeTask({
        taskId: 'probe',
        estimate: { demand: 'novel', reason: 'test' },
        tags: ['queue'],
        routing: memory.routing,
        tiers: TIERS,
        budget,
        maxEscalations: 0,
      });
    };
    const cheap = await probe('cheap');
    const premium = await probe('premium');
    const rank = (tier: string) => TIERS.findIndex((t) => t.tier === tier);
    expect(rank(cheap.tier)).toBeLessThan(rank(premium.tier));
    expect(cheap.tier).toBe('cheap-fast');
  });

  it("moves when a person's correctness=-1 lands on a cheap-tier success", async () => {
    await commitRecords(
      repo,
      times(6, () =>
        record({ demand: 'moderate', tags: ['parsing'], tried: ['cheap-fast'], success: true }),
      ),
    );
    await runLearning({ repoRoot: repo.dir, git: repo.git, now: steppingClock() });
    const before = await learnedRoute(repo, 'moderate', ['parsing']);
    const cheapBefore = before.route.estimates?.['cheap-fast']?.success ?? 0;

    const target = repoRewardRecords(repo.dir, AGENT)[0];
    if (!target) throw new Error('no record');
    await applyFeedback({
      repoRoot: repo.dir,
      git: repo.git,
      taskId: target.task_id,
      feedback: { by: 'reviewer', scores: { correctness: -1 }, note: 'wrong field' },
      now: steppingClock('2026-06-01T00:00:00Z'),
    });
    const rescored = repoRewardRecords(repo.dir, AGENT).find((r) => r.task_id === target.task_id);
    expect(rescored?.outcome).toBe('failure');
    await runLearning({ repoRoot: repo.dir, git: repo.git, now: steppingClock() });
    const after = await learnedRoute(repo, 'moderate', ['parsing']);
    const cheapAfter = after.route.estimates?.['cheap-fast']?.success ?? 1;
    expect(cheapAfter).toBeLessThan(cheapBefore - 0.05);
    expect(repo.read(agentPaths(AGENT).routing)).toMatch(/\| cheap-fast ✔? ?\| 5\/6 \|/);
  });

  it('records the learned route on the next task after a learning run', async () => {
    await commitRecords(
      repo,
      times(8, () =>
        record({ demand: 'novel', tags: ['api'], tried: ['balanced'], success: true }),
      ),
    );
    await runLearning({ repoRoot: repo.dir, git: repo.git, now: steppingClock() });
    const result = await runIteration(
      { repoRoot: repo.dir, git: repo.git, model: new OfflineModel(), now: steppingClock() },
      taskFromText(AGENT, 'Design a novel webhook signature scheme.', 'next-task'),
    );
    expect(result.status).toBe('done');
    const stored = repoRewardRecords(repo.dir, AGENT).find((r) => r.task_id === 'next-task');
    expect(stored?.route?.source).toBe('routing.md');
    expect(stored?.route?.demand_reason).toBeTruthy();
    expect(Object.keys(stored?.route?.estimates ?? {})).toEqual([
      'cheap-fast',
      'balanced',
      'strongest',
    ]);
    expect(stored?.model_appropriate).toMatch(/^(yes|no)$/);
  });
});

describe('exploration', () => {
  it('stays within its bound', () => {
    const evidence = emptyEvidence();
    const random = new Random(7);
    let explored = 0;
    const decisions = 3000;
    for (let n = 0; n < decisions; n++) {
      const decision = chooseRoute(evidence, {
        demand: 'moderate',
        tags: ['api'],
        tiers: TIERS,
        budget: 'balanced',
        maxEscalations: 2,
        random: () => random.next(),
      });
      expect(decision.explorationRate).toBeLessThanOrEqual(MAX_EXPLORATION);
      if (decision.explored) explored++;
      const start = TIERS.findIndex((t) => t.tier === decision.tier);
      const attempts = TIERS.slice(start).map((t) => ({
        tier: t.tier,
        success: random.chance(0.7),
      }));
      const upTo = attempts.findIndex((a) => a.success);
      addObservation(
        evidence,
        {
          demand: 'moderate',
          tags: ['api'],
          attempts: upTo < 0 ? attempts : attempts.slice(0, upTo + 1),
          cost: null,
        },
        ['cheap-fast', 'balanced', 'strongest'],
      );
    }
    expect(explored).toBeGreaterThan(0);
    expect(explored / decisions).toBeLessThanOrEqual(MAX_EXPLORATION);
    expect(explorationRate(10_000)).toBeLessThan(MAX_EXPLORATION);
  });
});

describe('escalation on quality', () => {
  const answer = (text: string) =>
    ({
      answer: text,
      outcome: 'success',
    }) as unknown as import('../src/memory/solve-output.js').SolveOutput;

  it('climbs on a failed verification, at most max_escalations tiers, and records each tier', async () => {
    const verify = (output: { answer: string }) =>
      output.answer.includes('ftp') ? ['the answer uses forbidden tool "ftp"'] : [];
    const byTier = { 'cheap-fast': 'use ftp', balanced: 'use ftp again', strongest: 'use https' };
    const attempt = async (tier: Tier) => ({
      tier,
      output: answer(byTier[tier]),
      problems: undefined,
    });

    const full = await runRequestCascade(
      { tier: 'cheap-fast', maxEscalations: 2, verify },
      attempt,
    );
    expect(full.attempts.map((a) => a.tier)).toEqual(['cheap-fast', 'balanced', 'strongest']);
    expect(full.accepted?.tier).toBe('strongest');
    expect(full.attempts[0]?.unverified).toEqual(['the answer uses forbidden tool "ftp"']);

    const bounded = await runRequestCascade(
      { tier: 'cheap-fast', maxEscalations: 1, verify },
      attempt,
    );
    expect(bounded.attempts.map((a) => a.tier)).toEqual(['cheap-fast', 'balanced']);
  });

  it('the offline model fails a task too hard for its tier and moves up', async () => {
    const repo = await makeRepo();
    try {
      // Two hardness cues (tricky, subtle): hardness 0.6, beyond balanced's 0.5 for novel work,
      // within strongest's 0.75. The task starts on balanced by a fixed policy.
      const result = await runIteration(
        {
          repoRoot: repo.dir,
          git: repo.git,
          model: new OfflineModel(),
          now: steppingClock(),
          routing: { choose: () => ({ tier: 'balanced', reason: 'fixed for the test' }) },
        },
        taskFromText(AGENT, 'Fix a tricky, subtle pagination bug in the API sync.', 'hard-one'),
      );
      expect(result.status).toBe('done');
      const stored = repoRewardRecords(repo.dir, AGENT).find((r) => r.task_id === 'hard-one');
      expect(stored?.reasoning_demand).toBe('novel');
      expect(stored?.tiers_tried).toEqual(['balanced', 'strongest']);
      expect(stored?.model_used).toBe('strongest');
      expect(stored?.outcome).toBe('success');
    } finally {
      repo.cleanup();
    }
  });
});

describe('a run cost budget', () => {
  it('moves to cheaper tiers as it drains, before it has to stop', () => {
    const evidence = emptyEvidence();
    // novel work: cheap-fast solves 9 in 10 on its own, balanced every one
    for (let n = 0; n < 40; n++)
      addObservation(
        evidence,
        {
          demand: 'novel',
          tags: ['queue'],
          attempts: [{ tier: n < 20 ? 'balanced' : 'cheap-fast', success: n < 20 || n % 10 !== 0 }],
          cost: null,
        },
        ['cheap-fast', 'balanced', 'strongest'],
      );
    const choose = (spent: number) =>
      chooseRoute(evidence, {
        demand: 'novel',
        tags: ['queue'],
        tiers: TIERS,
        budget: 'premium',
        maxEscalations: 0,
        run: { spent, limit: 100 },
        random: () => 1,
      });
    expect(choose(0).tier).toBe('balanced');
    expect(choose(40).tier).toBe('balanced');
    expect(choose(90).tier).toBe('cheap-fast');
    expect(choose(90).tolerance).toBeGreaterThan(choose(40).tolerance);
  });
});
