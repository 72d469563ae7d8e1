import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { memoryLogger } from '../src/log.js';
import { runIteration } from '../src/loop/iteration.js';
import { taskFromText } from '../src/loop/task.js';
import { OfflineModel } from '../src/llm/offline/offline-model.js';
import { runCli } from './helpers/cli.js';
import { makeRepo, steppingClock, type TestRepo } from './helpers/repo.js';
import { repoRewardRecords } from './helpers/rewards.js';
import { ScriptedModel, scriptedOutput } from './helpers/scripted-model.js';
import { commitStaged } from './helpers/person.js';

describe('one loop iteration', () => {
  let repo: TestRepo;
  beforeEach(async () => {
    repo = await makeRepo();
  });
  afterEach(() => repo.cleanup());

  const deps = (model = new OfflineModel() as ScriptedModel | OfflineModel) => ({
    repoRoot: repo.dir,
    git: repo.git,
    model,
    now: steppingClock(),
  });

  it('commits one iteration: reward record, hypotheses, skill, trailers; context.md stays untracked', async () => {
    const task = taskFromText(
      'orion',
      'Build a Python sync process for a paginated API with rate limits.',
      'sync-vendor-api',
    );
    const result = await runIteration(deps(), task);
    expect(result.status).toBe('done');

    const message = (await repo.git.exec(['log', '-1', '--format=%B'])).stdout;
    expect(message).toMatch(
      /^orion: Build a Python sync process for a paginated API w… \(sync-vendor-api\)\n/,
    );
    expect(message).toContain(
      'AgentOS-Task: sync-vendor-api\nAgentOS-Outcome: success\nAgentOS-Reward: +1\nAgentOS-Tier: strongest\n',
    );
    const trailers = (
      await repo.git.exec(['log', '-1', '--format=%(trailers:key=AgentOS-Tier,valueonly)'])
    ).stdout.trim();
    expect(trailers).toBe('strongest');

    const records = repoRewardRecords(repo.dir, 'orion');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      task_id: 'sync-vendor-api',
      outcome: 'success',
      reward: 1,
      reasoning_demand: 'novel',
      model_used: 'strongest',
      model_name: 'offline-rules',
      context_tags: ['api', 'data', 'pagination', 'rate-limit', 'sync'],
    });
    expect(records[0]?.world_model_update).toEqual(
      expect.arrayContaining([
        'world/hypotheses/rate-limiter.md',
        'world/hypotheses/cursor-pagination.md',
      ]),
    );

    const hypotheses = readdirSync(join(repo.dir, 'agents/orion/world/hypotheses'));
    expect(hypotheses).toEqual(
      expect.arrayContaining([
        'rate-limiter.md',
        'incremental-sync-depends-on-cursor-pagination.md',
      ]),
    );
    expect(repo.read('agents/orion/world/hypotheses/rate-limiter.md')).toMatch(
      /kind: hypothesis\nname: Rate limiter\nclaim: .*\nproposes: entity\n[\s\S]*confidence: 0\.5\nstatus: open\nevidence:\n {2}- task: sync-vendor-api\n {4}supports: true/,
    );
    expect(readdirSync(join(repo.dir, 'agents/orion/skills'))).toEqual([
      'sync-incrementally-and-paginate-with-cursors.md',
    ]);
    // The generated index is the learning run's to bring up to date, not the task's.
    expect(repo.read('agents/orion/skills.md')).not.toContain('[Sync incrementally');

    expect(existsSync(join(repo.dir, 'agents/orion/context.md'))).toBe(true);
    expect(await repo.git.isTracked('agents/orion/context.md')).toBe(false);
    expect(await repo.git.isIgnored('agents/orion/context.md')).toBe(true);
    expect((await repo.git.exec(['status', '--porcelain'])).stdout).toBe('');
  });

  it('lists what the context included and excluded in context.md', async () => {
    await runIteration(
      deps(),
      taskFromText('orion', 'Sync a paginated API with rate limits.', 'first'),
    );
    await runIteration(
      deps(),
      taskFromText('orion', 'Write a haiku for the team offsite.', 'second'),
    );
    const context = repo.read('agents/orion/context.md');
    expect(context).toMatch(/^# Context — second\n/);
    expect(context).toContain('- persona.md (always;');
    expect(context).toContain('- constraints.md (always;');
    expect(context).toMatch(/## Excluded\n\n(- .*\(unrelated\)\n)+/);
    expect(context).toContain('- world/hypotheses/rate-limiter.md (unrelated)');
  });

  it('runs a task that already has a reward record only once', async () => {
    const task = taskFromText('orion', 'Sync a paginated API with rate limits.', 'twice');
    await runIteration(deps(), task);
    const head = await repo.git.headSha();
    const again = await runIteration(deps(), task);
    expect(again.status).toBe('already-processed');
    expect(again.summary).toBe(
      'orion twice: already processed (a reward record exists); nothing to do',
    );
    expect(await repo.git.headSha()).toBe(head);
    expect(repoRewardRecords(repo.dir, 'orion')).toHaveLength(1);

    const cli = await runCli([
      'run',
      '--dir',
      repo.dir,
      '--text',
      'Sync a paginated API with rate limits.',
    ]);
    const cliAgain = await runCli([
      'run',
      '--dir',
      repo.dir,
      '--text',
      'Sync a paginated API with rate limits.',
    ]);
    expect(cli.code).toBe(0);
    expect(cliAgain.stdout).toMatch(/already processed/);
    expect(repoRewardRecords(repo.dir, 'orion')).toHaveLength(2);
  });

  it('refuses proposals that write outside the memory, logs them, and commits the rest', async () => {
    const model = new ScriptedModel(() =>
      scriptedOutput({
        memory: {
          hypotheses: [
            {
              slug: 'cache-stampede',
              name: 'Cache stampede',
              claim: 'Expiring hot keys together causes a stampede.',
              proposes: 'entity',
              aliases: [],
              tags: ['cache'],
              subject: null,
              predicate: null,
              object: null,
            },
            {
              slug: '../../.github/evil',
              name: 'Evil',
              claim: 'x',
              proposes: 'entity',
              aliases: [],
              tags: [],
              subject: null,
              predicate: null,
              object: null,
            },
          ],
          evidence: [
            { target: '../../.github/workflows/ci.yml', supports: true, note: 'x' },
            { target: '/etc/passwd', supports: true, note: 'x' },
            { target: '.github/workflows/agentos.yml', supports: true, note: 'x' },
            { target: 'persona.md', supports: false, note: 'x' },
          ],
          skills: [{ slug: '../persona', title: 'Bad', tags: [], procedure: 'x' }],
        },
      }),
    );
    const logger = memoryLogger();
    const persona = repo.read('agents/orion/persona.md');
    const result = await runIteration(
      { ...deps(model), logger },
      taskFromText('orion', 'Warm the cache.', 'refusals'),
    );

    expect(result.created).toEqual(['agents/orion/world/hypotheses/cache-stampede.md']);
    expect(result.refused.map((r) => r.item)).toEqual([
      'skill ../persona',
      'evidence on ../../.github/workflows/ci.yml',
      'evidence on /etc/passwd',
      'evidence on .github/workflows/agentos.yml',
      'evidence on persona.md',
      'hypothesis ../../.github/evil',
    ]);
    expect(result.refused.map((r) => r.reason)).toEqual([
      'the slug must be lowercase words joined by hyphens',
      '".." is not allowed',
      'absolute paths are not allowed',
      'memory files are Markdown (.md)',
      'persona.md is human-owned and never edited by the agent',
      'the slug must be lowercase words joined by hyphens',
    ]);
    expect(logger.lines).toContain(
      'warning: refusals: refused evidence on /etc/passwd: absolute paths are not allowed',
    );
    expect(repo.read('agents/orion/persona.md')).toBe(persona);
    expect(existsSync(join(repo.dir, '.github'))).toBe(false);

    const show = (await repo.git.exec(['show', '--stat', '--format=%B', 'HEAD'])).stdout;
    expect(show).toContain(
      'Refused proposals:\n- skill ../persona: the slug must be lowercase words joined by hyphens',
    );
    expect(show).toContain('agents/orion/world/hypotheses/cache-stampede.md');
    expect(show).not.toContain('persona.md |');
  });

  it('writes nothing when a memory file is malformed, and says which', async () => {
    repo.write(
      'agents/orion/skills/broken.md',
      '---\ntitle: Broken\nuses: -3\ncreated: 2026-01-01\n---\n',
    );
    await repo.git.add(['agents/orion/skills/broken.md']);
    await commitStaged(repo.git, 'add a broken skill');
    const head = await repo.git.headSha();
    const run = await runCli(['run', '--dir', repo.dir, '--text', 'Sync a paginated API.']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      'agentos run: agents/orion/skills/broken.md:3: field "uses": Too small: expected number to be >=0',
    );
    expect(await repo.git.headSha()).toBe(head);
    expect(existsSync(join(repo.dir, 'agents/orion/context.md'))).toBe(false);
    expect((await repo.git.exec(['status', '--porcelain'])).stdout).toBe('');
  });

  it('fails a task whose answer uses a forbidden tool, and writes no skill from it', async () => {
    const model = new ScriptedModel(() =>
      scriptedOutput({
        answer: 'Clean up with rm -rf /var/data, then resync.',
        memory: {
          skills: [
            { slug: 'wipe-and-resync', title: 'Wipe and resync', tags: [], procedure: '1. rm -rf' },
          ],
        },
      }),
    );
    const result = await runIteration(
      deps(model),
      taskFromText('orion', 'Resync the data.', 'forbidden'),
    );
    expect(result.record).toMatchObject({
      outcome: 'failure',
      reward: -1,
      violations: ['the answer uses forbidden tool "rm -rf"'],
    });
    expect(result.record?.reward_decomposition.correctness).toBe(-1);
    expect(existsSync(join(repo.dir, 'agents/orion/skills/wipe-and-resync.md'))).toBe(false);
  });

  it('writes no belief or skill for an agent with learning: none', async () => {
    repo.write(
      'agents.yaml',
      repo.read('agents.yaml').replace('learning: active', 'learning: none'),
    );
    const result = await runIteration(
      deps(),
      taskFromText('orion', 'Sync a paginated API with rate limits.', 'frozen'),
    );
    expect(result.record?.outcome).toBe('success');
    expect(result.created).toEqual([]);
    expect(readdirSync(join(repo.dir, 'agents/orion/world/hypotheses'))).toEqual([
      'cursor-pagination-requires-oauth-token.md',
    ]);
    const skills = join(repo.dir, 'agents/orion/skills');
    expect(existsSync(skills) ? readdirSync(skills) : []).toEqual([]);
    expect(repo.read('agents/orion/rewards/recent/frozen.md')).toContain('"task_id": "frozen"');
  });

  it('sends the model persona, constraints and the ranked context within the budget', async () => {
    const model = new ScriptedModel(() => scriptedOutput());
    await runIteration(
      deps(new OfflineModel()),
      taskFromText('orion', 'Sync a paginated API with rate limits.', 'seed'),
    );
    await runIteration(
      deps(model),
      taskFromText('orion', 'Paginate the orders API and respect its rate limit.', 'next'),
    );
    const request = model.requests[0];
    expect(request?.context.always.map((i) => i.id)).toEqual([
      'persona.md',
      'constraints.md',
      'goals.md',
    ]);
    expect(request?.context.included.map((i) => i.id)).toEqual(
      expect.arrayContaining([
        'skills/sync-incrementally-and-paginate-with-cursors.md',
        'world/hypotheses/rate-limiter.md',
      ]),
    );
    expect(request?.context.tokens).toBeLessThanOrEqual(4000);
    expect(request?.demand).toBe('moderate');
    expect(request?.tier).toBe('balanced');
  });
});
