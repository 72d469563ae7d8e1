// Git's index read in-process (src/git/index-file.ts): the same blob ids `git ls-files --stage`
// lists, in every index version git writes; an index it does not fully understand left to git; and
// a stat check that reports every file `git diff-files` reports (and at worst a few more).
import { readFileSync, rmSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Git } from '../src/git/git.js';
import { readIndexEntries, statChangedPaths } from '../src/git/index-file.js';
import { tempDir } from './helpers/repo.js';

const ROOTS = ['agents', 'shared'];

async function repoWithFiles(): Promise<{ dir: string; git: Git }> {
  const dir = tempDir('agentos-index-file-');
  const git = Git.create(dir);
  await git.init();
  const files = [
    'agents/orion/persona.md',
    'agents/orion/world/entities/a-very-long-name-that-shares-a-prefix-1.md',
    'agents/orion/world/entities/a-very-long-name-that-shares-a-prefix-2.md',
    'agents/orion/ünïcode.md',
    'shared/facts.md',
    'outside/app.py',
    'agentsfile.md',
  ];
  for (const [i, path] of files.entries()) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), `file ${i}\n`);
    // Older than the index written next, so no entry is "racily clean".
    utimesSync(join(dir, path), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  }
  await git.exec(['add', '--all']);
  return { dir, git };
}

/** `git ls-files --stage` of the roots, stage 0, as a map. */
async function listed(git: Git): Promise<Map<string, string>> {
  const out = (await git.exec(['ls-files', '--stage', '-z', '--', ...ROOTS])).stdout;
  const blobs = new Map<string, string>();
  for (const record of out.split('\0').filter(Boolean)) {
    const [meta, path] = record.split('\t');
    const [, id, stage] = (meta ?? '').split(' ');
    if (stage === '0' && path !== undefined && id !== undefined) blobs.set(path, id);
  }
  return blobs;
}

const indexOf = (dir: string) => readFileSync(join(dir, '.git', 'index'));

describe("git's index read in-process", () => {
  it.each([2, 3, 4])('lists what git lists, index version %i', async (version) => {
    const { dir, git } = await repoWithFiles();
    // An intent-to-add entry needs the extended flags of version 3 and later.
    if (version >= 3) {
      writeFileSync(join(dir, 'agents/orion/intent.md'), 'later\n');
      await git.exec(['add', '--intent-to-add', 'agents/orion/intent.md']);
    }
    await git.exec(['update-index', '--index-version', String(version)]);
    expect(indexOf(dir).readUInt32BE(4)).toBe(version);
    const entries = readIndexEntries(indexOf(dir), ROOTS);
    expect(entries?.blobs).toEqual(await listed(git));
    expect(entries?.blobs.has('agentsfile.md')).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves a split index to git, which still answers the same', async () => {
    const { dir, git } = await repoWithFiles();
    await git.exec(['update-index', '--split-index']);
    expect(readIndexEntries(indexOf(dir), ROOTS)).toBeUndefined();
    expect((await git.indexedFiles(ROOTS)).blobs).toEqual(await listed(git));
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports every file git reports as changed: edited, edited back to the same size and time, deleted', async () => {
    const { dir, git } = await repoWithFiles();
    const edited = 'agents/orion/persona.md';
    const sameStamp = 'shared/facts.md';
    const deleted = 'agents/orion/ünïcode.md';
    writeFileSync(join(dir, edited), 'a longer text than before\n');
    // Same size and modification time as before: only the change time tells.
    const old = new Date(Date.now() - 60_000);
    writeFileSync(join(dir, sameStamp), 'file X\n');
    utimesSync(join(dir, sameStamp), old, old);
    rmSync(join(dir, deleted));
    const index = indexOf(dir);
    const entries = readIndexEntries(index, ROOTS)!;
    const changed = statChangedPaths(index, entries, BigInt(Date.now()) * 1_000_000n, dir);
    const gitSays = (await git.exec(['diff-files', '--name-only', '-z', '--', ...ROOTS])).stdout
      .split('\0')
      .filter(Boolean);
    expect(gitSays).toEqual(expect.arrayContaining([edited, deleted]));
    for (const path of gitSays) expect(changed).toContain(path);
    expect(changed).toEqual(expect.arrayContaining([edited, sameStamp, deleted]));
    // The files nobody touched are not reported.
    expect(changed).not.toContain(
      'agents/orion/world/entities/a-very-long-name-that-shares-a-prefix-1.md',
    );
    rmSync(dir, { recursive: true, force: true });
  });

  it('has git check a large memory, and itself a small one beside a large repository', async () => {
    const { dir, git } = await repoWithFiles();
    // 1,200 more files: under agents/ (a large memory), or outside it (a large repository).
    const old = new Date(Date.now() - 60_000);
    for (const folder of ['agents/orion/world/entities', 'outside/many']) {
      mkdirSync(join(dir, folder), { recursive: true });
      for (let i = 0; i < 600; i++) {
        writeFileSync(join(dir, folder, `f${i}.md`), `${i}\n`);
        utimesSync(join(dir, folder, `f${i}.md`), old, old);
      }
    }
    await git.exec(['add', '--all']);
    writeFileSync(join(dir, 'agents/orion/world/entities/f7.md'), 'changed\n');
    writeFileSync(join(dir, 'shared/facts.md'), 'changed too\n');
    const gitSays = (await git.exec(['diff-files', '--name-only', '-z', '--', ...ROOTS])).stdout
      .split('\0')
      .filter(Boolean);
    const large = await git.indexedFiles(ROOTS);
    expect(large.changed.sort()).toEqual(gitSays.sort());
    expect(large.blobs).toEqual(await listed(git));
    // Only shared/ asked: 8 files of 1,200-odd, checked in-process.
    const small = await git.indexedFiles(['shared']);
    expect(small.changed).toEqual(['shared/facts.md']);
    expect([...small.blobs.keys()]).toEqual(['shared/facts.md']);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports a file modified no earlier than the index was written (racily clean)', async () => {
    const { dir } = await repoWithFiles();
    const index = indexOf(dir);
    const entries = readIndexEntries(index, ROOTS)!;
    // An index written a minute ago, before every file's modification time.
    const changed = statChangedPaths(
      index,
      entries,
      BigInt(Date.now() - 120_000) * 1_000_000n,
      dir,
    );
    expect(changed.sort()).toEqual([...entries.blobs.keys()].sort());
    rmSync(dir, { recursive: true, force: true });
  });
});
