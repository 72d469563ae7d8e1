// A commit's files staged in the person's index in-process (src/git/index-write.ts): the index git
// itself writes for `git update-index --add --remove` of the same paths (entries, cached trees,
// racily clean entries), checked against a twin repository where git stages them; and every index
// the writer does not fully understand left to git, untouched.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { stageInIndexFile, type CommittedFile } from '../src/git/index-write.js';
import { tempDir } from './helpers/repo.js';

const git = (dir: string, args: string[], input?: string): string =>
  execFileSync('git', args, { cwd: dir, encoding: 'utf8', ...(input ? { input } : {}) });

const gitCode = (dir: string, args: string[]): number => {
  try {
    execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
    return 0;
  } catch (error) {
    return (error as { status: number }).status;
  }
};

function write(dir: string, path: string, text: string, ageSeconds = 0): void {
  const file = join(dir, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  if (ageSeconds > 0) {
    const at = new Date(Date.now() - ageSeconds * 1000);
    utimesSync(file, at, at);
  }
}

const BEFORE = {
  'agents/orion/skills/a.md': 'a\n',
  'agents/orion/skills/c.md': 'c\n',
  'agents/orion/skills/gone.md': 'gone\n',
  'agents/orion/world/index.md': 'world\n',
  'agents/orion/rewards/2026-11.md': 'rewards\n',
  'agents/orion-notes.md': 'a sibling that sorts between the folder and its files\n',
  'app.py': 'print("mine")\n',
  'docs/readme.md': 'docs\n',
};

/** A repository with BEFORE committed by git, its cached trees written. */
function committedRepo(): string {
  const dir = tempDir('agentos-index-write-');
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['config', 'user.name', 'Test']);
  git(dir, ['config', 'user.email', 'test@example.com']);
  for (const [path, text] of Object.entries(BEFORE)) write(dir, path, text, 60);
  git(dir, ['add', '--all']);
  git(dir, ['commit', '-q', '-m', 'before']);
  // Every folder's cached tree valid, as a fresh `git commit` leaves them.
  git(dir, ['write-tree']);
  return dir;
}

/** The runtime's commit: a change, two new files in one folder, a new folder, a removal. */
function runtimeCommit(dir: string): Map<string, CommittedFile | null> {
  const files = new Map<string, CommittedFile | null>();
  const put = (path: string, text: string, mode = '100644') => {
    write(dir, path, text);
    if (mode === '100755') chmodSync(join(dir, path), 0o755);
    files.set(path, { bytes: Buffer.from(text), mode });
    // The commit wrote its blobs.
    git(dir, ['hash-object', '-w', '--', path]);
  };
  put('agents/orion/skills/c.md', 'c, learned\n');
  put('agents/orion/skills/b.md', 'b\n');
  put('agents/orion/skills/bb.md', 'bb\n');
  put('agents/orion/rewards/recent/t-1.md', 'record\n');
  put('agents/orion/tools/run.sh', '#!/bin/sh\n', '100755');
  rmSync(join(dir, 'agents/orion/skills/gone.md'));
  files.set('agents/orion/skills/gone.md', null);
  return files;
}

const twin = (files: ReadonlyMap<string, unknown>) => `${[...files.keys()].join('\0')}\0`;

/** The index as git lists it, stat data aside. */
const staged = (dir: string) => git(dir, ['ls-files', '--stage']);

/** Each entry's size as the index holds it (`git ls-files --debug`). */
function sizes(dir: string): Map<string, number> {
  const out = git(dir, ['ls-files', '--debug']);
  const found = new Map<string, number>();
  let path = '';
  for (const line of out.split('\n')) {
    if (!line.startsWith(' ')) path = line;
    const size = /^\s+size: (\d+)/.exec(line);
    if (size) found.set(path, Number(size[1]));
  }
  return found;
}

/** The person's change to a.md, committed as such. */
function changedA(dir: string): Map<string, CommittedFile | null> {
  write(dir, 'agents/orion/skills/a.md', 'a2\n');
  return new Map([['agents/orion/skills/a.md', { bytes: Buffer.from('a2\n'), mode: '100644' }]]);
}

/** A case that has git run `args`, then changes a.md as changedA does. */
const changedAfter =
  (...args: string[]) =>
  (dir: string): Map<string, CommittedFile | null> => {
    git(dir, args);
    return changedA(dir);
  };

describe('staging a commit in the index in-process', () => {
  it('writes the index git writes: entries, modes, order, cached trees', () => {
    const ours = committedRepo();
    const theirs = committedRepo();
    const files = runtimeCommit(ours);
    runtimeCommit(theirs);
    // The person's own work, staged and unstaged, in both.
    for (const dir of [ours, theirs]) {
      write(dir, 'app.py', 'print("staged")\n');
      git(dir, ['add', 'app.py']);
      write(dir, 'docs/readme.md', 'unstaged\n');
    }
    git(theirs, ['update-index', '--add', '--remove', '-z', '--stdin'], twin(files));

    expect(stageInIndexFile(join(ours, '.git/index'), ours, files)).toBe(true);

    expect(staged(ours)).toBe(staged(theirs));
    expect(staged(ours)).toContain('100755');
    expect(staged(ours)).not.toContain('gone.md');
    // The cached trees of the changed folders were invalidated: a stale one would give another tree.
    expect(git(ours, ['write-tree'])).toBe(git(theirs, ['write-tree']));
    expect(git(ours, ['status', '--porcelain'])).toBe(git(theirs, ['status', '--porcelain']));
    // The staged entries' stat data is the files': nothing but the person's edit reads as changed.
    expect(git(ours, ['diff-files', '--name-only'])).toBe('docs/readme.md\n');
    // A sound index: its checksum, and every cached tree an object of the repository.
    expect(gitCode(ours, ['fsck', '--strict', '--no-dangling'])).toBe(0);
    expect(existsSync(join(ours, '.git/index.lock'))).toBe(false);
  });

  it('keeps the cached trees of the folders the commit did not touch', () => {
    const dir = committedRepo();
    const files = new Map([
      ['agents/orion/skills/c.md', { bytes: Buffer.from('c2\n'), mode: '100644' }],
    ]);
    write(dir, 'agents/orion/skills/c.md', 'c2\n');
    git(dir, ['hash-object', '-w', '--', 'agents/orion/skills/c.md']);
    expect(stageInIndexFile(join(dir, '.git/index'), dir, files)).toBe(true);
    // `docs/` keeps its cached tree (the count of its entries), `agents/` and the root lose theirs.
    const trees = readFileSync(join(dir, '.git/index'));
    const tree = trees.subarray(trees.indexOf('TREE'));
    expect(tree.includes(Buffer.from('docs\u00001 0\n'))).toBe(true);
    expect(tree.includes(Buffer.from('\u0000-1 2\n'))).toBe(true);
    expect(tree.includes(Buffer.from('agents\u0000-1 1\n'))).toBe(true);
    expect(gitCode(dir, ['fsck', '--strict', '--no-dangling'])).toBe(0);
  });

  it('stages the commit’s blob, as modified, for a file changed since the commit read it', () => {
    const dir = committedRepo();
    const committed = 'c, as committed\n';
    git(dir, ['hash-object', '-w', '--stdin'], committed);
    // Older than the index written next, so git does not compare its content on its own.
    write(dir, 'agents/orion/skills/c.md', 'c, edited by the person meanwhile\n', 60);
    const files = new Map([
      ['agents/orion/skills/c.md', { bytes: Buffer.from(committed), mode: '100644' }],
    ]);
    expect(stageInIndexFile(join(dir, '.git/index'), dir, files)).toBe(true);
    const blob = git(dir, ['hash-object', '--stdin'], committed).trim();
    expect(staged(dir)).toContain(`${blob} 0\tagents/orion/skills/c.md`);
    expect(git(dir, ['diff-files', '--name-only'])).toBe('agents/orion/skills/c.md\n');
    expect(git(dir, ['diff', 'agents/orion/skills/c.md'])).toContain(
      '+c, edited by the person meanwhile',
    );
  });

  it('marks a racily clean entry whose file changed as modified, as git does', () => {
    const ours = committedRepo();
    const theirs = committedRepo();
    const future = Math.floor(Date.now() / 1000) + 3600;
    for (const dir of [ours, theirs]) {
      // Stat data that cannot tell the change: the same size and modification time, and git told
      // to ignore the change time and the inode.
      git(dir, ['config', 'core.trustctime', 'false']);
      git(dir, ['config', 'core.checkStat', 'minimal']);
      write(dir, 'docs/readme.md', 'DOCS\n');
      utimesSync(join(dir, 'docs/readme.md'), future, future);
      git(dir, ['add', 'docs/readme.md']);
      write(dir, 'docs/readme.md', 'dOCS\n');
      utimesSync(join(dir, 'docs/readme.md'), future, future);
    }
    const files = changedA(ours);
    changedA(theirs);
    git(theirs, ['update-index', '--add', '--remove', '-z', '--stdin'], twin(files));
    expect(stageInIndexFile(join(ours, '.git/index'), ours, files)).toBe(true);
    expect(sizes(theirs).get('docs/readme.md')).toBe(0);
    expect(sizes(ours).get('docs/readme.md')).toBe(0);
    // An unchanged racily clean entry keeps its size.
    expect(sizes(ours).get('agents/orion/skills/a.md')).toBe(3);
    expect(git(ours, ['diff-files', '--name-only'])).toContain('docs/readme.md');
  });

  describe('leaves to git, changing nothing', () => {
    const cases: { name: string; prepare: (dir: string) => Map<string, CommittedFile | null> }[] = [
      {
        name: 'an index of version 4',
        prepare: changedAfter('update-index', '--index-version', '4'),
      },
      { name: 'a split index', prepare: changedAfter('update-index', '--split-index') },
      {
        name: 'a committed path in a merge conflict',
        prepare: (dir) => {
          const blob = git(dir, ['hash-object', '-w', '--stdin'], 'theirs\n').trim();
          git(
            dir,
            ['update-index', '--index-info'],
            `0 ${'0'.repeat(40)}\tagents/orion/skills/a.md\n100644 ${blob} 2\tagents/orion/skills/a.md\n100644 ${blob} 3\tagents/orion/skills/a.md\n`,
          );
          return new Map([
            ['agents/orion/skills/a.md', { bytes: Buffer.from('a\n'), mode: '100644' }],
          ]);
        },
      },
      {
        name: 'a committed path marked skip-worktree',
        prepare: changedAfter('update-index', '--skip-worktree', 'agents/orion/skills/a.md'),
      },
      {
        name: 'a new file where the index has a folder',
        prepare: (dir) => {
          rmSync(join(dir, 'agents/orion/rewards'), { recursive: true });
          write(dir, 'agents/orion/rewards', 'a file now\n');
          return new Map([
            ['agents/orion/rewards', { bytes: Buffer.from('a file now\n'), mode: '100644' }],
          ]);
        },
      },
      {
        name: 'a new file inside what the index has as a file',
        prepare: (dir) => {
          rmSync(join(dir, 'app.py'));
          write(dir, 'app.py/x.md', 'x\n');
          return new Map([['app.py/x.md', { bytes: Buffer.from('x\n'), mode: '100644' }]]);
        },
      },
      {
        name: 'a lock held by another process',
        prepare: (dir) => {
          writeFileSync(join(dir, '.git/index.lock'), '');
          return changedA(dir);
        },
      },
    ];
    it.each(cases)('$name', ({ prepare }) => {
      const dir = committedRepo();
      const files = prepare(dir);
      const before = readFileSync(join(dir, '.git/index'));
      const lockHeld = existsSync(join(dir, '.git/index.lock'));
      expect(stageInIndexFile(join(dir, '.git/index'), dir, files)).toBe(false);
      expect(readFileSync(join(dir, '.git/index')).equals(before)).toBe(true);
      // Its own lock is gone; another's is left where it was.
      expect(existsSync(join(dir, '.git/index.lock'))).toBe(lockHeld);
    });
  });

  // Paths that sort around each other ('-' and '.' before '/', a name that prefixes another, a
  // letter outside ASCII), in folders none of which is a file's name.
  const UNIVERSE = [
    'a/x.md',
    'a/x-y.md',
    'a/x.y.md',
    'a/xy.md',
    'a/b0.md',
    'a/b/x.md',
    'a/b/z.md',
    'a-b/x.md',
    'a.b/x.md',
    'a0/x.md',
    'ab/x.md',
    'c.md',
    'c-d.md',
    'é/x.md',
    'z/x.md',
  ];
  type Fate = 'absent' | 'kept' | 'changed' | 'removed' | 'added';

  it('stages any commit of additions, changes and removals as git does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom<Fate>('absent', 'kept', 'changed', 'removed', 'added'), {
          minLength: UNIVERSE.length,
          maxLength: UNIVERSE.length,
        }),
        (fates) => {
          const base = UNIVERSE.filter((_, i) =>
            ['kept', 'changed', 'removed'].includes(fates[i] as Fate),
          );
          const changes = UNIVERSE.filter((_, i) =>
            ['changed', 'removed', 'added'].includes(fates[i] as Fate),
          );
          fc.pre(base.length > 0 && changes.length > 0);
          const repos = [tempDir('agentos-index-write-'), tempDir('agentos-index-write-')];
          const files = new Map<string, CommittedFile | null>();
          for (const dir of repos) {
            git(dir, ['init', '-q', '-b', 'main']);
            git(dir, ['config', 'user.name', 'Test']);
            git(dir, ['config', 'user.email', 'test@example.com']);
            for (const path of base) write(dir, path, `${path}\n`, 60);
            git(dir, ['add', '--all']);
            git(dir, ['commit', '-q', '-m', 'base']);
            git(dir, ['write-tree']);
            UNIVERSE.forEach((path, i) => {
              const fate = fates[i] as Fate;
              if (fate === 'removed') {
                rmSync(join(dir, path));
                files.set(path, null);
              } else if (fate === 'changed' || fate === 'added') {
                const text = `${path}, ${fate}\n`;
                write(dir, path, text);
                git(dir, ['hash-object', '-w', '--', path]);
                files.set(path, { bytes: Buffer.from(text), mode: '100644' });
              }
            });
          }
          const [ours, theirs] = repos as [string, string];
          git(theirs, ['update-index', '--add', '--remove', '-z', '--stdin'], twin(files));
          expect(stageInIndexFile(join(ours, '.git/index'), ours, files)).toBe(true);
          expect(staged(ours)).toBe(staged(theirs));
          expect(git(ours, ['write-tree'])).toBe(git(theirs, ['write-tree']));
          expect(git(ours, ['diff-files', '--name-only'])).toBe('');
          for (const dir of repos) rmSync(dir, { recursive: true, force: true });
        },
      ),
      { numRuns: 20 },
    );
  });
});
