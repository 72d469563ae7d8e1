// `agentos new-agent`: the example answers files make the agents they describe, which then run
// offline; missing answers exit 2 listing them; a clone carries over what it should and no more.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parse, stringify } from 'yaml';
import { main } from '../src/cli/main.js';
import { loadRegistry } from '../src/memory/registry.js';
import { findTask } from '../src/memory/queue-archive.js';
import { runCli } from './helpers/cli.js';
import { commitStaged } from './helpers/person.js';
import { makeRepo, type TestRepo } from './helpers/repo.js';
import { repoRewardRecords } from './helpers/rewards.js';

const EXAMPLES = join(process.cwd(), 'examples');

function exampleAnswers(name: string): Record<string, unknown> {
  return parse(readFileSync(join(EXAMPLES, `${name}.yaml`), 'utf8')) as Record<string, unknown>;
}

function filesUnder(dir: string): string[] {
  return existsSync(dir)
    ? readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
        .sort()
    : [];
}

describe('agentos new-agent', () => {
  let repo: TestRepo;
  beforeEach(async () => {
    repo = await makeRepo();
  });
  afterEach(() => repo.cleanup());

  const cases = [
    {
      example: 'vendor-api-integrator',
      agent: 'vendor-integrator',
      policy: { risk_level: 'low', autonomy: 'autonomous', learning: 'active', budget: 'cheap' },
      constraints: ['## Tools forbidden', '`curl -k`'],
      absentSections: ['## Privacy', '## Human review points'],
      done: ['example-1', 'example-2', 'example-3'],
      waiting: [] as string[],
      narrowed: undefined as string | undefined,
    },
    {
      example: 'contract-reviewer',
      agent: 'contract-reviewer',
      policy: {
        risk_level: 'high',
        autonomy: 'semi-autonomous',
        learning: 'constrained',
        budget: 'premium',
      },
      constraints: [
        '## Privacy',
        '`/CL-\\d{6}/`',
        '## Human review points',
        '## Data sources forbidden',
      ],
      absentSections: [],
      done: ['example-1', 'example-2', 'example-3'],
      waiting: ['example-4'],
      narrowed:
        'PRIMARY_PURPOSE has 3 aims; the first version takes "Review commercial contracts for risky terms"',
    },
    {
      example: 'incident-triager',
      agent: 'incident-triager',
      policy: {
        risk_level: 'medium',
        autonomy: 'semi-autonomous',
        learning: 'active',
        budget: 'cheap',
      },
      constraints: ['`kubectl delete`', '## Privacy', '- IP addresses'],
      absentSections: [],
      done: ['example-1', 'example-2', 'example-3'],
      waiting: [],
      narrowed: 'PRIMARY_PURPOSE "Help with incidents" is too vague to scope an agent',
    },
  ];

  it.each(cases)(
    '$example makes its agent, whose queued tasks then run offline',
    async ({ example, agent, policy, constraints, absentSections, done, waiting, narrowed }) => {
      const answers = exampleAnswers(example);
      const made = await runCli([
        'new-agent',
        '--dir',
        repo.dir,
        '--answers',
        join(EXAMPLES, `${example}.yaml`),
      ]);
      expect(made.stderr).toBe('');
      expect(made.code).toBe(0);
      expect(made.stdout).toContain(`Added agent "${agent}"`);
      for (const key of ['RISK_LEVEL', 'AUTONOMY_LEVEL', 'BUDGET_PRIORITY', 'TASK_EXAMPLES'])
        expect(made.stdout).toContain(`- ${key}`);
      if (narrowed) expect(made.stdout).toContain(`Narrowed: ${narrowed}`);

      const entry = loadRegistry(repo.dir).agents.find((a) => a.name === agent);
      expect(entry).toMatchObject({ ...policy, domain: answers.DOMAIN });
      expect(entry?.goals).toEqual(answers.SUCCESS_METRICS);
      expect(entry?.hints.length).toBeGreaterThan(0);

      const root = join(repo.dir, 'agents', agent);
      const files = filesUnder(root);
      expect(files).toEqual(
        expect.arrayContaining(['constraints.md', 'goals.md', 'persona.md', 'queue.md']),
      );
      // Only what the answers call for: no rewards, skills, reflections or routing yet.
      expect(files.filter((f) => !/^(constraints|goals|persona|queue)\.md$/.test(f))).toEqual(
        expect.arrayContaining([expect.stringMatching(/^world\/hypotheses\/[a-z-]+\.md$/)]),
      );
      expect(files.some((f) => /^(rewards|skills|reflections|routing)/.test(f))).toBe(false);
      for (const hint of files.filter((f) => f.startsWith('world/hypotheses/')))
        expect(readFileSync(join(root, hint), 'utf8')).toMatch(
          /confidence: 0\.2\n[\s\S]*source: hint/,
        );

      const persona = repo.read(`agents/${agent}/persona.md`);
      expect(persona).toContain(String(answers.TARGET_USERS));
      expect(persona).toContain(String(answers.OUTPUT_STYLE));
      const constraintsText = repo.read(`agents/${agent}/constraints.md`);
      for (const text of constraints) expect(constraintsText).toContain(text);
      for (const text of absentSections) expect(constraintsText).not.toContain(text);
      const queue = repo.read(`agents/${agent}/queue.md`);
      for (const task of answers.TASK_EXAMPLES as string[]) expect(queue).toContain(task);
      expect((await repo.subjects())[0]).toMatch(new RegExp(`^Add agent ${agent}: `));
      expect((await repo.git.exec(['status', '--porcelain'])).stdout).toBe('');

      const run = await runCli(['run', '--dir', repo.dir, '--agent', agent, '--all']);
      expect(run.code).toBe(0);
      for (const id of done) {
        expect(run.stdout).toMatch(new RegExp(`${agent} ${id}: success \\(\\+1\\)`));
        expect(findTask(repo.dir, agent, id)?.status).toBe('done');
      }
      for (const id of waiting)
        expect(run.stdout).toMatch(new RegExp(`${id}: waiting for a person's approval`));
      const records = repoRewardRecords(repo.dir, agent);
      expect(records.map((r) => r.task_id).sort()).toEqual(done);
      // Meaningful stand-in answers: each names a practice of the task's domain, not "no rule matches".
      for (const id of done) {
        const log = (await repo.git.exec(['log', '--format=%B', `--grep=(${id})`, '-n1'])).stdout;
        expect(log).toContain('[offline model: deterministic rules, not an LLM]');
        expect(log).toMatch(/\n {2}1\. /);
      }
    },
  );

  it('exits 2 listing the missing fields when it cannot ask', async () => {
    const run = await runCli([
      'new-agent',
      '--dir',
      repo.dir,
      '--agent-name',
      'vega',
      '--primary-purpose',
      'Review vendor contracts',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(
      'missing answers: DOMAIN (--domain), TARGET_USERS (--target-users), TASK_EXAMPLES (--task-examples), RISK_LEVEL (--risk-level), AUTONOMY_LEVEL (--autonomy-level), DEPLOYMENT_ENV (--deployment-env), BUDGET_PRIORITY (--budget-priority), LEARNING_ALLOWED (--learning-allowed), OUTPUT_STYLE (--output-style)',
    );
    expect(existsSync(join(repo.dir, 'agents/vega'))).toBe(false);
  });

  it('asks for the missing answers on a terminal', async () => {
    const partial = exampleAnswers('incident-triager');
    delete partial.DOMAIN;
    delete partial.OUTPUT_STYLE;
    repo.write('partial.yaml', stringify({ ...partial, AGENT_NAME: 'lyra' }));
    const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin });
    const stdout = Object.assign(new PassThrough(), { isTTY: true, columns: 100 });
    let shown = '';
    stdout.on('data', (chunk: Buffer) => (shown += chunk.toString()));
    // Each answer is typed once its question is on the screen.
    const answer = async (question: string, keys: string) => {
      for (let waited = 0; !shown.includes(question); waited++) {
        if (waited > 600) throw new Error(`never asked "${question}": ${shown.slice(-300)}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      stdin.write(keys);
    };
    const done = main(['new-agent', '--dir', repo.dir, '--answers', 'partial.yaml'], {
      stdin,
      stdout,
      stderr: new PassThrough(),
      cwd: repo.dir,
      env: {},
    });
    await answer('Domain', 'Release engineering\r');
    await answer('Output style', 'Short notes\r');
    expect(await done).toBe(0);
    expect(shown).toContain('Added agent "lyra"');
    expect(loadRegistry(repo.dir).agents.find((a) => a.name === 'lyra')?.domain).toBe(
      'Release engineering',
    );
    expect(repo.read('agents/lyra/persona.md')).toContain('Output style: Short notes');
  });

  it('takes every answer as flags, and names the flag of a bad value', async () => {
    const base = [
      'new-agent',
      '--dir',
      repo.dir,
      '--agent-name',
      'vega',
      '--primary-purpose',
      'Review supplier contracts for liability risks',
      '--domain',
      'Procurement',
      '--target-users',
      'Buyers',
      '--task-examples',
      'Check the liability cap of the supplier agreement',
      '--task-examples',
      'Flag auto-renewal terms',
      '--autonomy-level',
      'semi-autonomous',
      '--deployment-env',
      'server',
      '--budget-priority',
      'balanced',
      '--learning-allowed',
      'none',
      '--output-style',
      'Short findings',
    ];
    const bad = await runCli([...base, '--risk-level', 'extreme']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^agentos new-agent: --risk-level: .*"low"/);
    const good = await runCli([...base, '--risk-level', 'low']);
    expect(good.code).toBe(0);
    expect(loadRegistry(repo.dir).agents.find((a) => a.name === 'vega')).toMatchObject({
      risk_level: 'low',
      learning: 'none',
    });
    // No success metrics, no tools, no review points: no goals.md and no constraints.md.
    expect(existsSync(join(repo.dir, 'agents/vega/goals.md'))).toBe(false);
    expect(existsSync(join(repo.dir, 'agents/vega/constraints.md'))).toBe(false);
    expect(good.stdout).toContain('SUCCESS_METRICS: none given → no goals.md');
    const again = await runCli([...base, '--risk-level', 'low']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('agents.yaml already defines an agent "vega"');
  });

  it('names the answers file and line of a bad answer', async () => {
    repo.write(
      'answers.yaml',
      readFileSync(join(EXAMPLES, 'incident-triager.yaml'), 'utf8').replace(
        'BUDGET_PRIORITY: cheap',
        'BUDGET_PRIORITY: lavish',
      ),
    );
    const run = await runCli(['new-agent', '--dir', repo.dir, '--answers', 'answers.yaml'], {
      cwd: repo.dir,
    });
    expect(run.code).toBe(2);
    const line =
      repo
        .read('answers.yaml')
        .split('\n')
        .findIndex((text) => text.startsWith('BUDGET_PRIORITY:')) + 1;
    expect(run.stderr).toMatch(
      new RegExp(`^agentos new-agent: answers\\.yaml:${line}: field "BUDGET_PRIORITY": .*"cheap"`),
    );
  });

  it('clones an agent: persona, constraints, skills and promoted beliefs, nothing of its own', async () => {
    repo.write(
      'agents/orion/skills/paginate-with-cursors.md',
      '---\ntitle: Paginate with cursors\ntags: [api, pagination]\nuses: 3\nsuccesses: 3\nfailures: 0\ncreated: 2026-05-01T09:00:00Z\n---\n\n1. Follow the cursor.\n',
    );
    repo.write(
      'agents/orion/world/entities/rate-limiter.md',
      '---\nkind: entity\nname: Rate limiter\naliases: []\ntags: [api]\nconfidence: 0.8\nstatus: active\nevidence: [{task: t-1, supports: true, at: 2026-05-01T09:00:00Z, note: null}]\ncreated: 2026-05-01T09:00:00Z\n---\n\nVendors limit requests.\n',
    );
    await repo.git.exec(['add', 'agents/orion']);
    await commitStaged(repo.git, 'Teach orion');
    await runCli(['enqueue', '--dir', repo.dir, 'Sync a paginated API']);
    await runCli(['run', '--dir', repo.dir]);

    const run = await runCli(['new-agent', '--dir', repo.dir, '--from', 'orion', '--name', 'vega']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Added agent "vega", cloned from orion');
    const files = filesUnder(join(repo.dir, 'agents/vega'));
    expect(files).toEqual([
      'constraints.md',
      'goals.md',
      'persona.md',
      'skills/paginate-with-cursors.md',
      // Composed by orion's own task (the rate limiter is not what it is about, so the task was
      // not routine and went to a tier that composes): a skill of orion's is a skill to clone.
      'skills/sync-incrementally-and-paginate-with-cursors.md',
      'world/entities/rate-limiter.md',
    ]);
    expect(repo.read('agents/vega/persona.md')).toBe(repo.read('agents/orion/persona.md'));
    expect(repo.read('agents/vega/world/entities/rate-limiter.md')).toMatch(
      /forked_from:\n {2}agent: orion\n {2}path: agents\/orion\/world\/entities\/rate-limiter\.md/,
    );
    expect(repo.read('agents/vega/skills/paginate-with-cursors.md')).toContain(
      'forked_from: agents/orion/skills/paginate-with-cursors.md',
    );
    const vega = loadRegistry(repo.dir).agents.find((a) => a.name === 'vega');
    const orion = loadRegistry(repo.dir).agents.find((a) => a.name === 'orion');
    expect(vega).toMatchObject({ ...orion, name: 'vega', hints: [] });
    expect(repoRewardRecords(repo.dir, 'vega')).toEqual([]);

    const missing = await runCli([
      'new-agent',
      '--dir',
      repo.dir,
      '--from',
      'nobody',
      '--name',
      'x',
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('unknown agent "nobody"');
  });

  it('gives an agent defined only in agents.yaml its persona, goals and hints', async () => {
    repo.write(
      'agents.yaml',
      repo
        .read('agents.yaml')
        .replace(
          'models:',
          "  - name: lyra\n    persona: 'Release manager. Careful and brief.'\n    domain: 'Release engineering'\n    goals: ['Ship on Thursdays']\n    hints: ['Releases often slip on flaky tests']\nmodels:",
        ),
    );
    await repo.git.exec(['add', 'agents.yaml']);
    await commitStaged(repo.git, 'Add lyra');
    const run = await runCli([
      'run',
      '--dir',
      repo.dir,
      '--agent',
      'lyra',
      '--text',
      'Plan the release with retries',
    ]);
    expect(run.code).toBe(0);
    const context = repo.read('agents/lyra/context.md');
    expect(context).toContain('Release manager. Careful and brief.');
    expect(context).toContain('Ship on Thursdays');
    expect(context).toContain('Releases often slip on flaky tests');
  });
});
