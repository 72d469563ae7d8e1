// `agentos run` against a local server whose replies break in every way a real one does: each
// broken reply is a failure record naming its kind, the task stays pending with its attempts and
// last error, nothing of the answer is written; a slow model that keeps streaming is not cut off, a
// stalled one is; the cost is the answering model's, or null when it has no price.
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
  type ScriptedReply,
} from './helpers/openai-server.js';

const KEY = 'sk-agentos-faults-9b8c7d6e5f4a3b2SECRET';

function env(endpoint: FakeEndpoint, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    LLM_BASE_URL: endpoint.url,
    LLM_API_KEY: KEY,
    LLM_MAX_RETRIES: '1',
    LLM_RETRY_BACKOFF_MS: '1',
    LLM_TIMEOUT_SECONDS: '2',
    LLM_MODEL: 'gpt-4o-mini',
    ...extra,
  };
}

/** The same broken reply to every request. */
const BROKEN: [string, ScriptedReply, RegExp][] = [
  [
    'a body cut short',
    { ...answer(syncAnswer()), stream: { cutAfter: 2 } },
    /^truncated: .*the response ended mid-answer \(no finish_reason\): the body was cut short on each of 2 attempts$/,
  ],
  [
    'a connection reset mid-body',
    { ...answer(syncAnswer()), stream: { resetAfter: 2 } },
    /^connection: .*the connection broke mid-answer \(.+\) on each of 2 attempts$/,
  ],
  [
    'a chunk that is not JSON',
    { ...answer(syncAnswer()), stream: { raw: 'data: {"id": "chatcmpl-1", "choices": [\n\n' } },
    /^malformed-response: .*the response is not valid JSON \(.+\) on each of 2 attempts$/,
  ],
  [
    'no choices',
    { ...answer(syncAnswer()), body: { id: 'c', model: 'gpt-4o-mini', choices: [] } },
    /^no-choices: .*the response carried no choices on each of 2 attempts$/,
  ],
  [
    'an empty stream',
    { ...answer(syncAnswer()), stream: { raw: 'data: [DONE]\n\n' } },
    /^no-choices: /,
  ],
  [
    'a refusal',
    {
      body: {
        model: 'gpt-4o-mini',
        choices: [
          {
            message: { content: null, refusal: 'I cannot help with that.' },
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 100, completion_tokens: 5, total_tokens: 105 },
      },
    },
    /^refusal: no valid answer from [a-z, -]+: the model refused: I cannot help with that\.$/,
  ],
  ['an empty answer', completion(''), /^empty-answer: .*the reply was empty$/],
  [
    'a whitespace-only answer field',
    answer(syncAnswer({ answer: ' \n\t ' })),
    /^empty-answer: .*answer: it is empty or only whitespace$/,
  ],
  [
    'an empty answer field',
    answer(syncAnswer({ answer: '' })),
    /^empty-answer: .*answer: it is empty or only whitespace$/,
  ],
  [
    'an answer that is not JSON',
    completion('Sure! I would page through the API.'),
    /^invalid-json: .*the reply is not JSON/,
  ],
];

describe('agentos run when the model reply is broken', () => {
  const fixture = repositoryWithEndpoint();

  it.each(BROKEN)(
    'records %s as a failure naming its kind, keeps the task pending, and exits 1',
    async (_name, reply, error) => {
      const { repo } = fixture;
      const endpoint = await fixture.serve(() => reply);
      expect(
        (await runCli(['enqueue', '--dir', repo.dir, '--id', 'sync-1', 'Sync the vendor API.']))
          .code,
      ).toBe(0);
      const head = await repo.git.headSha();
      const run = await runCli(['run', '--dir', repo.dir], { env: env(endpoint) });
      expect(run.code).toBe(1);
      expect(run.stderr).not.toContain('unexpected error');
      expect(run.stderr).toMatch(
        /^agentos run: sync-1 failed: .* \(recorded; the task stays pending/m,
      );

      const [record] = repoRewardRecords(repo.dir, 'orion');
      expect(record).toMatchObject({ task_id: 'sync-1', outcome: 'failure', reward: -1 });
      expect(record?.error).toMatch(error);
      // One commit: the record and the queue's count. No memory file, no half-written answer.
      const changed = await repo.git.exec(['diff', '--name-only', head, 'HEAD']);
      expect(changed.stdout.split('\n').filter(Boolean).sort()).toEqual([
        'agents/orion/queue.md',
        'agents/orion/rewards/recent/sync-1.md',
      ]);
      const queue = repo.read('agents/orion/queue.md');
      expect(queue).toMatch(/\nattempts: 1\n/);
      expect(queue).toContain(`\nlast_error: ${record?.error?.split(':')[0]}: `);
      expect(queue).not.toMatch(/status: done/);
      expect((await repo.git.exec(['status', '--porcelain'])).stdout).toBe('');
    },
  );

  it('clears last_error from the entry when the task later succeeds', async () => {
    const { repo } = fixture;
    await runCli(['enqueue', '--dir', repo.dir, '--id', 'sync-1', 'Sync the vendor API.']);
    const broken = await fixture.serve(() => ({
      ...answer(syncAnswer()),
      stream: { resetAfter: 1 },
    }));
    expect((await runCli(['run', '--dir', repo.dir], { env: env(broken) })).code).toBe(1);
    expect(repo.read('agents/orion/queue.md')).toContain('last_error: connection: ');
    const working = await fixture.serve(() => answer(syncAnswer()));
    expect((await runCli(['run', '--dir', repo.dir], { env: env(working) })).code).toBe(0);
    const archived = repo.read(findTask(repo.dir, 'orion', 'sync-1')!.file);
    expect(archived).toContain('attempts: 2');
    expect(archived).toContain('status: done');
    expect(archived).not.toContain('last_error');
  });
});

describe('agentos run with a slow or stalled model', () => {
  const fixture = repositoryWithEndpoint();

  it('takes a streamed answer that needs longer than the idle timeout in all, chunk by chunk', async () => {
    const { repo } = fixture;
    // 12 chunks 150 ms apart: about 1.8 s in all, never 0.5 s without a chunk.
    const endpoint = await fixture.serve(() => ({
      ...answer(syncAnswer()),
      stream: { pieces: 10, chunkDelayMs: 150 },
    }));
    const started = Date.now();
    const run = await runCli(['run', '--dir', repo.dir, '--text', 'Sync the vendor API.'], {
      env: env(endpoint, { LLM_TIMEOUT_SECONDS: '0.5' }),
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(Date.now() - started).toBeGreaterThan(1500);
    expect(endpoint.requests).toHaveLength(1);
    expect(endpoint.requests[0]?.body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
    const [record] = repoRewardRecords(repo.dir, 'orion');
    expect(record).toMatchObject({ outcome: 'success', tokens: { prompt: 1200, completion: 300 } });
  });

  it('asks again without stream_options when a server rejects it, and estimates the tokens', async () => {
    const { repo } = fixture;
    const endpoint = await fixture.serve((request) =>
      request.body.stream_options !== undefined
        ? apiError(400, 'Unrecognized request argument supplied: stream_options')
        : answer(syncAnswer()),
    );
    const run = await runCli(['run', '--dir', repo.dir, '--text', 'Sync the vendor API.'], {
      env: env(endpoint),
    });
    expect(run.code).toBe(0);
    expect(endpoint.requests).toHaveLength(2);
    expect(endpoint.requests[1]?.body.stream).toBe(true);
    expect(run.stderr).toMatch(
      /^warning: gpt-4o-mini at \S+ rejected stream_options; asking without it \(tokens are estimated when no usage comes\)\nwarning: gpt-4o-mini-2024-07-18 at \S+ reported no usage; tokens are estimated and the cost is unknown\n$/,
    );
    const [record] = repoRewardRecords(repo.dir, 'orion');
    expect(record).toMatchObject({ outcome: 'success', cost_usd: null });
    expect(record?.tokens.completion).toBe(Math.ceil(JSON.stringify(syncAnswer()).length / 4));
  });

  it('cuts off a model that stalls mid-answer after the idle timeout, and retries it', async () => {
    const { repo } = fixture;
    const endpoint = await fixture.serve(() => ({
      ...answer(syncAnswer()),
      stream: { stallAfter: 2 },
    }));
    const started = Date.now();
    const run = await runCli(['run', '--dir', repo.dir, '--text', 'Sync the vendor API.'], {
      env: env(endpoint, { LLM_TIMEOUT_SECONDS: '0.3' }),
    });
    expect(run.code).toBe(1);
    expect(endpoint.requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(5000);
    const [record] = repoRewardRecords(repo.dir, 'orion');
    expect(record?.error).toMatch(
      /^timeout: gpt-4o-mini \(\S+\) at 127\.0\.0\.1:\d+ timed out: no answer within 0\.3s on each of 2 attempts$/,
    );
  });

  it('stops a model that keeps streaming past the ceiling', async () => {
    const { repo } = fixture;
    const endpoint = await fixture.serve(() => ({
      ...answer(syncAnswer()),
      stream: { pieces: 40, chunkDelayMs: 100 },
    }));
    const run = await runCli(['run', '--dir', repo.dir, '--text', 'Sync the vendor API.'], {
      env: env(endpoint, {
        LLM_TIMEOUT_SECONDS: '1',
        LLM_MAX_RESPONSE_SECONDS: '0.8',
        LLM_MAX_RETRIES: '0',
      }),
    });
    expect(run.code).toBe(1);
    const [record] = repoRewardRecords(repo.dir, 'orion');
    expect(record?.error).toMatch(
      /^timeout: .* timed out: the answer was not finished within 0\.8s on each of 1 attempt$/,
    );
  });

  it('rejects a bad ceiling or backoff, naming the variable', async () => {
    const { repo } = fixture;
    const endpoint = await fixture.serve(() => answer(syncAnswer()));
    const ceiling = await runCli(['run', '--dir', repo.dir, '--text', 'x'], {
      env: env(endpoint, { LLM_MAX_RESPONSE_SECONDS: '0' }),
    });
    expect(ceiling.code).toBe(2);
    expect(ceiling.stderr).toBe(
      'agentos run: LLM_MAX_RESPONSE_SECONDS must be a number of seconds above 0 and at most 86400, got "0"\n',
    );
    const backoff = await runCli(['run', '--dir', repo.dir, '--text', 'x'], {
      env: env(endpoint, { LLM_RETRY_BACKOFF_MS: 'soon' }),
    });
    expect(backoff.code).toBe(2);
    expect(backoff.stderr).toBe(
      'agentos run: LLM_RETRY_BACKOFF_MS must be a whole number of milliseconds from 0 to 60000, got "soon"\n',
    );
    expect(endpoint.requests).toHaveLength(0);
  });
});

describe('the cost of an answer', () => {
  const fixture = repositoryWithEndpoint();

  it('is null, said once, when the server answers with another model that has no price', async () => {
    const { repo } = fixture;
    // A llama.cpp server answers whatever model is asked for with the one it has loaded.
    const endpoint = await fixture.serve(() =>
      answer(syncAnswer(), {
        model: 'tiny-unigram',
        usage: { prompt_tokens: 2000, completion_tokens: 400 },
      }),
    );
    for (const id of ['one', 'two'])
      await runCli(['enqueue', '--dir', repo.dir, '--id', id, `Sync the vendor API ${id}.`]);
    const run = await runCli(['run', '--dir', repo.dir, '--all'], {
      env: env(endpoint, { LLM_MODEL: 'o3' }),
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      `warning: ${endpoint.url} answered with model "tiny-unigram" for "o3", and "tiny-unigram" has no known price: its cost is recorded as null (add it under prices: in agents.yaml)\n`,
    );
    const records = repoRewardRecords(repo.dir, 'orion');
    expect(records).toHaveLength(2);
    for (const record of records) {
      expect(record.model_name).toBe('tiny-unigram');
      expect(record.cost_usd).toBeNull();
    }
    expect(run.stdout).toContain('2 done, 0 failed');
    expect(run.stdout).toMatch(/\(and 2 task\(s\) of unknown price\)/);
  });

  it('still counts against a cost budget, at the requested model price, when unpriced', async () => {
    const { repo } = fixture;
    const endpoint = await fixture.serve(() =>
      answer(syncAnswer(), {
        model: 'tiny-unigram',
        usage: { prompt_tokens: 2000, completion_tokens: 400 },
      }),
    );
    const run = await runCli(
      ['run', '--dir', repo.dir, '--text', 'Sync the vendor API.', '--max-cost', '1'],
      { env: env(endpoint, { LLM_MODEL: 'o3' }) },
    );
    expect(run.code).toBe(0);
    // o3: 2000 × $2 + 400 × $8 per million tokens; the record itself says null.
    expect(run.stderr).toContain('budget used: $0.0072 of $1\n');
    expect(repoRewardRecords(repo.dir, 'orion')[0]?.cost_usd).toBeNull();
  });

  it('is priced by the model that answered, a dated snapshot by its model', async () => {
    const { repo } = fixture;
    const endpoint = await fixture.serve(() =>
      answer(syncAnswer(), {
        model: 'gpt-4o-2024-08-06',
        usage: { prompt_tokens: 1000, completion_tokens: 100 },
      }),
    );
    const run = await runCli(['run', '--dir', repo.dir, '--text', 'Sync the vendor API.'], {
      env: env(endpoint, { LLM_MODEL: 'o3' }),
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const [record] = repoRewardRecords(repo.dir, 'orion');
    // gpt-4o ($2.50 in, $10 out), not o3 ($2 in, $8 out), the model asked for.
    expect(record?.cost_usd).toBeCloseTo((1000 * 2.5 + 100 * 10) / 1e6, 9);
  });
});
