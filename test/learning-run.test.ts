// `agentos learn` on real files: duplicate collapse with relations re-pointed and old links still
// resolving, short names kept apart, decay and skill archiving, and a second run that commits
// nothing.
import { runLearning } from '../src/learning/run.js';
import { runIteration } from '../src/loop/iteration.js';
import { taskFromText } from '../src/loop/task.js';
import { loadSkills } from '../src/memory/skills.js';
import { loadWorld, type Belief } from '../src/world/beliefs.js';
import { runCli } from './helpers/cli.js';
import { scriptedModel } from './helpers/model.js';
import { makeRepo, steppingClock, type TestRepo } from './helpers/repo.js';
import { commitStaged } from './helpers/person.js';
import { looseObjects, overLooseObjectThreshold } from './helpers/loose-objects.js';

const WORLD = 'agents/orion/world';

/** A belief file as a person would write it. */
function beliefFile(fields: Record<string, string>, evidence: [string, boolean, string][]): string {
  const lines = Object.entries(fields).map(([key, value]) => `${key}: ${value}`);
  const items = evidence.flatMap(([task, supports, at]) => [
    `  - task: ${task}`,
    `    supports: ${supports}`,
    `    at: ${at}`,
  ]);
  return `---\n${lines.join('\n')}\nevidence:\n${items.join('\n')}\n---\n\nWritten by hand.\n`;
}

function entity(name: string, evidence: [string, boolean, string][]): string {
  return beliefFile(
    {
      kind: 'entity',
      name: JSON.stringify(name),
      confidence: '0.5',
      created: '2026-04-20T10:00:00Z',
    },
    evidence,
  );
}

function byPath(repo: TestRepo): Map<string, Belief> {
  return new Map(loadWorld(repo.dir, 'orion').map((b) => [b.path, b]));
}

describe('agentos learn', () => {
  let repo: TestRepo;
  beforeEach(async () => {
    repo = await makeRepo();
  });
  afterEach(() => repo.cleanup());

  it('collapses "Rate Limiter", "rate-limiter" and "RateLimiter" into one entity, keeps API and APM apart, and a second run commits nothing', async () => {
    const at = '2026-04-30T10:00:00Z';
    repo.write(
      `${WORLD}/entities/rate-limiter.md`,
      entity('Rate Limiter', [
        ['a1', true, at],
        ['a2', true, at],
        ['a3', true, at],
      ]),
    );
    repo.write(
      `${WORLD}/hypotheses/rate-limiter.md`,
      beliefFile(
        {
          kind: 'hypothesis',
          name: 'rate-limiter',
          claim: 'There is a rate limiter.',
          proposes: 'entity',
          confidence: '0.5',
          created: at,
        },
        [['b1', true, at]],
      ),
    );
    repo.write(
      `${WORLD}/entities/ratelimiter.md`,
      entity('RateLimiter', [
        ['c1', true, at],
        ['c2', true, at],
      ]),
    );
    repo.write(`${WORLD}/entities/api.md`, entity('API', [['d1', true, at]]));
    repo.write(`${WORLD}/entities/apm.md`, entity('APM', [['e1', true, at]]));
    repo.write(
      `${WORLD}/relations/ratelimiter-causes-retry-with-backoff.md`,
      beliefFile(
        {
          kind: 'relation',
          name: 'RateLimiter causes retries',
          subject: 'ratelimiter',
          predicate: 'causes',
          object: 'retry-with-backoff',
          confidence: '0.5',
          created: at,
        },
        [['f1', true, at]],
      ),
    );
    repo.write(
      `${WORLD}/hypotheses/api-client-respects-rate-limiter.md`,
      beliefFile(
        {
          kind: 'hypothesis',
          name: 'The API client respects the rate limiter',
          claim: 'The API client respects the rate limiter.',
          proposes: 'relation',
          subject: 'api',
          predicate: 'respects',
          object: 'rate-limiter',
          confidence: '0.5',
          created: at,
        },
        [['g1', true, at]],
      ),
    );
    await repo.git.add(['agents']);
    await commitStaged(repo.git, 'A person writes down what they know\n');

    const now = steppingClock('2026-05-01T09:00:00Z');
    const result = await runLearning({ repoRoot: repo.dir, git: repo.git, agent: 'orion', now });
    expect(result.commits.map((c) => c.subject)).toEqual([
      'learn — collapse 2 duplicates, re-point 1 relation',
      'learn — bring skills.md and world/index.md up to date',
      'learn — reflection for 2026-05-01',
      'learn — metrics report',
    ]);
    const world = byPath(repo);
    const canonical = world.get(`${WORLD}/entities/rate-limiter.md`)!;
    expect(canonical.data).toMatchObject({ status: 'active', name: 'Rate Limiter' });
    expect([...canonical.data.aliases].sort()).toEqual(['RateLimiter', 'rate-limiter']);
    expect(canonical.data.evidence.map((e) => e.task).sort()).toEqual([
      'a1',
      'a2',
      'a3',
      'b1',
      'c1',
      'c2',
    ]);
    const stub = world.get(`${WORLD}/entities/ratelimiter.md`)!;
    expect(stub.data).toMatchObject({
      status: 'superseded',
      superseded_by: `${WORLD}/entities/rate-limiter.md`,
      merged_into: `${WORLD}/entities/rate-limiter.md`,
      invalid_at: '2026-05-01T09:00:00Z',
    });
    expect(stub.body).toMatch(
      /^Merged into \[rate-limiter\]\(rate-limiter\.md\) on 2026-05-01 \(same normalised name/,
    );
    expect(world.get(`${WORLD}/hypotheses/rate-limiter.md`)!.data).toMatchObject({
      status: 'promoted',
      merged_into: `${WORLD}/entities/rate-limiter.md`,
    });
    expect(
      world.get(`${WORLD}/relations/ratelimiter-causes-retry-with-backoff.md`)!.data,
    ).toMatchObject({
      subject: 'rate-limiter',
      object: 'retry-with-backoff',
    });
    expect(world.get(`${WORLD}/entities/api.md`)!.data.status).toBe('active');
    expect(world.get(`${WORLD}/entities/apm.md`)!.data.status).toBe('active');
    const message = (await repo.git.exec(['log', '-1', '--format=%B', result.commits[0]!.sha]))
      .stdout;
    expect(message).toContain(
      '- merged world/entities/ratelimiter.md into world/entities/rate-limiter.md: same normalised name ("Rate Limiter" / "RateLimiter")',
    );
    expect(message).toContain(
      '- re-pointed world/relations/ratelimiter-causes-retry-with-backoff.md at the canonical names',
    );
    expect(message).not.toMatch(/apm/i);

    // An old link still resolves: evidence on the stub lands on the canonical entity.
    const model = scriptedModel(() => ({
      evidence: [{ target: 'world/entities/ratelimiter.md', supports: true, note: 'seen' }],
    }));
    await runIteration(
      { repoRoot: repo.dir, git: repo.git, model, now },
      taskFromText('orion', 'Check the limiter', 'h1'),
    );
    const after = byPath(repo);
    expect(after.get(`${WORLD}/entities/rate-limiter.md`)!.data.evidence.at(-1)?.task).toBe('h1');
    expect(after.get(`${WORLD}/entities/ratelimiter.md`)!.data.evidence.map((e) => e.task)).toEqual(
      ['c1', 'c2'],
    );

    const head = await repo.git.headSha();
    await runLearning({ repoRoot: repo.dir, git: repo.git, agent: 'orion', now });
    const head2 = await repo.git.headSha();
    const second = await runLearning({ repoRoot: repo.dir, git: repo.git, agent: 'orion', now });
    expect(head2).not.toBe(head); // the first run after a task reflects on it
    expect(second.commits).toEqual([]);
    expect(await repo.git.headSha()).toBe(head2);
    expect(await repo.git.isClean()).toBe(true);
  });

  it('decays unused confidence, archives a stale skill and writes a dated reflection, each its own commit', async () => {
    repo.write(
      'agents/orion/skills/poll-the-ftp-drop.md',
      '---\ntitle: Poll the FTP drop\ntags: [ftp]\nuses: 3\nsuccesses: 3\nfailures: 0\ncreated: 2025-12-01T10:00:00Z\nlast_used: 2026-01-10T10:00:00Z\n---\n\n1. List the drop folder.\n',
    );
    repo.write(
      `${WORLD}/hypotheses/ftp-drop.md`,
      beliefFile(
        {
          kind: 'hypothesis',
          name: 'FTP drop',
          claim: 'Vendors deliver files to an FTP drop.',
          proposes: 'entity',
          confidence: '0.6',
          created: '2026-01-10T10:00:00Z',
        },
        [
          ['old-1', true, '2026-01-10T10:00:00Z'],
          ['old-2', true, '2026-01-10T11:00:00Z'],
        ],
      ),
    );
    await repo.git.add(['agents']);
    await commitStaged(repo.git, 'Old knowledge\n');
    const now = steppingClock('2026-05-01T09:00:00Z');
    await runIteration(
      { repoRoot: repo.dir, git: repo.git, model: scriptedModel(() => ({})), now },
      taskFromText('orion', 'Nothing to learn from', 'n1'),
    );

    const cli = await runCli(['learn', '--dir', repo.dir, '--agent', 'orion']);
    expect(cli.code).toBe(0);
    expect(cli.stdout.split('\n')[0]).toBe(
      'orion: 6 learning commit(s): decay confidence of 1 unused belief; archive 1 skill; bring skills.md and world/index.md up to date; routing policy from the reward log; reflection for ' +
        new Date().toISOString().slice(0, 10) +
        '; metrics report',
    );
    const hypothesis = byPath(repo).get(`${WORLD}/hypotheses/ftp-drop.md`)!;
    // 0.6 evidence-only, three idle periods of 30 days: 0.333 + (0.6 - 0.333) * 0.9^3.
    expect(hypothesis.data.confidence).toBeLessThan(0.6);
    expect(hypothesis.data.status).toBe('open');
    const skill = loadSkills(repo.dir, 'orion').find((s) => s.slug === 'poll-the-ftp-drop')!;
    expect(skill.data.status).toBe('archived');
    expect(repo.read('agents/orion/skills.md')).toMatch(/## Archived\n\n- \[Poll the FTP drop\]/);
    const reflections = repo.read('agents/orion/reflections.md');
    expect(reflections).toMatch(
      /\n## \d{4}-\d{2}-\d{2}\n\n1 task\(s\) since the start: 1 succeeded/,
    );
    expect(reflections).toContain('- archive 1 skill');
    expect(reflections).toMatch(/<!-- agentos:reflected-through 2026-05-01T09:00:00Z -->\n$/);

    const again = await runCli(['learn', '--dir', repo.dir]);
    expect(again.stdout).toBe(
      'orion: nothing new to learn (learning: active)\niris: nothing new to learn (learning: active)\n',
    );
  });

  it('reinstates a skill archived for a bad start once tasks keep working it out again, not one a person archived', async () => {
    const skill = (slug: string, title: string, extra: string) =>
      repo.write(
        `agents/orion/skills/${slug}.md`,
        `---\ntitle: ${title}\ntags: [sync]\nuses: 5\nsuccesses: 1\nfailures: 4\ncreated: 2026-04-01T10:00:00Z\nlast_used: 2026-04-02T10:00:00Z\n${extra}---\n\n1. Steps.\n`,
      );
    skill('resume-the-sync', 'Resume the sync', '');
    skill(
      'poll-the-drop',
      'Poll the drop',
      'status: archived\narchived_at: 2026-04-03T10:00:00Z\narchived_reason: "replaced by webhooks"\n',
    );
    await repo.git.add(['agents']);
    await commitStaged(repo.git, 'Two skills off to a bad start\n');
    const now = steppingClock('2026-04-03T10:00:00Z');
    const first = await runLearning({ repoRoot: repo.dir, git: repo.git, agent: 'orion', now });
    expect(first.commits.map((c) => c.subject)).toContain('learn — archive 1 skill');
    const archived = () => loadSkills(repo.dir, 'orion').find((s) => s.slug === 'resume-the-sync')!;
    expect(archived().data).toMatchObject({ status: 'archived' });

    // Tasks that succeed without the archived skill propose it again: each counts as a use.
    const model = scriptedModel(() => ({
      skills: [
        {
          slug: 'resume-the-sync',
          title: 'Resume the sync',
          tags: ['sync'],
          procedure: '1. Steps.',
        },
      ],
    }));
    for (const id of ['r1', 'r2', 'r3'])
      await runIteration(
        { repoRoot: repo.dir, git: repo.git, model, now },
        taskFromText('orion', 'Resume the interrupted sync', id),
      );
    expect(archived().data).toMatchObject({ status: 'archived', uses: 8, successes: 4 });

    const second = await runLearning({ repoRoot: repo.dir, git: repo.git, agent: 'orion', now });
    const step = second.commits.find((c) => c.step === 'archive');
    expect(step?.subject).toBe('learn — reinstate 1 skill');
    expect(step?.changed).toEqual(['agents/orion/skills/resume-the-sync.md']);
    const message = (await repo.git.exec(['log', '-1', '--format=%B', step!.sha])).stdout;
    expect(message).toContain(
      '- reinstated skills/resume-the-sync.md (Resume the sync): used again since it was archived (failing: 1 successes in 5 uses, below 25%): 4 successes in 8 uses',
    );
    expect(archived().data.status).toBe('active');
    expect(archived().data).not.toHaveProperty('archived_at');
    // A person's archive is theirs to undo.
    expect(loadSkills(repo.dir, 'orion').find((s) => s.slug === 'poll-the-drop')!.data.status).toBe(
      'archived',
    );
  });

  it('keeps the indexes out of task commits, so two branches that each ran tasks merge clean', async () => {
    const main = (await repo.git.exec(['rev-parse', '--abbrev-ref', 'HEAD'])).stdout.trim();
    const run = async (text: string) => {
      const ran = await runCli(['run', '--dir', repo.dir, '--text', text]);
      expect(ran.code).toBe(0);
      return (await repo.git.exec(['show', '--name-only', '--format=', 'HEAD'])).stdout;
    };
    const indexes = ['agents/orion/skills.md', 'agents/orion/world/index.md'];
    const before = indexes.map((path) => repo.read(path));
    await repo.git.exec(['checkout', '-q', '-b', 'other']);
    // The offline model learns a skill and hypotheses from each: both branches add to both indexes.
    expect(await run('Add cursor pagination to the vendor export job.')).toContain(
      'agents/orion/skills/',
    );
    await repo.git.exec(['checkout', '-q', main]);
    const own = await run('Fix the retry logic in the billing sync with backoff.');
    expect(own).toContain('agents/orion/skills/');
    expect(own).not.toMatch(/skills\.md|world\/index/);
    expect(indexes.map((path) => repo.read(path))).toEqual(before);

    const merged = await repo.git.exec(['merge', '--no-edit', 'other'], { allowFailure: true });
    expect(merged.exitCode).toBe(0);
    expect((await repo.git.exec(['diff', '--name-only', '--diff-filter=U'])).stdout).toBe('');

    // The learning run lists what both branches learned, in one commit of its own.
    const learned = await runLearning({ repoRoot: repo.dir, git: repo.git, agent: 'orion' });
    const step = learned.commits.find((c) => c.step === 'indexes');
    expect(step?.subject).toBe('learn — bring skills.md and world/index.md up to date');
    expect(step?.changed).toEqual(['agents/orion/world/index.md', 'agents/orion/skills.md']);
    const listed = repo.read('agents/orion/skills.md');
    for (const skill of loadSkills(repo.dir, 'orion'))
      expect(listed).toContain(`](skills/${skill.slug}.md)`);
    expect(loadSkills(repo.dir, 'orion').length).toBeGreaterThan(1);
    const world = repo.read('agents/orion/world/index.md');
    for (const belief of loadWorld(repo.dir, 'orion'))
      expect(world).toContain(`/${belief.slug}.md)`);
    expect((await repo.git.exec(['status', '--porcelain'])).stdout).toBe('');
  });

  it("packs the runtime's loose objects once there are many, as git's own commands do", async () => {
    await overLooseObjectThreshold(repo);
    expect(await looseObjects(repo.git)).toBeGreaterThan(20);
    await runLearning({ repoRoot: repo.dir, git: repo.git, agent: 'orion' });
    expect(await looseObjects(repo.git)).toBeLessThan(20);
    expect((await repo.git.exec(['fsck', '--strict', '--no-dangling'])).exitCode).toBe(0);
  });

  it('prints help and refuses an unknown agent', async () => {
    const help = await runCli(['learn', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: agentos learn/);
    expect(help.stdout).toContain('(default: every agent)');
    const unknown = await runCli(['learn', '--dir', repo.dir, '--agent', 'nobody']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe(
      'agentos learn: unknown agent "nobody": agents.yaml defines orion, iris',
    );
  });
});
