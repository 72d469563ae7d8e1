import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { DEMO_TASKS, runDemo } from '../src/demo/demo.js';
import { Git } from '../src/git/git.js';
import { tempDir } from './helpers/repo.js';
import { repoRewardRecords } from './helpers/rewards.js';

describe('agentos demo', () => {
  it('runs every task with the offline model, one commit each, ends with a shared truth merged by quorum, and says where the repository is', async () => {
    const dir = join(tempDir(), 'demo');
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (c: Buffer) => chunks.push(c.toString()));
    const report = await runDemo({ dir, out });
    const text = chunks.join('');
    try {
      expect(report.results).toHaveLength(DEMO_TASKS.length);
      expect(text).toMatch(/^AgentOS demo — offline model \(deterministic rules, not an LLM/);
      expect(text).toMatch(/ {2}sync-vendor-api +novel +→ strongest +success +\+1 /);
      expect(text).toMatch(/ {2}write-a-haiku-for-the-team +novel +→ strongest +failure +-1 /);
      expect(text).toContain('\nSkills\n');
      expect(text).toContain('\nWorld model\n');
      expect(text.trimEnd().split('\n').at(-1)).toBe(`The agent repository is at ${dir}`);

      const git = Git.create(dir);
      const subjects = (await git.exec(['log', '--format=%s'])).stdout.trim().split('\n');
      // init, enqueue, one commit per task of orion's, before iris's tasks and the learning runs.
      const first = subjects.slice(-(DEMO_TASKS.length + 2));
      expect(first.at(-1)).toBe('Initialise AgentOS agent repository');
      expect(first.at(-2)).toBe(`orion: enqueue ${DEMO_TASKS.length} tasks`);
      const taskCommits = first.slice(0, DEMO_TASKS.length).reverse();
      report.results.forEach((result, i) =>
        expect(taskCommits[i]).toContain(`(${result.task.id})`),
      );

      // One record per task; the log orders records by time, then task id (the demo's tasks may
      // share a second), so compare as sets.
      const records = repoRewardRecords(dir, 'orion');
      expect(records.map((r) => r.task_id).sort()).toEqual(
        report.results.map((r) => r.task.id).sort(),
      );
      expect(new Set(records.map((r) => r.task_id)).size).toBe(records.length);
      expect(readdirSync(join(dir, 'agents/orion/world/hypotheses')).length).toBeGreaterThan(5);
      expect(readdirSync(join(dir, 'agents/orion/skills')).length).toBeGreaterThan(2);
      expect(existsSync(join(dir, 'agents/orion/context.md'))).toBe(true);
      expect(await git.isTracked('agents/orion/context.md')).toBe(false);
      expect(records.find((r) => r.task.includes('no rate limit'))?.world_model_update).toContain(
        'world/hypotheses/rate-limiter.md',
      );

      // It ends with a proposal from orion merged by quorum and its segment written.
      expect(text).toMatch(
        /\n {2}orion: proposed prop-001 \(Cursor pagination\) on agentos\/proposal-001\n/,
      );
      expect(text).toMatch(
        /\n {2}iris: voted yes on prop-001: matches my belief "Cursor pagination"/,
      );
      expect(text).toContain('  iris: merged prop-001: quorum reached: 1/1 agent yes (iris)');
      expect(text).toMatch(
        /\n {2}prop-001 {2}Cursor pagination \(by orion\): merged \d{4}-\d\d-\d\d into shared\/iac\/segments\/api\.md\n/,
      );
      expect(subjects).toContain('consensus: merge prop-001 — Cursor pagination');
      const segment = readFileSync(join(dir, 'shared/iac/segments/api.md'), 'utf8');
      expect(segment).toContain('Agreed in prop-001');
      expect(readFileSync(join(dir, 'shared/iac/proposals/prop-001.md'), 'utf8')).toMatch(
        /status: merged/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
