// The bundled action on scheduled and dispatched runs, in its other modes, and with bad inputs.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Git } from '../src/git/git.js';
import { enqueueTasks } from '../src/loop/enqueue.js';
import { runIteration } from '../src/loop/iteration.js';
import { taskFromText } from '../src/loop/task.js';
import { OfflineModel } from '../src/llm/offline/offline-model.js';
import { findTask } from '../src/memory/queue-archive.js';
import {
  cloneWorkspace,
  examplePayload,
  issuePayload,
  makeRemote,
  OWNER,
  remoteFile,
  remoteLog,
  REPO,
  runAction,
  TOKEN,
} from './helpers/action.js';
import { startFakeGitHub, type FakeGitHub } from './helpers/fake-github.js';
import { commitStaged } from './helpers/person.js';
import { remoteRewardRecords } from './helpers/rewards.js';

describe('action: scheduled and dispatched runs, modes and inputs', () => {
  let api: FakeGitHub;
  beforeEach(async () => {
    api = await startFakeGitHub({ owner: OWNER, repo: REPO, token: TOKEN });
  });
  afterEach(() => api.close());

  it('runs the next task of queue.md on workflow_dispatch and pushes it', async () => {
    const remote = await makeRemote();
    const seed = await cloneWorkspace(remote);
    await enqueueTasks({
      repoRoot: seed.dir,
      git: seed.git,
      agent: 'orion',
      tasks: [
        { id: 'sync-vendor-api', text: 'Build a sync for a paginated API with rate limits.' },
      ],
    });
    await seed.git.exec(['push', '--quiet', 'origin', 'HEAD:main']);

    const run = await runAction({
      workspace: (await cloneWorkspace(remote)).dir,
      apiUrl: api.url,
      eventName: 'workflow_dispatch',
      payload: examplePayload('workflow_dispatch'),
    });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ status: 'done', 'task-id': 'sync-vendor-api' });
    const [head] = await remoteLog(remote);
    expect(head!.sha).toBe(run.outputs['commit-sha']);
    expect(head!.message).toContain('AgentOS-Task: sync-vendor-api');
    // Done on the remote: a done task is found by id, in queue.md or (since done tasks leave it)
    // in the queue's archive.
    const pushed = await cloneWorkspace(remote);
    expect(findTask(pushed.dir, 'orion', 'sync-vendor-api')?.status).toBe('done');
    expect(run.summary).toContain('## AgentOS — orion · sync-vendor-api');
    // The agent's first task: its figures, and nothing earlier to compare them with.
    expect(run.summary).toContain('_The first task of the agent: nothing to compare with yet._');
    expect(api.requests).toHaveLength(0);
  });

  it('runs the task text a workflow_dispatch gives, for the agent input', async () => {
    const remote = await makeRemote();
    const payload = examplePayload('workflow_dispatch');
    payload.inputs = { mode: 'task', task: 'Write a runbook for queue backlog alerts.' };
    const run = await runAction({
      workspace: (await cloneWorkspace(remote)).dir,
      apiUrl: api.url,
      eventName: 'workflow_dispatch',
      payload,
      inputs: { agent: 'iris', mode: 'task' },
    });
    expect(run.code).toBe(0);
    expect(run.outputs['task-id']).toMatch(/^task-[0-9a-f]{10}$/);
    const records = await remoteRewardRecords(remote, 'iris');
    expect(records.map((r) => r.task)).toEqual(['Write a runbook for queue backlog alerts.']);
  });

  it('does nothing on a schedule when the queue is empty', async () => {
    const remote = await makeRemote();
    const before = await remoteLog(remote);
    const run = await runAction({
      workspace: (await cloneWorkspace(remote)).dir,
      apiUrl: api.url,
      eventName: 'schedule',
      // The runner writes the cron expression that fired as the schedule event's payload.
      payload: { schedule: '23 3 * * *' },
      inputs: { mode: 'task' },
    });
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe('no-task');
    expect(run.summary).toContain('No pending task in agents/orion/queue.md.');
    expect(await remoteLog(remote)).toEqual(before);
  });

  it('marks a malformed queue entry failed on a schedule, pushes that, and runs the next task', async () => {
    const remote = await makeRemote();
    const seed = await cloneWorkspace(remote);
    const queuePath = 'agents/orion/queue.md';
    const header = readFileSync(join(seed.dir, queuePath), 'utf8');
    writeFileSync(
      join(seed.dir, queuePath),
      `${header}\n## broken\npriority: high\n\n## sync-vendor-api\ntask: Build a sync for a paginated API.\n`,
    );
    await seed.git.add([queuePath]);
    await commitStaged(seed.git, 'tasks written by hand');
    await seed.git.exec(['push', '--quiet', 'origin', 'HEAD:main']);

    const run = await runAction({
      workspace: (await cloneWorkspace(remote)).dir,
      apiUrl: api.url,
      eventName: 'schedule',
      payload: { schedule: '23 3 * * *' },
      inputs: { mode: 'task' },
    });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ status: 'done', 'task-id': 'sync-vendor-api' });
    const [head, marked] = await remoteLog(remote);
    expect(head!.message).toContain('AgentOS-Task: sync-vendor-api');
    expect(marked!.message).toMatch(
      /^orion: queue — mark broken failed: the task has no text \(a "task:" line\)\n/,
    );
    const pushed = await cloneWorkspace(remote);
    expect(findTask(pushed.dir, 'orion', 'broken')?.status).toBe('failed');
    expect(await remoteFile(remote, queuePath)).toBe(header);
  });

  it('lists the agents for a workflow matrix, without a token', async () => {
    const remote = await makeRemote();
    const run = await runAction({
      workspace: (await cloneWorkspace(remote)).dir,
      apiUrl: api.url,
      eventName: 'schedule',
      payload: { schedule: '23 3 * * *' },
      inputs: { mode: 'list-agents', 'github-token': '' },
    });
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe('listed');
    expect(JSON.parse(run.outputs.agents!)).toEqual(['orion', 'iris']);
  });

  it('runs a learning run on schedule: one pushed commit per step, and nothing the second time', async () => {
    const remote = await makeRemote();
    const seed = await cloneWorkspace(remote);
    const model = new OfflineModel();
    const texts = [
      'Sync a paginated API with rate limits.',
      'Sync the orders API page by page within its rate limit.',
      'Sync invoices from a paginated vendor API that enforces a rate limit.',
    ];
    for (const [i, text] of texts.entries()) {
      await runIteration(
        { repoRoot: seed.dir, git: seed.git, model },
        taskFromText('orion', text, `t${i}`),
      );
    }
    await seed.git.exec(['push', '--quiet', 'origin', 'HEAD:main']);
    const before = await remoteLog(remote);

    const learn = () =>
      cloneWorkspace(remote).then((workspace) =>
        runAction({
          workspace: workspace.dir,
          apiUrl: api.url,
          eventName: 'schedule',
          payload: { schedule: '17 2 * * *' },
          inputs: { mode: 'learn', agent: 'orion' },
        }),
      );
    const run = await learn();
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe('learned');
    const learned = (await remoteLog(remote)).slice(0, -before.length);
    const subjects = learned.map((c) => c.message.split('\n')[0]);
    expect(subjects).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^orion: learn — promote \d+ hypothes[ie]s/),
        expect.stringMatching(/^orion: learn — reflection for \d{4}-\d{2}-\d{2}/),
      ]),
    );
    expect(run.outputs['commit-sha']).toBe(learned[0]!.sha);
    expect(subjects[0]).toBe('orion: learn — metrics report');
    expect(run.summary).toContain('learning run');
    // The report is committed and shown in the job summary: the table and its charts.
    const metrics = await remoteFile(remote, 'agents/orion/metrics.md');
    expect(metrics).toMatch(/^# Metrics — orion\n/);
    expect(metrics).toMatch(
      /\| Task success \| _not enough data: 3 tasks in the window; at least 5 needed_ \|/,
    );
    expect(run.summary).toContain(
      '| Task success | _not enough data: 3 tasks in the window; at least 5 needed_ |',
    );
    expect(run.summary).toContain('```mermaid\npie title Beliefs by status');
    expect(await remoteFile(remote, 'agents/orion/world/entities/rate-limiter.md')).toMatch(
      /kind: entity/,
    );

    const again = await learn();
    expect(again.code).toBe(0);
    expect(again.outputs.status).toBe('nothing-learned');
    expect(await remoteLog(remote)).toHaveLength(learned.length + before.length);
  });

  it('writes the metrics report to the job summary in metrics mode, and commits nothing', async () => {
    const remote = await makeRemote();
    const seed = await cloneWorkspace(remote);
    const model = new OfflineModel();
    for (const [i, text] of [
      'Sync a paginated API.',
      'Sync the orders API page by page.',
    ].entries())
      await runIteration(
        { repoRoot: seed.dir, git: seed.git, model },
        taskFromText('orion', text, `m${i}`),
      );
    await seed.git.exec(['push', '--quiet', 'origin', 'HEAD:main']);
    const before = await remoteLog(remote);
    const run = await runAction({
      workspace: (await cloneWorkspace(remote)).dir,
      apiUrl: api.url,
      eventName: 'workflow_dispatch',
      payload: { ...examplePayload('workflow_dispatch'), inputs: { mode: 'metrics' } },
      inputs: { mode: 'metrics', agent: 'orion' },
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe('reported');
    expect(run.summary).toContain('## AgentOS — orion · metrics');
    expect(run.summary).toContain(
      '| Task success | _not enough data: 2 tasks in the window; at least 5 needed_ |',
    );
    expect(run.summary).toContain(
      '| Proposal acceptance rate | _no data: no proposal of agent orion has been decided yet_ |',
    );
    expect(await remoteLog(remote)).toHaveLength(before.length);
  });

  it('a review of a pull request that is not a proposal is skipped, saying why', async () => {
    // Behaviour changed by design: the consensus mode exists now, and evaluates proposals only.
    const remote = await makeRemote();
    const run = await runAction({
      workspace: (await cloneWorkspace(remote)).dir,
      apiUrl: api.url,
      eventName: 'pull_request_review',
      payload: examplePayload('pull_request_review', 'submitted'),
      inputs: { mode: 'auto' },
    });
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe('skipped');
    expect(run.summary).toContain('is not a proposal branch (agentos/proposal-NNN)');
  });

  it('fails naming the input for a bad input', async () => {
    const remote = await makeRemote();
    const workspace = (await cloneWorkspace(remote)).dir;
    const cases: [Record<string, string>, string][] = [
      [
        { mode: 'fly' },
        'input "mode": must be one of auto, task, learn, consensus, metrics, list-agents (got "fly")',
      ],
      [
        { 'max-tokens': '-3' },
        'input "max-tokens": must be a positive whole number or empty (got "-3")',
      ],
      [{ 'dry-run': 'yes' }, 'input "dry-run": must be true or false (got "yes")'],
      [
        { 'allowed-author-associations': 'OWNER, FRIENDS' },
        'input "allowed-author-associations": must be one of OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, FIRST_TIME_CONTRIBUTOR, FIRST_TIMER, MANNEQUIN, NONE (got "FRIENDS")',
      ],
    ];
    for (const [inputs, message] of cases) {
      const run = await runAction({
        workspace,
        apiUrl: api.url,
        eventName: 'schedule',
        payload: { schedule: '23 3 * * *' },
        inputs,
      });
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(`::error::${message}`);
    }
  });

  it('pushes and posts nothing in a dry run, and shows what it would post', async () => {
    const remote = await makeRemote();
    const before = await remoteLog(remote);
    const workspace = await cloneWorkspace(remote);
    const run = await runAction({
      workspace: workspace.dir,
      apiUrl: api.url,
      eventName: 'issues',
      payload: issuePayload('opened', {
        number: 31,
        title: 'Sync a paginated API with rate limits',
        body: '',
        labels: ['agentos'],
      }),
      inputs: { 'dry-run': 'true', 'github-token': '' },
    });
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe('done');
    expect(api.requests).toHaveLength(0);
    expect(await remoteLog(remote)).toEqual(before);
    // The commit exists in the workspace only.
    const local = await Git.create(workspace.dir).exec(['log', '-1', '--format=%H']);
    expect(local.stdout.trim()).toBe(run.outputs['commit-sha']);
    expect(run.summary).toContain('_Dry run: nothing was pushed or posted._');
    expect(run.summary).toContain('Would comment on 31:');
    expect(run.summary).toContain('Would add-labels on 31:');
  });
});
