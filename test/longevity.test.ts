// An agent that outlives a demo: 500 tasks through `agentos run --all` with the offline model on a
// fresh repository (more than the old single-file log allowed). Every task is done in a commit of its
// own, every record is read back, queue.md is back to its empty size, and no file the runtime wrote is
// over the memory file limit. `agentos run --all` runs as the CLI's own process, as a user runs it
// (and about twice as fast as in jest's module sandbox). Over a minute on 2 cores, so not part of
// `npm test`: `.ci/run` runs it as `npm run test:long` (AGENTOS_LONG_TESTS=1, which jest.config.js
// needs to include this file).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { enqueueTasks } from '../src/loop/enqueue.js';
import { MAX_MEMORY_FILE_BYTES } from '../src/memory/path-guard.js';
import { runCliProcess } from './helpers/cli.js';
import { looseObjects } from './helpers/loose-objects.js';
import { makeRepo } from './helpers/repo.js';
import { repoRewardRecords } from './helpers/rewards.js';

const TASKS = 500;
/** queue.md as `init` writes it, and as it is again once every task is done. */
const EMPTY_QUEUE =
  '# Queue — orion\n\nTasks waiting for the agent. Add one with `agentos enqueue` or by hand:\n';
const KINDS = [
  'Sync a paginated API with rate limits',
  'Add retries with exponential backoff when the export returns 429',
  'Refresh OAuth tokens during a long paginated sync',
  'Handle repeated webhook deliveries idempotently',
  'Cache vendor responses and invalidate them on webhook events',
];

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(folder, entry.name)) : [join(folder, entry.name)],
  );
}

const long = process.env.AGENTOS_LONG_TESTS === '1' ? it : it.skip;

long(
  `${TASKS} tasks through agentos run --all: every task done, every record present, no file over the limit`,
  async () => {
    const repo = await makeRepo();
    try {
      const queue = join(repo.dir, 'agents/orion/queue.md');
      const empty = readFileSync(queue, 'utf8');
      expect(empty).toBe(EMPTY_QUEUE);
      const { ids } = await enqueueTasks({
        repoRoot: repo.dir,
        git: repo.git,
        agent: 'orion',
        tasks: Array.from({ length: TASKS }, (_, i) => ({
          id: `t-${String(i).padStart(4, '0')}`,
          text: `${KINDS[i % KINDS.length]} for vendor ${i % 37} (batch ${i}).`,
        })),
      });
      const run = await runCliProcess(['run', '--dir', repo.dir, '--all'], { cwd: repo.dir });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const lines = run.stdout.trim().split('\n');
      expect(lines).toHaveLength(TASKS + 1);
      expect(lines.at(-1)).toBe(`${TASKS} done, 0 failed, cost $0.0000`);

      // One record per task, all read back; the log was sealed into shards on the way.
      const records = repoRewardRecords(repo.dir, 'orion');
      expect(records.map((r) => r.task_id).sort()).toEqual([...ids].sort());
      const rewards = readdirSync(join(repo.dir, 'agents/orion/rewards'));
      expect(rewards.filter((name) => name.endsWith('.md')).length).toBeGreaterThan(1);

      // One commit per task, each naming it.
      const log = await repo.git.exec(['log', '--format=%(trailers:key=AgentOS-Task,valueonly)']);
      const committed = log.stdout.split('\n').filter(Boolean);
      expect(committed.filter((id) => id.startsWith('t-')).sort()).toEqual([...ids].sort());

      // Nothing left pending, nothing left over, nothing over the limit.
      expect(readFileSync(queue, 'utf8')).toBe(empty);
      expect((await repo.git.exec(['status', '--porcelain'])).stdout).toBe('');
      const sizes = filesUnder(join(repo.dir, 'agents')).map((file) => statSync(file).size);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_MEMORY_FILE_BYTES);

      // Packed on the way, as `git commit` would have (src/git/housekeeping.ts): the loose objects
      // stay under git's own threshold (gc.auto, 6,700).
      expect(await looseObjects(repo.git)).toBeLessThan(6_700);
      const packed = (await repo.git.exec(['count-objects', '-v'])).stdout;
      expect(Number(/^in-pack: (\d+)$/m.exec(packed)?.[1])).toBeGreaterThan(0);
    } finally {
      repo.cleanup();
    }
  },
  1_500_000,
);
