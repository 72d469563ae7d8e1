// Policy of constraints.md and agents.yaml enforced at run time: a forbidden tool or data source
// refuses the task before any model is called; a human review point pauses it (by risk level and
// autonomy) until a person approves; privacy patterns never reach context, answers or records.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findTask } from '../src/memory/queue-archive.js';
import { narrowPurpose } from '../src/scaffold/narrow-purpose.js';
import { privacyPatterns, redactPrivate } from '../src/policy/privacy.js';
import {
  cloneWorkspace,
  commentPayload,
  issuePayload,
  makeRemote,
  OWNER,
  remoteLog,
  REPO,
  runAction,
  TOKEN,
} from './helpers/action.js';
import { runCli } from './helpers/cli.js';
import { startFakeGitHub, type FakeGitHub } from './helpers/fake-github.js';
import { commitStaged } from './helpers/person.js';
import { makeRepo, type TestRepo } from './helpers/repo.js';
import { remoteRewardRecords, repoRewardRecords } from './helpers/rewards.js';

const REVIEW_POINT =
  '- Before any schema migration of production (when a task names `migration`, `migrate`)';

async function setPolicy(
  repo: {
    read(path: string): string;
    write(path: string, content: string): void;
    git: TestRepo['git'];
  },
  policy: { risk: string; autonomy: string },
  extraConstraints = '',
): Promise<void> {
  const registry = repo
    .read('agents.yaml')
    .replace(/(name: orion[\s\S]*?)risk_level: \w+/, `$1risk_level: ${policy.risk}`)
    .replace(/(name: orion[\s\S]*?)autonomy: [\w-]+/, `$1autonomy: ${policy.autonomy}`);
  repo.write('agents.yaml', registry);
  const constraints = repo
    .read('agents/orion/constraints.md')
    .replace('## Review points\n', `## Review points\n\n${REVIEW_POINT}`);
  repo.write('agents/orion/constraints.md', `${constraints}${extraConstraints}`);
  await repo.git.exec(['add', 'agents.yaml', 'agents/orion/constraints.md']);
  await commitStaged(repo.git, `Policy: risk ${policy.risk}, ${policy.autonomy}`);
}

describe('task policy on the CLI', () => {
  let repo: TestRepo;
  beforeEach(async () => {
    repo = await makeRepo();
  });
  afterEach(() => repo.cleanup());

  const enqueue = (id: string, text: string) =>
    runCli(['enqueue', '--dir', repo.dir, '--id', id, text]);

  it('refuses a task naming a forbidden tool or data source before the model, quoting the rule', async () => {
    await setPolicy(
      repo,
      { risk: 'medium', autonomy: 'semi-autonomous' },
      '\n## Data sources forbidden\n\n- `customer database` — production customer data stays out\n',
    );
    await enqueue('drop-1', 'Speed up the sync: DROP TABLE staging_rows first, then paginate');
    await enqueue('data-1', 'Read the customer database to sync paginated invoices');
    const run = await runCli(['run', '--dir', repo.dir, '--all']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'orion drop-1: refused before the model: the task names "DROP TABLE", and agents/orion/constraints.md (Tools forbidden) says: "DROP TABLE"',
    );
    expect(run.stdout).toContain(
      'orion data-1: refused before the model: the task names "customer database", and agents/orion/constraints.md (Data sources forbidden) says: "`customer database` — production customer data stays out"',
    );
    expect(run.stdout).toContain('0 done, 0 failed, 2 stopped by constraints.md');
    // Nothing was assembled or asked: no context.md, no reward record.
    expect(existsSync(join(repo.dir, 'agents/orion/context.md'))).toBe(false);
    expect(repoRewardRecords(repo.dir, 'orion')).toEqual([]);
    const found = findTask(repo.dir, 'orion', 'drop-1');
    expect(found?.status).toBe('failed');
    expect(repo.read(found!.file)).toMatch(
      /error: refused before the model: the task names "DROP TABLE"/,
    );
    const subjects = await repo.subjects();
    expect(subjects).toContain('orion: refuse drop-1 — tools forbidden: DROP TABLE');
    expect(subjects).toContain('orion: refuse data-1 — data sources forbidden: customer database');
  });

  it.each([
    { risk: 'medium', autonomy: 'autonomous', pauses: false },
    { risk: 'medium', autonomy: 'semi-autonomous', pauses: true },
    { risk: 'high', autonomy: 'autonomous', pauses: true },
  ])(
    'a human review point at risk $risk, $autonomy: pauses=$pauses',
    async ({ risk, autonomy, pauses }) => {
      await setPolicy(repo, { risk, autonomy });
      await enqueue('mig-1', 'Plan the migration of the sync cursor table with retries');
      await enqueue('page-1', 'Sync a paginated API with rate limits');
      const run = await runCli(['run', '--dir', repo.dir, '--all']);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('orion page-1: success');
      if (!pauses) {
        expect(run.stdout).toContain('orion mig-1: success');
        return;
      }
      expect(run.stdout).toContain(
        `orion mig-1: waiting for a person's approval: the task names "migration", a human review point of agents/orion/constraints.md: "${REVIEW_POINT.slice(2)}"`,
      );
      expect(repo.read('agents/orion/queue.md')).toMatch(
        /## mig-1\n[\s\S]*awaiting_approval: Before any schema migration of production/,
      );
      expect(repoRewardRecords(repo.dir, 'orion').map((r) => r.task_id)).toEqual(['page-1']);
      // Another run passes over it, and writes nothing new.
      const before = await repo.subjects();
      const again = await runCli(['run', '--dir', repo.dir]);
      expect(again.stdout).toContain('No pending task');
      expect(await repo.subjects()).toEqual(before);

      // A person approves it in queue.md: the next run answers it.
      repo.write(
        'agents/orion/queue.md',
        repo
          .read('agents/orion/queue.md')
          .replace(/(awaiting_approval: .*\n)/, '$1approved_by: ada\n'),
      );
      await repo.git.exec(['add', 'agents/orion/queue.md']);
      await commitStaged(repo.git, 'Approve mig-1');
      const approved = await runCli(['run', '--dir', repo.dir]);
      expect(approved.stdout).toMatch(/^orion mig-1: success/);
      expect(findTask(repo.dir, 'orion', 'mig-1')?.status).toBe('done');
    },
  );

  it('redacts privacy patterns from context, answers, records and commits', async () => {
    repo.write(
      'agents/orion/constraints.md',
      `${repo.read('agents/orion/constraints.md')}\n## Privacy\n\n- Email addresses\n- Account ids \`/ACCT-\\d{4}/\`\n`,
    );
    await repo.git.exec(['add', 'agents/orion/constraints.md']);
    await commitStaged(repo.git, 'Privacy');
    const text = 'Sync paginated invoices of ACCT-1234 and mail ops@vendor.example on rate limits';
    const run = await runCli(['run', '--dir', repo.dir, '--text', text]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('[redacted: account ids]');
    for (const seen of [
      run.stdout,
      repo.read('agents/orion/context.md'),
      JSON.stringify(repoRewardRecords(repo.dir, 'orion')),
      (await repo.git.exec(['log', '-p', '-n1'])).stdout,
    ]) {
      expect(seen).not.toContain('ACCT-1234');
      expect(seen).not.toContain('ops@vendor.example');
    }
    expect(repo.read('agents/orion/context.md')).toContain('[redacted: email address]');
  });
});

describe('privacy patterns and purpose narrowing (pure)', () => {
  it('knows kinds of personal data by name, takes /regex/ literals, and says what it cannot enforce', () => {
    const rules = privacyPatterns([
      'Email addresses',
      'Badge numbers `/B-\\d+/`',
      'Anything sensitive',
    ]);
    expect(rules.patterns.map((p) => p.name)).toEqual(['email address', 'badge numbers']);
    expect(rules.unenforceable).toEqual(['Anything sensitive']);
    expect(redactPrivate('a@b.io has B-77', rules.patterns)).toBe(
      '[redacted: email address] has [redacted: badge numbers]',
    );
  });

  it('keeps a clear purpose, narrows a broad one to what the tasks exercise', () => {
    expect(
      narrowPurpose('Review vendor contracts for liability risks', ['x']).reason,
    ).toBeUndefined();
    const broad = narrowPurpose('Triage incidents, write postmortems and plan capacity', [
      'Write the postmortem of the outage',
    ]);
    expect(broad.firstVersion).toBe('write postmortems');
    expect(broad.later).toEqual(['Triage incidents', 'plan capacity']);
  });
});

describe('task policy on GitHub', () => {
  let api: FakeGitHub;
  let remote: string;
  beforeAll(async () => {
    api = await startFakeGitHub({ owner: OWNER, repo: REPO, token: TOKEN });
    remote = await makeRemote();
    const workspace = await cloneWorkspace(remote);
    const { readFileSync, writeFileSync, mkdirSync } = await import('node:fs');
    const { dirname } = await import('node:path');
    await setPolicy(
      {
        read: (path) => readFileSync(join(workspace.dir, path), 'utf8'),
        write: (path, content) => {
          mkdirSync(dirname(join(workspace.dir, path)), { recursive: true });
          writeFileSync(join(workspace.dir, path), content);
        },
        git: workspace.git,
      },
      { risk: 'high', autonomy: 'semi-autonomous' },
    );
    await workspace.git.exec(['push', '--quiet', 'origin', 'HEAD:main']);
  });
  afterAll(() => api.close());

  it('a review point asks for approval in a comment; /agentos approve runs the task', async () => {
    api.seedIssue(31, ['agentos']);
    const title = 'Plan the migration of the invoices table behind the paginated sync';
    const before = await remoteLog(remote);
    const asked = await runAction({
      workspace: (await cloneWorkspace(remote)).dir,
      apiUrl: api.url,
      eventName: 'issues',
      payload: issuePayload('opened', { number: 31, title, body: '', labels: ['agentos'] }),
    });
    expect(asked.code).toBe(0);
    expect(asked.outputs.status).toBe('replied');
    expect(await remoteLog(remote)).toEqual(before);
    const question = api.issue(31).comments.at(-1)!.body;
    expect(question).toContain(
      'issue-31 reaches a human review point of `agents/orion/constraints.md`',
    );
    expect(question).toContain('> Before any schema migration of production');
    expect(question).toContain('`/agentos approve`');

    const approved = await runAction({
      workspace: (await cloneWorkspace(remote)).dir,
      apiUrl: api.url,
      eventName: 'issue_comment',
      payload: commentPayload({
        number: 31,
        body: '/agentos approve',
        commentId: 7001,
        issue: { title, body: '' },
      }),
    });
    expect(approved.code).toBe(0);
    expect(approved.outputs.status).toBe('done');
    expect((await remoteRewardRecords(remote, 'orion')).map((r) => r.task_id)).toContain(
      'issue-31',
    );
    expect(api.issue(31).comments.at(-1)!.body).toContain(
      '[offline model: deterministic rules, not an LLM]',
    );
  });

  it('a forbidden tool in an issue is refused with a comment quoting the rule', async () => {
    api.seedIssue(32, ['agentos']);
    const before = await remoteLog(remote);
    const run = await runAction({
      workspace: (await cloneWorkspace(remote)).dir,
      apiUrl: api.url,
      eventName: 'issues',
      payload: issuePayload('opened', {
        number: 32,
        title: 'Reset the sync with DROP TABLE cursors',
        body: '',
        labels: ['agentos'],
      }),
    });
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe('replied');
    expect(await remoteLog(remote)).toEqual(before);
    const reply = api.issue(32).comments.at(-1)!.body;
    expect(reply).toContain(
      'AgentOS refused issue-32 before calling any model: the task names **DROP TABLE**, and `agents/orion/constraints.md` (Tools forbidden) says:',
    );
    expect(reply).toContain('> DROP TABLE');
  });
});
