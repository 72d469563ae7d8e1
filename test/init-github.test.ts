// `agentos init --github`: the new repository gets AgentOS's own workflow, every job the same
// (events, permissions, concurrency, the nightly schedule), the action pinned to its release tag;
// the file passes actionlint and lands in the init commit. A job added to the shipped workflow
// reaches new repositories with no second copy to edit.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Git } from '../src/git/git.js';
import { installedRelease, workflowForAgentRepository } from '../src/scaffold/github-workflow.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/repo.js';

type Step = { uses?: string; with?: Record<string, string> };
type Workflow = {
  on: Record<string, unknown>;
  permissions: unknown;
  jobs: Record<string, { permissions?: unknown; concurrency?: unknown; steps: Step[] }>;
};

const shippedText = readFileSync('.github/workflows/agentos.yml', 'utf8');
const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

describe('agentos init --github', () => {
  it('writes the shipped workflow pinned to the release tag, lint-clean, in the init commit', async () => {
    const dir = join(tempDir('agentos-init-github-'), 'agents');
    const run = await runCli(['init', '--github', dir]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `Wrote .github/workflows/agentos.yml, pinned to agentos/agentos@v${version};`,
    );

    const text = readFileSync(join(dir, '.github/workflows/agentos.yml'), 'utf8');
    const written = parse(text) as Workflow;
    const shipped = parse(shippedText) as Workflow;
    // Everything but the action's reference is the shipped workflow's.
    const pinned = `agentos/agentos@v${version}`;
    const unpin = (workflow: Workflow) =>
      JSON.parse(JSON.stringify(workflow).replaceAll(`"uses":"${pinned}"`, '"uses":"./"'));
    expect(unpin(written)).toEqual(shipped);
    // GitHub's own actions (checkout, cache) aside, every step is the pinned action.
    const actionSteps = Object.values(written.jobs).flatMap((job) =>
      job.steps.filter(
        (step) =>
          !step.uses?.startsWith('actions/checkout@') && !step.uses?.startsWith('actions/cache@'),
      ),
    );
    const localSteps = Object.values(shipped.jobs).flatMap((job) =>
      job.steps.filter((step) => step.uses === './'),
    );
    expect(localSteps.length).toBeGreaterThan(0);
    expect(actionSteps.length).toBe(localSteps.length);
    expect(new Set(actionSteps.map((step) => step.uses))).toEqual(new Set([pinned]));
    expect(text).not.toMatch(/uses:\s*\.\//);
    expect(Object.keys(written.on)).toContain('schedule');
    expect(written.permissions).toEqual({});

    const lint = spawnSync(process.execPath, ['scripts/lint-workflows.js', dir], {
      encoding: 'utf8',
    });
    expect(lint.stdout.trim()).toBe('actionlint: 1 workflows, no problems');
    expect(lint.status).toBe(0);

    const committed = await Git.create(dir).exec(['show', '--name-only', '--format=', 'HEAD']);
    expect(committed.stdout.split('\n')).toContain('.github/workflows/agentos.yml');
    const clean = await Git.create(dir).exec(['status', '--porcelain']);
    expect(clean.stdout).toBe('');
  });

  it('pins a fork’s release with --action, and refuses a malformed one', async () => {
    const dir = join(tempDir('agentos-init-github-'), 'agents');
    const run = await runCli(['init', '--github', '--action', 'my-org/agentos@v2.0.1', dir]);
    expect(run.code).toBe(0);
    const text = readFileSync(join(dir, '.github/workflows/agentos.yml'), 'utf8');
    expect(text).toContain('uses: my-org/agentos@v2.0.1');
    expect(text).not.toContain('agentos/agentos@');

    const bad = await runCli(['init', '--github', '--action', 'agentos', tempDir()]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'agentos init: --action "agentos" is not OWNER/NAME@TAG (e.g. agentos/agentos@v1.2.0)\n',
    );
    const without = await runCli(['init', '--action', 'a/b@v1', tempDir()]);
    expect(without.code).toBe(2);
    expect(without.stderr).toContain('--action pins the workflow --github writes: add --github');
  });

  it('carries a job added to the shipped workflow, and refuses a shipped workflow with no action step', () => {
    const release = installedRelease();
    expect(release).toEqual({ repository: 'agentos/agentos', tag: `v${version}` });
    const withJob = `${shippedText}
  metrics:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@v5
      - uses: ./
        with:
          mode: metrics
`;
    const written = parse(workflowForAgentRepository(withJob, release)) as Workflow;
    expect(written.jobs.metrics!.steps[1]).toEqual({
      uses: `agentos/agentos@v${version}`,
      with: { mode: 'metrics' },
    });
    expect(() =>
      workflowForAgentRepository(
        shippedText.replaceAll('uses: ./', 'uses: other/action@v1'),
        release,
      ),
    ).toThrow('.github/workflows/agentos.yml of this installation has no "uses: ./" step');
  });
});
