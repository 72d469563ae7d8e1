// The runtime writes its commits' objects itself, so it asks git to pack them as `git commit` would
// (src/git/housekeeping.ts): when `agentos run` ends, every 100 tasks of a long-running process, and
// in each learning run. A `gc --auto` that fails is a warning, never a failed task.
import { PACK_EVERY_TASKS, PackingSchedule } from '../src/git/housekeeping.js';
import { silentLogger } from '../src/log.js';
import { runCli } from './helpers/cli.js';
import { looseObjects, overLooseObjectThreshold } from './helpers/loose-objects.js';
import { makeRepo, type TestRepo } from './helpers/repo.js';

async function enqueue(repo: TestRepo, texts: string[]): Promise<void> {
  for (const text of texts)
    expect((await runCli(['enqueue', '--dir', repo.dir, text])).code).toBe(0);
}

describe("packing the runtime's loose objects", () => {
  let repo: TestRepo;
  beforeEach(async () => {
    repo = await makeRepo();
  });
  afterEach(() => repo.cleanup());

  it('agentos run --all and agentos run pack them when they end', async () => {
    await enqueue(repo, ['Summarise the retry policy.', 'List the rate limits.']);
    await overLooseObjectThreshold(repo);
    expect(await looseObjects(repo.git)).toBeGreaterThan(20);
    const all = await runCli(['run', '--all', '--dir', repo.dir]);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('2 done, 0 failed');
    expect(await looseObjects(repo.git)).toBeLessThan(20);

    await enqueue(repo, ['Explain the backoff rule.']);
    await overLooseObjectThreshold(repo, 'b');
    expect(await looseObjects(repo.git)).toBeGreaterThan(20);
    const one = await runCli(['run', '--dir', repo.dir]);
    expect(one.code).toBe(0);
    expect(await looseObjects(repo.git)).toBeLessThan(20);
    expect((await repo.git.exec(['fsck', '--strict', '--no-dangling'])).exitCode).toBe(0);
  });

  it(`a long-running process asks every ${PACK_EVERY_TASKS} tasks`, async () => {
    await overLooseObjectThreshold(repo);
    const packing = new PackingSchedule(repo.git, silentLogger);
    for (let task = 1; task < PACK_EVERY_TASKS; task++) await packing.taskDone();
    expect(await looseObjects(repo.git)).toBeGreaterThan(20);
    await packing.taskDone();
    expect(await looseObjects(repo.git)).toBeLessThan(20);
  });

  it('a gc that fails is a warning: the task is done all the same', async () => {
    await repo.git.exec(['config', 'gc.auto', 'many']);
    await enqueue(repo, ['Summarise the retry policy.']);
    const run = await runCli(['run', '--dir', repo.dir]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^orion \S+: success/);
    expect(run.stderr).toMatch(
      /git gc --auto failed \(git exited with an error\); loose objects stay as they are until the next try/,
    );
    expect((await repo.subjects())[0]).toMatch(/^orion: Summarise the retry policy\./);
  });
});
