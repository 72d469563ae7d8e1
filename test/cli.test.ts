import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS } from '../src/cli/main.js';
import { findTask } from '../src/memory/queue-archive.js';
import { byTimeThenId } from '../src/memory/reward-log.js';
import { runCli } from './helpers/cli.js';
import { compiledSource, makeRepo, tempDir, type TestRepo } from './helpers/repo.js';
import { commitStaged } from './helpers/person.js';
import { repoRewardRecords } from './helpers/rewards.js';

describe('agentos CLI', () => {
  let repo: TestRepo;
  beforeEach(async () => {
    repo = await makeRepo();
  });
  afterEach(() => repo.cleanup());

  it('init creates a committed agent repository with both template agents', async () => {
    const dir = join(tempDir(), 'fresh');
    const run = await runCli(['init', dir]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Initialised an AgentOS agent repository in ${dir}`);
    for (const file of [
      'agents.yaml',
      '.gitignore',
      '.gitattributes',
      'agents/orion/persona.md',
      'agents/iris/persona.md',
      'shared/iac/proposals/README.md',
    ]) {
      expect(existsSync(join(dir, file))).toBe(true);
    }
    const again = await runCli(['init', dir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already an agent repository/);
  });

  it('enqueue then run commits one iteration naming the task', async () => {
    const enqueue = await runCli([
      'enqueue',
      '--dir',
      repo.dir,
      '--id',
      'paginate-1',
      'Sync a paginated API with rate limits.',
    ]);
    expect(enqueue.code).toBe(0);
    expect(enqueue.stdout).toContain('Enqueued paginate-1 for orion');
    const run = await runCli(['run', '--dir', repo.dir]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^orion paginate-1: success \(\+1\) on strongest \[offline-rules\]/);
    expect(run.stdout).toContain('[offline model: deterministic rules, not an LLM]');
    const subjects = await repo.subjects();
    expect(subjects[0]).toMatch(/^orion: Sync a paginated API with rate limits\. \(paginate-1\)$/);
    // A done task leaves queue.md for the archive, its lines kept and its outcome added.
    expect(repo.read('agents/orion/queue.md')).not.toContain('paginate-1');
    const found = findTask(repo.dir, 'orion', 'paginate-1');
    expect(found?.file).toMatch(/^agents\/orion\/queue\/archive\/\d{4}-\d{2}\.md$/);
    expect(repo.read(found!.file)).toMatch(
      /## paginate-1\ntask: .*\npriority: normal\ncreated: .*\nstatus: done\ndone_at: /,
    );
  });

  it('exits 2 naming the known agents for an unknown agent', async () => {
    const run = await runCli(['run', '--dir', repo.dir, '--agent', 'nobody']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      'agentos run: unknown agent "nobody": agents.yaml defines orion, iris',
    );
  });

  it('exits 2 naming the folder and "agentos init" outside an agent repository', async () => {
    const empty = tempDir('agentos-not-a-repository-');
    try {
      for (const argv of [['run'], ['retry', 'task-1'], ['feedback', 'task-1', 'correctness=1']]) {
        const ran = await runCli([...argv, '--dir', empty]);
        expect(ran.code).toBe(2);
        expect(ran.stderr.trim()).toBe(
          `agentos ${argv[0]}: ${empty} is not a git repository: run "agentos init" to create an agent repository`,
        );
      }
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('ends quietly when the reader of its output closes the pipe (`agentos … | head`)', async () => {
    for (const argv of [['--help'], ['consensus', '--list', '--dir', repo.dir]]) {
      const child = spawn(process.execPath, [compiledSource('cli/index.js'), ...argv], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      // The reader is gone before the first line is written.
      child.stdout.destroy();
      const err: Buffer[] = [];
      child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(Buffer.concat(err).toString('utf8')).toBe('');
      expect(code).toBe(0);
    }
  });

  it('exits 2 with a one-line reason on bad usage', async () => {
    const unknownFlag = await runCli(['run', '--dir', repo.dir, '--bogus']);
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stderr).toMatch(
      /^agentos run: Unknown option '--bogus' \(see "agentos run --help"\)$/m,
    );
    expect(unknownFlag.stderr.trim().split('\n')).toHaveLength(1);
    const unknownCommand = await runCli(['fly']);
    expect(unknownCommand.code).toBe(2);
    expect(unknownCommand.stderr).toMatch(/unknown command "fly"/);
    const noText = await runCli(['enqueue', '--dir', repo.dir]);
    expect(noText.code).toBe(2);
    expect(noText.stderr).toMatch(/task text is missing/);
  });

  it('README’s command table names every command', () => {
    const readme = readFileSync('README.md', 'utf8');
    for (const command of COMMANDS) expect(readme).toContain(`| \`agentos ${command.name}`);
  });

  it('lists every command under the name its module gives it', async () => {
    for (const entry of COMMANDS) expect((await entry.load()).name).toBe(entry.name);
    const help = await runCli(['--help']);
    for (const entry of COMMANDS) expect(help.stdout).toContain(`  ${entry.name}`);
  });

  it('prints --help for every command', async () => {
    for (const command of ['init', 'enqueue', 'run', 'show', 'retry', 'demo']) {
      const run = await runCli([command, '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^Usage: agentos ${command}`));
    }
  });
});

describe('agentos run --all', () => {
  // A pending entry that already has a reward record used to be passed over run after run (and a
  // plain `run` or a scheduled action stuck on it); it is now marked done and archived instead.
  it('drains the queue, one commit per task, and settles a task processed already', async () => {
    const repo = await makeRepo();
    try {
      for (const text of [
        'Sync a paginated API.',
        'Add retries to the export.',
        'Verify webhook signatures.',
      ]) {
        expect((await runCli(['enqueue', '--dir', repo.dir, text])).code).toBe(0);
      }
      // The first task ran before, so it has a record, and a person put it back in the queue.
      expect(
        (await runCli(['run', '--dir', repo.dir, '--task-id', 'sync-a-paginated-api'])).code,
      ).toBe(0);
      const queue = repo.read('agents/orion/queue.md');
      repo.write(
        'agents/orion/queue.md',
        queue.replace(/\n## /, '\n## sync-a-paginated-api\ntask: Sync a paginated API.\n\n## '),
      );
      await repo.git.add(['agents/orion/queue.md']);
      await commitStaged(repo.git, 'reopen a task by hand');

      const run = await runCli(['run', '--dir', repo.dir, '--all']);
      expect(run.code).toBe(0);
      expect(run.stderr).toBe(
        'warning: agents/orion/queue.md:5: task sync-a-paginated-api already has a reward record: marked done\n',
      );
      expect(run.stdout.trim().split('\n')).toEqual([
        expect.stringMatching(/^orion add-retries-to-the-export: success/),
        expect.stringMatching(/^orion verify-webhook-signatures: success/),
        '2 done, 0 failed, cost $0.0000',
      ]);
      expect((await repo.subjects()).slice(2)[0]).toBe(
        'orion: queue — mark sync-a-paginated-api done: already processed',
      );
      expect(repo.read('agents/orion/queue.md')).not.toContain('## ');
      expect((await runCli(['run', '--dir', repo.dir, '--all'])).stdout).toBe(
        'No pending task in agents/orion/queue.md.\n',
      );
      // One record per task (the reopened one was not run again), in the log's reading order:
      // by time, then id, so tasks that ended within the same second are listed by id.
      const records = repoRewardRecords(repo.dir, 'orion');
      expect(records.map((record) => record.task_id).sort()).toEqual([
        'add-retries-to-the-export',
        'sync-a-paginated-api',
        'verify-webhook-signatures',
      ]);
      expect(records).toEqual([...records].sort(byTimeThenId));
    } finally {
      repo.cleanup();
    }
  });
});
