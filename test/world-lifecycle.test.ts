// The world model's lifecycle on real files and a real git repository: evidence per task,
// promotion, supersession with history kept, and human feedback moving beliefs.
import { runLearning } from '../src/learning/run.js';
import { runIteration } from '../src/loop/iteration.js';
import { taskFromText } from '../src/loop/task.js';
import { OfflineModel } from '../src/llm/offline/offline-model.js';
import type { Model } from '../src/llm/model.js';
import { loadWorld, type Belief } from '../src/world/beliefs.js';
import { tallyEvidence } from '../src/world/confidence.js';
import { runCli } from './helpers/cli.js';
import { entityProposal, scriptedModel, type ScriptedMemory } from './helpers/model.js';
import { makeRepo, steppingClock, type TestRepo } from './helpers/repo.js';
import { commitStaged } from './helpers/person.js';
import { repoRewardRecords } from './helpers/rewards.js';

const HYPOTHESIS = 'agents/orion/world/hypotheses/webhook.md';
const ENTITY = 'agents/orion/world/entities/webhook.md';

function belief(repo: TestRepo, path: string): Belief {
  const found = loadWorld(repo.dir, 'orion').find((b) => b.path === path);
  if (!found) throw new Error(`no belief at ${path}`);
  return found;
}

describe('the belief lifecycle', () => {
  let repo: TestRepo;
  let now: () => Date;
  const scripts = new Map<string, ScriptedMemory>();
  const model: Model = scriptedModel((request) => scripts.get(request.taskId) ?? {});
  const run = (id: string) =>
    runIteration(
      { repoRoot: repo.dir, git: repo.git, model, now },
      taskFromText('orion', `Task ${id}`, id),
    );
  const learn = () => runLearning({ repoRoot: repo.dir, git: repo.git, agent: 'orion', now });

  beforeEach(async () => {
    repo = await makeRepo();
    now = steppingClock('2026-05-01T09:00:00Z');
    scripts.clear();
  });
  afterEach(() => repo.cleanup());

  it('counts a task once, promotes on three independent supports, supersedes on contradiction and keeps the history', async () => {
    const webhook = entityProposal('Webhook', 'webhook');
    scripts.set('t1', { hypotheses: [webhook] });
    // One task saying the same thing three ways still counts once.
    scripts.set('t2', {
      hypotheses: [webhook, webhook],
      evidence: [{ target: 'world/hypotheses/webhook.md', supports: true, note: 'seen again' }],
    });
    const indexBefore = repo.read('agents/orion/world/index.md');
    await run('t1');
    await run('t2');
    expect((await run('t2')).status).toBe('already-processed');
    // A task's commit holds its own files: the generated index waits for the learning run.
    expect(repo.read('agents/orion/world/index.md')).toBe(indexBefore);
    let hypothesis = belief(repo, HYPOTHESIS);
    expect(tallyEvidence(hypothesis.data)).toMatchObject({
      supporting: 2,
      contradicting: 0,
    });
    expect(hypothesis.data.confidence).toBe(0.6);

    const early = await learn();
    // routing.md is rewritten from the reward log on every run that has new records
    expect(early.commits.map((c) => c.step)).toEqual([
      'indexes',
      'routing',
      'reflection',
      'metrics',
    ]);
    expect(early.commits[0]?.changed).toEqual(['agents/orion/world/index.md']);
    expect(repo.read('agents/orion/world/index.md')).toContain(
      '| [Webhook](hypotheses/webhook.md) | 0.60 | open | +2 / -0 |',
    );
    expect(belief(repo, HYPOTHESIS).data.status).toBe('open');

    scripts.set('t3', { hypotheses: [webhook] });
    await run('t3');
    const promoted = await learn();
    expect(promoted.commits.map((c) => c.subject)).toEqual([
      'learn — promote 1 hypothesis',
      'learn — bring skills.md and world/index.md up to date',
      'learn — routing policy from the reward log',
      'learn — reflection for 2026-05-01',
      'learn — metrics report',
    ]);
    const [promotion, indexes] = promoted.commits;
    expect(promotion?.changed).toEqual([ENTITY, HYPOTHESIS]);
    expect(indexes?.changed).toEqual(['agents/orion/world/index.md']);
    expect(repo.read('agents/orion/world/index.md')).toContain(
      '| [Webhook](entities/webhook.md) | ',
    );
    const entity = belief(repo, ENTITY);
    expect(entity.data).toMatchObject({ kind: 'entity', status: 'active', name: 'Webhook' });
    expect(tallyEvidence(entity.data).supportingTasks).toEqual(['t1', 't2', 't3']);
    hypothesis = belief(repo, HYPOTHESIS);
    expect(hypothesis.data).toMatchObject({ status: 'promoted', superseded_by: ENTITY });
    const message = (await repo.git.exec(['log', '-1', '--format=%B', promotion!.sha])).stdout;
    expect(message).toMatch(/^orion: learn — promote 1 hypothesis\n/);
    expect(message).toContain(
      'world/hypotheses/webhook.md → world/entities/webhook.md: 3 supporting and 0 contradicting task(s)',
    );
    expect(message).toContain('AgentOS-Learning-Step: promote');

    // Contradictions aimed at the old hypothesis link land on the entity it became.
    const against = {
      target: 'world/hypotheses/webhook.md',
      supports: false,
      note: 'no webhook here',
    };
    for (const id of ['t4', 't5']) scripts.set(id, { evidence: [against] });
    await run('t4');
    await run('t5');
    expect(belief(repo, ENTITY).data.status).toBe('active');
    scripts.set('t6', { evidence: [against] });
    const t6 = await run('t6');
    const superseded = belief(repo, ENTITY);
    expect(superseded.data).toMatchObject({
      status: 'superseded',
      invalid_at: t6.record?.at,
      superseded_by: null,
    });
    expect(tallyEvidence(superseded.data)).toMatchObject({
      supporting: 3,
      contradicting: 3,
    });
    const t6Message = (await repo.git.exec(['log', '-1', '--format=%B'])).stdout;
    expect(t6Message).toContain(`superseded ${ENTITY}: 3 supporting and 3 contradicting task(s)`);

    // Nothing is deleted: the file is there, and git shows it active at the promotion.
    const history = (await repo.git.exec(['log', '--format=%s', '--', ENTITY])).stdout;
    expect(history.trim().split('\n')).toEqual([
      'orion: Task t6 (t6)',
      'orion: Task t5 (t5)',
      'orion: Task t4 (t4)',
      'orion: learn — promote 1 hypothesis',
    ]);
    const atPromotion = (await repo.git.exec(['show', `${promotion!.sha}:${ENTITY}`])).stdout;
    expect(atPromotion).toMatch(/^status: active$/m);
  });

  it('writes no belief and no skill under learning: none', async () => {
    repo.write(
      'agents.yaml',
      repo.read('agents.yaml').replace('learning: active', 'learning: none'),
    );
    await repo.git.add(['agents.yaml']);
    await commitStaged(repo.git, 'Orion stops learning\n');
    const before = repo.read('agents/orion/world/index.md');
    const iteration = await runIteration(
      { repoRoot: repo.dir, git: repo.git, model: new OfflineModel(), now },
      taskFromText('orion', 'Build a sync for a paginated API with rate limits.', 'sync-1'),
    );
    expect(iteration.record?.outcome).toBe('success');
    const files = (await repo.git.exec(['show', '--name-only', '--format=', 'HEAD'])).stdout
      .trim()
      .split('\n');
    expect(files).toEqual(['agents/orion/rewards/recent/sync-1.md']);
    expect(loadWorld(repo.dir, 'orion').map((b) => b.path)).toEqual([
      'agents/orion/world/hypotheses/cursor-pagination-requires-oauth-token.md',
    ]);
    expect(repo.read('agents/orion/world/index.md')).toBe(before);
    const learned = await learn();
    expect(learned.commits.map((c) => c.step)).toEqual(['routing', 'reflection', 'metrics']);
  });

  it('lowers the confidence of every belief a task touched when a person says it was wrong', async () => {
    const offline = new OfflineModel();
    const text = 'Sync invoices from a paginated API, pausing when the rate limit is near.';
    for (const [id, task] of [
      ['sync-1', text],
      ['sync-2', 'Sync customers from a paginated API.'],
    ] as const) {
      await runIteration(
        { repoRoot: repo.dir, git: repo.git, model: offline, now },
        taskFromText('orion', task, id),
      );
    }
    const touched = loadWorld(repo.dir, 'orion').filter((b) =>
      b.data.evidence.some((e) => e.task === 'sync-2'),
    );
    expect(touched.map((b) => b.slug)).toEqual(
      expect.arrayContaining(['cursor-pagination', 'incremental-sync']),
    );
    const cli = await runCli([
      'feedback',
      '--dir',
      repo.dir,
      'sync-2',
      'correctness=-1',
      'note=wrong cursor field',
    ]);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/^Recorded feedback on sync-2: failure \(reward -1\)/);
    const after = new Map(loadWorld(repo.dir, 'orion').map((b) => [b.path, b]));
    for (const b of touched) {
      const now = after.get(b.path)!;
      expect(now.data.confidence).toBeLessThan(b.data.confidence);
      expect(now.data.evidence.at(-1)).toMatchObject({
        task: 'sync-2',
        supports: false,
        by: 'cli',
      });
    }
    expect(repoRewardRecords(repo.dir, 'orion').find((r) => r.task_id === 'sync-2')).toMatchObject({
      outcome: 'failure',
    });
    const subject = (await repo.git.exec(['log', '-1', '--format=%s'])).stdout.trim();
    expect(subject).toBe('orion: human feedback on sync-2 (correctness=-1)');
    const again = await runCli([
      'feedback',
      '--dir',
      repo.dir,
      'sync-2',
      'correctness=-1',
      'note=wrong cursor field',
    ]);
    expect(again.stdout).toContain('already recorded');
    const bad = await runCli(['feedback', '--dir', repo.dir, 'sync-2', 'correctness=2']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('agentos feedback: correctness must be -1, 0 or +1 (got "2")');
  });

  it('proposes promotions on a branch under learning: constrained', async () => {
    repo.write(
      'agents.yaml',
      repo.read('agents.yaml').replace('learning: active', 'learning: constrained'),
    );
    await repo.git.add(['agents.yaml']);
    await commitStaged(repo.git, 'Orion learns under review\n');
    const webhook = entityProposal('Webhook', 'webhook');
    for (const id of ['t1', 't2', 't3']) {
      scripts.set(id, { hypotheses: [webhook] });
      await run(id);
    }
    const head = await repo.git.headSha();
    // No clean working tree needed: the promotions are committed on their branch without a checkout.
    repo.write('agents/orion/goals.md', '# Goals\n\n- [ ] Edited by hand, not committed\n');
    const result = await learn();
    expect(repo.read('agents/orion/goals.md')).toBe(
      '# Goals\n\n- [ ] Edited by hand, not committed\n',
    );
    const branch = 'agentos/promotions-orion-2026-05-01';
    expect(result.proposalBranch).toBe(branch);
    expect(result.commits.map((c) => [c.branch, c.subject])).toEqual([
      [branch, 'propose: promote 1 hypothesis'],
      ['main', 'learn — bring skills.md and world/index.md up to date'],
      ['main', 'learn — routing policy from the reward log'],
      ['main', 'learn — reflection for 2026-05-01'],
      ['main', 'learn — metrics report'],
    ]);
    expect(await repo.git.currentBranch()).toBe('main');
    expect(loadWorld(repo.dir, 'orion').some((b) => b.path === ENTITY)).toBe(false);
    expect(belief(repo, HYPOTHESIS).data.status).toBe('open');
    // The review branch holds the promotion's own files: the index on main cannot conflict with it.
    expect(result.commits[0]?.changed).toEqual([ENTITY, HYPOTHESIS]);
    const proposed = (await repo.git.exec(['show', `${branch}:${ENTITY}`])).stdout;
    expect(proposed).toMatch(/^status: active$/m);
    expect((await repo.git.exec(['merge-base', '--is-ancestor', head, branch])).exitCode).toBe(0);

    const second = await learn();
    expect(second.commits).toEqual([]);
    expect(second.summary).toBe(
      `orion: nothing new to learn (learning: constrained); promotions await review on ${branch}`,
    );
  });
});
