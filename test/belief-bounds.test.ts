// A belief's lists stay bounded over an agent's whole life: its oldest tasks' evidence folds into
// counts, and every rule that reads evidence gives the same answer before and after (an over-grown
// belief file from before the fold keeps learning through the real loop); duplicate nominations
// keep the newest tasks per pair.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { discreditFailingBeliefs } from '../src/learning/belief-outcomes.js';
import { applyFeedback } from '../src/loop/feedback.js';
import { runIteration } from '../src/loop/iteration.js';
import { taskFromText } from '../src/loop/task.js';
import type { EvidenceSource } from '../src/memory/evidence-source.js';
import {
  loadWorld,
  renderBelief,
  type Belief,
  type Evidence,
  type EntityData,
  type EvidenceRecord,
} from '../src/world/beliefs.js';
import { beliefConfidence, tallyEvidence } from '../src/world/confidence.js';
import {
  EVIDENCE_BOUNDS,
  foldEvidence,
  mergeEvidenceRecords,
  withEvidence,
} from '../src/world/evidence-fold.js';
import { isTrusted } from '../src/world/provenance.js';
import { beliefFacts } from '../src/metrics/read.js';
import { MAX_NOMINATIONS_PER_PAIR, observe } from '../src/world/observe.js';
import { Random } from '../src/bench/random.js';
import { entityProposal, scriptedModel, type ScriptedMemory } from './helpers/model.js';
import { commitStaged } from './helpers/person.js';
import { makeRepo, steppingClock, type TestRepo } from './helpers/repo.js';

const contributor: EvidenceSource = { kind: 'issue', login: 'mallory', association: 'CONTRIBUTOR' };
const owner: EvidenceSource = { kind: 'issue', login: 'ana', association: 'OWNER' };

function at(minute: number): string {
  return new Date(Date.parse('2026-01-01T00:00:00Z') + minute * 60_000)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
}

/** An active entity with no evidence yet. */
function entity(slug: string, name: string): Belief<EntityData> {
  return {
    slug,
    path: `agents/orion/world/entities/${slug}.md`,
    body: '',
    data: {
      kind: 'entity',
      name,
      aliases: [],
      tags: [],
      confidence: 0.5,
      evidence: [],
      created: at(0),
      valid_at: null,
      invalid_at: null,
      superseded_by: null,
      status: 'active',
    },
  };
}

/**
 * `words` words: mostly a new task's first word, sometimes one of the last ten tasks speaking
 * again (changing its mind, or taking its word back), as feedback and retries do while a task is
 * recent; some from untrusted sources; `trusted` decides whether anyone trusted speaks.
 */
function randomEvidence(seed: number, words: number, trusted = true): Evidence[] {
  const rng = new Random(seed);
  const list: Evidence[] = [];
  let tasks = 0;
  for (let i = 0; i < words; i++) {
    const again = tasks > 0 && rng.chance(0.3);
    const task = again ? `t${Math.max(0, tasks - 1 - rng.int(0, 9))}` : `t${tasks++}`;
    const withdrawn = again && rng.chance(0.2);
    list.push({
      task,
      supports: rng.chance(0.7),
      at: at(i),
      note: `word ${i}`,
      ...(withdrawn ? { withdrawn: true } : {}),
      source: trusted && rng.chance(0.5) ? owner : contributor,
    });
  }
  return list;
}

/** What the rules read of a record, for comparing a folded record with the whole one. */
function answers(record: EvidenceRecord) {
  const tally = tallyEvidence(record);
  const belief = { data: { ...record } } as unknown as Belief;
  return {
    supporting: tally.supporting,
    contradicting: tally.contradicting,
    openContradiction: tally.openContradiction,
    lastAt: tally.lastAt,
    firstSupportAt: tally.firstSupportAt,
    confidence: beliefConfidence(record, at(100_000)),
    trusted: isTrusted(belief),
    firstContradiction: beliefFacts({ path: 'x.md', data: belief.data }).contradictedAt[0],
  };
}

const small = { maxTasks: 30, maxBytes: 1e9, keptTasks: 20, keptBytes: 1e9 };

describe('folding a belief’s older evidence', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'gives every rule the same answer as the whole list (seed %i)',
    (seed) => {
      const trusted = seed % 4 !== 0; // every fourth case: only untrusted sources speak
      const whole = randomEvidence(seed, 150, trusted);
      // Folded word by word, as the loop writes it: the fold is repeated many times over.
      let record: EvidenceRecord = { evidence: [] };
      for (const item of whole)
        record = foldEvidence({ ...record, evidence: [...record.evidence, item] }, small);
      expect(record.evidence_folded?.tasks).toBeGreaterThan(0);
      expect(new Set(record.evidence.map((e) => e.task)).size).toBeLessThanOrEqual(small.maxTasks);
      expect(answers(record)).toEqual(answers({ evidence: whole }));
    },
  );

  it('keeps the newest tasks item by item and leaves a list within bounds as it is', () => {
    const whole = Array.from({ length: 301 }, (_, i): Evidence => ({
      task: `t${i}`,
      supports: i % 10 !== 0,
      at: at(i),
      note: null,
    }));
    const folded = foldEvidence({ evidence: whole });
    expect(folded.evidence.map((e) => e.task)).toEqual(
      whole.slice(301 - EVIDENCE_BOUNDS.keptTasks).map((e) => e.task),
    );
    expect(folded.evidence_folded).toMatchObject({
      tasks: 101,
      supporting: 90,
      contradicting: 11,
      ever_supporting: 90,
      trusted_supporting: 90,
      through: at(100),
      first_support_at: at(1),
      first_contradiction_at: at(0),
      last_word: 'contradicts',
    });
    expect(foldEvidence({ evidence: whole.slice(0, 300) })).toEqual({
      evidence: whole.slice(0, 300),
    });
  });

  it('keeps the firewall’s answer when every untrusted support it folds was taken back', () => {
    // Untrusted tasks supported it and had their word withdrawn: the belief still counts as
    // supported by untrusted authors only, before and after the fold.
    const withdrawn = Array.from({ length: 40 }, (_, i): Evidence[] => [
      { task: `u${i}`, supports: true, at: at(2 * i), note: null, source: contributor },
      { task: `u${i}`, supports: false, withdrawn: true, at: at(2 * i + 1), note: null },
    ]).flat();
    // The newest tasks, the ones kept item by item, only contradict it.
    const against = Array.from({ length: 25 }, (_, i): Evidence => ({
      task: `c${i}`,
      supports: false,
      at: at(100 + i),
      note: null,
    }));
    const whole = [...withdrawn, ...against];
    const folded = foldEvidence({ evidence: whole }, small);
    expect(folded.evidence.every((e) => !e.supports)).toBe(true);
    expect(folded.evidence_folded?.ever_supporting).toBeGreaterThan(0);
    expect(answers(folded).trusted).toBe(false);
    expect(answers({ evidence: whole }).trusted).toBe(false);
  });

  it('folds by size when long notes would pass the bound, keeping at least the newest task', () => {
    const long = 'x'.repeat(20_000);
    const whole = Array.from({ length: 8 }, (_, i): Evidence => ({
      task: `t${i}`,
      supports: true,
      at: at(i),
      note: long,
    }));
    const folded = foldEvidence({ evidence: whole });
    expect(folded.evidence.map((e) => e.task)).toEqual(['t5', 't6', 't7']);
    expect(folded.evidence_folded?.supporting).toBe(5);
    const huge = foldEvidence({
      evidence: [
        { ...whole[0]!, note: 'y'.repeat(200_000) },
        { ...whole[1]!, note: 'y'.repeat(200_000) },
      ],
    });
    expect(huge.evidence.map((e) => e.task)).toEqual(['t1']);
  });

  it('merges two folded beliefs into one tally and stays within bounds', () => {
    const a = randomEvidence(11, 500);
    const b = randomEvidence(12, 500).map((e) => ({ ...e, task: `b-${e.task}` }));
    const merged = foldEvidence(
      mergeEvidenceRecords(foldEvidence({ evidence: a }), foldEvidence({ evidence: b })),
    );
    const whole = answers({ evidence: [...a, ...b] });
    expect(answers(merged)).toEqual(whole);
    expect(new Set(merged.evidence.map((e) => e.task)).size).toBeLessThanOrEqual(
      EVIDENCE_BOUNDS.keptTasks,
    );
  });

  it('does not count a folded task’s failed use against the belief twice', () => {
    const whole = Array.from({ length: 301 }, (_, i): Evidence => ({
      task: `t${i}`,
      supports: true,
      at: at(i),
      note: null,
    }));
    const webhook = entity('webhook', 'Webhook');
    const data = withEvidence(webhook.data, whole, at(400));
    expect(data.evidence_folded?.tasks).toBe(101);
    const belief: Belief = { ...webhook, data };
    // t0 was folded (its use is older than the fold); t999 is new; both failed, and many more failed.
    const uses = [
      { task: 't0', at: at(0), success: false },
      { task: 't999', at: at(500), success: false },
      ...Array.from({ length: 10 }, (_, i) => ({ task: `f${i}`, at: at(600 + i), success: false })),
    ];
    const update = discreditFailingBeliefs(
      [belief],
      new Map([['world/entities/webhook.md', uses]]),
      {
        agent: 'orion',
        now: at(700),
      },
    );
    const after = update.beliefs.get(belief.path)!;
    const against = after.data.evidence.filter((e) => !e.supports).map((e) => e.task);
    expect(against).not.toContain('t0');
    expect(against).toContain('t999');
    expect(tallyEvidence(after.data)).toMatchObject({ supporting: 301, contradicting: 11 });
  });
});

const WEBHOOK = 'agents/orion/world/hypotheses/webhook.md';

/**
 * A repository whose agent runs scripted tasks (`run(id)` answers as `scripts` says), after task t1
 * proposed the webhook hypothesis.
 */
async function scriptedAgent(now: () => Date) {
  const repo = await makeRepo();
  const scripts = new Map<string, ScriptedMemory>();
  const model = scriptedModel((request) => scripts.get(request.taskId) ?? {});
  const run = (id: string) =>
    runIteration(
      { repoRoot: repo.dir, git: repo.git, model, now },
      taskFromText('orion', `Task ${id}`, id),
    );
  scripts.set('t1', { hypotheses: [entityProposal('Webhook', 'webhook')] });
  expect((await run('t1')).status).toBe('done');
  return { repo, scripts, run };
}

/** The webhook hypothesis with `items` added by hand and committed; its whole evidence after. */
async function addWords(repo: TestRepo, items: readonly Evidence[]): Promise<Evidence[]> {
  const before = loadWorld(repo.dir, 'orion').find((b) => b.path === WEBHOOK)!;
  const evidence = [...before.data.evidence, ...items];
  writeFileSync(
    join(repo.dir, WEBHOOK),
    renderBelief({ ...before, data: { ...before.data, evidence } }),
  );
  await repo.git.exec(['add', WEBHOOK]);
  await commitStaged(repo.git, 'words given on the webhook');
  return evidence;
}

/** What a task answers that gives its word on the webhook hypothesis. */
const wordOnWebhook = (): ScriptedMemory => ({
  evidence: [{ target: 'world/hypotheses/webhook.md', supports: true, note: 'seen' }],
});

describe('a belief file grown past the limit before folding', () => {
  let repo: TestRepo;
  afterEach(() => repo?.cleanup());

  it('learns again through the loop: the next word folds it under the bounds, counts intact', async () => {
    const agent = await scriptedAgent(steppingClock('2026-05-01T09:00:00Z'));
    repo = agent.repo;
    // 1,300 tasks' words with long notes, as an agent would have written them over a long life.
    const path = WEBHOOK;
    const note =
      'the answer relied on the webhook signature check, and the check held as described';
    const evidence = await addWords(
      repo,
      Array.from({ length: 1300 }, (_, i): Evidence => ({
        task: `old-${i}`,
        supports: i % 7 !== 0,
        at: at(i),
        note: `${note} (${i})`,
        source: { kind: 'cli' },
      })),
    );
    const grown = statSync(join(repo.dir, path)).size;
    expect(grown).toBeGreaterThan(200 * 1024);
    const whole = tallyEvidence({ evidence });

    agent.scripts.set('t2', wordOnWebhook());
    const result = await agent.run('t2');
    expect(result.status).toBe('done');
    expect(result.refused).toEqual([]);
    const status = await repo.git.exec(['status', '--porcelain']);
    expect(status.stdout).toBe('');

    const size = statSync(join(repo.dir, path)).size;
    expect(size).toBeLessThan(EVIDENCE_BOUNDS.keptBytes * 1.5);
    const after = loadWorld(repo.dir, 'orion').find((b) => b.path === path)!;
    expect(after.data.evidence_folded).toBeDefined();
    expect(after.data.evidence.at(-1)?.task).toBe('t2');
    const tally = tallyEvidence(after.data);
    expect(tally.supporting).toBe(whole.supporting + 1);
    expect(tally.contradicting).toBe(whole.contradicting);
    const text = readFileSync(join(repo.dir, path), 'utf8');
    // The counts follow the items they were folded from.
    expect(text).toMatch(/^evidence:\n(?: {2}.*\n)+evidence_folded:\n {2}tasks: \d+\n/m);
  });
});

describe('duplicate nominations', () => {
  it('keep the newest 50 tasks per pair that the rules never merge', () => {
    let world: Belief[] = [entity('api', 'API'), entity('apm', 'APM')];
    for (let i = 0; i < 60; i++) {
      const change = observe(world, {
        agent: 'orion',
        taskId: `t${i}`,
        at: at(i),
        hypotheses: [],
        evidence: [],
        duplicates: [
          { target: 'world/entities/api.md', duplicate_of: 'world/entities/apm.md', note: 'same' },
        ],
        hypothesesOnly: false,
      });
      world = world.map((b) => change.beliefs.get(b.path) ?? b);
    }
    const nominations = world[0]!.data.duplicate_nominations ?? [];
    expect(nominations).toHaveLength(MAX_NOMINATIONS_PER_PAIR);
    expect(nominations.map((n) => n.task)).toEqual(
      Array.from({ length: 50 }, (_, i) => `t${i + 10}`),
    );
  });
});

describe('feedback on a task whose word was folded', () => {
  let repo: TestRepo;
  afterEach(() => repo?.cleanup());

  it('leaves the belief as it was and says so in the feedback commit', async () => {
    let current = '2026-05-01T09:00:00Z';
    const now = () => new Date(current);
    const agent = await scriptedAgent(now);
    repo = agent.repo;
    // 400 later tasks' words, then t2's: t1's word is among the oldest, and folds.
    const path = WEBHOOK;
    await addWords(
      repo,
      Array.from({ length: 400 }, (_, i): Evidence => ({
        task: `later-${i}`,
        supports: true,
        at: new Date(Date.parse('2026-05-01T10:00:00Z') + i * 1000).toISOString(),
        note: null,
      })),
    );
    current = '2026-05-01T12:00:00Z';
    agent.scripts.set('t2', wordOnWebhook());
    expect((await agent.run('t2')).status).toBe('done');
    const folded = loadWorld(repo.dir, 'orion').find((b) => b.path === path)!;
    expect(folded.data.evidence.some((e) => e.task === 't1')).toBe(false);
    const tallyBefore = tallyEvidence(folded.data);

    current = '2026-05-01T13:00:00Z';
    const result = await applyFeedback({
      repoRoot: repo.dir,
      git: repo.git,
      taskId: 't1',
      feedback: { by: 'ana', scores: { correctness: -1 }, note: null },
      now,
    });
    expect(result.record.outcome).toBe('failure');
    const after = loadWorld(repo.dir, 'orion').find((b) => b.path === path)!;
    expect(tallyEvidence(after.data)).toEqual(tallyBefore);
    const body = (await repo.git.exec(['log', '-1', '--format=%B'])).stdout;
    expect(body).toContain(
      "Beliefs whose word from this task is folded into counts (only a belief's newest tasks can be changed):",
    );
    expect(body).toContain(`- kept as it was: ${path}`);
  });
});
