// HEAD read from the git directory's files gives git's own answers: on an unborn branch, after
// commits, with refs packed, on a detached HEAD, in a linked worktree; and commitPaths, which now
// relies on it, still refuses to commit what did not change and keeps a person's index in step.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Git } from '../src/git/git.js';
import { packedRef, parseHeadFile, parseLooseRef } from '../src/git/ref-files.js';
import { commitStaged } from './helpers/person.js';
import { tempDir } from './helpers/repo.js';

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
}

describe('HEAD from the git directory files', () => {
  let dir: string;
  let repo: Git;
  beforeEach(async () => {
    dir = tempDir();
    repo = Git.create(dir);
    await repo.init();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('answers as git does on an unborn branch, after commits, with packed refs and detached', async () => {
    expect(await repo.headShaIfAny()).toBeUndefined();
    expect(await repo.currentBranch()).toBe('main');

    writeFileSync(join(dir, 'a.txt'), 'one\n');
    await repo.add(['a.txt']);
    const first = await commitStaged(repo, 'First\n');
    expect(await repo.headShaIfAny()).toBe(git(dir, 'rev-parse', 'HEAD'));
    expect(first).toBe(git(dir, 'rev-parse', 'HEAD'));

    git(dir, 'pack-refs', '--all');
    expect(await repo.headShaIfAny()).toBe(first);

    git(dir, 'checkout', '--quiet', '-b', 'topic');
    expect(await repo.currentBranch()).toBe('topic');
    git(dir, 'checkout', '--quiet', '--detach', 'main');
    expect(await repo.currentBranch()).toBeUndefined();
    expect(await repo.headShaIfAny()).toBe(first);
  });

  /** Runs `work` in a linked worktree of a first commit, on its own branch "side". */
  async function inLinkedWorktree(work: (linked: string) => Promise<void>): Promise<void> {
    writeFileSync(join(dir, 'a.txt'), 'one\n');
    await repo.add(['a.txt']);
    await commitStaged(repo, 'First\n');
    const linked = tempDir('agentos-linked-');
    rmSync(linked, { recursive: true, force: true });
    git(dir, 'worktree', 'add', '--quiet', '-b', 'side', linked);
    try {
      await work(linked);
    } finally {
      git(dir, 'worktree', 'remove', '--force', linked);
    }
  }

  it('reads a linked worktree’s own HEAD and the shared branch refs', async () => {
    await inLinkedWorktree(async (linked) => {
      const other = Git.create(linked);
      writeFileSync(join(linked, 'b.txt'), 'two\n');
      const made = await other.commitPaths(['b.txt'], 'Second\n');
      expect(await other.currentBranch()).toBe('side');
      expect(await other.headShaIfAny()).toBe(made);
      expect(git(linked, 'rev-parse', 'HEAD')).toBe(made);
      expect(await repo.headShaIfAny()).toBe(git(dir, 'rev-parse', 'main'));
    });
  });

  it('asks git where its files are in one process for the usual ones and one per branch, as git answers', async () => {
    await inLinkedWorktree(async (linked) => {
      // A linked worktree: some of its files are its own, others the main repository's.
      const fresh = Git.create(linked);
      const asked: string[][] = [];
      const exec = fresh.exec.bind(fresh);
      fresh.exec = (args, options) => {
        asked.push(args);
        return exec(args, options);
      };
      const usual = ['agentos/change-journal.jsonl', 'index', 'index.lock', 'objects', 'hooks'];
      const branch = ['refs/heads/side.lock', 'refs/heads/side', 'logs/refs/heads/side'];
      const answers: string[] = [];
      for (const name of [...usual, ...branch]) answers.push(await fresh.gitPath(name));
      expect(asked.map((args) => args[0])).toEqual(['rev-parse', 'rev-parse']);
      const byGit = [...usual, ...branch].map((name) => {
        const path = git(linked, 'rev-parse', '--git-path', name);
        return path.startsWith('/') ? path : join(linked, path);
      });
      expect(answers).toEqual(byGit);
      expect(answers[1]).not.toBe(join(dir, '.git', 'index'));
    });
  });

  it('commits changed paths only, and leaves the person’s index matching the commit', async () => {
    writeFileSync(join(dir, 'a.txt'), 'one\n');
    const first = await repo.commitPaths(['a.txt'], 'First\n');
    expect(first).toBe(git(dir, 'rev-parse', 'HEAD'));
    // Unchanged: no commit, whether HEAD's tree is known in-process or not.
    expect(await repo.commitPaths(['a.txt'], 'Again\n')).toBeUndefined();
    expect(await Git.create(dir).commitPaths(['a.txt'], 'Again\n')).toBeUndefined();
    writeFileSync(join(dir, 'a.txt'), 'two\n');
    const second = await repo.commitPaths(['a.txt'], 'Second\n');
    expect(git(dir, 'rev-parse', 'HEAD')).toBe(second);
    expect(git(dir, 'log', '--format=%s')).toBe('Second\nFirst');
    // The person's index holds the committed version: nothing staged, nothing modified.
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });

  it('trusts only plain file contents', () => {
    expect(parseHeadFile('ref: refs/heads/main\n')).toEqual({
      kind: 'branch',
      ref: 'refs/heads/main',
    });
    expect(parseHeadFile('ref: refs/heads/.invalid\n')).toBeUndefined();
    expect(parseHeadFile('garbage')).toBeUndefined();
    expect(parseLooseRef('ref: refs/heads/other\n')).toBeUndefined();
    const id = 'a'.repeat(40);
    expect(
      packedRef(
        `# pack-refs with: peeled\n${id} refs/heads/main\n^${'b'.repeat(40)}\n`,
        'refs/heads/main',
      ),
    ).toBe(id);
    expect(packedRef(`${id} refs/heads/main\n`, 'refs/heads/mai')).toBeUndefined();
  });
});
