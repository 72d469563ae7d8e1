// The fault suite: 100 queued tasks against a local model server (through the real `openai` SDK)
// that breaks 30% of its replies at random, with a fixed seed, in every way a real endpoint does
// (a body cut short, a reset mid-body, a chunk that is not JSON, no choices, a refusal, an empty or
// blank answer, an answer that is not JSON, a stall, 429 with Retry-After, 500). One `run --all`
// must end every task done or failed with a named reason, never stop early, never commit a file
// that breaks its schema, and never let the key out.
import { Random } from '../src/bench/random.js';
import { loadAgentMemory } from '../src/loop/agent-memory.js';
import { addEntry, parseQueue, renderQueue, loadQueue } from '../src/memory/queue.js';
import { parseRewardLines } from '../src/memory/reward-lines.js';
import { runCliProcess } from './helpers/cli.js';
import {
  answer,
  apiError,
  completion,
  repositoryWithEndpoint,
  syncAnswer,
  type RecordedRequest,
  type ScriptedReply,
} from './helpers/openai-server.js';
import { commitStaged } from './helpers/person.js';
import { repoRewardRecords } from './helpers/rewards.js';

const KEY = 'sk-agentos-faultsuite-7e6d5c4b3a291807SECRET';
const TASKS = 100;
const FAULT_RATE = 0.3;
const SEED = 20261126;

/** Every way a reply breaks, and the failure kinds it may end as once retries and repairs run out. */
const FAULTS: Record<string, (request: RecordedRequest) => ScriptedReply> = {
  cut: () => ({ ...answer(syncAnswer()), stream: { cutAfter: 3 } }),
  reset: () => ({ ...answer(syncAnswer()), stream: { resetAfter: 2 } }),
  garbled: () => ({ ...answer(syncAnswer()), stream: { raw: 'data: {"choices": [{"delta"\n\n' } }),
  'no-choices': () => ({ body: { id: 'c', model: 'gpt-4o-mini', choices: [] } }),
  refusal: (request) => ({
    body: {
      model: 'gpt-4o-mini',
      choices: [
        {
          // A refusal that echoes the request's own key must not carry it into the record.
          message: { content: null, refusal: `No. (${request.headers.authorization})` },
          finish_reason: 'stop',
        },
      ],
    },
  }),
  empty: () => completion(''),
  blank: () => answer(syncAnswer({ answer: '   ' })),
  'not-json': () => completion('I would page through the API and back off.'),
  stall: () => ({ ...answer(syncAnswer()), stream: { stallAfter: 2 } }),
  'rate-limited': () =>
    apiError(429, 'Rate limit reached, retry shortly', { 'retry-after': '0.005' }),
  'server-error': (request) =>
    apiError(500, `upstream failed for ${request.headers.authorization ?? 'no key'}`),
};

/** A valid answer that proposes no memory: the suite is about replies, not learning. */
const MINIMAL = syncAnswer({
  memory: {
    skills: [],
    skills_used: [],
    hypotheses: [],
    evidence: [],
    duplicates: [],
    shared_proposal: null,
  },
});

const FAILURE_KINDS = [
  'truncated',
  'connection',
  'malformed-response',
  'no-choices',
  'refusal',
  'empty-answer',
  'invalid-json',
  'timeout',
  'rate-limited',
  'server-error',
];

describe('the fault suite', () => {
  const fixture = repositoryWithEndpoint();

  it(`ends each of ${TASKS} tasks done or failed with a reason when ${FAULT_RATE * 100}% of replies break`, async () => {
    const { repo } = fixture;
    const random = new Random(SEED);
    const served: Record<string, number> = {};
    const kinds = Object.keys(FAULTS);
    let broken = 0;
    const endpoint = await fixture.serve((request) => {
      // Which replies break is random (seeded); the kinds take turns, so every kind is served.
      const fault = random.chance(FAULT_RATE) ? kinds[broken++ % kinds.length]! : 'none';
      served[fault] = (served[fault] ?? 0) + 1;
      return fault === 'none' ? answer(MINIMAL) : FAULTS[fault]!(request);
    });

    // The queue, written as a person would, in one commit.
    let queue = loadQueue(repo.dir, 'orion');
    for (let n = 1; n <= TASKS; n++)
      queue = addEntry(queue, {
        id: `task-${n}`,
        task: `Sync vendor API number ${n} with rate limits.`,
        priority: 'normal',
        created: '2026-11-26T08:00:00Z',
      });
    repo.write('agents/orion/queue.md', renderQueue(queue));
    await repo.git.exec(['add', 'agents/orion/queue.md']);
    const base = await commitStaged(repo.git, 'Queue 100 tasks');

    const started = Date.now();
    // The CLI's own process, as a user runs it: a plain Node process forks its 100s of git
    // processes at a fraction of what jest's worker, many times its size, pays for each.
    const run = await runCliProcess(['run', '--dir', repo.dir, '--all'], {
      cwd: repo.dir,
      env: {
        LLM_BASE_URL: endpoint.url,
        LLM_API_KEY: KEY,
        LLM_MODEL: 'gpt-4o-mini',
        LLM_MAX_RETRIES: '1',
        LLM_RETRY_BACKOFF_MS: '1',
        LLM_TIMEOUT_SECONDS: '0.3',
      },
    });

    process.stderr.write(
      `fault suite: run --all took ${Date.now() - started} ms, served ${JSON.stringify(served)}\n`,
    );
    // Every fault was served, and the run went through every task.
    for (const fault of Object.keys(FAULTS)) expect(served[fault] ?? 0).toBeGreaterThan(0);
    expect(run.stderr).not.toContain('unexpected error');
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(TASKS + 1);
    const tally = /^(\d+) done, (\d+) failed, cost \$/.exec(lines[TASKS] ?? '');
    expect(tally).not.toBeNull();
    const [done, failed] = [Number(tally![1]), Number(tally![2])];
    expect(done + failed).toBe(TASKS);
    expect(failed).toBeGreaterThan(0);
    expect(done).toBeGreaterThan(failed);
    expect(run.code).toBe(1);
    expect(
      run.stderr
        .trimEnd()
        .split('\n')
        .filter((l) => l.startsWith('agentos run: ')),
    ).toHaveLength(failed);

    // Each task: done and archived, or failed with a named reason and pending with its count.
    const records = repoRewardRecords(repo.dir, 'orion');
    expect(records).toHaveLength(TASKS);
    const pending = loadQueue(repo.dir, 'orion').entries;
    expect(pending).toHaveLength(failed);
    for (const record of records) {
      const entry = pending.find((e) => e.id === record.task_id);
      if (record.error === undefined) {
        expect(entry).toBeUndefined();
        expect(record.outcome).toBe('success');
        continue;
      }
      const kind = record.error.split(':')[0] ?? '';
      expect(FAILURE_KINDS).toContain(kind);
      expect(entry?.status).toBe('pending');
      const text = entry?.lines.join('\n') ?? '';
      expect(text).toContain('\nattempts: 1');
      expect(text).toContain(`\nlast_error: ${kind}: `);
    }

    // No commit of the run carries a record or a queue that breaks its schema, and memory at the
    // end reads whole.
    const log = (await repo.git.exec(['log', '--format=commit %H', '--name-only', `${base}..HEAD`]))
      .stdout;
    const commits = [...log.matchAll(/^commit (\S+)$/gm)].map((m) => m[1]!);
    expect(commits).toHaveLength(TASKS);
    const objects: string[] = [];
    let commit = '';
    for (const line of log.split('\n')) {
      if (line.startsWith('commit ')) commit = line.slice('commit '.length);
      else if (line.includes('/rewards/') || line.endsWith('/queue.md'))
        objects.push(`${commit}:${line}`);
    }
    // One `git cat-file --batch` for every file the run committed: `<sha> blob <size>\n<text>\n`.
    const batch = (
      await repo.git.exec(['cat-file', '--batch'], { input: `${objects.join('\n')}\n` })
    ).stdout;
    const bytes = Buffer.from(batch, 'utf8');
    let at = 0;
    for (const object of objects) {
      const newline = bytes.indexOf(10, at);
      const header = /^\S+ blob (\d+)$/.exec(bytes.subarray(at, newline).toString('utf8'));
      expect(header).not.toBeNull();
      const size = Number(header![1]);
      const text = bytes.subarray(newline + 1, newline + 1 + size).toString('utf8');
      at = newline + 1 + size + 1;
      const path = object.slice(object.indexOf(':') + 1);
      if (path.includes('/rewards/')) expect(parseRewardLines(path, text)).toHaveLength(1);
      else
        expect(parseQueue(path, text).entries.filter((e) => e.problem !== undefined)).toEqual([]);
    }
    expect(() => loadAgentMemory(repo.dir, 'orion')).not.toThrow();
    expect((await repo.git.exec(['status', '--porcelain'])).stdout).toBe('');

    // The key: in no commit, no file, nothing printed.
    const history = (await repo.git.exec(['log', '--all', '-p', '--format=%H%n%B'])).stdout;
    expect(history).not.toContain(KEY);
    const tree = await repo.git.exec(['grep', '-c', KEY, '--', '.'], { allowFailure: true });
    expect(tree.stdout).toBe('');
    expect(run.stdout + run.stderr).not.toContain(KEY);
  }, 300_000);
});
