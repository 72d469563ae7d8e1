// Hostile suite, secrets: every kind of planted secret, through every way text enters — an issue's
// title, body and comment, a task file, the CLI's --text and an endpoint's error text — never reaches
// a file, a commit, a comment, the log, an output or the job summary, and never reaches the model.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commentPayload } from './helpers/action.js';
import { runCli } from './helpers/cli.js';
import {
  fullHistory,
  openedIssue,
  runActionInProcess,
  shellCanary,
  workingTreeFiles,
  writesOutsideMemory,
} from './helpers/hostile.js';
import { apiError, startOpenAIServer, type FakeEndpoint } from './helpers/openai-server.js';
import { leakedSecrets, PLANTED_SECRETS, type PlantedSecret } from './helpers/planted-secrets.js';
import { makeRepo, type TestRepo } from './helpers/repo.js';

const CHANNELS = [
  'issue title',
  'issue body',
  'comment',
  'task file',
  'cli text',
  'endpoint error',
] as const;
type Channel = (typeof CHANNELS)[number];

interface Seen {
  code: number;
  /** What a person sees: the log or the terminal, outputs, summary, comments. */
  shown: string;
  /** The refusal (here: the marker) must appear where the text would have. */
  marker: string;
}

// One repository for the file (a fresh one per case would cost more than the case): each case
// has its own issue and task, and checks what it wrote since its own start; the history check
// covers every case before it too.
let repo: TestRepo;
let endpoint: FakeEndpoint | undefined;
let nextIssue = 100;
beforeAll(async () => {
  repo = await makeRepo();
});
afterEach(async () => {
  await endpoint?.close();
  endpoint = undefined;
});
afterAll(() => repo.cleanup());

async function plant(
  channel: Channel,
  secrets: readonly PlantedSecret[],
  canary: string,
): Promise<Seen> {
  const text = secrets.map((s) => `use ${s.value} here`).join('\n');
  const marker = `[redacted: ${secrets[0]!.kind}]`;
  const issue = nextIssue++;
  switch (channel) {
    case 'issue title':
    case 'issue body': {
      const title =
        channel === 'issue title'
          ? `Deploy with ${secrets.map((s) => s.value).join(' ')}`
          : 'Deploy the service';
      const body = channel === 'issue body' ? `${text}\n${canary}` : `Please deploy. ${canary}`;
      const run = await runActionInProcess({
        workspace: repo.dir,
        eventName: 'issues',
        payload: openedIssue({ number: issue, title, body }),
      });
      return { code: run.code, shown: `${run.log}\n${run.outputs}\n${run.summary}`, marker };
    }
    case 'comment': {
      const first = await runActionInProcess({
        workspace: repo.dir,
        eventName: 'issues',
        payload: openedIssue({
          number: issue,
          title: `Rotate the deploy keys (${issue})`,
          body: 'Rotate them.',
        }),
      });
      expect(first.code).toBe(0);
      // Feedback whose note holds the secret, then a command that quotes it back.
      const note = `/reward -1 note="leaked ${secrets.map((s) => s.value.replace(/\s+/g, ' ')).join(' ')}"`;
      const feedback = await runActionInProcess({
        workspace: repo.dir,
        eventName: 'issue_comment',
        payload: commentPayload({ number: issue, body: note, commentId: issue * 10 + 1 }),
      });
      const unknown = await runActionInProcess({
        workspace: repo.dir,
        eventName: 'issue_comment',
        payload: commentPayload({
          number: issue,
          body: `/agentos ${secrets[0]!.value}`,
          commentId: issue * 10 + 2,
        }),
      });
      return {
        code: Math.max(feedback.code, unknown.code),
        shown: [first, feedback, unknown]
          .map((r) => `${r.log}\n${r.outputs}\n${r.summary}`)
          .join('\n'),
        marker,
      };
    }
    case 'task file': {
      // A person writes the task into queue.md by hand (not committed) and runs the queue.
      const queue = join(repo.dir, 'agents/orion/queue.md');
      writeFileSync(
        queue,
        `# Queue — orion\n\n## planted-task-${issue}\ntask: |\n  ${text.split('\n').join('\n  ')}\n  ${canary}\npriority: high\n`,
      );
      const cli = await runCli(['run', '--dir', repo.dir]);
      return { code: cli.code, shown: `${cli.stdout}\n${cli.stderr}`, marker };
    }
    case 'cli text': {
      const cli = await runCli([
        'run',
        '--dir',
        repo.dir,
        '--text',
        `${text}\n${canary}\n(${issue})`,
      ]);
      return { code: cli.code, shown: `${cli.stdout}\n${cli.stderr}`, marker };
    }
    case 'endpoint error': {
      endpoint = await startOpenAIServer(() =>
        apiError(500, `upstream failed for ${text}`, { 'retry-after-ms': '1' }),
      );
      const cli = await runCli(
        ['run', '--dir', repo.dir, '--text', `Summarise the deploy runbook (${issue}).`],
        {
          env: { LLM_API_KEY: 'test-key-0123456789', LLM_BASE_URL: endpoint.url },
        },
      );
      return { code: cli.code, shown: `${cli.stdout}\n${cli.stderr}`, marker };
    }
  }
}

const EXPECTED_CODE: Record<Channel, number> = {
  'issue title': 0,
  'issue body': 0,
  comment: 0,
  'task file': 0,
  'cli text': 0,
  // The model never answered: a failure record, exit 1.
  'endpoint error': 1,
};

async function expectNoLeak(
  seen: Seen,
  secrets: readonly PlantedSecret[],
  channel: Channel,
  canary: { fired(): boolean },
  before: string,
) {
  expect(seen.code).toBe(EXPECTED_CODE[channel]);
  const files = workingTreeFiles(repo.dir);
  const history = await fullHistory(repo.git);
  expect(leakedSecrets(seen.shown, secrets)).toEqual([]);
  expect(leakedSecrets(history, secrets)).toEqual([]);
  expect(files.filter((f) => leakedSecrets(f.text, secrets).length > 0).map((f) => f.path)).toEqual(
    [],
  );
  for (const request of endpoint?.requests ?? [])
    expect(leakedSecrets(JSON.stringify(request.body), secrets)).toEqual([]);
  // Where the text went, its marker stands instead.
  expect(`${seen.shown}\n${history}`).toContain(seen.marker);
  expect(await writesOutsideMemory(repo.git, before, 'orion')).toEqual([]);
  expect(canary.fired()).toBe(false);
}

describe('hostile: one planted secret of each kind, each through one way in', () => {
  const cases = PLANTED_SECRETS.map(
    (secret, i) => [secret.name, CHANNELS[i % CHANNELS.length]!, secret] as const,
  );
  it.each(cases)('%s in the %s never persists', async (_name, channel, secret) => {
    const before = await repo.git.headSha();
    const canary = shellCanary();
    const seen = await plant(channel, [secret], canary.payloads.join(' '));
    await expectNoLeak(seen, [secret], channel, canary, before);
  });
});

describe('hostile: every kind of secret at once, through each way in', () => {
  it.each(CHANNELS.map((channel) => [channel] as const))(
    `all ${PLANTED_SECRETS.length} kinds in the %s never persist`,
    async (channel) => {
      const before = await repo.git.headSha();
      const canary = shellCanary();
      const seen = await plant(channel, PLANTED_SECRETS, canary.payloads.join(' '));
      await expectNoLeak(seen, PLANTED_SECRETS, channel, canary, before);
    },
  );
});
