// autonomy: assistant on plain git: a task's memory change lands on its review branch, never on the
// working branch, the working tree or the person's index; the task waits there, is not run again,
// becomes done when the branch is merged and rejected (then retried) when it is deleted unmerged.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Git } from '../src/git/git.js';
import { runCli } from './helpers/cli.js';
import { commitStaged } from './helpers/person.js';
import { makeRepo, type TestRepo } from './helpers/repo.js';

const BRANCH = 'agentos/review/orion/sync-1';

async function assistantRepo(): Promise<TestRepo> {
  const repo = await makeRepo();
  repo.write(
    'agents.yaml',
    repo.read('agents.yaml').replace('autonomy: semi-autonomous', 'autonomy: assistant'),
  );
  writeFileSync(join(repo.dir, 'app.py'), 'print("v1")\n');
  await repo.git.add(['agents.yaml', 'app.py']);
  await commitStaged(repo.git, 'Orion works under review\n');
  return repo;
}

async function personsWork(git: Git): Promise<string[]> {
  return Promise.all([
    git.exec(['status', '--porcelain=v1', '--untracked-files=all']),
    git.exec(['diff', '--cached', '--binary']),
    git.exec(['diff', '--binary']),
  ]).then((results) => results.map((r) => r.stdout));
}

async function lines(git: Git, args: string[]): Promise<string[]> {
  return (await git.exec(args)).stdout.split('\n').filter(Boolean);
}

describe('autonomy: assistant on plain git', () => {
  let repo: TestRepo;
  beforeEach(async () => {
    repo = await assistantRepo();
  });
  afterEach(() => repo.cleanup());

  it('lands the memory change on a review branch only, keeps the person’s work, and does not run the task again', async () => {
    const dir = repo.dir;
    const enqueued = await runCli([
      'enqueue',
      '--dir',
      dir,
      '--id',
      'sync-1',
      'Sync a paginated API with rate limits.',
    ]);
    expect(enqueued.code).toBe(0);
    // The person's staged and unstaged work, in and outside the agent's folder.
    writeFileSync(join(dir, 'app.py'), 'print("v2, staged")\n');
    await repo.git.add(['app.py']);
    writeFileSync(join(dir, 'app.py'), 'print("v3, unstaged on top")\n');
    writeFileSync(join(dir, 'agents/orion/goals.md'), '# Goals\n\n- [ ] Edited by hand\n');
    const before = await personsWork(repo.git);
    const head = await repo.git.headSha();

    const run = await runCli(['run', '--dir', dir]);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toContain(`awaiting review on ${BRANCH}`);
    expect(run.stdout).toContain(`git diff main...${BRANCH}`);
    expect(run.stdout).toContain(`git merge ${BRANCH}`);

    // The working branch got the queue's bookkeeping only.
    expect(await lines(repo.git, ['diff', '--name-only', head, 'HEAD'])).toEqual([
      'agents/orion/queue.md',
    ]);
    expect((await repo.git.exec(['log', '-1', '--format=%s'])).stdout.trim()).toBe(
      `orion: sync-1 awaits review on ${BRANCH}`,
    );
    const queue = repo.read('agents/orion/queue.md');
    expect(queue).toMatch(/^status: review$/m);
    expect(queue).toContain(`review_branch: ${BRANCH}`);
    expect(existsSync(join(dir, 'agents/orion/rewards/recent'))).toBe(false);
    expect(await personsWork(repo.git)).toEqual(before);

    // The review branch: one commit on the starting commit, with exactly the iteration's files.
    expect(await lines(repo.git, ['rev-list', `${head}..${BRANCH}`])).toHaveLength(1);
    expect(await lines(repo.git, ['rev-parse', `${BRANCH}^`])).toEqual([head]);
    const files = await lines(repo.git, ['diff', '--name-only', head, BRANCH]);
    expect(files).toContain('agents/orion/rewards/recent/sync-1.md');
    expect(
      files.some((f) => f.startsWith('agents/orion/world/') || f.startsWith('agents/orion/skills')),
    ).toBe(true);
    expect(files).not.toContain('agents/orion/queue.md');
    expect(files).not.toContain('app.py');
    expect(files).not.toContain('agents/orion/goals.md');
    const message = (await repo.git.exec(['log', '-1', '--format=%B', BRANCH])).stdout;
    expect(message).toMatch(/^AgentOS-Task: sync-1$/m);

    // Not run again: neither as the next task nor by name.
    const headAfter = await repo.git.headSha();
    const branchAfter = await repo.git.resolveRef(BRANCH);
    const again = await runCli(['run', '--dir', dir]);
    expect(again.code).toBe(0);
    expect(again.stdout.trim()).toBe('No pending task in agents/orion/queue.md.');
    const named = await runCli(['run', '--dir', dir, '--task-id', 'sync-1']);
    expect(named.code).toBe(0);
    expect(named.stdout.trim()).toBe(`orion sync-1: awaiting review on ${BRANCH}; not run again`);
    expect(await repo.git.headSha()).toBe(headAfter);
    expect(await repo.git.resolveRef(BRANCH)).toBe(branchAfter);
    expect(await personsWork(repo.git)).toEqual(before);
  });

  it('merging the branch makes the memory live and the task done', async () => {
    const dir = repo.dir;
    await runCli([
      'enqueue',
      '--dir',
      dir,
      '--id',
      'sync-1',
      'Sync a paginated API with rate limits.',
    ]);
    expect((await runCli(['run', '--dir', dir])).code).toBe(0);
    const files = await lines(repo.git, ['diff', '--name-only', 'HEAD', BRANCH]);
    await repo.git.exec(['merge', '--quiet', '--no-edit', BRANCH]);
    for (const file of files) expect(existsSync(join(dir, file))).toBe(true);

    const settle = await runCli(['run', '--dir', dir]);
    expect(settle.code).toBe(0);
    expect(settle.stdout.trim()).toBe('No pending task in agents/orion/queue.md.');
    expect(repo.read('agents/orion/queue.md')).not.toContain('sync-1');
    const archived = (await lines(repo.git, ['ls-files', 'agents/orion/queue/archive'])).map((p) =>
      repo.read(p),
    );
    expect(archived.join('\n')).toMatch(/## sync-1[\s\S]*status: done/);
    const show = await runCli(['show', '--dir', dir, 'sync-1']);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('sync-1');
  });

  it('a branch deleted unmerged marks the task rejected; agentos retry runs it again for review', async () => {
    const dir = repo.dir;
    await runCli([
      'enqueue',
      '--dir',
      dir,
      '--id',
      'sync-1',
      'Sync a paginated API with rate limits.',
    ]);
    expect((await runCli(['run', '--dir', dir])).code).toBe(0);
    await repo.git.exec(['branch', '-D', BRANCH]);

    const settle = await runCli(['run', '--dir', dir]);
    expect(settle.code).toBe(0);
    expect(settle.stdout.trim()).toBe('No pending task in agents/orion/queue.md.');
    expect(settle.stderr).toContain(`the review of ${BRANCH} was closed without merging`);
    const queue = repo.read('agents/orion/queue.md');
    expect(queue).toMatch(/^status: pending$/m);
    expect(queue).toContain(`review_rejected: the review of ${BRANCH} was closed without merging`);

    const retry = await runCli(['retry', '--dir', dir, 'sync-1']);
    expect({ code: retry.code, stderr: retry.stderr }).toEqual({ code: 0, stderr: '' });
    expect(retry.stdout).toContain(`awaiting review on ${BRANCH}`);
    expect(await repo.git.resolveRef(BRANCH)).toBeDefined();
    const after = repo.read('agents/orion/queue.md');
    expect(after).toMatch(/^status: review$/m);
    expect(after).not.toContain('review_rejected');
  });
});
