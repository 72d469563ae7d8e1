// The action creates its labels on first use: in a repository that has only the trigger label (a
// person made it to label the issue), the first task creates the status labels with AgentOS's
// colours and descriptions; later runs create nothing; a token that may not create labels does not
// fail the task.
import {
  cloneWorkspace,
  issuePayload,
  makeRemote,
  OWNER,
  REPO,
  runAction,
  TOKEN,
} from './helpers/action.js';
import { startFakeGitHub, type FakeGitHub } from './helpers/fake-github.js';

const servers: FakeGitHub[] = [];
afterAll(() => Promise.all(servers.map((server) => server.close())));

async function answerIssue(api: FakeGitHub, workspaceDir: string, number: number) {
  api.seedIssue(number, ['agentos']);
  return runAction({
    workspace: workspaceDir,
    apiUrl: api.url,
    eventName: 'issues',
    payload: issuePayload('opened', {
      number,
      title: 'Build a Python sync process for a paginated API with rate limits',
      body: '',
      labels: ['agentos'],
    }),
  });
}

const labelCreations = (api: FakeGitHub) =>
  api.writes().filter((r) => r.method === 'POST' && r.path === `/repos/${OWNER}/${REPO}/labels`);

describe('action: labels', () => {
  it('creates the missing status labels on first use, once', async () => {
    const api = await startFakeGitHub({ owner: OWNER, repo: REPO, token: TOKEN, labels: [] });
    servers.push(api);
    const workspace = await cloneWorkspace(await makeRemote());

    const first = await answerIssue(api, workspace.dir, 7);
    expect(first.code).toBe(0);
    expect(first.outputs.status).toBe('done');
    expect(api.repositoryLabels()).toEqual([
      {
        name: 'agentos',
        color: '5319e7',
        description: 'A task for AgentOS: an agent answers the issue and commits what it learned',
      },
      { name: 'agentos:running', color: 'fbca04', description: 'AgentOS is working on this task' },
      { name: 'agentos:done', color: '0e8a16', description: 'AgentOS answered this task' },
      {
        name: 'agentos:failed',
        color: 'd93f0b',
        description: 'AgentOS could not answer this task; comment /agentos retry to run it again',
      },
    ]);
    expect(api.issue(7).labels).toEqual(['agentos', 'agentos:done']);
    expect(labelCreations(api)).toHaveLength(4);

    const second = await answerIssue(api, workspace.dir, 8);
    expect(second.code).toBe(0);
    expect(labelCreations(api)).toHaveLength(4);
    expect(api.issue(8).labels).toEqual(['agentos', 'agentos:done']);
  });

  it('answers the issue even when the token may not create labels', async () => {
    const api = await startFakeGitHub({ owner: OWNER, repo: REPO, token: TOKEN, labels: [] });
    servers.push(api);
    const workspace = await cloneWorkspace(await makeRemote());
    api.failNext({ method: 'POST', path: /\/labels$/, status: 403, times: 1 });
    const run = await answerIssue(api, workspace.dir, 9);
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe('done');
    expect(run.stdout).toContain(
      '::warning::could not create the label "agentos" (HTTP 403): create it by hand, or give the job "issues: write"',
    );
    expect(api.issue(9).labels).toEqual(['agentos', 'agentos:done']);
  });
});
