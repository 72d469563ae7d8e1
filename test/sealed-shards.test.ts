// The derived copy of sealed reward shards under .git/agentos/: reading through it gives exactly what
// parsing the shards gives (records, their field order, the index's answers), and it is never
// trusted over the files: an edited shard, a damaged or tampered entry, a removed shard.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRewardLines } from '../src/memory/reward-lines.js';
import {
  planSeal,
  readRewardIndex,
  readRewardLog,
  readRewardsChangedSince,
  recentRecordPath,
} from '../src/memory/reward-log.js';
import type { RewardRecord } from '../src/memory/rewards.js';
import { forgetDecodedShards, SEALED_SHARDS_FORMAT } from '../src/memory/sealed-shards.js';
import { appendRewardText } from '../src/memory/rewards.js';
import { renderRewardLine } from '../src/memory/reward-lines.js';
import { Random } from '../src/bench/random.js';
import { makeRepo, type TestRepo } from './helpers/repo.js';
import { sampleRewardRecord } from './helpers/rewards.js';

const AGENT = 'orion';
const REWARDS = `agents/${AGENT}/rewards`;

function record(taskId: string, minute: number, fields: Partial<RewardRecord> = {}) {
  return sampleRewardRecord(AGENT, taskId, minute, fields);
}

function storeDir(repo: TestRepo): string {
  return join(repo.dir, '.git', 'agentos', `reward-shards-v${SEALED_SHARDS_FORMAT}`, AGENT);
}

/** Every record of the shards, legacy file and recent/, parsed from the files alone. */
function rawShardRecords(repo: TestRepo): RewardRecord[] {
  return readdirSync(join(repo.dir, REWARDS))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .flatMap((name) => parseRewardLines(name, readFileSync(join(repo.dir, REWARDS, name), 'utf8')));
}

function seal(repo: TestRepo, added: RewardRecord[]): string[] {
  const plan = planSeal(
    AGENT,
    added.map((r) => ({ path: 'unused', record: r })),
  );
  for (const change of plan.changes)
    if ('content' in change) repo.write(change.path, change.content);
  return plan.shards;
}

describe('the derived copy of sealed reward shards', () => {
  let repo: TestRepo;
  beforeEach(async () => {
    repo = await makeRepo();
  });
  afterEach(() => repo.cleanup());

  it('reads the same records, field order included, as parsing the shards, before and after it exists', () => {
    repo.write(
      `agents/${AGENT}/rewards.md`,
      appendRewardText(undefined, AGENT, record('legacy', 0, { outcome: 'failure', reward: -1 })),
    );
    const day = 24 * 60;
    seal(repo, [
      ...Array.from({ length: 40 }, (_, i) => record(`a-${i}`, 1 + i)),
      // Fields a record may or may not have: a failed attempt, a source, human feedback.
      record('failed', 50, { outcome: 'failure', reward: -1, error: 'timeout: slow' }),
      record('sourced', 51, { source: { kind: 'cli' } } as Partial<RewardRecord>),
      record('scored', 52, {
        feedback: { by: 'ada', at: '2026-05-04T09:00:00Z', scores: {}, note: 'wrong page' },
      }),
    ]);
    seal(repo, [record('twice', day), record('b-1', day + 1)]);
    seal(repo, [record('twice', 2 * day, { outcome: 'partial', reward: 0 })]);
    repo.write(
      recentRecordPath(AGENT, 'newest'),
      `# hand-made\n${renderRewardLine(record('newest', 3 * day))}\n`,
    );

    expect(existsSync(storeDir(repo))).toBe(false);
    const first = readRewardLog(repo.dir, AGENT);
    // The first read built the copy: one entry per shard and a summary.
    const entries = readdirSync(storeDir(repo)).filter((name) => /^[0-9a-f]{40}\.json$/.test(name));
    expect(entries).toHaveLength(3);
    expect(existsSync(join(storeDir(repo), 'summary.json'))).toBe(true);
    // Read from the copy, as a new process reads it.
    forgetDecodedShards();
    const second = readRewardLog(repo.dir, AGENT);

    const raw = rawShardRecords(repo);
    expect(raw.length).toBe(46); // the shards' lines: not the legacy file nor recent/
    for (const log of [first, second]) {
      expect(JSON.stringify(log.records)).toBe(JSON.stringify(second.records));
      expect(log.records.map((r) => r.task_id)).toEqual([
        'legacy',
        ...Array.from({ length: 40 }, (_, i) => `a-${i}`),
        'failed',
        'sourced',
        'scored',
        'b-1',
        'twice',
        'newest',
      ]);
      expect(log.records.find((r) => r.task_id === 'twice')?.outcome).toBe('partial');
    }
    // Each shard's records, through the copy, are the parsed lines byte for byte once serialized.
    const byTask = new Map(second.records.map((r) => [r.task_id, r]));
    for (const parsed of raw.filter((r) => r.task_id !== 'twice'))
      expect(JSON.stringify(byTask.get(parsed.task_id))).toBe(JSON.stringify(parsed));

    // The index answers the same through the copy as the full read does.
    const index = readRewardIndex(repo.dir, AGENT);
    expect(index.size).toBe(second.records.length);
    expect([...index.taskIds()].sort()).toEqual(second.records.map((r) => r.task_id).sort());
    expect(index.status('failed')).toBe('failed');
    expect(index.record('scored')).toEqual(byTask.get('scored'));
    for (const task of ['legacy', 'a-3', 'twice', 'newest', 'never'])
      expect(index.locate(task)).toEqual(second.locate(task));
    for (const n of [1, 5, 30, 100]) expect(index.recent(n)).toEqual(second.records.slice(-n));
    // Changed since day 3: the first shard (feedback on "scored"), the last one and recent/.
    const changed = readRewardsChangedSince(repo.dir, AGENT, '2026-05-03T00:00:00Z');
    expect(changed).toEqual(second.records.filter((r) => !['legacy', 'b-1'].includes(r.task_id)));
  });

  it('removes the copies of earlier formats, which nothing reads', () => {
    seal(repo, [record('a', 1), record('b', 2)]);
    const agentos = join(repo.dir, '.git', 'agentos');
    const earlier = join(agentos, `reward-shards-v${SEALED_SHARDS_FORMAT - 1}`, AGENT);
    mkdirSync(earlier, { recursive: true });
    writeFileSync(join(earlier, 'summary.json'), '{}');
    expect(readRewardLog(repo.dir, AGENT).records.map((r) => r.task_id)).toEqual(['a', 'b']);
    expect(readdirSync(agentos).filter((name) => name.startsWith('reward-shards-'))).toEqual([
      `reward-shards-v${SEALED_SHARDS_FORMAT}`,
    ]);
  });

  it('never trusts the copy over the files: an edited shard, damaged entries, removed shards', () => {
    const [path] = seal(repo, [record('one', 0), record('two', 1)]);
    if (!path) throw new Error('no shard');
    expect(readRewardLog(repo.dir, AGENT).records.map((r) => r.outcome)).toEqual([
      'success',
      'success',
    ]);

    // An iteration's read keeps the shard's records for the next one in this process.
    const outcomes = () =>
      readRewardIndex(repo.dir, AGENT)
        .recent(2)
        .map((r) => r.outcome);
    expect(outcomes()).toEqual(['success', 'success']);
    expect(outcomes()).toEqual(['success', 'success']);

    // A hand edit of the same size, right away: the file is read again, by either read.
    const text = readFileSync(join(repo.dir, path), 'utf8');
    repo.write(path, text.replace('"outcome": "success"', '"outcome": "partial"'));
    expect(readRewardLog(repo.dir, AGENT).records.map((r) => r.outcome)).toEqual([
      'partial',
      'success',
    ]);
    expect(outcomes()).toEqual(['partial', 'success']);

    // A damaged entry and a tampered one (a column short of values) are rebuilt from the shard.
    for (const name of readdirSync(storeDir(repo)).filter((n) => /^[0-9a-f]{40}\.json$/.test(n))) {
      const file = join(storeDir(repo), name);
      const stored = JSON.parse(readFileSync(file, 'utf8')) as {
        records: { fields: { task: { values: string[] } } };
      };
      stored.records.fields.task.values.pop();
      writeFileSync(file, JSON.stringify(stored));
    }
    // As a new process would: the records this one decoded are not the store's.
    forgetDecodedShards();
    expect(readRewardLog(repo.dir, AGENT).records.map((r) => r.task_id)).toEqual(['one', 'two']);
    for (const name of readdirSync(storeDir(repo)).filter((n) => n.endsWith('.json')))
      writeFileSync(join(storeDir(repo), name), '{not json');
    forgetDecodedShards();
    expect(readRewardIndex(repo.dir, AGENT).status('two')).toBe('done');
    expect(readRewardLog(repo.dir, AGENT).records.map((r) => r.outcome)).toEqual([
      'partial',
      'success',
    ]);

    // A broken shard is an error naming it, every time, copy or not.
    repo.write(path, `${text}- {"task_id": "broken"}\n`);
    expect(() => readRewardLog(repo.dir, AGENT)).toThrow(path);
    expect(() => readRewardLog(repo.dir, AGENT)).toThrow(path);

    // A shard that is gone leaves nothing behind after a full read.
    rmSync(join(repo.dir, path));
    expect(readRewardLog(repo.dir, AGENT).records).toEqual([]);
    expect(readdirSync(storeDir(repo)).filter((n) => /^[0-9a-f]{40}\.json$/.test(n))).toEqual([]);
  });

  it("answers a task's status from the shards' filters, and maps every task without the ids file", () => {
    const many = Array.from({ length: 300 }, (_, i) => record(`t-${i}`, i));
    seal(repo, many.slice(0, 150));
    seal(repo, [...many.slice(150), record('failed', 400, { error: 'timeout: slow' })]);
    readRewardLog(repo.dir, AGENT);
    expect(existsSync(join(storeDir(repo), 'tasks.json'))).toBe(true);
    // The summary holds filters, not 300 ids.
    const summary = readFileSync(join(storeDir(repo), 'summary.json'), 'utf8');
    expect(summary).not.toContain('"t-17"');

    rmSync(join(storeDir(repo), 'tasks.json'));
    const index = readRewardIndex(repo.dir, AGENT);
    expect(index.status('t-0')).toBe('done');
    expect(index.status('t-299')).toBe('done');
    expect(index.status('failed')).toBe('failed');
    expect(index.status('never-run')).toBeUndefined();
    expect(existsSync(join(storeDir(repo), 'tasks.json'))).toBe(false);
    expect(index.size).toBe(301);
    expect(existsSync(join(storeDir(repo), 'tasks.json'))).toBe(true);
    expect(readRewardIndex(repo.dir, AGENT).size).toBe(301);
  });
});

describe('the newest records of a busy day', () => {
  let repo: TestRepo;
  beforeEach(async () => {
    repo = await makeRepo();
  });
  afterEach(() => repo.cleanup());

  it.each([1, 2, 3, 4, 5])(
    'are the full read’s last records, reading only the shards that can hold them (seed %i)',
    (seed) => {
      const rng = new Random(seed);
      // The day before, then one day of 30 shards whose records interleave in time, with equal
      // times, and copies of a task in two shards (the later file's copy is the one kept).
      seal(
        repo,
        Array.from({ length: 50 }, (_, i) => record(`y-${i}`, -1440 + i)),
      );
      const tasks = Array.from({ length: 600 }, (_, i) => record(`d-${i}`, rng.int(0, 1000)));
      const shards: RewardRecord[][] = Array.from({ length: 30 }, () => []);
      for (const r of tasks) rng.pick(shards).push(r);
      for (let i = 0; i < 20; i++) {
        const copy = { ...rng.pick(tasks), outcome: 'partial' as const, reward: 0 as const };
        rng.pick(shards).push(copy);
      }
      for (const shard of shards)
        if (shard.length > 0)
          seal(
            repo,
            [...shard].sort((a, b) => a.at.localeCompare(b.at)),
          );

      const all = readRewardLog(repo.dir, AGENT).records;
      for (const cold of [true, false]) {
        if (cold) rmSync(join(repo.dir, '.git', 'agentos'), { recursive: true, force: true });
        forgetDecodedShards();
        const index = readRewardIndex(repo.dir, AGENT);
        for (const n of [1, 7, 60, 250, 640, 1000])
          expect(JSON.stringify(index.recent(n))).toBe(JSON.stringify(all.slice(-n)));
      }
    },
  );
});
