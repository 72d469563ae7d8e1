// autonomy: assistant and learning: constrained in the action (SPEC §8, §10): the memory change of a
// queued task is pushed to its review branch with one pull request (a re-run opens no second one),
// main gets only the queue's bookkeeping, and merging the pull request makes the memory live and the
// task done; a constrained learning run opens a pull request for its promotions.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Git } from '../src/git/git.js';
import {
  cloneWorkspace,
  issuePayload,
  makeRemote,
  OWNER,
  REPO,
  runAction,
  TOKEN,
} from './helpers/action.js';
import { runCli } from './helpers/cli.js';
import { startFakeGitHub, type FakeGitHub } from './helpers/fake-github.js';
import { commitStaged } from './helpers/person.js';

const BRANCH = 'agentos/review/orion/sync-1';
const RECORD = 'agents/orion/rewards/recent/sync-1.md';

async function remoteShow(remote: string, ref: string): Promise<string | undefined> {
  const out = await Git.create(remote).exec(['show', ref], { allowFailure: true });
  return out.exitCode === 0 ? out.stdout : undefined;
}

/** A remote whose agents.yaml has `replace` done, with `files` added and `queued` enqueued. */
async function remoteWith(
  replace: [string, string],
  files: Record<string, string>,
  queued?: string,
): Promise<string> {
  const remote = await makeRemote();
  const seed = await cloneWorkspace(remote);
  await seed.git.exec(['config', 'user.name', 'Person']);
  await seed.git.exec(['config', 'user.email', 'person@example.com']);
  const registry = join(seed.dir, 'agents.yaml');
  writeFileSync(registry, readFileSync(registry, 'utf8').replace(replace[0], replace[1]));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(seed.dir, path)), { recursive: true });
    writeFileSync(join(seed.dir, path), text);
  }
  await seed.git.add(['agents.yaml', ...Object.keys(files)]);
  await commitStaged(seed.git, 'Orion’s policy');
  if (queued) {
    const enqueued = await runCli(['enqueue', '--dir', seed.dir, '--id', 'sync-1', queued]);
    expect(enqueued.code).toBe(0);
  }
  await seed.git.exec(['push', '--quiet', 'origin', 'HEAD:main']);
  return remote;
}

describe('action: memory changes for review on GitHub', () => {
  let github: FakeGitHub;
  afterEach(() => github?.close());

  it('an assistant’s task opens one pull request, main keeps only the bookkeeping, the merge makes it live', async () => {
    const remote = await remoteWith(
      ['autonomy: semi-autonomous', 'autonomy: assistant'],
      {},
      'Sync a paginated API with rate limits.',
    );
    github = await startFakeGitHub({ owner: OWNER, repo: REPO, token: TOKEN, gitDir: remote });
    const runTask = async () =>
      runAction({
        workspace: (await cloneWorkspace(remote)).dir,
        apiUrl: github.url,
        eventName: 'schedule',
        payload: { schedule: '*/30 * * * *' },
        inputs: { mode: 'task', agent: 'orion' },
      });

    const first = await runTask();
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
    const pulls = [...github.pulls.values()];
    expect(pulls).toHaveLength(1);
    const pull = pulls[0]!;
    expect(pull).toMatchObject({ head: BRANCH, base: 'main', state: 'open', merged: false });
    expect(pull.title).toBe('orion: memory change of sync-1 awaiting review');
    expect(pull.body).toContain('> Sync a paginated API with rate limits.');
    expect(pull.body).toMatch(/\*\*Outcome:\*\* \w+ \(reward [+-]?\d/);
    expect(pull.body).toContain(`- \`${RECORD}\``);
    expect(first.summary).toContain(`pull request [#${pull.number}]`);
    // main has the queue's bookkeeping, the branch has the memory.
    expect(await remoteShow(remote, `main:${RECORD}`)).toBeUndefined();
    expect(await remoteShow(remote, 'main:agents/orion/queue.md')).toMatch(/^status: review$/m);
    expect(await remoteShow(remote, `${BRANCH}:${RECORD}`)).toContain('sync-1');
    const branchHead = (await Git.create(remote).exec(['rev-parse', BRANCH])).stdout.trim();

    // A re-run neither runs the task again nor opens a second pull request.
    const second = await runTask();
    expect({ code: second.code, stderr: second.stderr }).toEqual({ code: 0, stderr: '' });
    expect(second.summary).toContain('No pending task');
    expect(github.pulls.size).toBe(1);
    expect((await Git.create(remote).exec(['rev-parse', BRANCH])).stdout.trim()).toBe(branchHead);

    // A person merges the pull request: the memory is live, and the next run marks the task done.
    const merged = await fetch(`${github.url}/repos/${OWNER}/${REPO}/pulls/${pull.number}/merge`, {
      method: 'PUT',
      headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sha: branchHead }),
    });
    expect(merged.status).toBe(200);
    expect(await remoteShow(remote, `main:${RECORD}`)).toContain('sync-1');
    const third = await runTask();
    expect({ code: third.code, stderr: third.stderr }).toEqual({ code: 0, stderr: '' });
    const queue = (await remoteShow(remote, 'main:agents/orion/queue.md')) ?? '';
    expect(queue).not.toContain('sync-1');
    expect(github.pulls.size).toBe(1);
  });

  it('a constrained learning run opens one pull request for its promotions; main stays as it was', async () => {
    const at = '2026-05-01T09:00:00Z';
    const hypothesis = [
      '---',
      'kind: hypothesis',
      'name: "Webhook retries"',
      'confidence: 0.8',
      'status: open',
      'proposes: entity',
      'claim: "Vendor webhooks are retried with exponential backoff for a day."',
      `created: ${at}`,
      'evidence:',
      ...['t1', 't2', 't3'].flatMap((task) => [
        `  - task: ${task}`,
        '    supports: true',
        `    at: ${at}`,
      ]),
      '---',
      '',
      'Vendor webhooks are retried with exponential backoff for a day.',
      '',
    ].join('\n');
    const path = 'agents/orion/world/hypotheses/webhook-retries.md';
    const remote = await remoteWith(['learning: active', 'learning: constrained'], {
      [path]: hypothesis,
    });
    github = await startFakeGitHub({ owner: OWNER, repo: REPO, token: TOKEN, gitDir: remote });
    const learn = async () =>
      runAction({
        workspace: (await cloneWorkspace(remote)).dir,
        apiUrl: github.url,
        eventName: 'schedule',
        payload: { schedule: '17 2 * * *' },
        inputs: { mode: 'learn', agent: 'orion' },
      });

    const first = await learn();
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
    const pulls = [...github.pulls.values()];
    expect(pulls).toHaveLength(1);
    const pull = pulls[0]!;
    expect(pull.head).toMatch(/^agentos\/promotions-orion-\d{4}-\d{2}-\d{2}$/);
    expect(pull).toMatchObject({ base: 'main', state: 'open' });
    expect(pull.body).toContain('`learning: constrained`');
    expect(pull.body).toContain(`- \`${path}\``);
    expect(pull.body).toContain('propose: promote 1 hypothesis');
    expect(first.summary).toContain(`pull request [#${pull.number}]`);
    expect(await remoteShow(remote, `main:${path}`)).toMatch(/^status: open$/m);
    expect(await remoteShow(remote, `${pull.head}:${path}`)).toMatch(/^status: promoted$/m);

    const second = await learn();
    expect({ code: second.code, stderr: second.stderr }).toEqual({ code: 0, stderr: '' });
    expect(github.pulls.size).toBe(1);
  });

  it('an assistant’s issue task answers once with a link to its pull request, and is not run again while it is open', async () => {
    const remote = await remoteWith(['autonomy: semi-autonomous', 'autonomy: assistant'], {});
    github = await startFakeGitHub({ owner: OWNER, repo: REPO, token: TOKEN, gitDir: remote });
    github.seedIssue(42, ['agentos']);
    const runIssue = async () =>
      runAction({
        workspace: (await cloneWorkspace(remote)).dir,
        apiUrl: github.url,
        eventName: 'issues',
        payload: issuePayload('opened', {
          number: 42,
          title: 'Sync a paginated API with rate limits',
          body: 'The vendor answers 429 with Retry-After.',
          labels: ['agentos'],
        }),
      });
    const first = await runIssue();
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
    const pulls = [...github.pulls.values()];
    expect(pulls).toHaveLength(1);
    const pull = pulls[0]!;
    expect(pull.head).toBe('agentos/review/orion/issue-42');
    const answers = github.issue(42).comments;
    expect(answers).toHaveLength(1);
    expect(answers[0]!.body).toContain(
      `Memory change awaiting review: pull request [#${pull.number}]`,
    );

    const second = await runIssue();
    expect({ code: second.code, stderr: second.stderr }).toEqual({ code: 0, stderr: '' });
    expect(second.summary).toContain(`awaits review in pull request #${pull.number}`);
    expect(github.pulls.size).toBe(1);
    expect(github.issue(42).comments).toHaveLength(1);
  });
});
