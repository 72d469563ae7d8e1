// Pushing so that concurrent writers never lose a commit: rejected pushes fetch and put the work on
// top, transient failures wait and retry, everything else fails at once; attempts are bounded.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  backoffDelay,
  classifyPushFailure,
  GitError,
  PushFailedError,
  RebaseConflictError,
} from '../src/git/git.js';
import { publishWork } from '../src/loop/publish.js';
import { runIteration } from '../src/loop/iteration.js';
import { OfflineModel } from '../src/llm/offline/offline-model.js';
import {
  cloneWorkspace,
  makeRemote,
  remoteFile,
  remoteLog,
  type Workspace,
} from './helpers/action.js';
import { steppingClock } from './helpers/repo.js';
import { commitStaged } from './helpers/person.js';
import { remoteRewardRecords } from './helpers/rewards.js';

async function commitFile(workspace: Workspace, path: string, content: string, message: string) {
  writeFileSync(join(workspace.dir, path), content);
  await workspace.git.add([path]);
  return commitStaged(workspace.git, message);
}

const noWait = async () => {};

describe('pushWithRebaseRetry', () => {
  let remote: string;
  beforeEach(async () => {
    remote = await makeRemote();
  });

  it('pushes at once when nothing is in the way', async () => {
    const a = await cloneWorkspace(remote);
    const sha = await commitFile(a, 'notes.md', 'a\n', 'a');
    const result = await a.git.pushWithRebaseRetry({
      remote: 'origin',
      branch: 'main',
      sleep: noWait,
    });
    expect(result).toEqual({ sha, attempts: 1, rebases: 0 });
    expect((await remoteLog(remote))[0]!.sha).toBe(sha);
  });

  it('rebases onto what another writer pushed first and lands both commits', async () => {
    const a = await cloneWorkspace(remote);
    const b = await cloneWorkspace(remote);
    await commitFile(a, 'a.md', 'a\n', 'from a');
    await a.git.pushWithRebaseRetry({ remote: 'origin', branch: 'main', sleep: noWait });
    await commitFile(b, 'b.md', 'b\n', 'from b');
    const waits: number[] = [];
    const result = await b.git.pushWithRebaseRetry({
      remote: 'origin',
      branch: 'main',
      sleep: async (ms) => void waits.push(ms),
      random: () => 0.5,
    });
    expect(result).toMatchObject({ attempts: 2, rebases: 1 });
    expect(waits).toEqual([375]);
    const subjects = (await remoteLog(remote)).map((c) => c.message.split('\n')[0]);
    expect(subjects.slice(0, 2)).toEqual(['from b', 'from a']);
  });

  it('throws RebaseConflictError, with a clean work tree, when the rebase conflicts', async () => {
    const a = await cloneWorkspace(remote);
    const b = await cloneWorkspace(remote);
    await commitFile(a, 'same.md', 'a\n', 'from a');
    await a.git.pushWithRebaseRetry({ remote: 'origin', branch: 'main', sleep: noWait });
    await commitFile(b, 'same.md', 'b\n', 'from b');
    const error = await b.git
      .pushWithRebaseRetry({ remote: 'origin', branch: 'main', sleep: noWait })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RebaseConflictError);
    expect((error as RebaseConflictError).files).toEqual(['same.md']);
    expect((await b.git.exec(['status', '--porcelain'])).stdout).toBe('');
  });

  it('fails at once, unchanged, when the remote refuses the push for good', async () => {
    const hook = join(remote, 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\necho "protected branch: main" >&2\nexit 1\n');
    chmodSync(hook, 0o755);
    const a = await cloneWorkspace(remote);
    await commitFile(a, 'a.md', 'a\n', 'a');
    const error = await a.git
      .pushWithRebaseRetry({ remote: 'origin', branch: 'main', sleep: noWait })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).message).toContain('protected branch: main');
  });

  it('gives up after the allowed attempts, saying why', async () => {
    const a = await cloneWorkspace(remote);
    const b = await cloneWorkspace(remote);
    await commitFile(a, 'a.md', 'a\n', 'from a');
    await a.git.pushWithRebaseRetry({ remote: 'origin', branch: 'main', sleep: noWait });
    await commitFile(b, 'b.md', 'b\n', 'from b');
    const waits: number[] = [];
    const error = await b.git
      .pushWithRebaseRetry({
        remote: 'origin',
        branch: 'main',
        attempts: 3,
        // A writer that never catches up: its work is never put on top.
        rebase: async () => {},
        sleep: async (ms) => void waits.push(ms),
        random: () => 1,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PushFailedError);
    expect((error as Error).message).toMatch(
      /^push to origin\/main failed after 3 attempts: rejected: .*\[rejected\]/,
    );
    expect(waits).toEqual([500, 1000]);
  });

  it('classifies push failures', () => {
    expect(classifyPushFailure('! [rejected]        HEAD -> main (fetch first)')).toBe('rejected');
    expect(classifyPushFailure('! [rejected] HEAD -> main (non-fast-forward)')).toBe('rejected');
    expect(
      classifyPushFailure("! [remote rejected] HEAD -> main (cannot lock ref 'refs/heads/main')"),
    ).toBe('rejected');
    expect(
      classifyPushFailure('! [remote rejected] HEAD -> main (pre-receive hook declined)'),
    ).toBe('fatal');
    expect(classifyPushFailure('error: RPC failed; HTTP 502 curl 22')).toBe('transient');
    expect(classifyPushFailure('fatal: unable to access: Could not resolve host: github.com')).toBe(
      'transient',
    );
    expect(classifyPushFailure('The requested URL returned error: 429')).toBe('transient');
    expect(classifyPushFailure('The requested URL returned error: 403')).toBe('fatal');
    expect(classifyPushFailure('fatal: Authentication failed')).toBe('fatal');
  });

  it('spaces retries exponentially with jitter, within bounds', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, 500, 10_000, () => 0))).toEqual([
      250, 500, 1000, 2000,
    ]);
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, 500, 10_000, () => 1))).toEqual([
      500, 1000, 2000, 4000,
    ]);
    expect(backoffDelay(12, 500, 10_000, () => 1)).toBe(10_000);
  });
});

describe('publishWork', () => {
  it('replays an iteration on the other writer’s memory: both reward records and beliefs survive', async () => {
    const remote = await makeRemote();
    const a = await cloneWorkspace(remote);
    const b = await cloneWorkspace(remote);
    const model = new OfflineModel();
    const clock = steppingClock();
    const task = (id: string, text: string) => ({
      id,
      text,
      agent: 'orion',
      source: 'cli' as const,
    });
    const iterate = (w: Workspace, t: ReturnType<typeof task>) => () =>
      runIteration({ repoRoot: w.dir, git: w.git, model, now: clock }, t);
    const target = { remote: 'origin', branch: 'main' };
    const push = { sleep: noWait };

    await publishWork({
      git: a.git,
      target,
      push,
      work: iterate(a, task('t-a', 'Sync a paginated API with rate limits.')),
    });
    let runs = 0;
    const b1 = iterate(
      b,
      task('t-b', 'Add retries to the paginated export when the API rate limits.'),
    );
    const published = await publishWork({
      git: b.git,
      target,
      push,
      work: () => {
        runs++;
        return b1();
      },
    });
    expect(runs).toBe(2);
    expect(published.push).toMatchObject({ attempts: 2, rebases: 1 });

    const records = await remoteRewardRecords(remote, 'orion');
    expect(records.map((r) => r.task_id)).toEqual(['t-a', 't-b']);
    // The replayed task saw the first task's beliefs: evidence from both tasks on a shared belief.
    const world = await remoteFile(remote, 'agents/orion/world/hypotheses/cursor-pagination.md');
    expect(world).toContain('task: t-a');
    expect(world).toContain('task: t-b');
    expect((await remoteLog(remote))[0]!.sha).toBe(published.value.commit);
  });

  it('keeps the commit local without a target', async () => {
    const remote = await makeRemote();
    const before = await remoteLog(remote);
    const a = await cloneWorkspace(remote);
    const result = await publishWork({
      git: a.git,
      target: undefined,
      work: () => commitFile(a, 'a.md', 'a\n', 'local only'),
    });
    expect(result.push).toBeUndefined();
    expect(await a.git.headSha()).toBe(result.value);
    expect(await remoteLog(remote)).toEqual(before);
  });
});
