// The bundled action on `issue_comment` events: human feedback with /reward (it overrides the
// self-assessment in the task's reward record), /agentos retry and help, and who may give them.
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
import { startFakeGitHub, type FakeGitHub } from './helpers/fake-github.js';
import { remoteRewardRecords } from './helpers/rewards.js';

const TITLE = 'Sync customers from the paginated vendor API with rate limits';

async function rewardOf(remote: string, taskId: string) {
  const records = await remoteRewardRecords(remote, 'orion');
  return records.find((r) => r.task_id === taskId);
}

describe('action: comment commands', () => {
  let api: FakeGitHub;
  let remote: string;
  beforeAll(async () => {
    api = await startFakeGitHub({ owner: OWNER, repo: REPO, token: TOKEN });
    remote = await makeRemote();
    api.seedIssue(21, ['agentos']);
    const task = await runAction({
      workspace: (await cloneWorkspace(remote)).dir,
      apiUrl: api.url,
      eventName: 'issues',
      payload: issuePayload('opened', { number: 21, title: TITLE, body: '', labels: ['agentos'] }),
    });
    expect(task.outputs.status).toBe('done');
  });
  afterAll(() => api.close());

  const comment = async (
    body: string,
    options: Partial<Parameters<typeof commentPayload>[0]> = {},
  ) =>
    runAction({
      workspace: (await cloneWorkspace(remote)).dir,
      apiUrl: api.url,
      eventName: 'issue_comment',
      payload: commentPayload({ number: 21, body, ...options }),
    });

  it('ignores /reward from a non-member: the record is unchanged, one polite reply', async () => {
    const before = await remoteLog(remote);
    const comments = api.issue(21).comments.length;
    const run = await comment('/reward correctness=-1 note="this is wrong"', {
      author: 'drive-by',
      association: 'CONTRIBUTOR',
      commentId: 6001,
    });
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe('skipped');
    expect(await remoteLog(remote)).toEqual(before);
    expect((await rewardOf(remote, 'issue-21'))!.feedback).toBeNull();
    const replies = api.issue(21).comments.slice(comments);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body).toMatch(
      /^Sorry, @drive-by: only OWNER, MEMBER or COLLABORATOR of this repository can give AgentOS feedback or commands, so nothing was changed\./,
    );
    expect(api.reactions.filter((r) => r.commentId === 6001)).toEqual([]);

    // However many more commands they post, no more replies to them on this issue.
    for (const [n, body] of ['/agentos retry', '/reward +1', '/agentos help'].entries()) {
      const again = await comment(body, {
        author: 'Drive-By',
        association: 'CONTRIBUTOR',
        commentId: 6010 + n,
      });
      expect(again.code).toBe(0);
      expect(again.outputs.status).toBe('skipped');
    }
    expect(api.issue(21).comments.slice(comments)).toHaveLength(1);
    expect(await remoteLog(remote)).toEqual(before);
    // Another refused author is told once too.
    await comment('/agentos retry', { author: 'passer-by', association: 'NONE', commentId: 6020 });
    const all = api.issue(21).comments.slice(comments);
    expect(all).toHaveLength(2);
    expect(all[1]!.body).toMatch(/^Sorry, @passer-by: only /);
  });

  it('answers a malformed /reward with help and changes nothing', async () => {
    const before = await remoteLog(remote);
    const comments = api.issue(21).comments.length;
    const run = await comment('/reward correctness=2');
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe('replied');
    expect(await remoteLog(remote)).toEqual(before);
    const reply = api.issue(21).comments[comments]!.body;
    expect(reply).toContain(
      'AgentOS did not understand that command: correctness must be -1, 0 or +1 (got "2").',
    );
    expect(reply).toContain('`/reward correctness=-1 efficiency=+1 note="what was wrong"`');
  });

  it('records human feedback: the reward record is overridden and the commit pushed', async () => {
    const before = await remoteLog(remote);
    const self = (await rewardOf(remote, 'issue-21'))!;
    expect(self.outcome).toBe('success');
    const comments = api.issue(21).comments.length;
    const run = await comment('/reward correctness=-1 efficiency=0 note="wrong cursor field"', {
      commentId: 6002,
    });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({
      status: 'feedback-recorded',
      'task-id': 'issue-21',
      outcome: 'failure',
      reward: '-1',
    });
    const after = await remoteLog(remote);
    expect(after).toHaveLength(before.length + 1);
    expect(after[0]!.sha).toBe(run.outputs['commit-sha']);
    expect(after[0]!.message).toMatch(
      /^orion: human feedback on issue-21 \(correctness=-1, efficiency=0\)/,
    );
    expect(after[0]!.message).toContain('Refs #21');
    expect(after[0]!.message).toContain('AgentOS-Feedback: Codertocat');

    const record = (await rewardOf(remote, 'issue-21'))!;
    expect(record.outcome).toBe('failure');
    expect(record.reward).toBe(-1);
    expect(record.reward_decomposition.correctness).toBe(-1);
    expect(record.feedback).toMatchObject({
      by: 'Codertocat',
      scores: { correctness: -1, efficiency: 0 },
      note: 'wrong cursor field',
    });

    const reply = api.issue(21).comments[comments]!.body;
    expect(reply).toContain(
      "Recorded @Codertocat's feedback on `issue-21`: success (+1) → failure (-1).",
    );
    expect(reply).toContain(`commit [${after[0]!.sha.slice(0, 7)}](`);
    expect(api.reactions).toContainEqual({ commentId: 6002, content: '+1' });

    // The same feedback again changes nothing.
    const again = await comment('/reward correctness=-1 efficiency=0 note="wrong cursor field"');
    expect(again.code).toBe(0);
    expect(await remoteLog(remote)).toHaveLength(after.length);
    expect(api.issue(21).comments.at(-1)!.body).toContain('was already recorded; nothing changed');
  });

  it('says a processed task is already processed on /agentos retry', async () => {
    const before = await remoteLog(remote);
    const run = await comment('/agentos retry', { commentId: 6003 });
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe('already-processed');
    expect(await remoteLog(remote)).toEqual(before);
    expect(api.issue(21).comments.at(-1)!.body).toMatch(
      /^`issue-21` is already processed: its reward record is in the reward log `agents\/orion\/rewards\/`/,
    );
    expect(api.reactions).toContainEqual({ commentId: 6003, content: 'eyes' });
  });

  it('runs a failed task again on /agentos retry', async () => {
    api.seedIssue(22, ['agentos', 'agentos:failed']);
    const run = await runAction({
      workspace: (await cloneWorkspace(remote)).dir,
      apiUrl: api.url,
      eventName: 'issue_comment',
      payload: commentPayload({
        number: 22,
        body: '/agentos retry',
        labels: ['agentos', 'agentos:failed'],
        issue: { title: TITLE, body: 'Second try.' },
      }),
    });
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe('done');
    expect((await remoteLog(remote))[0]!.message).toContain('Refs #22');
    expect(api.issue(22).labels).toEqual(['agentos', 'agentos:done']);
    expect(api.issue(22).comments.at(-1)!.body).toContain('agent **orion** · success (+1)');
  });

  it('ignores conversation and bots without a single request', async () => {
    const requests = api.requests.length;
    for (const run of [
      await comment('Thanks, this looks right!'),
      await comment('/reward correctness=-1', { userType: 'Bot', author: 'some-bot[bot]' }),
    ]) {
      expect(run.code).toBe(0);
      expect(run.outputs.status).toBe('skipped');
    }
    expect(api.requests).toHaveLength(requests);
  });
});
