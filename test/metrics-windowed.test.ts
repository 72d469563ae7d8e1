// The metrics read whole only the reward records their windows reach: the time reader agrees with
// the log's parser on every record line the runtime writes (and gives up on anything else), and the
// windowed read gives the same metrics as reading every record, for day and task windows, --since,
// copies of a task across files and times out of order; a damaged file is still reported.
import { rewardRecordFixture } from './helpers/rewards.js';
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { generateMetricsRepository } from '../src/bench/metrics/generate.js';
import { agentPaths } from '../src/memory/layout.js';
import { MemoryIndex } from '../src/memory/memory-index.js';
import { directReads } from '../src/memory/parse-cache.js';
import { readRewardLog, recentRecordPath } from '../src/memory/reward-log.js';
import {
  parseRewardLines,
  renderRewardFile,
  renderRewardLine,
} from '../src/memory/reward-lines.js';
import type { RewardRecord } from '../src/memory/rewards.js';
import { computeAgentMetrics } from '../src/metrics/compute.js';
import { readMetricsSources, readWindowedSources } from '../src/metrics/read.js';
import { scanRecordTimes } from '../src/metrics/record-times.js';
import { sourcesSince } from '../src/metrics/report.js';
import { parseWindow } from '../src/metrics/windows.js';
import { runCli } from './helpers/cli.js';
import { commitStaged } from './helpers/person.js';
import { tempDir } from './helpers/repo.js';

const AGENT = 'orion';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function record(taskId: string, at: string, extra: Record<string, unknown> = {}): RewardRecord {
  return rewardRecordFixture(AGENT, taskId, at, extra);
}

describe('the record time reader', () => {
  it('reads the id and time of every record line the runtime writes, as the log parser does', () => {
    const records = [
      record('plain', '2026-05-01T00:00:00Z'),
      record('quoted', '2026-05-01T00:01:00Z', {
        task: 'A "task" with \\ back\\slashes, "at": "1999-01-01T00:00:00Z", é 中文 and } {',
      }),
      // A key before `at` holding an object, and a nested `at` after it (feedback's).
      record('sourced', '2026-05-01T00:02:00Z', {
        source: { kind: 'issue', number: 7, labels: ['a', '}'] },
        feedback: { at: '2030-01-01T00:00:00Z', by: 'x', note: 'task_id' },
      }),
      record('id with "quotes" and \\', '2026-05-01T00:03:00+02:00'),
    ];
    const written = ['# A header', ...records.map(renderRewardLine), '', '   ', '# a comment', ''];
    const parsed = parseRewardLines('f.md', written.join('\n'));
    expect(parsed).toHaveLength(records.length);
    expect(scanRecordTimes(written.join('\n'))).toEqual({
      ids: parsed.map((r) => r.task_id),
      ats: parsed.map((r) => r.at),
    });
    // A later top-level `at` wins in JSON (and so in the full parser); a nested one does not count.
    const twice =
      '- {"task_id": "dup", "at": "2026-01-01T00:00:00Z", "f": {"at": "2027-01-01T00:00:00Z"}, "at": "2026-02-02T00:00:00Z"}';
    expect(scanRecordTimes(`${twice}\n`)).toEqual({ ids: ['dup'], ats: ['2026-02-02T00:00:00Z'] });
  });

  it('gives up on lines it does not read for certain', () => {
    const good = renderRewardLine(record('a', '2026-05-01T00:00:00Z'));
    for (const bad of [
      '- task_id: a', // YAML block
      '- {task_id: a, at: 2026-05-01T00:00:00Z}', // YAML flow
      '  # indented comment',
      '- {"task_id": "a"}', // no time
      '- {"task_id": "a", "at": "yesterday"}',
      '- {"task_id": "", "at": "2026-05-01T00:00:00Z"}',
      '- {"task_id": 7, "at": "2026-05-01T00:00:00Z"}',
      '- {"task_id": "a", "at": "2026-05-01T00:00:00Z", "x": 1',
      '- {"task_id": "a", "at": "2026-05-01T00:00:00Z"} trailing',
      '- {"task_id": "a" "at": "2026-05-01T00:00:00Z"}',
      'text',
    ])
      expect([bad, scanRecordTimes(`${good}\n${bad}\n`)]).toEqual([bad, undefined]);
    expect(scanRecordTimes(`${good}\n`)?.ids).toEqual(['a']);
  });
});

describe('the windowed read', () => {
  it('gives the metrics of the whole log, reading whole only the records the windows reach', async () => {
    dir = tempDir();
    const size = {
      agents: 1,
      records: 2_300,
      world_files: 40,
      commits: 30,
      proposals: 8,
      segments: 3,
    };
    const { git } = await generateMetricsRepository(dir, size, 7);
    // A task recorded again later (its last copy wins), records out of time order, and feedback.
    const log = readRewardLog(dir, AGENT).records;
    const again = { ...(log[10] as RewardRecord), outcome: 'failure', reward: -1 } as RewardRecord;
    const late = record('late', '2025-01-02T00:00:00Z', {
      feedback: { at: '2025-02-01T00:00:00Z', by: 'p', verdict: 'up', note: null },
    });
    for (const r of [again, late]) writeRecent(dir, r);
    await git.exec(['add', '-A']);
    await commitStaged(git, 'Records by hand');

    const full = await readMetricsSources({ repoRoot: dir, git, agent: AGENT });
    expect(full.records.length).toBe(size.records + 1);
    let trimmed = 0;
    let read = 0;
    for (const window of ['7d', '1d', '400d', '50tasks', '3tasks', '5000tasks'])
      for (const since of [undefined, '2026-10-20T12:00:00Z']) {
        const spec = parseWindow(window);
        const expected = computeAgentMetrics(sourcesSince(full, since), spec);
        // Without a cache and through the memory index, in turn.
        const cache = read++ % 2 === 0 ? directReads(dir) : await MemoryIndex.open(dir, git);
        const windowed = await readWindowedSources({
          repoRoot: dir,
          git,
          agent: AGENT,
          cache,
          spec,
          ...(since ? { since } : {}),
        });
        expect([window, since, computeAgentMetrics(windowed, spec)]).toEqual([
          window,
          since,
          expected,
        ]);
        if (windowed.records.length < sourcesSince(full, since).records.length) trimmed++;
        if (cache instanceof MemoryIndex) cache.save();
      }
    // The short windows leave most of the log unread.
    expect(trimmed).toBeGreaterThanOrEqual(6);
  });

  it('still reports a damaged record: a line it cannot read, or one in a window', async () => {
    dir = tempDir();
    const { git } = await generateMetricsRepository(
      dir,
      { agents: 1, records: 450, world_files: 10, commits: 5, proposals: 0, segments: 0 },
      3,
    );
    const paths = agentPaths(AGENT);
    const shards = (await git.exec(['ls-files', paths.rewardsDir])).stdout
      .split('\n')
      .filter((p) => /rewards\/\d{4}-.*\.md$/.test(p));
    const oldest = shards[0] ?? '';
    const original = readFileSync(`${dir}/${oldest}`, 'utf8');
    writeFileSync(`${dir}/${oldest}`, `${original}- task_id: broken\n`);
    let run = await runCli(['metrics', '--json', '--dir', dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(oldest);

    // A record in the current window (the newest data) that breaks the schema: named with its file.
    writeFileSync(`${dir}/${oldest}`, original);
    expect((await runCli(['metrics', '--json', '--dir', dir])).code).toBe(0);
    writeRecent(dir, { ...record('bad', '2030-01-01T00:00:00Z'), outcome: 'maybe' } as never);
    run = await runCli(['metrics', '--json', '--dir', dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(recentRecordPath(AGENT, 'bad'));
    expect(run.stderr).toContain('outcome');
  });
});

function writeRecent(root: string, r: RewardRecord): void {
  const path = `${root}/${recentRecordPath(AGENT, r.task_id)}`;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, renderRewardFile('Reward record', [renderRewardLine(r)]));
}
