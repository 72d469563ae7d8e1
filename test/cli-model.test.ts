// `agentos run` against a local OpenAI-compatible server: the reward record carries the server's
// model name, usage and cost; a task whose model fails is recorded with its reason and stays
// retryable; a budget stops a run cleanly; the key never lands anywhere.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { findTask } from '../src/memory/queue-archive.js';
import { runCli } from './helpers/cli.js';
import { repoRewardRecords } from './helpers/rewards.js';
import {
  answer,
  apiError,
  completion,
  repositoryWithEndpoint,
  syncAnswer,
  type FakeEndpoint,
  type Script,
} from './helpers/openai-server.js';

const KEY = 'sk-agentos-test-4f2a9c0d1e2b3a4SECRET';

describe('agentos run with an OpenAI-compatible endpoint', () => {
  const fixture = repositoryWithEndpoint();
  const serve = (script: Script) => fixture.serve(script);

  function env(endpoint: FakeEndpoint, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      LLM_BASE_URL: endpoint.url,
      LLM_API_KEY: KEY,
      LLM_MAX_RETRIES: '2',
      LLM_TIMEOUT_SECONDS: '5',
      ...extra,
    };
  }

  async function enqueue(id: string, text: string): Promise<void> {
    const run = await runCli(['enqueue', '--dir', fixture.repo.dir, '--id', id, text]);
    expect(run.code).toBe(0);
  }

  async function changedFiles(commit = 'HEAD'): Promise<string[]> {
    const show = await fixture.repo.git.exec(['show', '--name-only', '--format=', commit]);
    return show.stdout.split('\n').filter(Boolean).sort();
  }

  it('completes an iteration whose reward record carries the server model, tokens and cost', async () => {
    const endpoint = await serve((req) =>
      answer(syncAnswer(), {
        model: `${req.body.model}-2024-08-06`,
        usage: { prompt_tokens: 3120, completion_tokens: 640 },
      }),
    );
    await enqueue('sync-1', 'Sync a paginated API with rate limits.');
    const run = await runCli(['run', '--dir', fixture.repo.dir], { env: env(endpoint) });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);

    expect(endpoint.requests).toHaveLength(1);
    // A novel task for a fresh agent: the strongest tier's model.
    const tierModel = endpoint.requests[0]!.body.model;
    expect(tierModel).toBe('o3');
    const [record] = repoRewardRecords(fixture.repo.dir, 'orion');
    expect(record).toMatchObject({
      task_id: 'sync-1',
      outcome: 'success',
      reward: 1,
      model_name: `${tierModel}-2024-08-06`,
      tokens: { prompt: 3120, completion: 640 },
      model_used: 'strongest',
      tiers_tried: ['strongest'],
    });
    // o3: $2 in, $8 out per million tokens.
    expect(record?.cost_usd).toBeCloseTo((3120 * 2 + 640 * 8) / 1e6, 9);
    expect(record?.error).toBeUndefined();

    expect(run.stdout).toMatch(/^orion sync-1: success \(\+1\) on strongest \[o3-2024-08-06\]/);
    expect(run.stdout).toContain(syncAnswer().answer);
    expect(run.stdout).not.toContain('offline model');
    // The done task moved from queue.md to the queue's archive of the month, in the same commit.
    expect(await changedFiles()).toEqual([
      'agents/orion/queue.md',
      `agents/orion/queue/archive/${new Date().toISOString().slice(0, 7)}.md`,
      'agents/orion/rewards/recent/sync-1.md',
      'agents/orion/skills/resumable-paginated-sync.md',
      'agents/orion/world/hypotheses/vendor-rate-limit.md',
    ]);
  });

  it('records a task whose retries run out, keeps it pending, and replaces the record on a successful retry', async () => {
    const failing = await serve(() =>
      apiError(502, 'Bad gateway: upstream model server unavailable', { 'retry-after-ms': '5' }),
    );
    await enqueue('sync-1', 'Sync a paginated API with rate limits.');
    const head = (await fixture.repo.subjects())[0];
    const failed = await runCli(['run', '--dir', fixture.repo.dir], { env: env(failing) });
    expect(failed.code).toBe(1);
    expect(failing.requests).toHaveLength(3);
    expect(failed.stderr.trim().split('\n')).toHaveLength(1);
    expect(failed.stderr).toMatch(
      /^agentos run: sync-1 failed: 127\.0\.0\.1:\d+ failed with 502 on each of 3 attempts \(o3, strongest\): Bad gateway: upstream model server unavailable \(recorded; the task stays pending: run again to retry\)\n$/,
    );

    const [record] = repoRewardRecords(fixture.repo.dir, 'orion');
    expect(record).toMatchObject({
      task_id: 'sync-1',
      outcome: 'failure',
      reward: -1,
      // filled for failures by the after-the-fact rule: nothing stronger than the strongest tier
      model_appropriate: 'yes',
      model_used: 'strongest',
      model_name: 'o3',
      tiers_tried: ['strongest'],
      tokens: { prompt: 0, completion: 0 },
      cost_usd: 0,
      world_model_update: [],
      skills_used: [],
    });
    expect(record?.error).toMatch(
      /^server-error: 127\.0\.0\.1:\d+ failed with 502 on each of 3 attempts/,
    );
    // Only the record and the queue's attempt count changed: no memory file, and the task is pending.
    expect(await changedFiles()).toEqual([
      'agents/orion/queue.md',
      'agents/orion/rewards/recent/sync-1.md',
    ]);
    const subjects = await fixture.repo.subjects();
    expect(subjects).toHaveLength(3);
    expect(subjects[0]).toBe('orion: Sync a paginated API with rate limits. (sync-1)');
    expect(subjects[1]).toBe(head);
    const message = (await fixture.repo.git.exec(['log', '-1', '--format=%B'])).stdout;
    expect(message).toContain(
      'No memory changed; the task stays pending and the next run retries it.',
    );
    expect(message).toContain('AgentOS-Outcome: failure');
    expect(message).toContain('AgentOS-Error: server-error');
    const queue = fixture.repo.read('agents/orion/queue.md');
    expect(queue).not.toMatch(/status: done/);
    expect(queue).toMatch(/\nattempts: 1\n/);
    expect(queue).toMatch(/\nlast_error: server-error: 127\.0\.0\.1:\d+ failed with 502/);

    // Failing again replaces the failed record: still one record per task, one more attempt.
    const again1 = await runCli(['run', '--dir', fixture.repo.dir], { env: env(failing) });
    expect(again1.code).toBe(1);
    expect(repoRewardRecords(fixture.repo.dir, 'orion')).toHaveLength(1);
    expect(fixture.repo.read('agents/orion/queue.md')).toMatch(/\nattempts: 2\n/);

    const working = await serve(() => answer(syncAnswer()));
    const retried = await runCli(['run', '--dir', fixture.repo.dir], { env: env(working) });
    expect(retried.code).toBe(0);
    const records = repoRewardRecords(fixture.repo.dir, 'orion');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ task_id: 'sync-1', outcome: 'success', reward: 1 });
    expect(records[0]?.error).toBeUndefined();
    expect(
      fixture.repo.read('agents/orion/rewards/recent/sync-1.md').match(/"task_id": "sync-1"/g),
    ).toHaveLength(1);
    // Done, the entry left queue.md for the archive with its attempts and outcome; the last
    // failure's error went with the success.
    expect(fixture.repo.read('agents/orion/queue.md')).not.toContain('sync-1');
    expect(fixture.repo.read(findTask(fixture.repo.dir, 'orion', 'sync-1')!.file)).toMatch(
      /## sync-1\ntask: .*\npriority: normal\ncreated: .*\nattempts: 3\nstatus: done\ndone_at: \S+\n/,
    );

    const again = await runCli(['run', '--dir', fixture.repo.dir, '--task-id', 'sync-1'], {
      env: env(working),
    });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already processed/);
    expect(working.requests).toHaveLength(1);
  });

  it('stops a run cleanly when the token budget would be exceeded, leaving the rest pending', async () => {
    const endpoint = await serve(() =>
      answer(syncAnswer(), { usage: { prompt_tokens: 50_000, completion_tokens: 1_000 } }),
    );
    await enqueue('first', 'Sync a paginated API with rate limits.');
    await enqueue('second', 'Refresh OAuth tokens during a long sync.');
    await enqueue('third', 'Handle repeated webhook deliveries idempotently.');
    const before = (await fixture.repo.subjects()).length;
    const run = await runCli(['run', '--dir', fixture.repo.dir, '--all', '--max-tokens', '52000'], {
      env: env(endpoint),
    });
    expect(run.code).toBe(3);
    expect(endpoint.requests).toHaveLength(1);
    expect(run.stdout).toMatch(/^orion first: success/);
    // The next task (OAuth refresh) matches nothing the first one taught well enough to be
    // routine or moderate, so it is routed to the strongest tier (o3 in the template).
    expect(run.stderr).toMatch(
      /^agentos run: stopped: token budget exhausted: 51000 of 52000 tokens used, and the next call to o3 needs about \d+; still pending in agents\/orion\/queue\.md: second, third\n$/,
    );
    expect(repoRewardRecords(fixture.repo.dir, 'orion').map((r) => r.task_id)).toEqual(['first']);
    expect((await fixture.repo.subjects()).length).toBe(before + 1);
    const status = await fixture.repo.git.exec(['status', '--porcelain']);
    expect(status.stdout).toBe('');
  });

  it('records a task whose repair would exceed the budget as failed, and stops the run', async () => {
    const endpoint = await serve((req) =>
      completion('I would page through it.', {
        model: req.body.model,
        usage: { prompt_tokens: 40_000, completion_tokens: 100 },
      }),
    );
    await enqueue('sync-1', 'Sync a paginated API with rate limits.');
    const run = await runCli(['run', '--dir', fixture.repo.dir, '--max-tokens', '42000'], {
      env: env(endpoint),
    });
    expect(run.code).toBe(3);
    expect(endpoint.requests).toHaveLength(1);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^warning: sync-1: o3 \(strongest\) answered invalid JSON, asking once for a repair/,
    );
    expect(lines[1]).toMatch(
      /^agentos run: stopped: token budget exhausted: 40100 of 42000 tokens used, and the next call to o3 needs about \d+; still pending in agents\/orion\/queue\.md: sync-1$/,
    );
    const [record] = repoRewardRecords(fixture.repo.dir, 'orion');
    expect(record).toMatchObject({
      outcome: 'failure',
      tokens: { prompt: 40_000, completion: 100 },
    });
    expect(record?.cost_usd).toBeCloseTo((40_000 * 2 + 100 * 8) / 1e6, 9);
    expect(record?.error).toMatch(/^budget: token budget exhausted/);
    expect(await changedFiles()).toEqual([
      'agents/orion/queue.md',
      'agents/orion/rewards/recent/sync-1.md',
    ]);
  });

  it('reads the budget from the environment and rejects a bad one, naming it', async () => {
    const endpoint = await serve(() => answer(syncAnswer()));
    await enqueue('first', 'Sync a paginated API with rate limits.');
    const tiny = await runCli(['run', '--dir', fixture.repo.dir], {
      env: env(endpoint, { AGENTOS_MAX_TOKENS: '10' }),
    });
    expect(tiny.code).toBe(3);
    expect(tiny.stderr).toMatch(
      /^agentos run: stopped: token budget exhausted: 0 of 10 tokens used/,
    );
    expect(endpoint.requests).toHaveLength(0);
    expect(repoRewardRecords(fixture.repo.dir, 'orion')).toEqual([]);

    const bad = await runCli(['run', '--dir', fixture.repo.dir, '--max-cost', 'lots'], {
      env: env(endpoint),
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('agentos run: --max-cost must be a number above 0, got "lots"\n');
    const badEnv = await runCli(['run', '--dir', fixture.repo.dir], {
      env: env(endpoint, { AGENTOS_MAX_TOKENS: '-5' }),
    });
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toBe(
      'agentos run: AGENTOS_MAX_TOKENS must be a whole number above 0, got "-5"\n',
    );
  });

  it('exits 2 naming the variable when a model is asked for without an endpoint', async () => {
    await enqueue('first', 'Sync a paginated API with rate limits.');
    const run = await runCli(['run', '--dir', fixture.repo.dir], { env: { LLM_MODEL: 'gpt-4o' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^agentos run: LLM_MODEL is set \("gpt-4o"\) but no model endpoint is configured: set LLM_API_KEY/,
    );
  });

  it('never writes, prints or commits the key, even when the endpoint echoes it', async () => {
    let calls = 0;
    const endpoint = await serve((req) => {
      calls++;
      return calls <= 3
        ? apiError(
            500,
            `internal error handling request with authorization ${String(req.headers.authorization)}`,
            {
              'retry-after-ms': '1',
            },
          )
        : answer(syncAnswer({ answer: 'Cursor pagination with backoff.' }));
    });
    await enqueue('sync-1', 'Sync a paginated API with rate limits.');
    const failed = await runCli(['run', '--dir', fixture.repo.dir, '--verbose'], {
      env: env(endpoint),
    });
    const succeeded = await runCli(['run', '--dir', fixture.repo.dir, '--verbose'], {
      env: env(endpoint),
    });
    expect([failed.code, succeeded.code]).toEqual([1, 0]);
    expect(endpoint.requests.every((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);
    expect(failed.stderr).toContain('authorization Bearer [redacted: llm-api-key]');

    const seen = [failed.stdout, failed.stderr, succeeded.stdout, succeeded.stderr];
    const history = await fixture.repo.git.exec(['log', '--all', '-p', '--format=%H%n%B']);
    seen.push(history.stdout);
    for (const file of filesUnder(fixture.repo.dir)) seen.push(readFileSync(file, 'utf8'));
    expect(seen.length).toBeGreaterThan(20);
    for (const text of seen) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain('4f2a9c0d1e2b3a4');
    }
  });
});

/** Every file under a folder, git objects excepted (they are compressed: the log covers them). */
function filesUnder(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (path.endsWith(`${join('.git', 'objects')}`)) continue;
    if (statSync(path).isDirectory()) files.push(...filesUnder(path));
    else files.push(path);
  }
  return files;
}
