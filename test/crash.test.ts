// A run killed with SIGKILL at any point of an iteration leaves a state the next run repairs by
// itself: no stale lock, no file left over, each task's files in one commit of its own, and the
// person's own work untouched. The CLI runs as a real process (the source, compiled by jest's global
// setup); a git wrapper on PATH kills it at a chosen git step, a preload between two file writes.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Git } from '../src/git/git.js';
import { runCli } from './helpers/cli.js';
import { compiledSource, makeRepo, tempDir, type TestRepo } from './helpers/repo.js';

/** A `git` that kills the process that called it when its subcommand is $KILL_ON_GIT (the Nth time). */
function gitKiller(): string {
  const dir = tempDir('agentos-git-killer-');
  const realGit = process.env.AGENTOS_TEST_REAL_GIT ?? '/usr/bin/git';
  const script = `#!/bin/sh
if [ -n "$KILL_ON_GIT" ] && [ "$1" = "$KILL_ON_GIT" ]; then
  count_file="$KILL_STATE_DIR/count"
  n=$(cat "$count_file" 2>/dev/null || echo 0); n=$((n + 1)); echo $n > "$count_file"
  if [ "$n" -eq "\${KILL_ON_NTH:-1}" ]; then kill -9 $PPID; exit 1; fi
fi
exec ${realGit} "$@"
`;
  writeFileSync(join(dir, 'git'), script);
  chmodSync(join(dir, 'git'), 0o755);
  return dir;
}

/**
 * A preload that SIGKILLs the process after its Nth rename onto a file whose path matches
 * $KILL_RENAME_TO (default: a Markdown file, an atomic write), or just before it when
 * $KILL_BEFORE_RENAME is set.
 */
function renameKiller(): string {
  const file = join(tempDir('agentos-rename-killer-'), 'kill-after-renames.mjs');
  writeFileSync(
    file,
    `import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
const limit = Number(process.env.KILL_AFTER_RENAMES);
let renames = 0;
const rename = fs.renameSync;
const before = Boolean(process.env.KILL_BEFORE_RENAME);
const target = new RegExp(process.env.KILL_RENAME_TO ?? '\\.md$');
fs.renameSync = (from, to) => {
  const last = target.test(String(to)) && ++renames === limit;
  if (last && before) process.kill(process.pid, 'SIGKILL');
  rename(from, to);
  if (last) process.kill(process.pid, 'SIGKILL');
};
syncBuiltinESMExports();
`,
  );
  return file;
}

function runProcess(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env } });
    const err: Buffer[] = [];
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('close', (code, signal) =>
      done({ code, signal, stderr: Buffer.concat(err).toString() }),
    );
  });
}

async function status(git: Git): Promise<string> {
  return (await git.exec(['status', '--porcelain=v1', '--untracked-files=all'])).stdout;
}

/** The commits that name task `id` in their trailers, with the files each changed. */
async function taskCommits(git: Git, id: string): Promise<{ sha: string; files: string[] }[]> {
  const log = await git.exec(['log', '--format=%H', '--grep', `^AgentOS-Task: ${id}$`]);
  const commits: { sha: string; files: string[] }[] = [];
  for (const sha of log.stdout.split('\n').filter(Boolean)) {
    const show = await git.exec(['show', '--name-only', '--format=', sha]);
    commits.push({ sha, files: show.stdout.split('\n').filter(Boolean) });
  }
  return commits;
}

interface KillPoint {
  name: string;
  env: (state: string) => NodeJS.ProcessEnv;
}

const killOnGit =
  (command: string, nth = 1) =>
  (state: string) => ({
    KILL_ON_GIT: command,
    KILL_ON_NTH: String(nth),
    KILL_STATE_DIR: state,
  });

/** The points every commit passes, whichever way it is built. */
const SHARED_POINTS: KillPoint[] = [
  {
    // Memory is read without a git process (the index file is read in-process): the run is killed
    // as it is about to replace its first file, its previous state already in the journal.
    name: 'before writing (the first file)',
    env: () => ({ KILL_AFTER_RENAMES: '1', KILL_BEFORE_RENAME: '1' }),
  },
  { name: 'mid-write (after two files)', env: () => ({ KILL_AFTER_RENAMES: '2' }) },
];

/**
 * Two ways a commit is built: in-process (objects written by the runtime, the default), and with
 * git's own commands in a private index (a repository whose settings leave it to git, here
 * core.autocrlf=input). Each has its own steps to be killed at.
 */
const BUILDS: { build: string; config: [string, string][]; points: KillPoint[] }[] = [
  {
    build: 'built in-process',
    config: [],
    points: [
      ...SHARED_POINTS,
      // HEAD's trees are read once per process, as the first commit is built.
      { name: 'while the commit is built (git cat-file)', env: killOnGit('cat-file') },
      {
        // The branch's lock is written and the reflogs have their line; the lock is not yet
        // renamed over the branch.
        name: 'during the commit (commit object made, HEAD not moved)',
        env: () => ({
          KILL_AFTER_RENAMES: '1',
          KILL_BEFORE_RENAME: '1',
          KILL_RENAME_TO: '/refs/heads/main$',
        }),
      },
      {
        // The person's index is staged in-process too: killed holding its lock, the new index
        // written and not yet renamed over it.
        name: 'after the commit (before the index is brought up to date)',
        env: () => ({
          KILL_AFTER_RENAMES: '1',
          KILL_BEFORE_RENAME: '1',
          KILL_RENAME_TO: '/\\.git/index$',
        }),
      },
    ],
  },
  {
    build: 'built by git',
    config: [['core.autocrlf', 'input']],
    points: [
      ...SHARED_POINTS,
      { name: 'after staging (git update-index)', env: killOnGit('write-tree') },
      {
        name: 'during the commit (commit object made, HEAD not moved)',
        env: killOnGit('update-ref'),
      },
      {
        name: 'after the commit (before the index is brought up to date)',
        // The commit's second update-index: the first stages into the private index, the second
        // brings the user's index to the commit.
        env: killOnGit('update-index', 2),
      },
    ],
  },
];

const CASES = BUILDS.flatMap(({ build, config, points }) =>
  points.map((point) => ({ ...point, build, config })),
);

describe('a run killed with SIGKILL', () => {
  let repo: TestRepo;
  const killer = gitKiller();
  const preload = renameKiller();
  const cli = compiledSource('cli/index.js');
  beforeEach(async () => {
    repo = await makeRepo();
  });
  afterEach(() => repo.cleanup());

  it.each(CASES)('$build, $name: the next run repairs it by itself', async ({ env, config }) => {
    for (const [key, value] of config) await repo.git.exec(['config', key, value]);
    const enqueue = await runCli([
      'enqueue',
      '--dir',
      repo.dir,
      '--id',
      'first',
      'Sync a paginated API with rate limits.',
    ]);
    expect(enqueue.code).toBe(0);
    await runCli(['enqueue', '--dir', repo.dir, '--id', 'second', 'Retry 429 with backoff.']);
    // The person's own work, staged and unstaged.
    repo.write('app.py', 'print("mine")\n');
    await repo.git.add(['app.py']);
    repo.write('agents/orion/goals.md', '# Goals\n\n- [ ] Mine, unstaged\n');
    const theirs = await status(repo.git);

    const state = tempDir('agentos-kill-state-');
    const killEnv = env(state);
    const args = killEnv.KILL_AFTER_RENAMES ? ['--import', preload] : [];
    const killed = await runProcess([...args, cli, 'run', '--dir', repo.dir], {
      ...killEnv,
      PATH: `${killer}:${process.env.PATH ?? ''}`,
    });
    expect(killed.signal).toBe('SIGKILL');
    // What a crashed git itself would leave: its lock.
    if (killEnv.KILL_ON_GIT) writeFileSync(join(repo.dir, '.git/index.lock'), '');

    const next = await runCli(['run', '--all', '--dir', repo.dir]);
    expect(next.code).toBe(0);
    // Killed holding the branch's lock (in-process), or beside a crashed git's index lock.
    if (killEnv.KILL_ON_GIT || killEnv.KILL_RENAME_TO)
      expect(next.stderr).toContain('removed a stale git lock');
    expect(existsSync(join(repo.dir, '.git/refs/heads/main.lock'))).toBe(false);
    expect(existsSync(join(repo.dir, '.git/index.lock'))).toBe(false);
    expect(existsSync(join(repo.dir, '.git/agentos/change-journal.jsonl'))).toBe(false);
    // Only the person's work is left over, exactly as it was.
    expect(await status(repo.git)).toBe(theirs);
    for (const id of ['first', 'second']) {
      const commits = await taskCommits(repo.git, id);
      expect(commits).toHaveLength(1);
      const files = commits[0]?.files ?? [];
      // The task's record and its memory files are in its own commit.
      expect(files.some((file) => file.startsWith('agents/orion/reward'))).toBe(true);
      expect(files).toContain('agents/orion/queue.md');
      expect(files).not.toContain('app.py');
      expect(files).not.toContain('agents/orion/goals.md');
    }
    const first = await taskCommits(repo.git, 'first');
    expect(
      first[0]?.files.some((file) => file.includes('/world/') || file.includes('/skills')),
    ).toBe(true);
  });
});
