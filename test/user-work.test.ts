// A person's own work in the repository — staged and unstaged, inside and outside agents/ — survives
// every command that commits (init, enqueue, run, feedback, learn) byte for byte, and none of it lands
// in a runtime commit.
import { existsSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Git } from '../src/git/git.js';
import { runCli } from './helpers/cli.js';
import { commitStaged } from './helpers/person.js';
import { tempDir } from './helpers/repo.js';

/** What `git status`, the staged diff and the unstaged diff say about the person's work. */
async function personsWork(
  git: Git,
): Promise<{ status: string; staged: string; unstaged: string }> {
  const status = (await git.exec(['status', '--porcelain=v1', '--untracked-files=all'])).stdout;
  const staged = (await git.exec(['diff', '--cached', '--binary'])).stdout;
  const unstaged = (await git.exec(['diff', '--binary'])).stdout;
  return { status, staged, unstaged };
}

/** Files the newest commit changed. */
async function committedFiles(git: Git): Promise<string[]> {
  const out = await git.exec(['show', '--name-only', '--format=', 'HEAD']);
  return out.stdout.split('\n').filter(Boolean);
}

const PERSONS_PATHS = ['app.py', 'agents/orion/goals.md', 'agents/orion/my-notes.md'];

it('init, enqueue, run, feedback and learn commit only their own files', async () => {
  const dir = tempDir();
  const git = Git.create(dir);
  await git.init();
  writeFileSync(join(dir, 'app.py'), 'print("v1")\n');
  await git.add(['app.py']);
  await commitStaged(git, 'The person’s app');
  // Staged and unstaged work outside the agent's memory.
  writeFileSync(join(dir, 'app.py'), 'print("v2, staged")\n');
  await git.add(['app.py']);
  writeFileSync(join(dir, 'app.py'), 'print("v3, unstaged on top")\n');

  const init = await runCli(['init', dir]);
  expect(init.code).toBe(0);
  expect((await committedFiles(git)).some((path) => path === 'app.py')).toBe(false);

  // And work inside it: a staged new file and an unstaged edit of a human-owned file.
  writeFileSync(join(dir, 'agents/orion/my-notes.md'), '# Notes\n\nStaged, not committed.\n');
  await git.add(['agents/orion/my-notes.md']);
  writeFileSync(join(dir, 'agents/orion/goals.md'), '# Goals\n\n- [ ] Edited by hand, unstaged\n');
  writeFileSync(join(dir, 'notes-untracked.txt'), 'untracked\n');
  const before = await personsWork(git);
  expect(before.staged).toContain('Staged, not committed.');
  expect(before.unstaged).toContain('Edited by hand, unstaged');

  const steps: string[][] = [
    ['enqueue', '--dir', dir, '--id', 'sync-1', 'Sync a paginated API with rate limits.'],
    ['run', '--dir', dir],
    ['feedback', '--dir', dir, 'sync-1', 'correctness=-1', 'note=wrong cursor'],
    ['learn', '--dir', dir],
  ];
  for (const argv of steps) {
    const head = await git.headSha();
    const run = await runCli(argv);
    expect({ argv, code: run.code, stderr: run.stderr }).toEqual({ argv, code: 0, stderr: '' });
    const commits = (await git.exec(['rev-list', `${head}..HEAD`])).stdout.split('\n');
    expect(commits.filter(Boolean).length).toBeGreaterThan(0);
    const changed = (await git.exec(['diff', '--name-only', head, 'HEAD'])).stdout;
    for (const path of PERSONS_PATHS) expect(changed.split('\n')).not.toContain(path);
    expect({ argv, work: await personsWork(git) }).toEqual({ argv, work: before });
  }
});

it('a symbolic link in the agent tree stops the iteration before any write, leaving the working tree as it was', async () => {
  const dir = tempDir();
  expect((await runCli(['init', dir])).code).toBe(0);
  const git = Git.create(dir);
  expect(
    (
      await runCli([
        'enqueue',
        '--dir',
        dir,
        '--id',
        'sync-1',
        'Sync a paginated API with rate limits.',
      ])
    ).code,
  ).toBe(0);
  // queue.md becomes a symbolic link: refused when memory is read, before the task's skill, belief
  // and reward files would be written (the path guard refuses writes through it too).
  const queue = join(dir, 'agents/orion/queue.md');
  renameSync(queue, join(dir, 'queue-elsewhere.md'));
  symlinkSync('../../queue-elsewhere.md', queue);
  const before = await personsWork(git);
  const head = await git.headSha();

  const run = await runCli(['run', '--dir', dir]);
  expect(run.code).toBe(2);
  expect(run.stderr).toBe(
    'agentos run: agents/orion/queue.md: is a symbolic link: memory files and folders must be plain files and folders in the repository\n',
  );
  expect(await git.headSha()).toBe(head);
  expect(await personsWork(git)).toEqual(before);
  expect(existsSync(join(dir, 'agents/orion/rewards'))).toBe(false);
  expect(existsSync(join(dir, 'agents/orion/skills'))).toBe(false);
});

it("refuses to commit during a person's merge, leaving the merge and the working tree as they were", async () => {
  const dir = tempDir();
  const git = Git.create(dir);
  await git.init();
  expect((await runCli(['init', dir])).code).toBe(0);
  const main = (await git.exec(['rev-parse', '--abbrev-ref', 'HEAD'])).stdout.trim();
  // Two branches each change the person's file: the merge stops on a conflict, then the person
  // resolves it and has not committed yet.
  writeFileSync(join(dir, 'app.py'), 'print("base")\n');
  await git.add(['app.py']);
  await commitStaged(git, 'The app');
  await git.exec(['checkout', '-q', '-b', 'other']);
  writeFileSync(join(dir, 'app.py'), 'print("other")\n');
  await git.add(['app.py']);
  await commitStaged(git, 'Other');
  await git.exec(['checkout', '-q', main]);
  writeFileSync(join(dir, 'app.py'), 'print("main")\n');
  await git.add(['app.py']);
  await commitStaged(git, 'Main');
  expect((await git.exec(['merge', 'other'], { allowFailure: true })).exitCode).toBe(1);
  writeFileSync(join(dir, 'app.py'), 'print("both")\n');
  await git.add(['app.py']);
  const before = await personsWork(git);
  const head = await git.headSha();

  for (const argv of [
    ['run', '--dir', dir, '--text', 'Sync a paginated API with rate limits.'],
    ['enqueue', '--dir', dir, '--id', 'sync-1', 'Sync a paginated API.'],
    ['learn', '--dir', dir],
  ]) {
    const refused = await runCli(argv);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `agentos ${argv[0]}: a merge is in progress in this repository (${join(dir, '.git/MERGE_HEAD')}): finish it with \`git commit\` or \`git merge --abort\`, then run again\n`,
    );
    expect(await git.headSha()).toBe(head);
    expect(await personsWork(git)).toEqual(before);
  }
  // Concluded, the merge is the person's commit, and the runtime commits again.
  await git.exec(['commit', '-q', '--no-edit']);
  const ran = await runCli([
    'run',
    '--dir',
    dir,
    '--text',
    'Sync a paginated API with rate limits.',
  ]);
  expect(ran.code).toBe(0);
  expect(
    (await git.exec(['rev-list', '--parents', '-n', '1', 'HEAD~1'])).stdout.split(' '),
  ).toHaveLength(3);
});
