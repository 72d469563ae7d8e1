import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { DEMO_TASKS, runDemo } from '../src/demo/demo.js';
import { Git } from '../src/git/git.js';
import { tempDir } from './helpers/repo.js';
import { repoRewardRecords } from './helpers/rewards.js';

describe('agentos demo', () => {
  it('runs every task with the offline model, one commit each, and says where the repository is', async () => {
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
      expect(subjects).toHaveLength(DEMO_TASKS.length + 2); // init, enqueue, one per task
      const taskCommits = subjects.slice(0, DEMO_TASKS.length).reverse();
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
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
