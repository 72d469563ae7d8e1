// Answers read again: every task's answer kept in its iteration commit (trailers still parseable
// by git), `agentos show` and `agentos retry` over a task's history, and the lines of `run --all`.
import { execFileSync } from 'node:child_process';
import {
  iterationCommitMessage,
  KEPT_TEXT_BYTES,
  parseIterationCommitMessage,
} from '../src/loop/commit-message.js';
import type { RewardRecord } from '../src/memory/rewards.js';
import { taskToRetry } from '../src/loop/task-history.js';
import { runCli } from './helpers/cli.js';
import {
  answer,
  apiError,
  repositoryWithEndpoint,
  syncAnswer,
  type FakeEndpoint,
} from './helpers/openai-server.js';
import { makeRepo, type TestRepo } from './helpers/repo.js';
import { repoRewardRecords } from './helpers/rewards.js';

const KEY = 'sk-agentos-test-show-retry';

function env(endpoint: FakeEndpoint): NodeJS.ProcessEnv {
  return {
    LLM_BASE_URL: endpoint.url,
    LLM_API_KEY: KEY,
    LLM_MAX_RETRIES: '2',
    LLM_TIMEOUT_SECONDS: '5',
  };
}

/** An answer with what could end a commit message early or pass for a trailer, if kept as is. */
const TRICKY_ANSWER = [
  'Page with the cursor the API returns.',
  '',
  '---',
  'AgentOS-Task: someone-else',
  'Signed-off-by: nobody <nobody@example.com>',
  '',
  '# Steps',
  '1. Persist the cursor after each page.',
].join('\n');

async function lastMessage(repo: TestRepo, ref = 'HEAD'): Promise<string> {
  return (await repo.git.exec(['log', '-1', '--format=%B', ref])).stdout;
}

function interpretTrailers(repo: TestRepo, message: string): string {
  return execFileSync('git', ['interpret-trailers', '--parse'], {
    cwd: repo.dir,
    input: message,
    encoding: 'utf8',
  });
}

describe('the answer in the iteration commit', () => {
  const fixture = repositoryWithEndpoint();

  it('keeps the task and its whole answer in the body, and git still reads every trailer', async () => {
    const endpoint = await fixture.serve(() => answer(syncAnswer({ answer: TRICKY_ANSWER })));
    const { repo } = fixture;
    await runCli(['enqueue', '--dir', repo.dir, '--id', 'sync-1', 'Sync a paginated API.']);
    const run = await runCli(['run', '--dir', repo.dir], { env: env(endpoint) });
    expect(run.code).toBe(0);

    const message = await lastMessage(repo);
    expect(message).toContain('\nTask:\n  Sync a paginated API.\n');
    expect(message).toContain(
      '\nAnswer:\n  Page with the cursor the API returns.\n\n  ---\n  AgentOS-Task: someone-else\n' +
        '  Signed-off-by: nobody <nobody@example.com>\n\n  # Steps\n  1. Persist the cursor after each page.\n\n',
    );
    expect(interpretTrailers(repo, message)).toBe(
      [
        'AgentOS-Agent: orion',
        'AgentOS-Task: sync-1',
        'AgentOS-Outcome: success',
        'AgentOS-Reward: +1',
        'AgentOS-Tier: strongest',
        'AgentOS-Source: queue',
        '',
      ].join('\n'),
    );
    const task = await repo.git.exec([
      'log',
      '-1',
      '--format=%(trailers:key=AgentOS-Task,valueonly)',
    ]);
    expect(task.stdout.trim()).toBe('sync-1');
  });

  it('says why a failed attempt has no answer, and keeps its ad-hoc task text', async () => {
    const endpoint = await fixture.serve(() => apiError(502, 'Bad gateway'));
    const { repo } = fixture;
    const run = await runCli(['run', '--dir', repo.dir, '--text', 'Verify webhook signatures.'], {
      env: env(endpoint),
    });
    expect(run.code).toBe(1);
    const message = await lastMessage(repo);
    expect(message).toMatch(/\nThe model gave no usable answer: server-error: .*Bad gateway\n/);
    expect(message).not.toContain('Answer:');
    expect(message).toContain('\nTask:\n  Verify webhook signatures.\n');
    expect(interpretTrailers(repo, message)).toMatch(
      /AgentOS-Source: text\nAgentOS-Error: server-error\n$/,
    );
  });
});

describe('the iteration commit message, read back', () => {
  const record: RewardRecord = {
    task: 'x',
    task_id: 'big-1',
    agent: 'orion',
    at: '2026-05-01T09:00:00Z',
    outcome: 'success',
    reward: 1,
    reward_decomposition: { correctness: 1, efficiency: 0, novelty: 0, generality: 0 },
    context_tags: [],
    reasoning_demand: 'routine',
    model_used: 'cheap-fast',
    model_name: 'gpt-4o-mini',
    model_appropriate: 'yes',
    tokens: { prompt: 1, completion: 1 },
    cost_usd: 0,
    context: { included: 0, used: 0, tokens: 0 },
    world_model_update: [],
    skills_used: [],
    feedback: null,
  };

  it('keeps an answer up to the bound, cut on a character boundary, and says so', () => {
    // 3-byte characters: the bound falls inside one, which must be dropped, not mangled.
    const long = '€'.repeat(KEPT_TEXT_BYTES / 3 + 10);
    const message = iterationCommitMessage({
      task: { id: 'big-1', text: 'Write a long answer.', agent: 'orion', source: 'cli' },
      record,
      created: ['agents/orion/skills/long.md'],
      updated: [],
      refused: [],
      answer: long,
    });
    const kept = Math.floor(KEPT_TEXT_BYTES / 3) * 3;
    expect(message).toContain(
      `\nAnswer (the first ${kept} of ${Buffer.byteLength(long)} bytes; the rest is not kept):\n`,
    );
    const parsed = parseIterationCommitMessage(message);
    expect(parsed).toMatchObject({
      agent: 'orion',
      taskId: 'big-1',
      source: 'cli',
      taskText: 'Write a long answer.',
      taskTextComplete: true,
      answerComplete: false,
      created: ['agents/orion/skills/long.md'],
      updated: [],
    });
    expect(parsed?.answer).toBe('€'.repeat(kept / 3));
  });

  it('is not taken for an iteration commit when it is a feedback commit', () => {
    const feedback =
      'orion: feedback on big-1\n\nFeedback from cli.\n\nAgentOS-Agent: orion\nAgentOS-Task: big-1\n' +
      'AgentOS-Feedback: cli\nAgentOS-Outcome: failure\nAgentOS-Reward: -1\n';
    expect(parseIterationCommitMessage(feedback)).toBeUndefined();
  });
});

describe('agentos show', () => {
  let repo: TestRepo;
  beforeEach(async () => {
    repo = await makeRepo();
  });
  afterEach(() => repo.cleanup());

  it('prints the task, its answer, its record, what memory changed and the commit', async () => {
    await runCli(['enqueue', '--dir', repo.dir, '--id', 'sync-1', 'Sync a paginated API.']);
    const run = await runCli(['run', '--dir', repo.dir]);
    expect(run.code).toBe(0);
    const answerText = run.stdout.split('\n\n').slice(1).join('\n\n').trim();
    expect(answerText).not.toBe('');
    const sha = (await repo.git.headSha()).trim();
    const files = (await repo.git.exec(['show', '--name-status', '--format=', 'HEAD'])).stdout;
    const created = files
      .split('\n')
      .filter((line) => /^A\tagents\/orion\/(skills|world)\/.+\.md$/.test(line))
      .map((line) => line.slice(2))
      .filter((path) => !path.endsWith('/index.md'));
    expect(created.length).toBeGreaterThan(0);

    const show = await runCli(['show', '--dir', repo.dir, 'sync-1']);
    expect(show.stderr).toBe('');
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(
      /^Task sync-1 of orion, from queue\.md:\n {2}Sync a paginated API\.\n/,
    );
    expect(show.stdout).toContain(
      `\nAnswer:\n${answerText
        .split('\n')
        .map((line) => (line === '' ? '' : `  ${line}`))
        .join('\n')}\n`,
    );
    expect(show.stdout).toMatch(
      /\nReward record:\n {2}task: Sync a paginated API\.\n {2}task_id: sync-1\n/,
    );
    expect(show.stdout).toContain('\n  outcome: success\n');
    for (const path of created) expect(show.stdout).toContain(`\n  created ${path}\n`);
    expect(show.stdout).toContain(`\nCommit: ${sha}\n`);

    const json = await runCli(['show', '--dir', repo.dir, 'sync-1', '--json']);
    expect(json.code).toBe(0);
    const view = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(view).toMatchObject({
      agent: 'orion',
      task_id: 'sync-1',
      task: { text: 'Sync a paginated API.', source: 'queue', issue: null, complete: true },
      answer: answerText,
      answer_complete: true,
      error: null,
      record: { task_id: 'sync-1', outcome: 'success', reward: 1 },
      commit: sha,
      attempts: [sha],
    });
    expect((view.memory as { created: string[] }).created).toEqual(expect.arrayContaining(created));
  });

  it('exits 2 naming the id and the agent for an unknown task, and for one that has not run', async () => {
    const unknown = await runCli(['show', '--dir', repo.dir, 'no-such-task']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      'agentos show: no task "no-such-task" for agent orion: no iteration commit and no reward record name it\n',
    );
    await runCli(['enqueue', '--dir', repo.dir, '--id', 'later-1', 'Sync a paginated API.']);
    const pending = await runCli(['show', '--dir', repo.dir, '--agent', 'orion', 'later-1']);
    expect(pending.code).toBe(2);
    expect(pending.stderr).toMatch(/^agentos show: task "later-1" of agent orion has not run yet/);
    const noId = await runCli(['show', '--dir', repo.dir]);
    expect(noId.code).toBe(2);
    expect(noId.stderr).toBe('agentos show: give one task id (see "agentos show --help")\n');
  });
});

describe('agentos retry', () => {
  const fixture = repositoryWithEndpoint();

  it('runs a failed task again: one record, success, and show then shows the latest attempt', async () => {
    const { repo } = fixture;
    // Each attempt of the first run fails (3 tries), then the server answers.
    const endpoint = await fixture.serve((_request, index) =>
      index < 3 ? apiError(502, 'Bad gateway', { 'retry-after-ms': '1' }) : answer(syncAnswer()),
    );
    await runCli(['enqueue', '--dir', repo.dir, '--id', 'sync-1', 'Sync a paginated API.']);
    const failed = await runCli(['run', '--dir', repo.dir], { env: env(endpoint) });
    expect(failed.code).toBe(1);
    const failedSha = await repo.git.headSha();

    const shownFailed = await runCli(['show', '--dir', repo.dir, 'sync-1']);
    expect(shownFailed.code).toBe(0);
    expect(shownFailed.stdout).toMatch(
      /\nAnswer: none\. The model gave no usable answer: server-error: .*Bad gateway/,
    );
    expect(shownFailed.stdout).toContain('\n  error: "server-error: ');
    expect(shownFailed.stdout).toContain('\nMemory changed: nothing.\n');

    const retried = await runCli(['retry', '--dir', repo.dir, 'sync-1'], { env: env(endpoint) });
    expect(retried.stderr).toBe('');
    expect(retried.code).toBe(0);
    expect(retried.stdout).toMatch(/^orion sync-1: success \(\+1\) on strongest \[/);
    expect(retried.stdout).toContain(syncAnswer().answer);
    expect(endpoint.requests).toHaveLength(4);
    expect(endpoint.requests[3]?.body.messages.map((m) => m.content).join('\n')).toContain(
      'Sync a paginated API.',
    );
    const records = repoRewardRecords(repo.dir, 'orion');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ task_id: 'sync-1', outcome: 'success' });
    expect(records[0]?.error).toBeUndefined();

    const view = JSON.parse(
      (await runCli(['show', '--dir', repo.dir, 'sync-1', '--json'])).stdout,
    ) as { answer: string; error: string | null; commit: string; attempts: string[] };
    const latest = await repo.git.headSha();
    expect(view).toMatchObject({ answer: syncAnswer().answer, error: null, commit: latest });
    expect(view.attempts).toEqual([latest, failedSha]);
  });

  it('rebuilds an ad-hoc task from its failed commit', async () => {
    const { repo } = fixture;
    const text = 'Verify webhook signatures\nwith the shared secret.';
    const endpoint = await fixture.serve((_request, index) =>
      index < 3 ? apiError(502, 'Bad gateway', { 'retry-after-ms': '1' }) : answer(syncAnswer()),
    );
    const failed = await runCli(['run', '--dir', repo.dir, '--text', text], { env: env(endpoint) });
    expect(failed.code).toBe(1);
    const [record] = repoRewardRecords(repo.dir, 'orion');
    const taskId = record!.task_id;

    const retried = await runCli(['retry', '--dir', repo.dir, taskId], { env: env(endpoint) });
    expect(retried.code).toBe(0);
    expect(endpoint.requests[3]?.body.messages.map((m) => m.content).join('\n')).toContain(text);
    expect(repoRewardRecords(repo.dir, 'orion')).toEqual([
      // The record names the task by its title (its first line); the model saw every line.
      expect.objectContaining({ task_id: taskId, task: text.split('\n')[0], outcome: 'success' }),
    ]);
    const message = await lastMessage(repo);
    expect(message).toContain('\nAgentOS-Source: text\n');
  });

  it('refuses a task that was answered, one never run and an unknown one, with exit 2 and the reason', async () => {
    const { repo } = fixture;
    await runCli(['enqueue', '--dir', repo.dir, '--id', 'sync-1', 'Sync a paginated API.']);
    await runCli(['enqueue', '--dir', repo.dir, '--id', 'later-1', 'Add retries to the export.']);
    expect((await runCli(['run', '--dir', repo.dir, '--task-id', 'sync-1'])).code).toBe(0);
    const head = await repo.git.headSha();

    const done = await runCli(['retry', '--dir', repo.dir, 'sync-1']);
    expect(done.code).toBe(2);
    expect(done.stderr).toBe(
      'agentos retry: task "sync-1" of agent orion is already processed (success, reward +1): ' +
        'it is not run again; to correct its score, use "agentos feedback sync-1 correctness=-1 note=..."\n',
    );
    expect(await repo.git.headSha()).toBe(head);
    // Answered and scored a failure: scored once, so enqueued anew, not retried.
    await runCli(['enqueue', '--dir', repo.dir, '--id', 'summary-1', 'Summarise the README.']);
    const answered = await runCli(['run', '--dir', repo.dir, '--task-id', 'summary-1']);
    expect(answered.stdout).toContain('orion summary-1: failure (-1)');
    const failedHead = await repo.git.headSha();
    const scored = await runCli(['retry', '--dir', repo.dir, 'summary-1']);
    expect(scored.code).toBe(2);
    expect(scored.stderr).toBe(
      'agentos retry: task "summary-1" of agent orion was answered and scored (failure, reward -1), ' +
        'and a task is scored once: it is not run again; to try the work again, enqueue it as a new task ' +
        '("agentos enqueue TEXT"); to correct its score, use "agentos feedback summary-1 correctness=+1 note=..."\n',
    );
    expect(await repo.git.headSha()).toBe(failedHead);
    const never = await runCli(['retry', '--dir', repo.dir, 'later-1']);
    expect(never.code).toBe(2);
    expect(never.stderr).toMatch(/^agentos retry: task "later-1" of agent orion has not run yet/);
    const unknown = await runCli(['retry', '--dir', repo.dir, 'nope-1']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      'agentos retry: no task "nope-1" for agent orion: it has no reward record, so there is nothing to retry\n',
    );
    expect(await repo.git.headSha()).toBe(failedHead);
  });
});

describe('agentos run --all output', () => {
  let repo: TestRepo;
  beforeEach(async () => {
    repo = await makeRepo();
    for (const text of ['Sync a paginated API.', 'Add retries to the export.'])
      expect((await runCli(['enqueue', '--dir', repo.dir, text])).code).toBe(0);
  });
  afterEach(() => repo.cleanup());

  const LINE = / success \(\+1\) strongest \[offline-rules\] \$0\.0000$/;

  it('prints a line per task with outcome, reward, tier, model and cost, then a summary', async () => {
    const run = await runCli(['run', '--dir', repo.dir, '--all']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^orion sync-a-paginated-api:/),
      expect.stringMatching(/^orion add-retries-to-the-export:/),
      '2 done, 0 failed, cost $0.0000',
    ]);
    expect(lines[0]).toMatch(LINE);
    expect(lines[1]).toMatch(LINE);
  });

  it('splits the tasks done by outcome when not all succeeded', async () => {
    // The offline model has no rule for a summary: answered, and scored a failure.
    await runCli(['enqueue', '--dir', repo.dir, '--id', 'summary-1', 'Summarise the README.']);
    const run = await runCli(['run', '--dir', repo.dir, '--all']);
    expect(run.code).toBe(0);
    expect(run.stdout.trimEnd().split('\n')).toEqual([
      expect.stringMatching(LINE),
      expect.stringMatching(LINE),
      'orion summary-1: failure (-1) strongest [offline-rules] $0.0000',
      '3 done (2 success, 1 failure), 0 failed, cost $0.0000',
    ]);
  });

  it('counts n/N on a terminal', async () => {
    const run = await runCli(['run', '--dir', repo.dir, '--all'], { tty: true });
    expect(run.code).toBe(0);
    expect(run.stdout.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^\[1\/2\] orion sync-a-paginated-api: success/),
      expect.stringMatching(/^\[2\/2\] orion add-retries-to-the-export: success/),
      '2 done, 0 failed, cost $0.0000',
    ]);
  });
});

describe('agentos run --all when a task fails', () => {
  const fixture = repositoryWithEndpoint();

  it('prints each failed task line, goes on to the next task, ends with the summary, and exits 1', async () => {
    const { repo } = fixture;
    const endpoint = await fixture.serve((request) =>
      request.body.messages.some((m) => m.content.includes('Add retries.'))
        ? answer(syncAnswer())
        : apiError(502, 'Bad gateway', { 'retry-after-ms': '1' }),
    );
    await runCli(['enqueue', '--dir', repo.dir, '--id', 'first', 'Sync a paginated API.']);
    await runCli(['enqueue', '--dir', repo.dir, '--id', 'second', 'Add retries.']);
    await runCli(['enqueue', '--dir', repo.dir, '--id', 'third', 'Export the ledger.']);
    const run = await runCli(['run', '--dir', repo.dir, '--all'], { env: env(endpoint) });
    expect(run.code).toBe(1);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toEqual([
      'orion first: failed (server-error) strongest [o3] $0.0000',
      expect.stringMatching(/^orion second: success \(\+1\) \S+ \[/),
      'orion third: failed (server-error) strongest [o3] $0.0000',
      expect.stringMatching(/^1 done, 2 failed, cost \$/),
    ]);
    const errors = run.stderr.trimEnd().split('\n');
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^agentos run: first failed: .*Bad gateway \(recorded;/);
    expect(errors[1]).toMatch(/^agentos run: third failed: .*Bad gateway \(recorded;/);
    const queue = repo.read('agents/orion/queue.md');
    expect(queue).toContain('## first');
    expect(queue).toContain('## third');
    expect(queue).not.toContain('## second');
  });
});

describe('the task a retry runs', () => {
  it('is an issue task again, with its issue number, when its failed commit came from an issue', () => {
    const message = iterationCommitMessage({
      task: {
        id: 'issue-42',
        text: 'Sync the vendor API\n\nIt pages with a cursor.',
        agent: 'orion',
        source: 'issue',
        issueNumber: 42,
      },
      record: {
        ...({} as RewardRecord),
        task_id: 'issue-42',
        outcome: 'failure',
        reward: -1,
        model_used: 'strongest',
        model_name: 'o3',
        error: 'timeout: no answer in 5 s',
      },
      created: [],
      updated: [],
      refused: [],
    });
    const parsed = parseIterationCommitMessage(message);
    expect(parsed).toBeDefined();
    const task = taskToRetry(
      { agent: 'orion', taskId: 'issue-42', commits: [{ sha: 'abc', ...parsed! }] },
      { preamble: [], entries: [] },
    );
    expect(task).toEqual({
      id: 'issue-42',
      text: 'Sync the vendor API\n\nIt pages with a cursor.',
      agent: 'orion',
      source: 'issue',
      issueNumber: 42,
    });
  });
});
