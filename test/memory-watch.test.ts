// Memory reads fed by a watch (memory-watch.ts): after the first read of a long-lived process, git
// is not asked what changed, and yet every change made before a read is in what it reads.
import { mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Git } from '../src/git/git.js';
import { MemoryFileError } from '../src/errors.js';
import { agentPaths } from '../src/memory/layout.js';
import type { MemoryIndexGit } from '../src/memory/memory-index.js';
import {
  FULL_CHECK_EVERY,
  hearsEveryChange,
  WATCH_COOKIES_DIR,
  watchMemoryChanges,
} from '../src/memory/memory-watch.js';
import { renderSkill } from '../src/memory/skills.js';
import { loadAgentMemory, readAgentMemory, type AgentMemory } from '../src/loop/agent-memory.js';
import { makeRepo, tempDir, type TestRepo } from './helpers/repo.js';
import { commitStaged } from './helpers/person.js';
import { commitSkills, retrySkill } from './helpers/skills.js';

const paths = agentPaths('orion');

/** The repository's git, counting how often it is asked what changed in the work tree. */
function countingGit(git: Git): MemoryIndexGit & { asked: number } {
  const counting = {
    asked: 0,
    gitPath: (name: string) => git.gitPath(name),
    refreshIndex: () => git.refreshIndex(),
    indexedFiles: (roots: readonly string[]) => {
      counting.asked++;
      return git.indexedFiles(roots);
    },
  };
  return counting;
}

/** What a read gave, as plain data: what a full read of the files gives too. */
function contents(memory: AgentMemory): unknown {
  return {
    skills: memory.skills,
    world: memory.world,
    human: memory.human,
    queue: memory.queue,
    records: memory.rewards,
  };
}

// Where the feed cannot hear every change (another system, a network file system), reads keep asking
// git, and these counts of git's checks do not apply.
const describeWhereFed = hearsEveryChange(tempDir('agentos-feed-')) ? describe : describe.skip;

describe('where memory reads may be fed by a watch', () => {
  it("is a local file system on Linux: where every change reaches the kernel's watches", () => {
    const dir = tempDir('agentos-feed-');
    expect(hearsEveryChange(dir)).toBe(process.platform === 'linux');
    // procfs stands for any file system not known to be local (NFS, SMB, FUSE mounts).
    expect(hearsEveryChange('/proc')).toBe(false);
    expect(hearsEveryChange(join(dir, 'no such folder'))).toBe(false);
  });
});

describeWhereFed('memory reads fed by a watch', () => {
  let repo: TestRepo;
  let git: ReturnType<typeof countingGit>;
  let release: () => void;
  beforeEach(async () => {
    repo = await makeRepo();
    await commitSkills(repo, ['poll-the-queue', 'page-through-results']);
    git = countingGit(repo.git);
    release = watchMemoryChanges();
  });
  afterEach(() => {
    release();
    repo.cleanup();
  });

  const read = () => readAgentMemory(repo.dir, git, 'orion');
  const titles = async () => (await read()).skills.map((s) => s.data.title);
  /** The read agrees with a full read of the files, without any index. */
  const expectAsFiles = async (): Promise<void> =>
    expect(contents(await read())).toEqual(contents(loadAgentMemory(repo.dir, 'orion')));

  it('asks git once, then hears hand edits, new files and deletions made just before each read', async () => {
    await titles();
    expect(git.asked).toBe(1);
    // Each edit is read at once: the read waits until every change made before it was heard. Reads
    // in between serve the file from the process's last read again, until the next edit.
    for (let round = 0; round < 10; round++) {
      await read();
      await read();
      const title = `Poll the queue (edit ${round})`;
      writeFileSync(
        join(repo.dir, paths.skill('poll-the-queue')),
        renderSkill(retrySkill('poll-the-queue', title)),
      );
      expect(await titles()).toContain(title);
    }
    repo.write(
      paths.skill('new-one'),
      renderSkill(retrySkill('new-one', 'A new, untracked skill')),
    );
    expect(await titles()).toContain('A new, untracked skill');
    rmSync(join(repo.dir, paths.skill('page-through-results')));
    expect(await titles()).toEqual(['A new, untracked skill', 'Poll the queue (edit 9)']);
    await expectAsFiles();
    expect(git.asked).toBe(1);
  });

  it('hears a commit, a checkout and a reset by a person', async () => {
    await read();
    repo.write(
      paths.skill('poll-the-queue'),
      renderSkill(retrySkill('poll-the-queue', 'Committed')),
    );
    await repo.git.add([paths.skill('poll-the-queue')]);
    await commitStaged(repo.git, 'edit a skill by hand\n');
    expect(await titles()).toContain('Committed');
    await repo.git.exec(['checkout', 'HEAD~1', '--', paths.skill('poll-the-queue')]);
    expect(await titles()).toContain('Skill poll-the-queue');
    await repo.git.exec(['reset', '--hard', 'HEAD']);
    expect(await titles()).toContain('Committed');
    await expectAsFiles();
    expect(git.asked).toBe(1);
  });

  it('hears a new folder and the files already in it; a folder removed sends the read to git', async () => {
    await read();
    // The template has no entities yet: the folder and its first file come at once.
    const folder = join(repo.dir, paths.root, 'world', 'entities');
    mkdirSync(folder);
    writeFileSync(join(folder, 'written-at-once.md'), 'not a belief file: no frontmatter\n');
    await expect(read()).rejects.toThrow(/written-at-once\.md/);
    rmSync(join(folder, 'written-at-once.md'));
    await expectAsFiles();
    expect(git.asked).toBe(1);
    // A watched folder gone: what it held can no longer be vouched for.
    rmSync(join(repo.dir, paths.root, 'world', 'hypotheses'), { recursive: true });
    expect((await read()).world).toEqual([]);
    expect(git.asked).toBe(2);
    await expectAsFiles();
  });

  it('goes back to git when a watched folder is replaced, and sees what the new one holds', async () => {
    await read();
    const folder = join(repo.dir, paths.root, 'skills');
    rmSync(folder, { recursive: true });
    mkdirSync(folder);
    writeFileSync(join(folder, 'fresh.md'), renderSkill(retrySkill('fresh', 'In a new folder')));
    expect(await titles()).toEqual(['In a new folder']);
    expect(git.asked).toBe(2);
    await expectAsFiles();
  });

  it('stops a read on a symbolic link made after the first read, naming it', async () => {
    await read();
    symlinkSync('/etc/hostname', join(repo.dir, paths.skill('linked')));
    const reading = read();
    await expect(reading).rejects.toThrow(MemoryFileError);
    await expect(read()).rejects.toThrow(/skills\/linked\.md/);
    rmSync(join(repo.dir, paths.skill('linked')));
    await expectAsFiles();
  });

  it('leaves no cookie behind, and removes the ones of a process killed while it waited', async () => {
    const cookies = join(repo.dir, '.git', WATCH_COOKIES_DIR);
    mkdirSync(cookies, { recursive: true });
    // No process has this id (above the largest pid_max a kernel allows).
    writeFileSync(join(cookies, '4194305-7'), '');
    for (let i = 0; i < 3; i++) await read();
    expect(readdirSync(cookies)).toEqual([]);
  });

  it(`asks git again every ${FULL_CHECK_EVERY} reads, and every read when no work asked for a watch`, async () => {
    for (let i = 0; i <= FULL_CHECK_EVERY; i++) await read();
    expect(git.asked).toBe(2);
    release();
    await read();
    await read();
    expect(git.asked).toBe(4);
  });
});
