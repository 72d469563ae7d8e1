// The bundled action with a real model: the openai SDK against a local OpenAI-compatible server.
// What GitHub sees when the model answers, when it fails (a recorded, retryable failure), and on
// `/agentos retry` after that.
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
import { startFakeGitHub } from './helpers/fake-github.js';
import { answer, apiError, startOpenAIServer, syncAnswer } from './helpers/openai-server.js';
import { remoteRewardLogText, remoteRewardRecords } from './helpers/rewards.js';

const KEY = 'sk-action-test-7d1c5e9a0b3f2SECRET';
const TITLE = 'Sync a paginated API with rate limits';

describe('action with an OpenAI-compatible model', () => {
  it('fails a task the model cannot answer, says why, and answers it on /agentos retry', async () => {
    const api = await startFakeGitHub({ owner: OWNER, repo: REPO, token: TOKEN });
    let healthy = false;
    const llm = await startOpenAIServer(() =>
      healthy ? answer(syncAnswer()) : apiError(500, 'upstream overloaded'),
    );
    try {
      const remote = await makeRemote();
      const inputs = { 'llm-api-key': KEY, 'llm-base-url': llm.url };
      const env = { LLM_MAX_RETRIES: '0', LLM_TIMEOUT_SECONDS: '5' };
      api.seedIssue(5, ['agentos']);

      const failed = await runAction({
        workspace: (await cloneWorkspace(remote)).dir,
        apiUrl: api.url,
        eventName: 'issues',
        payload: issuePayload('opened', { number: 5, title: TITLE, body: '', labels: ['agentos'] }),
        inputs,
        env,
      });
      expect(failed.code).not.toBe(0);
      expect(api.issue(5).labels).toEqual(['agentos', 'agentos:failed']);
      const why = api.issue(5).comments.at(-1)!.body;
      expect(why).toMatch(/upstream overloaded/);
      expect(why).toContain('/agentos retry');
      const failedRecords = await remoteRewardRecords(remote, 'orion');
      expect(failedRecords).toHaveLength(1);
      expect(failedRecords[0]).toMatchObject({
        task_id: 'issue-5',
        outcome: 'failure',
        reward: -1,
      });
      expect(failedRecords[0]!.error).toMatch(/upstream overloaded/);

      healthy = true;
      const retried = await runAction({
        workspace: (await cloneWorkspace(remote)).dir,
        apiUrl: api.url,
        eventName: 'issue_comment',
        payload: commentPayload({
          number: 5,
          body: '/agentos retry',
          labels: ['agentos', 'agentos:failed'],
          issue: { title: TITLE, body: '' },
        }),
        inputs,
        env,
      });
      expect(retried.code).toBe(0);
      expect(retried.outputs.status).toBe('done');
      expect(api.issue(5).labels).toEqual(['agentos', 'agentos:done']);
      const records = await remoteRewardRecords(remote, 'orion');
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ task_id: 'issue-5', outcome: 'success' });
      expect(records[0]!.error).toBeUndefined();
      expect(records[0]!.model_name).toBe('gpt-4o-mini-2024-07-18');
      const reply = api.issue(5).comments.at(-1)!.body;
      expect(reply).toContain('gpt-4o-mini-2024-07-18');
      expect(reply).not.toContain('[offline model');

      // The key went to the model server, and nowhere a person or the repository can see.
      expect(llm.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
      const everything = [
        failed.stdout,
        failed.stderr,
        failed.summary,
        retried.stdout,
        retried.stderr,
        retried.summary,
        ...api.issue(5).comments.map((c) => c.body),
        ...(await remoteLog(remote)).map((c) => c.message),
        await remoteRewardLogText(remote, 'orion'),
      ]
        .join('\n')
        // The runner consumes its mask commands; they are how the key is hidden from the log.
        .replace(/^::add-mask::.*$/gm, '');
      expect(failed.stdout).toContain(`::add-mask::${KEY}`);
      expect(everything).not.toContain(KEY);
    } finally {
      await Promise.all([api.close(), llm.close()]);
    }
  });
});
