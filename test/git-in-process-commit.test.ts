// Commits built in-process (src/git/in-process-commit.ts) are the commits git would make: the same
// trees as `git add` + `write-tree`, the same commit object as `git commit-tree`, a repository that
// `git fsck --strict` finds sound. Whatever would make git store other bytes (line-ending
// conversion, attributes) leaves the commit to git, and the files land as git would store them.
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { jest } from '@jest/globals';
import { Git } from '../src/git/git.js';
import fc from 'fast-check';
import {
  editEncodedTree,
  encodeTree,
  encodeTreeWithPlaces,
  LooseObjects,
  objectId,
  parseTree,
  placesOfTree,
  type TreeEntry,
} from '../src/git/objects.js';
import { parseConfigList, settingsNeedingGit } from '../src/git/in-process-commit.js';
import { TreeFolder } from '../src/git/tree-folder.js';
import { tempDir } from './helpers/repo.js';

async function emptyRepo(): Promise<{
  dir: string;
  git: Git;
  write(path: string, text: string): void;
}> {
  const dir = tempDir('agentos-in-process-');
  const git = Git.create(dir);
  await git.init();
  return {
    dir,
    git,
    write: (path, text) => {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    },
  };
}

/** The git subcommands `git` runs while `work` runs. */
async function commandsOf(git: Git, work: () => Promise<unknown>): Promise<string[]> {
  const commands: string[] = [];
  const exec = git.exec.bind(git);
  const execBytes = git.execBytes.bind(git);
  git.exec = (args, options) => {
    commands.push(args[0] ?? '');
    return exec(args, options);
  };
  git.execBytes = (args, input) => {
    commands.push(args[0] ?? '');
    return execBytes(args, input);
  };
  try {
    await work();
  } finally {
    git.exec = exec;
    git.execBytes = execBytes;
  }
  return commands;
}

/** The tree git itself builds from the working tree's files (every file added, in a scratch index). */
async function treeGitWouldWrite(git: Git, dir: string): Promise<string> {
  const env = { GIT_INDEX_FILE: join(dir, '.git', 'scratch-index') };
  await git.exec(['read-tree', '--empty'], { env });
  await git.exec(['add', '--all', '.'], { env });
  const tree = (await git.exec(['write-tree'], { env })).stdout.trim();
  rmSync(env.GIT_INDEX_FILE, { force: true });
  return tree;
}

describe('a commit built in-process', () => {
  it('holds the tree and commit object git would write, in a sound repository', async () => {
    const repo = await emptyRepo();
    // Names whose order in a tree differs from plain string order ("a-b" < "a/" < "a.b" < "a0").
    const files = ['a-b', 'a/x.md', 'a.b', 'a0', 'agents/orion/skills/ünïcode.md', 'README.md'];
    files.forEach((path, i) => repo.write(path, `file ${i}\n`));
    repo.write('run.sh', '#!/bin/sh\necho hi\n');
    chmodSync(join(repo.dir, 'run.sh'), 0o755);
    const first = await repo.git.commitPaths([...files, 'run.sh'], 'First\n\nWith a body.\n');
    expect(first).toBeDefined();
    expect(await repo.git.treeOf('HEAD')).toBe(await treeGitWouldWrite(repo.git, repo.dir));

    // Change one file, delete the only file of a folder (the folder leaves the tree), add one.
    repo.write('agents/orion/skills/ünïcode.md', 'changed\n');
    rmSync(join(repo.dir, 'a/x.md'));
    repo.write('agents/orion/world/new.md', 'new\n');
    const commands = await commandsOf(repo.git, async () => {
      await repo.git.commitPaths(
        ['agents/orion/skills/ünïcode.md', 'a/x.md', 'agents/orion/world/new.md'],
        'Second',
      );
    });
    // No git process: the commit is built, HEAD moved and the person's index staged in-process
    // (where the ref files are was asked of git with the first commit's questions).
    expect(commands).toEqual([]);
    expect((await repo.git.exec(['status', '--porcelain'])).stdout).toBe('');
    expect(await repo.git.treeOf('HEAD')).toBe(await treeGitWouldWrite(repo.git, repo.dir));
    expect((await repo.git.exec(['ls-tree', 'HEAD', 'a'])).stdout).toBe('');
    // A folder the first commit wrote and the second did not touch is still known to the third.
    repo.write('README.md', 'changed\n');
    expect(await commandsOf(repo.git, () => repo.git.commitPaths(['README.md'], 'Readme'))).toEqual(
      [],
    );
    repo.write('agents/orion/skills/ünïcode.md', 'changed again\n');
    expect(
      await commandsOf(repo.git, () =>
        repo.git.commitPaths(['agents/orion/skills/ünïcode.md'], 'Second'),
      ),
    ).toEqual([]);
    expect(await repo.git.treeOf('HEAD')).toBe(await treeGitWouldWrite(repo.git, repo.dir));

    // The commit object is byte for byte what `git commit-tree` writes for the same tree, parent,
    // people and times.
    const object = (await repo.git.exec(['cat-file', 'commit', 'HEAD'])).stdout;
    const date = (role: string) =>
      /^(?:\S+ )(?:.*) <.*> (\d+ [+-]\d{4})$/m.exec(
        object.split('\n').find((line) => line.startsWith(role)) ?? '',
      )?.[1];
    const parent = (await repo.git.exec(['rev-parse', 'HEAD^'])).stdout.trim();
    const again = await repo.git.exec(
      ['commit-tree', await repo.git.treeOf('HEAD'), '-p', parent, '-F', '-'],
      {
        input: 'Second',
        env: {
          GIT_AUTHOR_DATE: `@${date('author')}`,
          GIT_COMMITTER_DATE: `@${date('committer')}`,
        },
      },
    );
    expect(again.stdout.trim()).toBe(await repo.git.headSha());

    // The reflogs of the branch and of HEAD say what `git update-ref -m` would have said.
    for (const log of ['.git/logs/HEAD', '.git/logs/refs/heads/main']) {
      const last = readFileSync(join(repo.dir, log), 'utf8').trimEnd().split('\n').at(-1);
      expect(last).toBe(
        `${parent} ${await repo.git.headSha()} AgentOS <agentos@users.noreply.github.com> ${date('committer')}\tagentos: Second`,
      );
    }
    expect((await repo.git.exec(['reflog', '-1', '--format=%gs'])).stdout.trim()).toBe(
      'agentos: Second',
    );
    const fsck = await repo.git.exec(['fsck', '--strict', '--no-dangling']);
    expect(fsck.exitCode).toBe(0);
    expect(fsck.stderr).toBe('');
    // The person's index holds the committed files: nothing shows as changed or staged.
    expect((await repo.git.exec(['status', '--porcelain'])).stdout).toBe('');
    rmSync(repo.dir, { recursive: true, force: true });
  });

  it('makes no commit when the files match HEAD, and a merge commit even then', async () => {
    const repo = await emptyRepo();
    repo.write('agents/orion/a.md', 'a\n');
    const first = await repo.git.commitPaths(['agents/orion/a.md'], 'First');
    expect(await repo.git.commitPaths(['agents/orion/a.md'], 'Again')).toBeUndefined();
    await repo.git.exec(['branch', 'side']);
    const merged = await repo.git.commitPaths(['agents/orion/a.md'], 'Merge side', {
      mergeParent: first!,
    });
    const parents = (await repo.git.exec(['rev-list', '--parents', '-n', '1', merged!])).stdout;
    expect(parents.trim().split(' ')).toEqual([merged, first, first]);
    expect(await repo.git.treeOf(merged!)).toBe(await repo.git.treeOf(first!));
    // A merge that writes no file at all keeps HEAD's tree too, in a process that knows no tree.
    const bare = await Git.create(repo.dir).commitPaths([], 'Merge side again', {
      mergeParent: first!,
    });
    expect(await repo.git.treeOf(bare!)).toBe(await repo.git.treeOf(first!));
    rmSync(repo.dir, { recursive: true, force: true });
  });

  it('reads HEAD as another process left it: a commit made by git in between is built on', async () => {
    const repo = await emptyRepo();
    repo.write('agents/orion/a.md', 'a\n');
    await repo.git.commitPaths(['agents/orion/a.md'], 'First');
    // A person commits with git itself; this process still knows the trees of its own commit.
    repo.write('agents/orion/b.md', 'b\n');
    await repo.git.exec(['add', 'agents/orion/b.md']);
    await repo.git.exec(['commit', '--quiet', '-m', 'By hand']);
    repo.write('agents/orion/c.md', 'c\n');
    await repo.git.commitPaths(['agents/orion/c.md'], 'Third');
    const files = (await repo.git.exec(['ls-tree', '-r', '--name-only', 'HEAD'])).stdout;
    expect(files.trim().split('\n')).toEqual([
      'agents/orion/a.md',
      'agents/orion/b.md',
      'agents/orion/c.md',
    ]);
    rmSync(repo.dir, { recursive: true, force: true });
  });

  it.each([
    [
      'core.autocrlf=true',
      (repo: Awaited<ReturnType<typeof emptyRepo>>) =>
        repo.git.exec(['config', 'core.autocrlf', 'true']),
    ],
    [
      'a .gitattributes that sets text',
      async (repo: Awaited<ReturnType<typeof emptyRepo>>) => {
        repo.write('agents/.gitattributes', '*.md text eol=lf\n');
      },
    ],
  ])(
    'leaves the commit to git under %s, so the files land as git stores them',
    async (_, setUp) => {
      const repo = await emptyRepo();
      await setUp(repo);
      repo.write('agents/orion/a.md', 'one\r\ntwo\r\n');
      const commands = await commandsOf(repo.git, () =>
        repo.git.commitPaths(['agents/orion/a.md'], 'Line endings'),
      );
      expect(commands).toContain('write-tree');
      // Stored with LF, as `git add` would store it.
      expect(await repo.git.fileAt('HEAD', 'agents/orion/a.md')).toBe('one\ntwo\n');
      rmSync(repo.dir, { recursive: true, force: true });
    },
  );

  it('sees a setting changed while it runs, within a minute', async () => {
    const repo = await emptyRepo();
    repo.write('agents/orion/a.md', 'a\n');
    await repo.git.commitPaths(['agents/orion/a.md'], 'First');
    await repo.git.exec(['config', 'core.autocrlf', 'true']);
    const later = Date.now() + 61_000;
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => later);
    try {
      repo.write('agents/orion/a.md', 'one\r\ntwo\r\n');
      await repo.git.commitPaths(['agents/orion/a.md'], 'Line endings');
    } finally {
      clock.mockRestore();
    }
    expect(await repo.git.fileAt('HEAD', 'agents/orion/a.md')).toBe('one\ntwo\n');
    rmSync(repo.dir, { recursive: true, force: true });
  });

  it('builds in-process beside attributes that change no content', async () => {
    const repo = await emptyRepo();
    repo.write('.gitattributes', 'dist/** -diff linguist-generated=true\n');
    repo.write('agents/orion/a.md', 'a\n');
    const commands = await commandsOf(repo.git, () =>
      repo.git.commitPaths(['agents/orion/a.md'], 'First'),
    );
    expect(commands).not.toContain('write-tree');
    expect(commands).not.toContain('commit-tree');
    rmSync(repo.dir, { recursive: true, force: true });
  });
});

describe('the private index kept for the next commit', () => {
  it('is dropped once a commit built in-process moves HEAD past its commit', async () => {
    const repo = await emptyRepo();
    const kept = () =>
      readdirSync(join(repo.dir, '.git', 'agentos')).filter((n) => n.startsWith('commit-index-'));
    // A setting that leaves commits to git: they go through a private index, kept for the next.
    await repo.git.exec(['config', 'core.autocrlf', 'input']);
    repo.write('agents/orion/a.md', 'a\n');
    const first = await repo.git.commitPaths(['agents/orion/a.md'], 'First');
    expect(kept()).toEqual([`commit-index-${first}`]);
    // A person commits, then, without the setting, a new process builds its commit in-process:
    // the index names a commit long past, and goes.
    await repo.git.exec(['config', '--unset', 'core.autocrlf']);
    repo.write('notes.txt', 'mine\n');
    await repo.git.exec(['add', 'notes.txt']);
    await repo.git.exec(['commit', '--quiet', '-m', 'A note']);
    const next = Git.create(repo.dir);
    repo.write('agents/orion/a.md', 'b\n');
    const commands = await commandsOf(next, () =>
      next.commitPaths(['agents/orion/a.md'], 'Second'),
    );
    expect(commands).not.toContain('write-tree');
    expect(kept()).toEqual([]);
    expect((await next.exec(['status', '--porcelain'])).stdout).toBe('');
    // Another process commits through git (the setting is back), then this one in-process: the
    // index the other kept goes too.
    await next.exec(['config', 'core.autocrlf', 'input']);
    repo.write('agents/orion/a.md', 'c\n');
    const third = await Git.create(repo.dir).commitPaths(['agents/orion/a.md'], 'Third');
    expect(kept()).toEqual([`commit-index-${third}`]);
    await next.exec(['config', '--unset', 'core.autocrlf']);
    repo.write('agents/orion/a.md', 'd\n');
    await next.commitPaths(['agents/orion/a.md'], 'Fourth');
    expect(kept()).toEqual([]);
    rmSync(repo.dir, { recursive: true, force: true });
  });
});

describe('a commit on another branch, from contents', () => {
  async function branchCommit(settings: [string, string][]) {
    const repo = await emptyRepo();
    for (const [key, value] of settings) await repo.git.exec(['config', key, value]);
    repo.write('agents/orion/a.md', 'a\n');
    repo.write('shared/old.md', 'old\n');
    const head = (await repo.git.commitPaths(['agents/orion/a.md', 'shared/old.md'], 'First'))!;
    const commands = await commandsOf(repo.git, () =>
      repo.git.commitFilesOnBranch({
        branch: 'agentos/proposal',
        parent: head,
        expected: undefined,
        files: [{ path: 'shared/iac/proposals/p.md', content: 'proposal\r\n' }],
        removals: ['shared/old.md'],
        message: 'Propose',
      }),
    );
    const tree = await repo.git.treeOf('refs/heads/agentos/proposal');
    // HEAD's trees are still known: a commit on HEAD reads none.
    repo.write('agents/orion/a.md', 'b\n');
    const next = await commandsOf(repo.git, () =>
      repo.git.commitPaths(['agents/orion/a.md'], 'Second'),
    );
    rmSync(repo.dir, { recursive: true, force: true });
    return { commands, tree, next };
  }

  it("is built in-process, with the tree git builds, and leaves HEAD's trees known", async () => {
    const inProcess = await branchCommit([]);
    // Settings that leave commits to git: the same files through hash-object and a private index.
    const byGit = await branchCommit([['core.autocrlf', 'input']]);
    expect(inProcess.commands).toEqual(['update-ref']);
    expect(byGit.commands).toContain('write-tree');
    expect(inProcess.tree).toBe(byGit.tree);
    expect(inProcess.next).not.toContain('cat-file');
  });
});

describe('HEAD moved in-process', () => {
  it('leaves a held lock to git, which refuses, and changes nothing', async () => {
    const repo = await emptyRepo();
    repo.write('agents/orion/a.md', 'a\n');
    const first = await repo.git.commitPaths(['agents/orion/a.md'], 'First');
    writeFileSync(join(repo.dir, '.git/refs/heads/main.lock'), '');
    repo.write('agents/orion/a.md', 'b\n');
    await expect(repo.git.commitPaths(['agents/orion/a.md'], 'Second')).rejects.toThrow(
      /update-ref failed.*lock/s,
    );
    expect(await repo.git.headSha()).toBe(first);
    expect(existsSync(join(repo.dir, '.git/refs/heads/main.lock'))).toBe(true);
    rmSync(repo.dir, { recursive: true, force: true });
  });

  /** A second commit with hook `name` in place (it appends a line to .git/hook-ran). */
  async function commitWithHook(name: string, line: string) {
    const repo = await emptyRepo();
    repo.write('agents/orion/a.md', 'a\n');
    await repo.git.commitPaths(['agents/orion/a.md'], 'First');
    const hook = join(repo.dir, '.git/hooks', name);
    writeFileSync(hook, `#!/bin/sh\necho ${line} >> "${join(repo.dir, '.git/hook-ran')}"\n`);
    chmodSync(hook, 0o755);
    repo.write('agents/orion/a.md', 'b\n');
    const commands = await commandsOf(repo.git, () =>
      repo.git.commitPaths(['agents/orion/a.md'], 'Second'),
    );
    const ran = readFileSync(join(repo.dir, '.git/hook-ran'), 'utf8');
    const status = (await repo.git.exec(['status', '--porcelain'])).stdout;
    rmSync(repo.dir, { recursive: true, force: true });
    return { commands, ran, status };
  }

  it('leaves the move to git when a reference-transaction hook must run, and the hook runs', async () => {
    const { commands, ran } = await commitWithHook('reference-transaction', '"$1"');
    expect(commands).toEqual(['update-ref']);
    expect(ran).toContain('committed');
  });

  it('leaves the person’s index to git when a post-index-change hook must run, and the hook runs', async () => {
    const { commands, ran, status } = await commitWithHook('post-index-change', 'ran');
    expect(commands).toEqual(['update-index']);
    expect(ran).toContain('ran');
    expect(status).toBe('');
  });

  it('leaves the person’s index to git on a case-insensitive file system (core.ignoreCase)', async () => {
    const repo = await emptyRepo();
    await repo.git.exec(['config', 'core.ignorecase', 'true']);
    repo.write('agents/orion/a.md', 'a\n');
    await repo.git.commitPaths(['agents/orion/a.md'], 'First');
    repo.write('agents/orion/a.md', 'b\n');
    const commands = await commandsOf(repo.git, () =>
      repo.git.commitPaths(['agents/orion/a.md'], 'Second'),
    );
    expect(commands).toEqual(['update-index']);
    expect((await repo.git.exec(['status', '--porcelain'])).stdout).toBe('');
    rmSync(repo.dir, { recursive: true, force: true });
  });

  it('moves a branch that only packed-refs holds', async () => {
    const repo = await emptyRepo();
    repo.write('agents/orion/a.md', 'a\n');
    const first = await repo.git.commitPaths(['agents/orion/a.md'], 'First');
    await repo.git.exec(['pack-refs', '--all']);
    expect(existsSync(join(repo.dir, '.git/refs/heads/main'))).toBe(false);
    repo.write('agents/orion/a.md', 'b\n');
    const second = await repo.git.commitPaths(['agents/orion/a.md'], 'Second');
    expect(await repo.git.headSha()).toBe(second);
    expect((await repo.git.exec(['rev-parse', 'main^'])).stdout.trim()).toBe(first);
    rmSync(repo.dir, { recursive: true, force: true });
  });
});

describe('the settings that leave commits to git', () => {
  it.each([
    ['extensions.objectformat', 'sha256', 'object format sha256'],
    ['core.autocrlf', 'input', 'core.autocrlf'],
    ['commit.gpgsign', 'true', 'commit.gpgSign'],
    ['i18n.commitencoding', 'ISO-8859-1', 'i18n.commitEncoding'],
    ['core.sharedrepository', 'group', 'core.sharedRepository'],
    ['core.filemode', 'false', 'core.fileMode'],
    ['core.fsync', 'loose-object', 'core.fsync'],
    ['core.worktree', '/elsewhere', 'core.worktree'],
  ])('%s=%s', (key, value, reason) => {
    expect(settingsNeedingGit(parseConfigList(`${key}\n${value}\0`))).toBe(reason);
  });

  it('keeps a commit in-process under the usual settings, the last value winning', () => {
    const listed =
      'core.autocrlf\ntrue\0core.autocrlf\nfalse\0commit.gpgsign\nfalse\0user.name\nA\0';
    expect(settingsNeedingGit(parseConfigList(listed))).toBeUndefined();
  });
});

describe('loose objects', () => {
  it('are written again into a fan-out folder that git gc removed meanwhile', () => {
    const folder = tempDir('agentos-objects-');
    const objects = new LooseObjects(folder);
    const first = objects.write('blob', Buffer.from('one\n'));
    // What `git prune-packed` does after packing: the object and its emptied folder go.
    rmSync(join(folder, first.slice(0, 2)), { recursive: true, force: true });
    expect(objects.write('blob', Buffer.from('one\n'))).toBe(first);
    expect(existsSync(join(folder, first.slice(0, 2), first.slice(2)))).toBe(true);
    // The id is git's: `git hash-object` of "one\n".
    expect(first).toBe('5626abf0f72e58d7a153368ba57db4c673c0e171');
    rmSync(folder, { recursive: true, force: true });
  });
});

describe('tree objects', () => {
  it('round-trip, sorted as git sorts them', () => {
    const id = 'ab'.repeat(20);
    const encoded = encodeTree([
      { mode: '100644', name: 'a0', id },
      { mode: '40000', name: 'a', id },
      { mode: '100644', name: 'a.b', id },
      { mode: '100644', name: 'a-b', id },
    ]);
    expect(parseTree(encoded).map((entry) => entry.name)).toEqual(['a-b', 'a.b', 'a', 'a0']);
  });

  it('is the tree git makes of the same entries, names outside the basic plane among them', async () => {
    const { git, dir } = await emptyRepo();
    const id = '5626abf0f72e58d7a153368ba57db4c673c0e171';
    // UTF-8 puts U+FF21 (EF BC A1) before U+1F600 (F0 9F 98 80); UTF-16 code units the other way.
    const entries = [
      { mode: '100644', name: '\u{1F600}.md', id },
      { mode: '100644', name: '\uFF21.md', id },
      { mode: '40000', name: 'b', id: '4b825dc642cb6eb9a060e54bf8d69288fbd16904' },
      { mode: '100644', name: 'b.md', id },
      { mode: '100755', name: 'é.md', id },
    ];
    const made = await git.exec(['mktree', '--missing'], {
      input: entries
        .map((e) => `${e.mode === '40000' ? '040000 tree' : `${e.mode} blob`} ${e.id}\t${e.name}\n`)
        .join(''),
    });
    expect(objectId('tree', encodeTree(entries))).toBe(made.stdout.trim());
    rmSync(dir, { recursive: true, force: true });
  });

  // A folder's next tree is an edit of its last body: the same bytes as encoding it whole.
  it('edited in place, is the tree encoded whole, whatever entries are set, replaced or removed', () => {
    const name = fc.constantFrom(
      'a',
      'a.b',
      'a-b',
      'a0',
      'b',
      'b.md',
      'é.md',
      'z',
      'a/'.slice(0, 1),
    );
    const entry = fc.record({
      mode: fc.constantFrom('100644', '100755', '40000'),
      name: fc.oneof(name, fc.stringMatching(/^[a-z.-]{1,6}$/)),
      id: fc.constantFrom('ab'.repeat(20), '5626abf0f72e58d7a153368ba57db4c673c0e171'),
    });
    const folder = fc.uniqueArray(entry, { selector: (e) => e.name, maxLength: 30 });
    fc.assert(
      fc.property(
        folder,
        fc.array(fc.option(entry, { nil: undefined }), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (entries, sets, removals) => {
          const base = new Map(entries.map((e) => [e.name, e]));
          const next = new Map(base);
          const touched = new Set<string>();
          for (const set of sets) {
            if (set === undefined) continue;
            next.set(set.name, set);
            touched.add(set.name);
          }
          for (const at of removals) {
            const gone = [...next.keys()][at % Math.max(1, next.size)];
            if (gone === undefined) continue;
            next.delete(gone);
            touched.add(gone);
          }
          const pick = (from: Map<string, TreeEntry>) =>
            [...touched].flatMap((n) => from.get(n) ?? []);
          const before = encodeTreeWithPlaces(base.values());
          expect(before?.body).toEqual(encodeTree(base.values()));
          const edited = before && editEncodedTree(before, pick(base), pick(next));
          expect(edited?.body).toEqual(encodeTree(next.values()));
          // And the places it keeps are the ones a whole encoding gives, for the edit after it.
          expect(edited).toEqual(encodeTreeWithPlaces(next.values()));
          // A body read back from git gives the same places.
          const whole = encodeTree(next.values());
          expect(placesOfTree(whole, parseTree(whole))).toEqual(edited);
        },
      ),
      { numRuns: 500 },
    );
  });

  // A copy shares the entries it does not change: the folder copied never sees its changes.
  it('copies of a folder hold their own changes, as copied maps would, made whole or not', () => {
    const op = fc.oneof(
      fc.record({ set: fc.integer({ min: 0, max: 150 }) }),
      fc.record({ remove: fc.integer({ min: 0, max: 150 }) }),
      fc.constant({ copy: true }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.array(op, { maxLength: 300 }), (n, ops) => {
        const entry = (i: number, v: number): TreeEntry => ({
          mode: '100644',
          name: `f${i}`,
          id: String(v).padStart(40, '0'),
        });
        const start = Array.from({ length: n }, (_, i) => entry(i, 0));
        let folder = TreeFolder.of(start);
        let model = new Map(start.map((e) => [e.name, e]));
        const earlier: [TreeFolder, Map<string, TreeEntry>][] = [];
        ops.forEach((o, step) => {
          if ('copy' in o) {
            earlier.push([folder, new Map(model)]);
            folder = folder.copy();
            model = new Map(model);
          } else if ('set' in o) {
            folder.set(`f${o.set}`, entry(o.set, step + 1));
            model.set(`f${o.set}`, entry(o.set, step + 1));
          } else {
            folder.delete(`f${o.remove}`);
            model.delete(`f${o.remove}`);
          }
        });
        for (const [f, m] of [...earlier, [folder, model] as const]) {
          expect(f.size).toBe(m.size);
          expect(new Map([...f.values()].map((e) => [e.name, e]))).toEqual(m);
          for (let i = 0; i <= 150; i++) expect(f.get(`f${i}`)).toEqual(m.get(`f${i}`));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('is not edited when an entry it is told to remove is not in it, or a name sorts by bytes only', () => {
    const id = 'ab'.repeat(20);
    const base = encodeTreeWithPlaces([{ mode: '100644', name: 'a', id }]);
    expect(base).toBeDefined();
    if (!base) return;
    expect(editEncodedTree(base, [{ mode: '100644', name: 'b', id }], [])).toBeUndefined();
    expect(editEncodedTree(base, [], [{ mode: '100644', name: 'a', id }])).toBeUndefined();
    expect(editEncodedTree(base, [], [{ mode: '100644', name: '\uFF21.md', id }])).toBeUndefined();
    expect(encodeTreeWithPlaces([{ mode: '100644', name: '\u{1F600}.md', id }])).toBeUndefined();
  });
});
