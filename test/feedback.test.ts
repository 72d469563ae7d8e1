import { applyFeedback } from '../src/loop/feedback.js';
import { runIteration } from '../src/loop/iteration.js';
import { taskFromText } from '../src/loop/task.js';
import { OfflineModel } from '../src/llm/offline/offline-model.js';
import { loadSkills } from '../src/memory/skills.js';
import { loadWorld } from '../src/world/beliefs.js';
import { makeRepo, steppingClock, type TestRepo } from './helpers/repo.js';
import { repoRewardRecords } from './helpers/rewards.js';

describe('human feedback', () => {
  let repo: TestRepo;
  beforeEach(async () => {
    repo = await makeRepo();
  });
  afterEach(() => repo.cleanup());

  it('overrides the self-assessment and lowers the beliefs and skills the task touched', async () => {
    const now = steppingClock();
    const deps = { repoRoot: repo.dir, git: repo.git, model: new OfflineModel(), now };
    await runIteration(
      deps,
      taskFromText('orion', 'Sync a paginated API with rate limits.', 'first'),
    );
    await runIteration(
      deps,
      taskFromText('orion', 'Sync the orders API page by page within its rate limit.', 'second'),
    );
    const before = loadWorld(repo.dir, 'orion').find((b) => b.slug === 'rate-limiter');
    const skillBefore = loadSkills(repo.dir, 'orion')[0];

    const result = await applyFeedback({
      repoRoot: repo.dir,
      git: repo.git,
      agent: 'orion',
      taskId: 'second',
      feedback: { by: 'octocat', scores: { correctness: -1 }, note: 'wrong cursor field' },
      issueNumber: 7,
      now,
    });

    const record = repoRewardRecords(repo.dir, 'orion').find((r) => r.task_id === 'second');
    expect(record).toMatchObject({
      outcome: 'failure',
      reward: -1,
      reward_decomposition: { correctness: -1 },
      feedback: { by: 'octocat', scores: { correctness: -1 }, note: 'wrong cursor field' },
    });
    const after = loadWorld(repo.dir, 'orion').find((b) => b.slug === 'rate-limiter');
    expect(after!.data.confidence).toBeLessThan(before!.data.confidence);
    const skillAfter = loadSkills(repo.dir, 'orion')[0];
    expect(skillAfter?.data.successes).toBe((skillBefore?.data.successes ?? 0) - 1);
    expect(skillAfter?.data.failures).toBe((skillBefore?.data.failures ?? 0) + 1);

    const message = (await repo.git.exec(['log', '-1', '--format=%B'])).stdout;
    expect(message).toMatch(/^orion: human feedback on second \(correctness=-1\)\n/);
    expect(message).toContain('success (+1) → failure (-1)');
    expect(message).toContain('Refs #7');
    expect(result.commit).toBe(await repo.git.headSha());

    const again = await applyFeedback({
      repoRoot: repo.dir,
      git: repo.git,
      agent: 'orion',
      taskId: 'second',
      feedback: { by: 'octocat', scores: { correctness: -1 }, note: 'wrong cursor field' },
      now,
    });
    expect(again.commit).toBeUndefined();
    expect(await repo.git.headSha()).toBe(result.commit);
  });

  it('says which task has no record', async () => {
    await expect(
      applyFeedback({
        repoRoot: repo.dir,
        git: repo.git,
        agent: 'orion',
        taskId: 'nope',
        feedback: { by: 'x', scores: {}, note: null },
      }),
    ).rejects.toThrow('no reward record for task "nope" in agents/orion/rewards/');
  });
});
