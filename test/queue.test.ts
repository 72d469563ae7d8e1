// The queue never gets stuck: done tasks leave queue.md for a bounded archive and stay findable by
// id, task text has a size limit, a bad entry is marked failed while the next task runs, and a
// multi-line task keeps its lines from `enqueue -` to the model.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { enqueueTasks } from '../src/loop/enqueue.js';
import { writeFileAtomic } from '../src/memory/files.js';
import {
  ARCHIVE_MAX_BYTES,
  ARCHIVE_MAX_ENTRIES,
  findTask,
  listArchiveFiles,
  planArchiveWrites,
  planQueueWrites,
} from '../src/memory/queue-archive.js';
import {
  addEntry,
  loadQueue,
  MAX_TASK_TEXT_BYTES,
  parseQueue,
  pendingEntries,
  renderQueue,
  setEntryFields,
  type QueueEntry,
} from '../src/memory/queue.js';
import { runCli } from './helpers/cli.js';
import { makeRepo, steppingClock, type TestRepo } from './helpers/repo.js';
import { commitStaged } from './helpers/person.js';
import { repoRewardRecords } from './helpers/rewards.js';

const QUEUE = 'agents/orion/queue.md';
const HEADER =
  '# Queue — orion\n\nTasks waiting for the agent. Add one with `agentos enqueue` or by hand:\n';

describe('queue.md task text', () => {
  const tricky = [
    'Sync the vendor API:',
    '',
    '    for page in pages:  ',
    '  - keep the cursor',
    ' ',
    '## not a heading',
    'status: done',
    'task: |',
    '\tand a tab',
  ].join('\n');

  it('writes multi-line text as a "task: |" block and reads it back exactly', () => {
    const empty = parseQueue(QUEUE, HEADER);
    const added = addEntry(empty, {
      id: 'multi',
      task: tricky,
      priority: 'high',
      created: '2026-05-01T09:00:00Z',
    });
    const text = renderQueue(added);
    expect(text).toContain(
      '## multi\ntask: |\n  Sync the vendor API:\n\n      for page in pages:  \n    - keep the cursor\n   \n' +
        '  ## not a heading\n  status: done\n  task: |\n  \tand a tab\npriority: high\n',
    );
    const [entry] = parseQueue(QUEUE, text).entries;
    expect(entry).toMatchObject({ id: 'multi', task: tricky, priority: 'high', status: 'pending' });
    expect(entry?.problem).toBeUndefined();
  });

  it("reads the README's example as it says", () => {
    const readme = readFileSync('README.md', 'utf8');
    const example = /### The queue[\s\S]*?```markdown\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const queue = parseQueue('README.md', example);
    expect(queue.entries.map((e) => [e.id, e.task, e.priority, e.problem])).toEqual([
      [
        'sync-vendor-api',
        'Build a Python sync process for a paginated API with rate limits.',
        'high',
        undefined,
      ],
      [
        'runbook',
        'Write a runbook for queue backlog alerts.\n\nCover: the dashboards, the first three checks, who to page.',
        'normal',
        undefined,
      ],
    ]);
  });

  it('reads a block a person typed, and names a line indented wrong', () => {
    const queue = parseQueue(
      QUEUE,
      [
        '## typed',
        'priority: low',
        'task: |',
        '  First line.',
        '',
        '  Second paragraph.',
        '',
        '## wrong',
        'task: |',
        '  First line.',
        ' one space only',
      ].join('\n'),
    );
    expect(queue.entries.map((e) => [e.id, e.task, e.priority, e.problem])).toEqual([
      ['typed', 'First line.\n\nSecond paragraph.', 'low', undefined],
      [
        'wrong',
        'First line.',
        'normal',
        'line 11: the lines of a "task: |" block are indented two spaces',
      ],
    ]);
  });

  it('gives every malformed entry its reason and keeps the good ones runnable', () => {
    const queue = parseQueue(
      QUEUE,
      [
        '## no-text',
        'priority: high',
        '## bad id!',
        'task: x',
        '## late',
        'task: x',
        'created: yesterday',
        '## odd',
        'task: x',
        'status: later',
        '## big',
        `task: ${'a'.repeat(MAX_TASK_TEXT_BYTES + 1)}`,
        '## good',
        'task: Cache responses.',
      ].join('\n'),
    );
    expect(queue.entries.map((e) => [e.id, e.problem])).toEqual([
      ['no-text', 'the task has no text (a "task:" line)'],
      ['bad id!', '"bad id!" is not a task id (letters, digits, ".", "_", "-")'],
      ['late', 'created "yesterday" is not an ISO-8601 timestamp'],
      ['odd', 'status "later" is not one of pending, done, failed, review'],
      ['big', 'the task text is 65537 bytes, over the 64 KiB limit (65536 bytes)'],
      ['good', undefined],
    ]);
    expect(pendingEntries(queue).map((e) => e.id)).toEqual(['good']);
  });
});

describe('the queue archive', () => {
  let repo: TestRepo;
  beforeEach(async () => {
    repo = await makeRepo();
  });
  afterEach(() => repo.cleanup());

  const entry = (id: string, text = `Task ${id}.`): QueueEntry => ({
    id,
    task: text,
    priority: 'normal',
    created: '2026-05-01T09:00:00Z',
    status: 'done',
    problem: undefined,
    lines: [`task: ${text}`, 'status: done', 'done_at: 2026-05-02T09:00:00Z'],
    line: 0,
  });

  it(`rolls over to a new file at ${ARCHIVE_MAX_ENTRIES} entries and at ${ARCHIVE_MAX_BYTES / 1024} KiB`, () => {
    const byCount = planArchiveWrites({
      agent: 'orion',
      month: '2026-05',
      newest: undefined,
      entries: Array.from({ length: ARCHIVE_MAX_ENTRIES + 1 }, (_, i) => entry(`t-${i}`)),
    });
    expect(byCount.map((w) => w.path)).toEqual([
      'agents/orion/queue/archive/2026-05.md',
      'agents/orion/queue/archive/2026-05-2.md',
    ]);
    expect(parseQueue('a', byCount[0]!.content).entries).toHaveLength(ARCHIVE_MAX_ENTRIES);
    expect(parseQueue('b', byCount[1]!.content).entries.map((e) => e.id)).toEqual([
      `t-${ARCHIVE_MAX_ENTRIES}`,
    ]);

    // 30 KiB tasks: four fit under 128 KiB, the fifth opens part 3 after the month's part 2.
    const big = Array.from({ length: 5 }, (_, i) => entry(`big-${i}`, 'b'.repeat(30 * 1024)));
    const bySize = planArchiveWrites({
      agent: 'orion',
      month: '2026-05',
      newest: {
        file: { path: 'agents/orion/queue/archive/2026-05-2.md', month: '2026-05', part: 2 },
        text: byCount[1]!.content,
      },
      entries: big,
    });
    expect(bySize.map((w) => w.path)).toEqual([
      'agents/orion/queue/archive/2026-05-2.md',
      'agents/orion/queue/archive/2026-05-3.md',
    ]);
    for (const write of [...byCount, ...bySize])
      expect(Buffer.byteLength(write.content)).toBeLessThanOrEqual(ARCHIVE_MAX_BYTES);
    expect(parseQueue('c', bySize[0]!.content).entries.map((e) => e.id)).toEqual([
      `t-${ARCHIVE_MAX_ENTRIES}`,
      'big-0',
      'big-1',
      'big-2',
      'big-3',
    ]);
    expect(parseQueue('d', bySize[1]!.content).entries.map((e) => e.id)).toEqual(['big-4']);

    // Written out, the files list newest first and a task is found in the newest file that has it.
    for (const write of [...byCount, ...bySize])
      writeFileAtomic(join(repo.dir, write.path), write.content);
    expect(listArchiveFiles(repo.dir, 'orion').map((f) => f.path)).toEqual([
      'agents/orion/queue/archive/2026-05-3.md',
      'agents/orion/queue/archive/2026-05-2.md',
      'agents/orion/queue/archive/2026-05.md',
    ]);
    expect(findTask(repo.dir, 'orion', 'big-4')).toMatchObject({
      status: 'done',
      file: 'agents/orion/queue/archive/2026-05-3.md',
    });
    expect(findTask(repo.dir, 'orion', 't-3')?.file).toBe('agents/orion/queue/archive/2026-05.md');
    expect(findTask(repo.dir, 'orion', 'nowhere')).toBeUndefined();
  });

  it('keeps queue.md at its empty size while 600 tasks are done one by one', async () => {
    const clock = steppingClock('2026-05-01T09:00:00Z');
    await enqueueTasks({
      repoRoot: repo.dir,
      git: repo.git,
      agent: 'orion',
      now: clock,
      tasks: Array.from({ length: 600 }, (_, i) => ({
        text: `Sync vendor page ${i} with retries.`,
      })),
    });
    const full = statSync(join(repo.dir, QUEUE)).size;
    for (let done = 0; done < 600; done++) {
      const queue = loadQueue(repo.dir, 'orion');
      const next = pendingEntries(queue)[0]!;
      const at = clock().toISOString();
      const marked = setEntryFields(queue, next.id, { status: 'done', done_at: at });
      for (const write of planQueueWrites(repo.dir, 'orion', marked, at))
        writeFileAtomic(join(repo.dir, write.path), write.content);
    }
    expect(full).toBeGreaterThan(60_000);
    expect(repo.read(QUEUE)).toBe(HEADER);
    const files = readdirSync(join(repo.dir, 'agents/orion/queue/archive')).sort();
    expect(files).toEqual(['2026-05-2.md', '2026-05.md']);
    for (const file of files)
      expect(statSync(join(repo.dir, 'agents/orion/queue/archive', file)).size).toBeLessThan(
        ARCHIVE_MAX_BYTES,
      );
    expect(findTask(repo.dir, 'orion', 'sync-vendor-page-599-with-retries')).toMatchObject({
      status: 'done',
      file: 'agents/orion/queue/archive/2026-05-2.md',
    });
  });

  it('moves done entries an older runtime left in queue.md to the archive on the next write', async () => {
    repo.write(
      QUEUE,
      `${HEADER}\n## old\ntask: Done long ago.\npriority: normal\nstatus: done\ndone_at: 2026-01-02T03:04:05Z\n\n## waiting\ntask: Still to do.\n`,
    );
    await repo.git.add([QUEUE]);
    await commitStaged(repo.git, 'a queue from an older runtime');
    const run = await runCli(['enqueue', '--dir', repo.dir, '--id', 'new', 'Something new.']);
    expect(run.code).toBe(0);
    expect(repo.read(QUEUE)).not.toContain('## old');
    expect(repo.read(QUEUE)).toMatch(/## waiting\ntask: Still to do\.\n\n## new\n/);
    const found = findTask(repo.dir, 'orion', 'old');
    expect(found?.status).toBe('done');
    expect(repo.read(found!.file)).toContain(
      '## old\ntask: Done long ago.\npriority: normal\nstatus: done\ndone_at: 2026-01-02T03:04:05Z\n',
    );
    const files = (await repo.git.exec(['show', '--name-only', '--format=', 'HEAD'])).stdout;
    expect(files.trim().split('\n').sort()).toEqual([QUEUE, found!.file]);
  });
});

describe('agentos enqueue and run on the queue', () => {
  let repo: TestRepo;
  beforeEach(async () => {
    repo = await makeRepo();
  });
  afterEach(() => repo.cleanup());

  const enqueue = (args: string[], options: { stdin?: string } = {}) =>
    runCli(['enqueue', '--dir', repo.dir, ...args], options);

  it('archives a done task, finds it by id, and keeps its id taken', async () => {
    expect((await enqueue(['--id', 'sync-1', 'Sync a paginated API.'])).code).toBe(0);
    expect((await enqueue(['--id', 'sync-2', 'Add retries to the export.'])).code).toBe(0);
    const run = await runCli(['run', '--dir', repo.dir]);
    expect(run.code).toBe(0);
    expect(repo.read(QUEUE)).not.toContain('## sync-1');
    expect(repo.read(QUEUE)).toContain('## sync-2');
    const found = findTask(repo.dir, 'orion', 'sync-1');
    expect(found).toMatchObject({
      status: 'done',
      entry: { id: 'sync-1', task: 'Sync a paginated API.' },
    });
    expect(found?.file).toMatch(/^agents\/orion\/queue\/archive\/\d{4}-\d{2}\.md$/);
    expect(findTask(repo.dir, 'orion', 'sync-2')).toMatchObject({ status: 'pending', file: QUEUE });

    const again = await enqueue(['--id', 'sync-1', 'The same id again.']);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(
      'agentos enqueue: task id "sync-1" is already used in agents/orion/queue.md, its archive or the reward log agents/orion/rewards/\n',
    );
    // Named again, an archived done task is processed already.
    const named = await runCli(['run', '--dir', repo.dir, '--task-id', 'sync-1']);
    expect(named.code).toBe(0);
    expect(named.stdout).toMatch(/^orion sync-1: already processed/);
  });

  it(`refuses a task text over ${MAX_TASK_TEXT_BYTES / 1024} KiB, from the command line and from standard input`, async () => {
    const head = await repo.subjects();
    const text = 'x'.repeat(65 * 1024);
    for (const run of [await enqueue([text]), await enqueue(['-'], { stdin: text })]) {
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(
        'agentos enqueue: the task text is 66560 bytes, over the 64 KiB limit (65536 bytes)\n',
      );
    }
    expect(await repo.subjects()).toEqual(head);
  });

  it('refuses a task that would fill queue.md, saying how many are pending', async () => {
    const chunk = (n: number) => `Task ${n}: ${'y'.repeat(60 * 1024)}`;
    for (let n = 0; n < 4; n++)
      expect((await enqueue(['--id', `big-${n}`, chunk(n)])).code).toBe(0);
    const head = await repo.subjects();
    const run = await enqueue(['--id', 'big-4', chunk(4)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^agentos enqueue: the queue is full: agents\/orion\/queue\.md holds 4 pending tasks, and adding this one would make it \d+ bytes, over the 262144-byte limit: run some first \(agentos run --all\)\n$/,
    );
    expect(await repo.subjects()).toEqual(head);
  });

  it('marks an oversized and a malformed entry failed, each in its own commit, and runs the next task', async () => {
    const big = 'z'.repeat(MAX_TASK_TEXT_BYTES + 10);
    repo.write(
      QUEUE,
      [
        HEADER,
        '## huge',
        `task: ${big}`,
        'priority: high',
        '',
        '## soon',
        'task: Fix the webhook handler.',
        'priority: soon',
        '',
        '## good',
        'task: Sync a paginated API with rate limits.',
        '',
      ].join('\n'),
    );
    await repo.git.add([QUEUE]);
    await commitStaged(repo.git, 'tasks written by hand');

    const run = await runCli(['run', '--dir', repo.dir]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^orion good: success/);
    expect(run.stderr).toBe(
      'warning: agents/orion/queue.md:5: task huge marked failed: the task text is 65546 bytes, over the 64 KiB limit (65536 bytes)\n' +
        'warning: agents/orion/queue.md:9: task soon marked failed: priority "soon" is not one of high, medium, normal, low\n',
    );
    expect((await repo.subjects()).slice(0, 3)).toEqual([
      'orion: Sync a paginated API with rate limits. (good)',
      'orion: queue — mark soon failed: priority "soon" is not one of high, medium, normal, low',
      'orion: queue — mark huge failed: the task text is 65546 bytes, over the 64 KiB limit (65536 bytes)',
    ]);
    expect(repo.read(QUEUE)).toBe(HEADER);
    const huge = findTask(repo.dir, 'orion', 'huge');
    expect(huge?.status).toBe('failed');
    expect(repo.read(huge!.file)).toContain(
      `## huge\ntask: ${big}\npriority: high\nstatus: failed\nerror: the task text is 65546 bytes, over the 64 KiB limit (65536 bytes)\nfailed_at: `,
    );
    const soon = findTask(repo.dir, 'orion', 'soon');
    expect(repo.read(soon!.file)).toMatch(
      /## soon\ntask: Fix the webhook handler\.\npriority: soon\nstatus: failed\nerror: priority "soon" is not one of high, medium, normal, low\nfailed_at: \S+\n/,
    );
    // Each marking commit holds only the queue and its archive.
    const marked = (await repo.git.exec(['show', '--name-only', '--format=', 'HEAD~1'])).stdout;
    expect(marked.trim().split('\n').sort()).toEqual([QUEUE, soon!.file]);
  });

  it('exits 2 with the reason when --task-id names a malformed entry', async () => {
    repo.write(QUEUE, `${HEADER}\n## empty\npriority: high\n`);
    await repo.git.add([QUEUE]);
    await commitStaged(repo.git, 'an entry without text');
    const run = await runCli(['run', '--dir', repo.dir, '--task-id', 'empty']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /agentos run: task "empty" was marked failed \(agents\/orion\/queue\/archive\/\d{4}-\d{2}\.md\): the task has no text \(a "task:" line\); fix it and enqueue it again under a new id\n$/,
    );
    expect((await repo.subjects())[0]).toBe(
      'orion: queue — mark empty failed: the task has no text (a "task:" line)',
    );
  });

  it('enqueue - keeps the lines of a multi-line task from standard input to the model', async () => {
    const text = 'Sync a paginated API.\n\nSteps:\n  1. fetch a page\n  2. store the cursor';
    const queued = await enqueue(['--id', 'multi', '-'], { stdin: `${text}\n\n` });
    expect(queued.code).toBe(0);
    expect(queued.stdout).toMatch(/^Enqueued multi for orion/);
    expect(repo.read(QUEUE)).toContain(
      '## multi\ntask: |\n  Sync a paginated API.\n\n  Steps:\n    1. fetch a page\n    2. store the cursor\npriority: normal\n',
    );
    const run = await runCli(['run', '--dir', repo.dir]);
    expect(run.code).toBe(0);
    // The record names the task by its title; the model saw, and the commit keeps, every line.
    expect(repoRewardRecords(repo.dir, 'orion')[0]?.task).toBe('Sync a paginated API.');
    expect(repo.read('agents/orion/context.md')).toContain(text);
    const body = (await repo.git.exec(['log', '-1', '--format=%B'])).stdout;
    expect(body).toContain(text.replace(/^(?=.)/gm, '  '));
  });

  it('exits 2 when "-" has nothing to read', async () => {
    const empty = await enqueue(['-'], { stdin: '\n  \n' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^agentos enqueue: .*standard input held no task text\n$/);
    const none = await enqueue(['-']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/"-" reads the task text from standard input, and there is none/);
  });
});
