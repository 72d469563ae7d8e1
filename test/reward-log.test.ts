// The reward log: appends on two branches merge with plain git, sealing keeps files bounded, a
// legacy rewards.md is still read and rewritten in place, and a broken line is named by file and line.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger } from '../src/log.js';
import { readTextIfExists } from '../src/memory/files.js';
import type { ParseCache } from '../src/memory/parse-cache.js';
import { applyFeedback } from '../src/loop/feedback.js';
import { runIteration } from '../src/loop/iteration.js';
import { taskFromText } from '../src/loop/task.js';
import { OfflineModel } from '../src/llm/offline/offline-model.js';
import {
  MAX_SHARD_BYTES,
  MAX_SHARD_RECORDS,
  planSeal,
  readRewardIndex,
  readRewardLog,
  readRewardsChangedSince,
  recentRecordPath,
  SEAL_AT_RECENT_RECORDS,
  writeRewardRecord,
} from '../src/memory/reward-log.js';
import { renderRewardLine } from '../src/memory/reward-lines.js';
import {
  appendRewardText,
  isPlainRewardRecord,
  rewardRecordOrIssues,
  RewardRecordSchema,
  rewardTaskTitle,
  type RewardRecord,
} from '../src/memory/rewards.js';
import { MemoryWriter } from '../src/memory/writer.js';
import { runCli } from './helpers/cli.js';
import { makeRepo, steppingClock, type TestRepo } from './helpers/repo.js';
import { repoRewardRecords, sampleRewardRecord } from './helpers/rewards.js';
import { commitStaged } from './helpers/person.js';

const AGENT = 'orion';
const REWARDS = `agents/${AGENT}/rewards`;

function sampleRecord(taskId: string, minute: number, fields: Partial<RewardRecord> = {}) {
  return sampleRewardRecord(AGENT, taskId, minute, fields);
}

function records(prefix: string, count: number, firstMinute: number): RewardRecord[] {
  return Array.from({ length: count }, (_, i) =>
    sampleRecord(`${prefix}-${String(i).padStart(3, '0')}`, firstMinute + i),
  );
}

/** A parse cache keyed by content, as the memory index's is by blob id: unchanged files parse once. */
function contentCache(repoRoot: string): ParseCache {
  const parsed = new Map<string, unknown>();
  return {
    parse<T>(path: string, kind: string, parse: (text: string) => T): T | undefined {
      const text = readTextIfExists(join(repoRoot, path));
      if (text === undefined) return undefined;
      const key = `${kind}\0${text}`;
      if (!parsed.has(key)) parsed.set(key, parse(text));
      return parsed.get(key) as T;
    },
  };
}

/** Adds records through the log's own writer, as iterations do, and commits them in one commit. */
async function appendRecords(repo: TestRepo, added: RewardRecord[], message: string) {
  const writer = new MemoryWriter(repo.dir, AGENT, silentLogger);
  const cache = contentCache(repo.dir);
  const sealed: string[] = [];
  for (const record of added) {
    const index = readRewardIndex(repo.dir, AGENT, cache);
    const seal = writeRewardRecord(writer, repo.dir, index, record);
    if (seal) sealed.push(...seal.shards);
  }
  // The whole folder: a recent file written and sealed within this batch was never tracked.
  await repo.git.add([REWARDS]);
  await commitStaged(repo.git, `${message}\n`);
  return sealed;
}

function listed(folder: string): string[] {
  return existsSync(folder) ? readdirSync(folder).sort() : [];
}

async function merge(repo: TestRepo, branch: string) {
  const result = await repo.git.exec(['merge', '--no-edit', branch], { allowFailure: true });
  const unmerged = await repo.git.exec(['diff', '--name-only', '--diff-filter=U']);
  const markers = await repo.git.exec(['grep', '-l', '-e', '^<<<<<<<', '--', REWARDS], {
    allowFailure: true,
  });
  return { code: result.exitCode, unmerged: unmerged.stdout.trim(), markers: markers.stdout };
}

describe('the reward log', () => {
  let repo: TestRepo;
  let main: string;
  beforeEach(async () => {
    repo = await makeRepo();
    main = (await repo.git.exec(['rev-parse', '--abbrev-ref', 'HEAD'])).stdout.trim();
  });
  afterEach(() => repo.cleanup());

  it('merges two branches whose iterations each added records, with plain git merge and no driver', async () => {
    expect(repo.read('.gitattributes')).not.toMatch(/merge=/);
    // Learning off: the iterations write only their records, so the merge is the log's alone.
    repo.write(
      'agents.yaml',
      repo.read('agents.yaml').replace('learning: active', 'learning: none'),
    );
    await repo.git.add(['agents.yaml']);
    await commitStaged(repo.git, 'Orion stops learning\n');
    const iterate = async (id: string, text: string) => {
      const result = await runIteration(
        { repoRoot: repo.dir, git: repo.git, model: new OfflineModel(), now: steppingClock() },
        taskFromText(AGENT, text, id),
      );
      expect(result.status).toBe('done');
    };

    await repo.git.exec(['checkout', '-q', '-b', 'other']);
    await iterate('b-1', 'Refresh OAuth tokens during a long sync.');
    await iterate('b-2', 'Handle repeated webhook deliveries idempotently.');
    await repo.git.exec(['checkout', '-q', main]);
    await iterate('a-1', 'Sync a paginated API with rate limits.');
    await iterate('a-2', 'Back off when the vendor answers 429.');

    const merged = await merge(repo, 'other');
    expect(merged).toEqual({ code: 0, unmerged: '', markers: '' });
    expect(listed(join(repo.dir, REWARDS, 'recent'))).toEqual([
      'a-1.md',
      'a-2.md',
      'b-1.md',
      'b-2.md',
    ]);
    expect(
      repoRewardRecords(repo.dir, AGENT)
        .map((r) => r.task_id)
        .sort(),
    ).toEqual(['a-1', 'a-2', 'b-1', 'b-2']);
  });

  it('merges two branches that both sealed, each task read once', async () => {
    await appendRecords(repo, records('base', 150, 0), 'base records');
    await repo.git.exec(['checkout', '-q', '-b', 'other']);
    const otherShards = await appendRecords(repo, records('b', 60, 1000), 'other records');
    await repo.git.exec(['checkout', '-q', main]);
    const mainShards = await appendRecords(repo, records('a', 70, 2000), 'main records');
    // Each branch sealed the base's 150 and its own first 50 into a shard of its own.
    expect(otherShards).toHaveLength(1);
    expect(mainShards).toHaveLength(1);
    expect(otherShards).not.toEqual(mainShards);

    const merged = await merge(repo, 'other');
    expect(merged).toEqual({ code: 0, unmerged: '', markers: '' });
    const log = readRewardLog(repo.dir, AGENT);
    const ids = log.records.map((r) => r.task_id);
    expect(ids).toHaveLength(150 + 60 + 70);
    expect(new Set(ids).size).toBe(ids.length);
    // What neither branch sealed is still in recent/: 10 of one branch, 20 of the other.
    expect(listed(join(repo.dir, REWARDS, 'recent'))).toHaveLength(10 + 20);
  });

  it('gives two branches that seal the same records the same shard, which merges clean', async () => {
    await appendRecords(repo, records('base', 150, 0), 'base records');
    const same = records('same', 50, 500);
    await repo.git.exec(['checkout', '-q', '-b', 'other']);
    const otherShards = await appendRecords(repo, same, 'the records, on one branch');
    await repo.git.exec(['checkout', '-q', main]);
    const mainShards = await appendRecords(repo, same, 'the same records, on another');
    expect(mainShards).toEqual(otherShards);
    expect(mainShards[0]).toMatch(/\/rewards\/2026-05-01-[0-9a-f]{8}\.md$/);

    expect(await merge(repo, 'other')).toEqual({ code: 0, unmerged: '', markers: '' });
    expect(listed(join(repo.dir, REWARDS))).toEqual([mainShards[0]!.split('/').at(-1)]);
    expect(listed(join(repo.dir, REWARDS, 'recent'))).toEqual([]);
    expect(readRewardLog(repo.dir, AGENT).records).toHaveLength(200);
  });

  it('seals recent/ in the iteration that adds the 200th record, into bounded shards', async () => {
    await appendRecords(repo, records('old', SEAL_AT_RECENT_RECORDS - 1, 0), 'old records');
    expect(listed(join(repo.dir, REWARDS, 'recent'))).toHaveLength(199);

    const result = await runIteration(
      {
        repoRoot: repo.dir,
        git: repo.git,
        model: new OfflineModel(),
        now: steppingClock('2026-06-01T09:00:00Z'),
      },
      taskFromText(AGENT, 'Sync a paginated API with rate limits.', 'sync-200'),
    );
    expect(result.status).toBe('done');

    const shards = listed(join(repo.dir, REWARDS)).filter((name) => name.endsWith('.md'));
    expect(shards.length).toBeGreaterThanOrEqual(1);
    for (const shard of shards) {
      expect(shard).toMatch(/^2026-05-01-[0-9a-f]{8}\.md$/);
      expect(statSync(join(repo.dir, REWARDS, shard)).size).toBeLessThanOrEqual(MAX_SHARD_BYTES);
    }
    expect(existsSync(join(repo.dir, REWARDS, 'recent'))).toBe(false);
    const message = (await repo.git.exec(['log', '-1', '--format=%B'])).stdout;
    expect(message).toContain(
      `Sealed 200 reward records into ${shards.map((s) => `rewards/${s}`).join(', ')}.`,
    );
    // The seal is in the iteration's own commit, deletions included: nothing is left over.
    expect((await repo.git.exec(['status', '--porcelain'])).stdout).toBe('');
    const deleted = await repo.git.exec([
      'show',
      '--diff-filter=D',
      '--name-only',
      '--format=',
      'HEAD',
    ]);
    expect(deleted.stdout.trim().split('\n')).toHaveLength(199);

    const log = readRewardLog(repo.dir, AGENT);
    expect(log.records).toHaveLength(200);
    expect(log.records.at(-1)?.task_id).toBe('sync-200');
    expect(log.locate('sync-200')?.kind).toBe('shard');

    // Feedback on a sealed record rewrites its line, and only that line.
    const shardPath = log.locate('old-007')!.path;
    const before = repo.read(shardPath).split('\n');
    await applyFeedback({
      repoRoot: repo.dir,
      git: repo.git,
      agent: AGENT,
      taskId: 'old-007',
      feedback: { by: 'octocat', scores: { correctness: -1 }, note: null },
    });
    const after = repo.read(shardPath).split('\n');
    expect(after).toHaveLength(before.length);
    const changed = after.flatMap((line, i) => (line === before[i] ? [] : [i]));
    expect(changed).toHaveLength(1);
    expect(after[changed[0]!]).toContain('"task_id": "old-007"');
    expect(readRewardIndex(repo.dir, AGENT).record('old-007')).toMatchObject({
      outcome: 'failure',
      feedback: { by: 'octocat' },
    });
  });

  it('splits a seal into shards of at most 256 records and 128 KiB, the same for the same records', () => {
    const long = 'x'.repeat(199);
    const many = Array.from({ length: 700 }, (_, i) => ({
      path: recentRecordPath(AGENT, `t-${i}`),
      record: sampleRecord(`t-${i}`, i % 350, {
        task: long,
        context_tags: Array.from({ length: 20 }, (_, t) => `tag-number-${t}`),
      }),
    }));
    const plan = planSeal(AGENT, many);
    const written = plan.changes.flatMap((c) => ('content' in c ? [c] : []));
    expect(written.length).toBeGreaterThan(2);
    expect(plan.count).toBe(700);
    expect(plan.changes.filter((c) => 'delete' in c)).toHaveLength(700);
    const lines: string[] = [];
    const counts = written.map((shard) => shard.content.split('\n- ').length - 1);
    // Spread evenly: no sliver of a shard left behind.
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    for (const shard of written) {
      expect(Buffer.byteLength(shard.content)).toBeLessThanOrEqual(MAX_SHARD_BYTES);
      const body = shard.content.split('\n').filter((line) => line.startsWith('- '));
      expect(body.length).toBeLessThanOrEqual(MAX_SHARD_RECORDS);
      expect(shard.content.split('\n')[0]).toMatch(/^# Reward records of agent orion/);
      lines.push(...body);
    }
    const sorted = [...many]
      .map((entry) => entry.record)
      .sort((a, b) => (a.at === b.at ? (a.task_id < b.task_id ? -1 : 1) : a.at < b.at ? -1 : 1));
    expect(lines).toEqual(sorted.map(renderRewardLine));
    expect(planSeal(AGENT, [...many].reverse())).toEqual(plan);
  });

  it('reads a legacy rewards.md first, appends new records to recent/, and rewrites legacy records in place', async () => {
    const legacy = appendRewardText(
      appendRewardText(undefined, AGENT, sampleRecord('issue-42', 0)),
      AGENT,
      sampleRecord('issue-43', 1),
    );
    repo.write(`agents/${AGENT}/rewards.md`, legacy);
    await repo.git.add([`agents/${AGENT}/rewards.md`]);
    await commitStaged(repo.git, 'An earlier log\n');

    const again = await runIteration(
      { repoRoot: repo.dir, git: repo.git, model: new OfflineModel(), now: steppingClock() },
      taskFromText(AGENT, 'Sync a paginated API.', 'issue-42'),
    );
    expect(again.status).toBe('already-processed');
    await runIteration(
      { repoRoot: repo.dir, git: repo.git, model: new OfflineModel(), now: steppingClock() },
      taskFromText(AGENT, 'Sync a paginated API with rate limits.', 'sync-1'),
    );
    expect(repo.read(`agents/${AGENT}/rewards.md`)).toBe(legacy);
    expect(listed(join(repo.dir, REWARDS, 'recent'))).toEqual(['sync-1.md']);

    await applyFeedback({
      repoRoot: repo.dir,
      git: repo.git,
      agent: AGENT,
      taskId: 'issue-42',
      feedback: { by: 'octocat', scores: { correctness: -1 }, note: 'wrong cursor' },
    });
    const text = repo.read(`agents/${AGENT}/rewards.md`);
    expect(text).not.toBe(legacy);
    expect(text).toMatch(/task_id: issue-42\n[\s\S]*?outcome: failure[\s\S]*?task_id: issue-43/);
    expect(listed(join(repo.dir, REWARDS, 'recent'))).toEqual(['sync-1.md']);
    const log = readRewardLog(repo.dir, AGENT);
    expect(log.records.map((r) => [r.task_id, r.outcome])).toEqual([
      ['issue-42', 'failure'],
      ['issue-43', 'success'],
      ['sync-1', 'success'],
    ]);
    expect(log.locate('issue-42')).toEqual({
      path: `agents/${AGENT}/rewards.md`,
      kind: 'legacy',
    });
  });

  it('keeps the latest copy of a task met twice: legacy, then shards by date, then recent', () => {
    repo.write(
      `agents/${AGENT}/rewards.md`,
      appendRewardText(undefined, AGENT, sampleRecord('twice', 0, { outcome: 'failure' })),
    );
    const seal = planSeal(AGENT, [
      { path: 'unused', record: sampleRecord('first', 1) },
      { path: 'unused', record: sampleRecord('twice', 2, { outcome: 'partial' }) },
      { path: 'unused', record: sampleRecord('last', 3) },
    ]);
    for (const change of seal.changes)
      if ('content' in change) repo.write(change.path, change.content);
    repo.write(
      recentRecordPath(AGENT, 'newest'),
      `# hand-made\n${renderRewardLine(sampleRecord('newest', 9))}\n`,
    );

    const log = readRewardLog(repo.dir, AGENT);
    expect(log.records.map((r) => [r.task_id, r.outcome])).toEqual([
      ['first', 'success'],
      ['twice', 'partial'],
      ['last', 'success'],
      ['newest', 'success'],
    ]);
    const index = readRewardIndex(repo.dir, AGENT);
    expect(index.size).toBe(4);
    expect(index.locate('twice')?.kind).toBe('shard');
    expect(index.record('twice')?.outcome).toBe('partial');
    for (const n of [1, 2, 3, 4, 10]) expect(index.recent(n)).toEqual(log.records.slice(-n));
  });

  it('reads for a reflection only the files with a record changed since a time, each task as the whole log keeps it', () => {
    const day = 24 * 60;
    const seal = (added: RewardRecord[]) => {
      const plan = planSeal(
        AGENT,
        added.map((record) => ({ path: 'unused', record })),
      );
      for (const change of plan.changes)
        if ('content' in change) repo.write(change.path, change.content);
    };
    // Day 1: untouched since. Day 2: one record a person re-scored on day 4, and one sealed again on day 3.
    seal(records('old', 3, 0));
    seal([
      sampleRecord('scored', day, {
        outcome: 'failure',
        reward: -1,
        feedback: { by: 'ada', at: '2026-05-04T09:00:00Z', scores: {}, note: 'wrong page' },
      }),
      sampleRecord('twice', day + 1, { outcome: 'partial' }),
    ]);
    seal([sampleRecord('twice', 2 * day, { outcome: 'failure' }), sampleRecord('third', 2 * day)]);
    repo.write(
      recentRecordPath(AGENT, 'newest'),
      `# hand-made\n${renderRewardLine(sampleRecord('newest', 3 * day))}\n`,
    );

    const since = '2026-05-02T12:00:00Z';
    const read = readRewardsChangedSince(repo.dir, AGENT, since, contentCache(repo.dir));
    expect(read.map((r) => [r.task_id, r.outcome])).toEqual([
      ['scored', 'failure'],
      ['third', 'success'],
      ['twice', 'failure'],
      ['newest', 'success'],
    ]);
    const all = readRewardLog(repo.dir, AGENT).records;
    expect(readRewardsChangedSince(repo.dir, AGENT, undefined)).toEqual(all);
    expect(readRewardsChangedSince(repo.dir, AGENT, '2026-05-09T00:00:00Z')).toEqual([]);
  });

  it('finds a task in the newest file that holds it, looked up alone or among many', () => {
    repo.write(
      `agents/${AGENT}/rewards.md`,
      appendRewardText(undefined, AGENT, sampleRecord('twice', 0, { outcome: 'failure' })),
    );
    const seal = planSeal(AGENT, [
      { path: 'unused', record: sampleRecord('first', 1) },
      { path: 'unused', record: sampleRecord('twice', 2, { outcome: 'partial' }) },
      {
        path: 'unused',
        record: sampleRecord('retried', 3, { outcome: 'failure', reward: -1, error: 'timeout' }),
      },
    ]);
    for (const change of seal.changes)
      if ('content' in change) repo.write(change.path, change.content);
    repo.write(
      recentRecordPath(AGENT, 'retried'),
      `# hand-made\n${renderRewardLine(sampleRecord('retried', 9))}\n`,
    );
    const log = readRewardLog(repo.dir, AGENT);
    const tasks = ['twice', 'first', 'retried', 'never'];
    // One lookup at a time, as an iteration asks, and then many, past the point where the index
    // maps every task: the answers are the full read's.
    for (const task of tasks)
      expect(readRewardIndex(repo.dir, AGENT).locate(task)).toEqual(log.locate(task));
    const index = readRewardIndex(repo.dir, AGENT);
    for (let round = 0; round < 4; round++) {
      expect(index.locate('twice')).toEqual({ path: seal.shards[0], kind: 'shard' });
      expect(index.status('twice')).toBe('done');
      expect(index.record('twice')?.outcome).toBe('partial');
      expect(index.status('retried')).toBe('done');
      expect(index.locate('retried')?.kind).toBe('recent');
      expect(index.status('never')).toBeUndefined();
    }
    expect(index.size).toBe(3);
  });

  it('reads the shards of one date in time order, whatever their hashes', () => {
    const seal = (prefix: string, minute: number) =>
      planSeal(
        AGENT,
        records(prefix, 3, minute).map((record) => ({ path: 'unused', record })),
      );
    const earlier = seal('early', 0);
    // A later seal of the same day whose name sorts before the earlier one's.
    let attempt = 0;
    let later = seal(`late${attempt}`, 60);
    while (later.shards[0]! > earlier.shards[0]!) later = seal(`late${++attempt}`, 60);
    for (const plan of [earlier, later])
      for (const change of plan.changes)
        if ('content' in change) repo.write(change.path, change.content);

    const log = readRewardLog(repo.dir, AGENT);
    expect(log.records.map((r) => r.task_id)).toEqual([
      'early-000',
      'early-001',
      'early-002',
      `late${attempt}-000`,
      `late${attempt}-001`,
      `late${attempt}-002`,
    ]);
    const index = readRewardIndex(repo.dir, AGENT);
    for (const n of [1, 3, 4, 6]) expect(index.recent(n)).toEqual(log.records.slice(-n));
  });

  it('answers status and the recent window from the index', async () => {
    await appendRecords(repo, records('r', 230, 0), 'records');
    await appendRecords(
      repo,
      [sampleRecord('broken-run', 500, { outcome: 'failure', reward: -1, error: 'timeout: slow' })],
      'a failed attempt',
    );
    const index = readRewardIndex(repo.dir, AGENT);
    expect(index.size).toBe(231);
    expect(index.status('r-000')).toBe('done');
    expect(index.status('broken-run')).toBe('failed');
    expect(index.status('never')).toBeUndefined();
    expect(index.recent(20)).toEqual(readRewardLog(repo.dir, AGENT).records.slice(-20));
    expect(index.recent(40).map((r) => r.task_id)).toEqual([
      ...records('r', 230, 0)
        .slice(-39)
        .map((r) => r.task_id),
      'broken-run',
    ]);
  });

  it('checks a record by hand as the schema would, and leaves the rest to the schema', () => {
    const valid = sampleRecord('x', 0);
    // A route as the runtime records it (src/memory/route-record.ts).
    const route = {
      tier: 'cheap-fast',
      default_tier: 'balanced',
      reason: 'lowest expected cost per success',
      explored: false,
      source: 'routing.md',
      demand_reason: 'short task, known tags',
      cluster: 'routine/api',
      tags: ['api'],
      exploration_rate: 0.05,
      tolerance: 0.02,
      estimates: {
        'cheap-fast': { success: 0.9, cost: 0.001, start_success: 0.97, start_cost: 0.004 },
        balanced: { success: 0.95, cost: 0.02, start_success: 0.97, start_cost: 0.025 },
      },
      expected: { success: 0.97, cost: 0.004 },
    };
    const dimensions = valid.reward_decomposition;
    const variants: unknown[] = [
      valid,
      { ...valid, error: 'timeout: slow' },
      { ...valid, error: '' },
      { ...valid, agent: undefined },
      { ...valid, agent: 3 },
      { ...valid, at: 'yesterday' },
      { ...valid, outcome: 'great' },
      { ...valid, reward: 2 },
      { ...valid, reward: '1' },
      { ...valid, reward_decomposition: { ...dimensions, extra: 0 } },
      { ...valid, reward_decomposition: { correctness: 1, efficiency: 0, novelty: 1 } },
      { ...valid, reward_decomposition: { ...dimensions, novelty: 0.5 } },
      { ...valid, context_tags: [1] },
      { ...valid, context_tags: undefined },
      { ...valid, reasoning_demand: 'hard' },
      { ...valid, model_used: 'huge' },
      { ...valid, tiers_tried: ['huge'] },
      { ...valid, tiers_tried: ['balanced', 'strongest'] },
      { ...valid, tokens: { prompt: -1, completion: 0 } },
      { ...valid, tokens: { prompt: 1.5, completion: 0 } },
      { ...valid, tokens: { prompt: 1, completion: 0, cached: 1 } },
      { ...valid, tokens: { prompt: 1 } },
      { ...valid, cost_usd: -1 },
      { ...valid, cost_usd: null },
      { ...valid, cost_usd: '0.1' },
      { ...valid, context: { included: 1, used: 1, tokens: 1, extra: 1 } },
      { ...valid, context: { included: 1, used: -1, tokens: 1 } },
      {
        ...valid,
        context: { included: 4, used: 1, tokens: 9, available: 7, used_ids: ['a'], used_tokens: 3 },
      },
      { ...valid, context: { included: 4, used: 1, tokens: 9, available: 1.5 } },
      { ...valid, context: { included: 4, used: 1, tokens: 9, used_ids: [1] } },
      { ...valid, context: { included: 4, used: 1, tokens: 9, used_tokens: -1 } },
      { ...valid, context: { included: 4, used: 1, tokens: 9, used_ids: undefined } },
      { ...valid, feedback: { by: 'octocat', at: valid.at } },
      { ...valid, feedback: { by: 'octocat', at: 'soon' } },
      { ...valid, task: '' },
      { ...valid, task_id: 5 },
      { ...valid, model_name: 5 },
      { ...valid, model_appropriate: 'maybe' },
      { ...valid, world_model_update: 'world/x.md' },
      { ...valid, skills_used: [null] },
      { ...valid, violations: ['the answer uses forbidden tool "curl"'] },
      { ...valid, route },
      { ...valid, route: { ...route, tier: 'huge' } },
      { ...valid, route: { ...route, explored: 'no' } },
      { ...valid, route: { ...route, exploration_rate: 2 } },
      { ...valid, route: { ...route, estimates: { balanced: { success: 0.9, cost: 0.1 } } } },
      { ...valid, route: { ...route, estimates: undefined } },
      { ...valid, route: { ...route, expected: { success: 0.9, cost: -1 } } },
      { ...valid, route: { ...route, note: 'loose objects keep other fields' } },
      null,
      [],
      'a record',
    ];
    for (const value of variants) {
      const schema = RewardRecordSchema.safeParse(value);
      if (isPlainRewardRecord(value)) expect(schema).toEqual({ success: true, data: value });
      expect(rewardRecordOrIssues(value).ok).toBe(schema.success);
    }
    expect(isPlainRewardRecord(valid)).toBe(true);
    // What the loop writes now takes the cheap path too.
    expect(
      isPlainRewardRecord({
        ...valid,
        context: { included: 4, used: 1, tokens: 9, available: 7, used_ids: ['a'], used_tokens: 3 },
        route,
      }),
    ).toBe(true);
  });

  it('keeps a task title of one line and at most 200 characters', () => {
    expect(rewardTaskTitle('\n  Sync the   invoices API\n\nUse the cursor.')).toBe(
      'Sync the invoices API',
    );
    const title = rewardTaskTitle('y'.repeat(500));
    expect(title).toHaveLength(200);
    expect(title.endsWith('…')).toBe(true);
  });

  it('reads a hand edit in YAML flow style, and names the file and line of a broken one', async () => {
    const path = recentRecordPath(AGENT, 'hand');
    const record = sampleRecord('hand', 0);
    const yamlFlow = renderRewardLine(record)
      .replace(/"([a-z_]+)": /g, '$1: ')
      .replace('"Sync the hand API page by page"', 'Sync the hand API page by page');
    repo.write(path, `# a person's edit\n\n${yamlFlow}\n`);
    expect(readRewardLog(repo.dir, AGENT).records).toEqual([record]);

    repo.write(
      path,
      `# a person's edit\n\n${yamlFlow.replace('outcome: "success"', 'outcome: great')}\n`,
    );
    const bad = await runCli(['run', '--dir', repo.dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/agents\/orion\/rewards\/recent\/hand\.md:3: field "outcome"/);

    repo.write(path, `# a person's edit\n${renderRewardLine(record).slice(0, 40)}\n`);
    const broken = await runCli(['run', '--dir', repo.dir]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/agents\/orion\/rewards\/recent\/hand\.md:2: invalid YAML/);
  });
});
