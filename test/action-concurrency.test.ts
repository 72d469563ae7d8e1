// Concurrent runs never lose a commit: four runs on four issues start at once from the same
// checkout state and push to one bare remote. A pre-receive hook holds the first pushes until all
// four have arrived, so three of them are certainly rejected and must fetch, replay and push again.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Git } from '../src/git/git.js';
import {
  cloneWorkspace,
  issuePayload,
  makeRemote,
  OWNER,
  remoteLog,
  REPO,
  runAction,
  TOKEN,
} from './helpers/action.js';
import { startFakeGitHub } from './helpers/fake-github.js';
import { remoteRewardRecords } from './helpers/rewards.js';

const RUNS = 4;

/** Holds each push until RUNS pushes have arrived (at most 30 s); later pushes pass at once. */
function installPushBarrier(remote: string): void {
  const hook = join(remote, 'hooks', 'pre-receive');
  writeFileSync(
    hook,
    `#!/bin/sh
dir="$GIT_DIR/push-barrier"
mkdir -p "$dir" && touch "$dir/$$"
i=0
while [ "$(ls "$dir" | wc -l)" -lt ${RUNS} ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
exit 0
`,
  );
  chmodSync(hook, 0o755);
}

/** The workspace's uncommitted state: status, staged and unstaged diffs. */
async function workspaceState(git: Git): Promise<string> {
  const status = await git.exec(['status', '--porcelain=v1', '--untracked-files=all']);
  const staged = await git.exec(['diff', '--cached', '--binary']);
  const unstaged = await git.exec(['diff', '--binary']);
  return [status.stdout, staged.stdout, unstaged.stdout].join('\n--\n');
}

// Tasks that share concepts (pagination, rate limits, retries), so their memory changes overlap.
const TASKS = [
  'Sync invoices from a paginated vendor API with rate limits',
  'Add retries with exponential backoff when the paginated export returns 429',
  'Refresh OAuth tokens during a long paginated sync',
  'Handle repeated webhook deliveries from the payments vendor idempotently',
];

it('four runs at once on different issues: four commits and four reward records on the remote', async () => {
  const api = await startFakeGitHub({ owner: OWNER, repo: REPO, token: TOKEN });
  try {
    const remote = await makeRemote();
    installPushBarrier(remote);
    const before = await remoteLog(remote);
    const workspaces = await Promise.all(TASKS.map(() => cloneWorkspace(remote)));
    // Earlier steps of each job left work in the workspace, staged and unstaged, inside and outside
    // the agent's memory: the runs, their rejected pushes and their replays must not touch it.
    const theirs: string[] = [];
    for (const workspace of workspaces) {
      writeFileSync(join(workspace.dir, 'build-notes.txt'), 'staged by an earlier step\n');
      await workspace.git.add(['build-notes.txt']);
      writeFileSync(
        join(workspace.dir, 'agents/orion/goals.md'),
        '# Goals\n\n- [ ] edited, unstaged\n',
      );
      theirs.push(await workspaceState(workspace.git));
    }
    const runs = await Promise.all(
      TASKS.map((title, index) => {
        const number = 101 + index;
        api.seedIssue(number, ['agentos']);
        return runAction({
          workspace: workspaces[index]!.dir,
          apiUrl: api.url,
          eventName: 'issues',
          payload: issuePayload('opened', { number, title, body: '', labels: ['agentos'] }),
        });
      }),
    );

    for (const run of runs) {
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.outputs.status).toBe('done');
    }
    const rejected = runs.map(
      (run) => run.stdout.match(/rejected: the remote moved on/g)?.length ?? 0,
    );
    expect(rejected.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(RUNS - 1);
    expect(runs.filter((run) => run.stdout.includes('replaying the work on'))).toHaveLength(
      runs.filter((_, i) => rejected[i]! > 0).length,
    );

    const after = await remoteLog(remote);
    expect(after).toHaveLength(before.length + RUNS);
    const landed = new Set(after.map((c) => c.sha));
    runs.forEach((run, index) => {
      const sha = run.outputs['commit-sha']!;
      expect(landed.has(sha)).toBe(true);
      expect(after.find((c) => c.sha === sha)!.message).toContain(`Refs #${101 + index}`);
      // The comment links the commit that landed, not one dropped by a replay.
      expect(api.issue(101 + index).comments[0]!.body).toContain(`/commit/${sha})`);
    });

    for (const [index, workspace] of workspaces.entries())
      expect(await workspaceState(workspace.git)).toBe(theirs[index]);
    const pushed = await Git.create(remote).exec([
      'log',
      '--name-only',
      '--format=',
      `${before[0]!.sha}..main`,
    ]);
    expect(pushed.stdout).not.toContain('build-notes.txt');
    expect(pushed.stdout.split('\n')).not.toContain('agents/orion/goals.md');

    const records = await remoteRewardRecords(remote, 'orion');
    expect(records.map((r) => r.task_id).sort()).toEqual([
      'issue-101',
      'issue-102',
      'issue-103',
      'issue-104',
    ]);
  } finally {
    await api.close();
  }
});
