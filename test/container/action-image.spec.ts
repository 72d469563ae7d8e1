// The action's image, run as GitHub runs a Docker action: the workspace (owned by another user,
// like the runner's) mounted at /github/workspace, the event, outputs and summary files under
// /github, INPUT_* and GITHUB_* passed by name, the local GitHub stand-in reached over the host's
// network. Run by test/container/run.sh, which builds the image first.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cloneWorkspace,
  issuePayload,
  makeRemote,
  OWNER,
  parseOutputs,
  remoteLog,
  REPO,
  TOKEN,
} from '../helpers/action.js';
import { startFakeGitHub } from '../helpers/fake-github.js';
import { tempDir } from '../helpers/repo.js';
import { remoteRewardRecords } from '../helpers/rewards.js';

const IMAGE = process.env.AGENTOS_CONTAINER_IMAGE;
const RUNTIME = process.env.AGENTOS_CONTAINER_RUNTIME ?? '/usr/sbin/runc';

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('close', (code) =>
      resolve({
        code: code ?? 1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

it('answers an issue from inside the action image: one comment, the done label, one pushed commit', async () => {
  if (!IMAGE) throw new Error('AGENTOS_CONTAINER_IMAGE is not set: run test/container/run.sh');
  const api = await startFakeGitHub({ owner: OWNER, repo: REPO, token: TOKEN });
  try {
    const remote = await makeRemote();
    const workspace = await cloneWorkspace(remote);
    const before = await remoteLog(remote);
    // On a runner the checkout belongs to the runner user, not to the container's root: git
    // refuses such a repository unless the action marks it safe.
    expect((await run('chown', ['-R', '1001:1001', workspace.dir])).code).toBe(0);

    const github = tempDir('agentos-github-');
    for (const folder of ['home', 'workflow', 'file_commands']) mkdirSync(join(github, folder));
    api.seedIssue(77, ['agentos']);
    writeFileSync(
      join(github, 'workflow', 'event.json'),
      JSON.stringify(
        issuePayload('opened', {
          number: 77,
          title: 'Build a Python sync process for a paginated API with rate limits',
          body: 'The vendor answers 429 with Retry-After.',
          labels: ['agentos'],
        }),
      ),
    );
    writeFileSync(join(github, 'file_commands', 'set_output'), '');
    writeFileSync(join(github, 'file_commands', 'step_summary'), '');

    // What the runner sets for a Docker action step; passed by name (`-e NAME`), as it does.
    const variables: Record<string, string> = {
      'INPUT_GITHUB-TOKEN': TOKEN,
      'INPUT_TRIGGER-LABEL': 'agentos',
      'INPUT_ALLOWED-AUTHOR-ASSOCIATIONS': 'OWNER, MEMBER, COLLABORATOR',
      INPUT_MODE: 'auto',
      'INPUT_DRY-RUN': 'false',
      HOME: '/github/home',
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: 'issues',
      GITHUB_EVENT_PATH: '/github/workflow/event.json',
      GITHUB_WORKSPACE: '/github/workspace',
      GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
      GITHUB_API_URL: api.url,
      GITHUB_SERVER_URL: api.url,
      GITHUB_REF: 'refs/heads/main',
      GITHUB_SHA: before[0]!.sha,
      GITHUB_RUN_ID: '4242',
      GITHUB_OUTPUT: '/github/file_commands/set_output',
      GITHUB_STEP_SUMMARY: '/github/file_commands/step_summary',
    };
    const remoteFolder = join(remote, '..');
    const args = [
      '--runtime',
      RUNTIME,
      'run',
      '--rm',
      '--network',
      'host',
      '--ulimit',
      'nofile=1024:1024',
      '--ulimit',
      'nproc=1000:1000',
      '-v',
      `${workspace.dir}:/github/workspace`,
      '-v',
      `${join(github, 'home')}:/github/home`,
      '-v',
      `${join(github, 'workflow')}:/github/workflow`,
      '-v',
      `${join(github, 'file_commands')}:/github/file_commands`,
      // The workspace's origin is the bare remote's path: mount it at the same path.
      '-v',
      `${remoteFolder}:${remoteFolder}`,
      '-w',
      '/github/workspace',
      ...Object.keys(variables).flatMap((name) => ['-e', name]),
      IMAGE,
    ];
    const result = await run('podman', args, { ...process.env, ...variables });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`::add-mask::${TOKEN}`);
    expect(result.stdout).toMatch(/orion issue-77: success \(\+1\) on \w[\w-]* \[offline-rules\]/);

    const after = await remoteLog(remote);
    expect(after).toHaveLength(before.length + 1);
    const head = after[0]!;
    expect(head.message).toContain('Refs #77');
    expect(head.message).toContain('AgentOS-Task: issue-77');
    const records = await remoteRewardRecords(remote, 'orion');
    expect(records.map((r) => r.task_id)).toEqual(['issue-77']);

    const comments = api.issue(77).comments;
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('[offline model: deterministic rules, not an LLM]');
    expect(comments[0]!.body).toContain(`/commit/${head.sha})`);
    expect(api.issue(77).labels).toEqual(['agentos', 'agentos:done']);

    const outputs = parseOutputs(readFileSync(join(github, 'file_commands', 'set_output'), 'utf8'));
    expect(outputs).toMatchObject({
      status: 'done',
      'task-id': 'issue-77',
      'commit-sha': head.sha,
    });
    expect(readFileSync(join(github, 'file_commands', 'step_summary'), 'utf8')).toContain(
      '## AgentOS — orion · #77 · issue-77',
    );
  } finally {
    await api.close();
  }
});
