// `agentos daemon`: runs what is queued (also what is appended while it runs), one commit per task,
// pushes when a remote is configured, learns at its hour, keeps a health file, and on SIGTERM or a
// kill mid-iteration leaves each task done or pending, never half. The long-lived runs are real
// processes (the compiled source) that get real signals.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDaemon, type DaemonEvent } from '../src/daemon/daemon.js';
import type { DaemonHealth } from '../src/daemon/health.js';
import { isLearningDue } from '../src/daemon/schedule.js';
import { readDaemonSettings } from '../src/daemon/settings.js';
import { Git } from '../src/git/git.js';
import { cloneWorkspace, makeRemote, remoteLog } from './helpers/action.js';
import { commitStaged } from './helpers/person.js';
import { runCli } from './helpers/cli.js';
import { answer, startOpenAIServer, syncAnswer } from './helpers/openai-server.js';
import { compiledSource, makeRepo, tempDir, type TestRepo } from './helpers/repo.js';
import { repoRewardRecords } from './helpers/rewards.js';

const QUIET = ['--learn-hour', 'off', '--remote', 'none'];

function queueEntry(id: string, text: string): string {
  return `\n## ${id}\ntask: ${text}\npriority: high\ncreated: 2026-04-30T10:00:00Z\n`;
}

async function status(git: Git): Promise<string> {
  return (await git.exec(['status', '--porcelain=v1', '--untracked-files=all'])).stdout;
}

async function taskCommits(git: Git, id: string): Promise<string[]> {
  const log = await git.exec(['log', '--format=%H', '--grep', `^AgentOS-Task: ${id}$`]);
  return log.stdout.split('\n').filter(Boolean);
}

function queueStatus(dir: string, agent: string, id: string): string | undefined {
  const queue = readFileSync(join(dir, `agents/${agent}/queue.md`), 'utf8');
  const entry = queue.split(/^## /m).find((block) => block.startsWith(`${id}\n`));
  if (entry === undefined)
    return existsSync(join(dir, `agents/${agent}/queue`)) ? 'archived' : undefined;
  return /^status: (\w+)/m.exec(entry)?.[1] ?? 'pending';
}

interface DaemonProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startDaemon(args: string[], env: NodeJS.ProcessEnv = {}): DaemonProcess {
  const child = spawn(process.execPath, [compiledSource('cli/index.js'), 'daemon', ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('close', (code, signal) => done({ code, signal })),
  );
  return {
    child,
    stdout: () => Buffer.concat(out).toString('utf8'),
    stderr: () => Buffer.concat(err).toString('utf8'),
    exited,
  };
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

function health(repo: TestRepo): DaemonHealth | undefined {
  const file = join(repo.dir, '.git', 'agentos', 'daemon-health.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DaemonHealth;
  } catch {
    return undefined;
  }
}

describe('agentos daemon', () => {
  let repo: TestRepo;
  beforeEach(async () => {
    repo = await makeRepo();
  });
  afterEach(() => repo.cleanup());

  it('refuses bad settings and a folder that is no agent repository with one line, exit 2', async () => {
    const badPoll = await runCli(['daemon', '--dir', repo.dir], { env: { POLL_INTERVAL: 'soon' } });
    expect(badPoll.code).toBe(2);
    expect(badPoll.stderr).toBe(
      'agentos daemon: POLL_INTERVAL "soon" is not a number of seconds between 0 and 86400 (e.g. 5)\n',
    );
    const badHour = await runCli(['daemon', '--dir', repo.dir, '--learn-hour', '25']);
    expect(badHour.code).toBe(2);
    expect(badHour.stderr).toContain('--learn-hour "25" is not an hour of the day in UTC');
    const empty = tempDir('agentos-not-a-repo-');
    const notRepo = await runCli(['daemon', '--once'], { env: { DATA_DIR: empty } });
    expect(notRepo.code).toBe(2);
    expect(notRepo.stderr).toBe(
      `agentos daemon: ${empty} (DATA_DIR or --dir) is not a git repository: create it with "agentos init ${empty}"\n`,
    );
    const noRemote = await runCli(['daemon', '--dir', repo.dir, '--once', '--remote', 'upstream']);
    expect(noRemote.code).toBe(2);
    expect(noRemote.stderr).toContain('"upstream", which is not a remote of the repository');
  });

  it('reads POLL_INTERVAL and DATA_DIR from the environment, flags first', () => {
    const fromEnv = readDaemonSettings({}, { POLL_INTERVAL: '2.5', DATA_DIR: '/data' }, '/');
    expect(fromEnv).toMatchObject({ dataDir: '/data', pollIntervalSeconds: 2.5, learnHourUtc: 3 });
    const flags = readDaemonSettings(
      { pollInterval: '9', dir: 'here', learnHour: 'off', remote: 'none' },
      { POLL_INTERVAL: '2', DATA_DIR: '/data' },
      '/work',
    );
    expect(flags).toMatchObject({
      dataDir: '/work/here',
      pollIntervalSeconds: 9,
      learnHourUtc: undefined,
      remote: undefined,
    });
  });

  it('learns once a day, during its hour only', () => {
    const at = (iso: string) => new Date(iso);
    expect(isLearningDue(at('2026-11-26T03:10:00Z'), 3, undefined)).toBe(true);
    expect(isLearningDue(at('2026-11-26T03:59:00Z'), 3, '2026-11-26')).toBe(false);
    expect(isLearningDue(at('2026-11-27T03:00:00Z'), 3, '2026-11-26')).toBe(true);
    expect(isLearningDue(at('2026-11-26T04:00:00Z'), 3, '2026-11-25')).toBe(false);
    expect(isLearningDue(at('2026-11-26T03:10:00Z'), undefined, undefined)).toBe(false);
  });

  it('--once runs every agent’s pending tasks, one commit and one line each, and pushes them', async () => {
    const remote = await makeRemote();
    const workspace = await cloneWorkspace(remote);
    const before = await remoteLog(remote);
    appendFileSync(
      join(workspace.dir, 'agents/orion/queue.md'),
      queueEntry(
        'sync-vendor-api',
        'Build a Python sync process for a paginated API with rate limits.',
      ),
    );
    appendFileSync(
      join(workspace.dir, 'agents/iris/queue.md'),
      queueEntry('retry-429', 'Retry HTTP 429 responses with exponential backoff.'),
    );
    const run = await runCli(['daemon', '--dir', workspace.dir, '--once', '--learn-hour', 'off']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      / daemon started: agents orion, iris; pushing to origin\/main; health file /,
    );
    expect(lines[1]).toMatch(
      / orion sync-vendor-api: \w+ \([+-]?\d\) .* commit [0-9a-f]{7} \(pushed\)$/,
    );
    expect(lines[2]).toMatch(/ iris retry-429: \w+ \([+-]?\d\) .* commit [0-9a-f]{7} \(pushed\)$/);
    expect(lines.at(-1)).toMatch(/ daemon stopped: 2 done, 0 failed$/);

    const after = await remoteLog(remote);
    expect(after.length - before.length).toBe(2);
    expect(after[0]!.message).toContain('AgentOS-Task: retry-429');
    expect(after[1]!.message).toContain('AgentOS-Task: sync-vendor-api');
    expect(await status(workspace.git)).toBe('');
    const healthFile = JSON.parse(
      readFileSync(join(workspace.dir, '.git/agentos/daemon-health.json'), 'utf8'),
    ) as DaemonHealth;
    expect(healthFile).toMatchObject({
      state: 'stopped',
      tasks_done: 2,
      tasks_failed: 0,
      push_target: 'origin/main',
      last_task: { task: 'iris/retry-429', commit: after[0]!.sha },
    });
  });

  it('autonomy: assistant: pushes the review branch, leaves main’s memory alone, and marks the task done once the branch is merged', async () => {
    const remote = await makeRemote();
    const workspace = await cloneWorkspace(remote);
    const registry = join(workspace.dir, 'agents.yaml');
    writeFileSync(
      registry,
      readFileSync(registry, 'utf8').replace('autonomy: semi-autonomous', 'autonomy: assistant'),
    );
    appendFileSync(
      join(workspace.dir, 'agents/orion/queue.md'),
      queueEntry('sync-1', 'Build a Python sync process for a paginated API with rate limits.'),
    );
    await workspace.git.add(['agents.yaml', 'agents/orion/queue.md']);
    await commitStaged(workspace.git, 'Orion works under review\n');
    await workspace.git.exec(['push', '--quiet', 'origin', 'main']);
    const branch = 'agentos/review/orion/sync-1';

    const first = await runCli(['daemon', '--dir', workspace.dir, '--once', '--learn-hour', 'off']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      new RegExp(` orion sync-1: \\w+ .* \\(pushed\\); awaits review on ${branch}\n`),
    );
    const origin = Git.create(remote);
    const recordPath = (await origin.exec(['ls-tree', '-r', '--name-only', branch])).stdout
      .split('\n')
      .find((path) => path.startsWith('agents/orion/rewards/') && path.includes('sync-1'));
    expect(recordPath).toBeDefined();
    expect((await origin.exec(['ls-tree', '-r', '--name-only', 'main'])).stdout).not.toContain(
      recordPath!,
    );
    expect(queueStatus(workspace.dir, 'orion', 'sync-1')).toBe('review');

    // A person merges the review (as the pull request's merge button would) and pushes it.
    await workspace.git.exec(['merge', '--quiet', '--no-edit', branch]);
    await workspace.git.exec(['push', '--quiet', 'origin', 'main']);
    const second = await runCli([
      'daemon',
      '--dir',
      workspace.dir,
      '--once',
      '--learn-hour',
      'off',
    ]);
    expect(second.code).toBe(0);
    expect(second.stdout).not.toContain('sync-1:');
    expect(queueStatus(workspace.dir, 'orion', 'sync-1')).toBe('archived');
    expect((await remoteLog(remote))[0]!.message).toContain(
      'reviews settled — 1 merged, 0 rejected',
    );
    expect(await status(workspace.git)).toBe('');
  });

  it('goes on with the other agents when one agent’s queue.md is broken, naming the file', async () => {
    repo.write('agents/iris/queue.md', '# Queue — iris\n\n<<<<<<< HEAD\n## a\ntask: x\n=======\n');
    appendFileSync(
      join(repo.dir, 'agents/orion/queue.md'),
      queueEntry('still-runs', 'Sync a paginated API with rate limits.'),
    );
    const run = await runCli(['daemon', '--dir', repo.dir, '--once', ...QUIET]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^\S+ error: agents\/iris\/queue\.md:3: .*\n$/);
    expect(run.stdout).toContain(' orion still-runs: success (+1)');
    expect(await taskCommits(repo.git, 'still-runs')).toHaveLength(1);
  });

  it('runs the learning run of every agent in its hour, once that day', async () => {
    const events: DaemonEvent[] = [];
    const settings = readDaemonSettings(
      { dir: repo.dir, once: true, learnHour: '3', remote: 'none' },
      {},
      '/',
    );
    const run = () =>
      runDaemon({
        settings,
        env: {},
        stop: new AbortController().signal,
        report: (event) => events.push(event),
        now: () => new Date('2026-11-26T03:15:00Z'),
      });
    expect(await run()).toMatchObject({ learningRuns: 2 });
    expect(
      events
        .filter((e) => e.kind === 'learning')
        .map((e) => e.kind === 'learning' && e.result.agent),
    ).toEqual(['orion', 'iris']);
    expect(health(repo)?.last_learning_day).toBe('2026-11-26');
    // orion has run tasks in this repository: its learning run commits its metrics report.
    expect(events.flatMap((e) => (e.kind === 'learning' ? [e.result.summary] : []))).toEqual([
      'orion: 1 learning commit(s): metrics report',
      'iris: nothing new to learn (learning: active)',
    ]);
    // The same day again (a restart): no second learning run.
    events.length = 0;
    expect(await run()).toMatchObject({ learningRuns: 0 });
    expect(events.some((e) => e.kind === 'learning')).toBe(false);
  });

  it('runs a task appended to queue.md while it runs, and stops on SIGTERM when idle', async () => {
    const daemon = startDaemon(['--dir', repo.dir, '--poll-interval', '0.2', ...QUIET]);
    try {
      await waitFor('the daemon to be idle', () => health(repo)?.state === 'idle');
      expect(health(repo)).toMatchObject({ pid: daemon.child.pid, tasks_done: 0 });
      appendFileSync(
        join(repo.dir, 'agents/orion/queue.md'),
        queueEntry('appended-later', 'Sync a paginated API with rate limits.'),
      );
      await waitFor('the appended task', () => daemon.stdout().includes('orion appended-later: '));
      daemon.child.kill('SIGTERM');
      expect(await daemon.exited).toEqual({ code: 0, signal: null });
    } finally {
      daemon.child.kill('SIGKILL');
    }
    expect(daemon.stderr()).toMatch(/SIGTERM: finishing the work in hand, then stopping\n$/);
    expect(daemon.stdout()).toMatch(/ daemon stopped: 1 done, 0 failed\n$/);
    expect(await taskCommits(repo.git, 'appended-later')).toHaveLength(1);
    expect(repoRewardRecords(repo.dir, 'orion').map((r) => r.task_id)).toEqual(['appended-later']);
    expect(await status(repo.git)).toBe('');
    expect(health(repo)).toMatchObject({ state: 'stopped', tasks_done: 1 });
  });

  describe('stopped in the middle of an iteration (the model is answering)', () => {
    const slowModel = () => startOpenAIServer(() => ({ ...answer(syncAnswer()), delayMs: 1500 }));
    const modelEnv = (url: string) => ({
      LLM_BASE_URL: url,
      LLM_API_KEY: 'sk-test-daemon',
      LLM_MAX_RETRIES: '0',
      LLM_TIMEOUT_SECONDS: '20',
    });

    it('SIGTERM: the task finishes (one commit, done) and the daemon exits 0', async () => {
      const endpoint = await slowModel();
      try {
        await runCli(['enqueue', '--dir', repo.dir, '--id', 'slow-sync', 'Sync a paginated API.']);
        const daemon = startDaemon(
          ['--dir', repo.dir, '--poll-interval', '0.2', ...QUIET],
          modelEnv(endpoint.url),
        );
        try {
          await waitFor('the model call', () => endpoint.requests.length > 0);
          expect(health(repo)).toMatchObject({ state: 'working', current_task: 'orion/slow-sync' });
          daemon.child.kill('SIGTERM');
          expect(await daemon.exited).toEqual({ code: 0, signal: null });
        } finally {
          daemon.child.kill('SIGKILL');
        }
        expect(endpoint.requests).toHaveLength(1);
        expect(await taskCommits(repo.git, 'slow-sync')).toHaveLength(1);
        expect(repoRewardRecords(repo.dir, 'orion').map((r) => r.task_id)).toEqual(['slow-sync']);
        expect(await status(repo.git)).toBe('');
        expect(daemon.stdout()).toMatch(/ daemon stopped: 1 done, 0 failed\n$/);
      } finally {
        await endpoint.close();
      }
    });

    it('keeps a task appended to queue.md while the model answers another, and runs it next', async () => {
      const endpoint = await slowModel();
      try {
        await runCli(['enqueue', '--dir', repo.dir, '--id', 'first-sync', 'Sync a paginated API.']);
        const daemon = startDaemon(
          ['--dir', repo.dir, '--poll-interval', '0.2', ...QUIET],
          modelEnv(endpoint.url),
        );
        try {
          await waitFor('the model call', () => endpoint.requests.length > 0);
          appendFileSync(
            join(repo.dir, 'agents/orion/queue.md'),
            queueEntry('appended-mid-call', 'Retry HTTP 429 with backoff.'),
          );
          await waitFor('the appended task', () =>
            daemon.stdout().includes('orion appended-mid-call: '),
          );
          daemon.child.kill('SIGTERM');
          expect(await daemon.exited).toEqual({ code: 0, signal: null });
        } finally {
          daemon.child.kill('SIGKILL');
        }
        expect(await taskCommits(repo.git, 'first-sync')).toHaveLength(1);
        expect(await taskCommits(repo.git, 'appended-mid-call')).toHaveLength(1);
        expect(
          repoRewardRecords(repo.dir, 'orion')
            .map((r) => r.task_id)
            .sort(),
        ).toEqual(['appended-mid-call', 'first-sync']);
        expect(await status(repo.git)).toBe('');
      } finally {
        await endpoint.close();
      }
    });

    it('killed outright: nothing half-made is left, and the next start runs the task', async () => {
      const endpoint = await slowModel();
      try {
        await runCli([
          'enqueue',
          '--dir',
          repo.dir,
          '--id',
          'killed-sync',
          'Sync a paginated API.',
        ]);
        const headBefore = await repo.git.headSha();
        const daemon = startDaemon(
          ['--dir', repo.dir, '--poll-interval', '0.2', ...QUIET],
          modelEnv(endpoint.url),
        );
        await waitFor('the model call', () => endpoint.requests.length > 0);
        daemon.child.kill('SIGKILL');
        expect((await daemon.exited).signal).toBe('SIGKILL');
        // Not a half commit: the task is still pending, with no record and no commit of its own.
        expect(await repo.git.headSha()).toBe(headBefore);
        expect(queueStatus(repo.dir, 'orion', 'killed-sync')).toBe('pending');
        expect(repoRewardRecords(repo.dir, 'orion')).toEqual([]);

        const again = await runCli(['daemon', '--dir', repo.dir, '--once', ...QUIET], {
          env: modelEnv(endpoint.url),
        });
        expect(again.code).toBe(0);
        expect(again.stdout).toContain('orion killed-sync: success (+1)');
        expect(await taskCommits(repo.git, 'killed-sync')).toHaveLength(1);
        expect(await status(repo.git)).toBe('');
      } finally {
        await endpoint.close();
      }
    });
  });
});
