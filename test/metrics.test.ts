// agentos metrics: every metric of a fixture repository against values computed by hand, windows
// without data and with too little, the JSON schema, the Mermaid charts, and metrics.md in learning runs.
import { checkMemoryPath } from '../src/memory/path-guard.js';
import { agentPaths, PROPOSALS_DIR, SEGMENTS_DIR } from '../src/memory/layout.js';
import { renderMarkdown } from '../src/memory/markdown.js';
import { recentRecordPath } from '../src/memory/reward-log.js';
import { renderRewardFile, renderRewardLine } from '../src/memory/reward-lines.js';
import type { RewardRecord } from '../src/memory/rewards.js';
import { MetricsReportSchema } from '../src/metrics/json-schema.js';
import { taskComparisonLines } from '../src/metrics/task-comparison.js';
import {
  EntitySchema,
  HypothesisSchema,
  renderBelief,
  type BeliefData,
} from '../src/world/beliefs.js';
import { runCli } from './helpers/cli.js';
import { mermaidBlocks, parseMermaid } from './helpers/mermaid.js';
import { commitStaged } from './helpers/person.js';
import { makeRepo, type TestRepo } from './helpers/repo.js';

const AGENT = 'orion';
const SEGMENT = `${SEGMENTS_DIR}/api.md`;

type RecordFields = Partial<Omit<RewardRecord, 'context'>> & {
  context?: Partial<RewardRecord['context']>;
  route?: unknown;
};

function record(taskId: string, at: string, fields: RecordFields): RewardRecord {
  const outcome = fields.outcome ?? 'success';
  const reward = outcome === 'success' ? 1 : outcome === 'partial' ? 0 : -1;
  return {
    task: `Task ${taskId}`,
    task_id: taskId,
    agent: AGENT,
    at,
    outcome,
    reward,
    reward_decomposition: { correctness: reward, efficiency: 0, novelty: 0, generality: 0 },
    context_tags: ['api'],
    reasoning_demand: 'moderate',
    model_used: 'balanced',
    model_name: 'gpt-4o',
    model_appropriate: 'yes',
    tiers_tried: [fields.model_used ?? 'balanced'],
    tokens: { prompt: 1000, completion: 200 },
    cost_usd: 0.01,
    world_model_update: [],
    skills_used: [],
    feedback: null,
    ...fields,
    context: { included: 4, used: 1, tokens: 1000, ...fields.context },
  } as unknown as RewardRecord;
}

function estimates(cheapSuccess: number) {
  return {
    'cheap-fast': { success: cheapSuccess, cost: 0.01, start_success: 0.95, start_cost: 0.02 },
    balanced: { success: 0.9, cost: 0.02, start_success: 0.95, start_cost: 0.03 },
    strongest: { success: 0.95, cost: 0.1, start_success: 0.95, start_cost: 0.1 },
  };
}

/**
 * The fixture. The newest record is at 2026-05-15T00:00Z, so with --window 7d the current window
 * is (05-08, 05-15] and the previous one (05-01, 05-08].
 */
const CURRENT: RewardRecord[] = [
  record('c1', '2026-05-10T00:00:00Z', {
    model_used: 'cheap-fast',
    tiers_tried: ['cheap-fast'],
    cost_usd: 0.01,
    skills_used: ['skills/a.md'],
    context: {
      included: 4,
      used: 2,
      available: 10,
      used_ids: ['skills/a.md', SEGMENT],
      used_tokens: 400,
    },
    route: {
      tier: 'cheap-fast',
      default_tier: 'balanced',
      reason: 'learned',
      explored: false,
      source: 'routing.md',
      demand_reason: 'fixture',
      cluster: 'routine',
      tags: [],
      estimates: estimates(0.8),
    },
  }),
  record('c2', '2026-05-10T01:00:00Z', {
    model_used: 'balanced',
    tiers_tried: ['cheap-fast', 'balanced'],
    cost_usd: 0.02,
    skills_used: ['skills/a.md'],
    context: { included: 4, used: 1, available: 10, used_ids: ['skills/a.md'], used_tokens: 200 },
    route: {
      tier: 'cheap-fast',
      default_tier: 'balanced',
      reason: 'learned',
      explored: true,
      source: 'routing.md',
      demand_reason: 'fixture',
      cluster: 'routine',
      tags: [],
      estimates: estimates(0.3),
    },
  }),
  record('c3', '2026-05-10T02:00:00Z', {
    outcome: 'failure',
    model_used: 'cheap-fast',
    tiers_tried: ['cheap-fast'],
    cost_usd: 0.01,
    context: { included: 4, used: 0, available: 10, used_ids: [], used_tokens: 0 },
  }),
  record('c4', '2026-05-10T03:00:00Z', {
    model_used: 'strongest',
    tiers_tried: ['strongest'],
    model_appropriate: 'no',
    cost_usd: 0.1,
    skills_used: ['skills/b.md'],
    context: {
      included: 4,
      used: 2,
      available: 10,
      used_ids: [SEGMENT, 'world/entities/x.md'],
      used_tokens: 600,
    },
  }),
  record('c5', '2026-05-10T04:00:00Z', {
    outcome: 'partial',
    model_used: 'balanced',
    tiers_tried: ['balanced'],
    cost_usd: 0.02,
    context: { included: 4, used: 1, available: 10, used_ids: ['skills/b.md'], used_tokens: 300 },
  }),
  // Written before records kept what was available and used, and of unknown cost.
  record('c6', '2026-05-15T00:00:00Z', {
    model_used: 'cheap-fast',
    tiers_tried: ['cheap-fast'],
    cost_usd: null,
    skills_used: ['skills/a.md'],
    context: { included: 4, used: 1, tokens: 1000 },
  }),
];
const PREVIOUS: RewardRecord[] = [
  record('p1', '2026-05-03T00:00:00Z', {}),
  record('p2', '2026-05-03T01:00:00Z', { outcome: 'failure' }),
  record('p3', '2026-05-03T02:00:00Z', {}),
];

function belief(kind: 'entity' | 'hypothesis', slug: string, fields: Record<string, unknown>) {
  const common = {
    name: slug.replace(/-/g, ' '),
    aliases: [],
    tags: [],
    confidence: 0.5,
    evidence: [],
    created: '2026-05-09T00:00:00Z',
    ...fields,
  };
  const data: BeliefData =
    kind === 'entity'
      ? EntitySchema.parse({ kind, ...common })
      : HypothesisSchema.parse({ kind, claim: `${slug}.`, proposes: 'entity', ...common });
  const path = agentPaths(AGENT).world(kind, slug);
  return { path, content: renderBelief({ slug, path, data, body: '' }) };
}

const against = (at: string) => ({ task: 'c3', supports: false, at, note: null });

const BELIEFS = [
  belief('hypothesis', 'h1', { status: 'promoted', created: '2026-05-09T00:00:00Z' }),
  belief('hypothesis', 'h2', { status: 'open', created: '2026-05-09T01:00:00Z' }),
  // Contradicted on 05-11, refuted 24 hours later.
  belief('hypothesis', 'h3', {
    status: 'refuted',
    created: '2026-05-09T02:00:00Z',
    evidence: [against('2026-05-11T00:00:00Z')],
    invalid_at: '2026-05-12T00:00:00Z',
  }),
  belief('hypothesis', 'h4', { status: 'promoted', created: '2026-05-09T03:00:00Z' }),
  // Contradicted at noon, superseded 12 hours later.
  belief('entity', 'e1', {
    status: 'superseded',
    created: '2026-04-20T00:00:00Z',
    evidence: [against('2026-05-12T00:00:00Z')],
    invalid_at: '2026-05-12T12:00:00Z',
  }),
  // Contradicted and still active: an open contradiction.
  belief('entity', 'e2', {
    created: '2026-04-20T00:00:00Z',
    evidence: [against('2026-05-13T00:00:00Z')],
  }),
  // A duplicate collapsed into e4 on 05-13; e4 has another nomination still waiting.
  belief('entity', 'e3', {
    status: 'superseded',
    created: '2026-04-20T00:00:00Z',
    invalid_at: '2026-05-13T00:00:00Z',
    superseded_by: agentPaths(AGENT).world('entity', 'e4'),
    merged_into: agentPaths(AGENT).world('entity', 'e4'),
  }),
  belief('entity', 'e4', {
    created: '2026-04-20T00:00:00Z',
    duplicate_nominations: [
      {
        of: agentPaths(AGENT).world('entity', 'e5'),
        task: 'c4',
        at: '2026-05-13T00:00:00Z',
        note: null,
      },
    ],
  }),
];

function proposal(id: string, data: Record<string, unknown>) {
  return { path: `${PROPOSALS_DIR}/prop-${id}.md`, content: renderMarkdown(data, 'Claim.') };
}

const PROPOSALS = [
  proposal('001', {
    proposer: AGENT,
    status: 'merged',
    opened_at: '2026-05-09T00:00:00Z',
    merged_at: '2026-05-10T00:00:00Z',
  }),
  proposal('002', {
    proposer: AGENT,
    status: 'merged',
    opened_at: '2026-05-10T00:00:00Z',
    merged_at: '2026-05-10T12:00:00Z',
  }),
  proposal('003', {
    proposer: AGENT,
    status: 'closed',
    opened_at: '2026-05-09T00:00:00Z',
    closed_at: '2026-05-11T00:00:00Z',
  }),
  proposal('004', {
    proposer: 'iris',
    status: 'merged',
    opened_at: '2026-05-09T00:00:00Z',
    merged_at: '2026-05-09T01:00:00Z',
  }),
  proposal('005', { proposer: AGENT, status: 'open', opened_at: '2026-05-12T00:00:00Z' }),
];

async function fixture(): Promise<TestRepo> {
  const repo = await makeRepo();
  for (const r of [...PREVIOUS, ...CURRENT])
    repo.write(
      recentRecordPath(AGENT, r.task_id),
      renderRewardFile('Reward record', [renderRewardLine(r)]),
    );
  for (const file of [...BELIEFS, ...PROPOSALS]) repo.write(file.path, file.content);
  repo.write(SEGMENT, renderMarkdown({ title: 'API knowledge', tags: ['api'] }, 'Rate limiters.'));
  await repo.git.exec(['add', '--all']);
  await commitStaged(repo.git, 'fixture: records, beliefs, proposals and a segment');
  return repo;
}

type Report = ReturnType<typeof MetricsReportSchema.parse>;
type AgentReport = Report['agents'][number];

async function metricsJson(repo: TestRepo, ...args: string[]): Promise<AgentReport> {
  const run = await runCli(['metrics', '--json', '--dir', repo.dir, '--agent', AGENT, ...args]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const report = MetricsReportSchema.parse(JSON.parse(run.stdout));
  expect(report.agents.map((a) => a.agent)).toEqual([AGENT]);
  return report.agents[0]!;
}

function metric(agent: AgentReport, id: string) {
  const found = agent.metrics.find((m) => m.id === id);
  if (!found) throw new Error(`no metric ${id}`);
  return found;
}

describe('agentos metrics', () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await fixture();
  });
  afterAll(() => repo.cleanup());

  it('computes every metric of the fixture as computed by hand, and says why when it cannot', async () => {
    const agent = await metricsJson(repo, '--window', '7d');
    expect(agent.anchor).toBe('2026-05-15T00:00:00Z');
    expect(agent.current).toEqual({
      start: '2026-05-08T00:00:00Z',
      end: '2026-05-15T00:00:00Z',
      tasks: 6,
    });
    expect(agent.previous).toEqual({
      start: '2026-05-01T00:00:00Z',
      end: '2026-05-08T00:00:00Z',
      tasks: 3,
    });
    const value = (id: string) => {
      const m = metric(agent, id).current;
      expect(m.status).toBe('ok');
      return [m.value, m.numerator, m.denominator];
    };
    const close = (id: string, expected: [number, number | null, number]) => {
      const [v, n, d] = value(id);
      expect(v).toBeCloseTo(expected[0], 6);
      if (expected[1] === null) expect(n).toBeNull();
      else expect(n).toBeCloseTo(expected[1], 6);
      expect(d).toBe(expected[2]);
    };
    // c1, c2, c4, c6 of six succeeded.
    close('task_success', [4 / 6, 4, 6]);
    // Used tokens 400+200+0+600+300 of 5 × 1000 shown (c6 does not record them).
    close('context_efficiency', [0.3, 1500, 5000]);
    expect(metric(agent, 'context_efficiency').current.detail).toEqual({
      included_per_available: 20 / 50,
      used_per_included: 7 / 24,
    });
    // Rewards +1 +1 -1 +1 0 +1.
    close('reward_trend', [0.5, 3, 6]);
    close('skill_reuse', [4 / 6, 4, 6]);
    // h1, h4 promoted of h1–h4 created in the window.
    close('hypothesis_promotion', [0.5, 2, 4]);
    expect(metric(agent, 'hypothesis_promotion').current.detail).toEqual({ refuted: 1 });
    // h3 took 24 hours, e1 12: the median is 18; e2 is still contradicted.
    close('contradiction_correction', [18, null, 2]);
    expect(metric(agent, 'contradiction_correction').current.detail).toEqual({
      still_contradicted: 1,
    });
    // e3 collapsed, e4's nomination waits.
    close('duplicate_collapse', [0.5, 1, 2]);
    // $0.16 over the 3 successes of known cost (c6's cost is unknown).
    close('cost_per_success', [0.16 / 3, 0.16, 3]);
    expect(metric(agent, 'cost_per_success').current.detail).toEqual({ tasks_of_unknown_cost: 1 });
    close('expensive_calls', [1 / 6, 1, 6]);
    expect(metric(agent, 'expensive_calls').current.detail).toEqual({
      avoidable: 1,
      routing_revisions: 0,
    });
    // Calls below strongest: c1 cf ok; c2 cf escalated, balanced ok; c3 cf failed; c5 balanced
    // partial; c6 cf ok: 3 failed of 6.
    close('underpowered_failures', [0.5, 3, 6]);
    // orion's proposals: 001 and 002 merged, 003 closed (iris's 004 is not orion's).
    close('proposal_acceptance', [2 / 3, 2, 3]);
    // 24 and 12 hours from open to merge.
    close('time_to_consensus', [18, null, 2]);
    // c1 and c4 used the segment, of the five records that say what they used.
    close('segment_usefulness', [0.4, 2, 5]);
    expect(metric(agent, 'segment_usefulness').current.detail).toEqual({
      segments: 1,
      segments_used: 1,
    });

    // The previous window: three tasks are too few, and most sources have nothing in it.
    const previous = (id: string) => metric(agent, id).previous;
    expect(previous('task_success')).toMatchObject({
      status: 'not-enough-data',
      value: null,
      numerator: 2,
      denominator: 3,
      reason: '3 tasks in the window; at least 5 needed',
    });
    expect(previous('context_efficiency')).toMatchObject({
      status: 'no-data',
      value: null,
      reason: 'no record in the window has context.used_tokens (written before this version)',
    });
    expect(previous('hypothesis_promotion')).toMatchObject({
      status: 'no-data',
      reason: 'no hypotheses created in the window',
    });
    expect(previous('proposal_acceptance')).toMatchObject({
      status: 'no-data',
      reason: 'no proposals decided in the window',
    });
    expect(metric(agent, 'task_success').trend).toBe('unknown');

    // One of a kind is said in the singular: iris's one merged proposal is too few to judge.
    const iris = await runCli([
      'metrics',
      '--json',
      '--dir',
      repo.dir,
      '--agent',
      'iris',
      '--window',
      '7d',
    ]);
    const irisReport = MetricsReportSchema.parse(JSON.parse(iris.stdout)).agents[0]!;
    expect(metric(irisReport, 'proposal_acceptance').current).toMatchObject({
      status: 'not-enough-data',
      reason: '1 proposal decided in the window; at least 2 needed',
    });

    // Routing: c1 and c2 carry estimates; always-strongest $0.20, the oracle c1 on cheap-fast and
    // c2 on balanced (cheap-fast estimated at 0.3), $0.03, as paid.
    expect(agent.routing_savings).toEqual({
      status: 'ok',
      tasks: 2,
      actual_usd: expect.closeTo(0.03, 9),
      always_strongest_usd: expect.closeTo(0.2, 9),
      oracle_usd: expect.closeTo(0.03, 9),
      saved_usd: expect.closeTo(0.17, 9),
      gap_to_oracle_usd: expect.closeTo(0, 9),
    });
    expect(agent.proposals_by_outcome).toEqual({ open: 1, merged: 2, closed: 1 });
    expect(agent.beliefs_by_status).toEqual({
      'entity: active': 2,
      'entity: superseded': 1,
      // h2 and the template's hint.
      'hypothesis: open': 2,
      'hypothesis: promoted': 2,
      'hypothesis: refuted': 1,
    });
  });

  it('compares windows of tasks, and leaves out data before --since', async () => {
    const tasks = await metricsJson(repo, '--window', '5tasks');
    // The last five tasks (c2–c6) against the five before (p1–p3, c1).
    expect(tasks.current.tasks).toBe(5);
    expect(tasks.previous.tasks).toBe(4);
    expect(metric(tasks, 'task_success').current).toMatchObject({
      value: 3 / 5,
      numerator: 3,
      denominator: 5,
    });
    expect(metric(tasks, 'task_success').previous).toMatchObject({
      status: 'not-enough-data',
      denominator: 4,
    });
    expect(metric(tasks, 'reward_trend').trend).toBe('unknown');

    const since = await metricsJson(repo, '--since', '2026-05-10');
    expect(since.previous.tasks).toBe(0);
    expect(metric(since, 'task_success').previous).toMatchObject({
      status: 'no-data',
      reason: 'no tasks in the window',
    });
    expect(metric(since, 'task_success').current.value).toBeCloseTo(4 / 6, 6);
  });

  it('refuses a bad window or date with one line and exit code 2', async () => {
    const window = await runCli(['metrics', '--dir', repo.dir, '--window', 'week']);
    expect(window.code).toBe(2);
    expect(window.stderr).toBe(
      'agentos metrics: --window: must be a number of days or tasks, such as 7d or 50tasks (got "week")\n',
    );
    const since = await runCli(['metrics', '--dir', repo.dir, '--since', 'yesterday']);
    expect(since.code).toBe(2);
    expect(since.stderr).toBe(
      'agentos metrics: --since: must be a date such as 2026-11-01 (got "yesterday")\n',
    );
    const agent = await runCli(['metrics', '--dir', repo.dir, '--agent', 'nobody']);
    expect(agent.code).toBe(2);
  });

  it('prints a table with arrows and charts that Mermaid parses, to stdout or --out', async () => {
    const run = await runCli(
      ['metrics', '--dir', repo.dir, '--agent', AGENT, '--window', '3tasks', '--out', 'report.md'],
      { cwd: repo.dir },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('wrote the metrics of orion (3tasks) to report.md\n');
    const markdown = repo.read('report.md');
    // The last three tasks (c4–c6) against c1–c3: too few either way.
    expect(markdown).toContain(
      '| Task success | _not enough data: 3 tasks in the window; at least 5 needed_ |',
    );
    // Hypotheses h1–h4 were created before c3, the previous window's last task.
    expect(markdown).toContain(
      '| Hypothesis promotion rate | _no data: no hypotheses created in the window_ | 50% (2/4) | · |',
    );
    expect(markdown).toContain('## Metrics — orion');
    expect(markdown).toContain('### What routing saved');
    const blocks = mermaidBlocks(markdown);
    expect(blocks.map((b) => b.split('\n')[0])).toEqual([
      'xychart-beta',
      'xychart-beta',
      'xychart-beta',
      'pie title Beliefs by status',
      'pie title Proposals by outcome',
    ]);
    const broken = 'xychart-beta\n  x-axis ["a", "b"\n  line [1, 2]';
    const parsed = await parseMermaid([...blocks, broken]);
    expect(parsed.slice(0, -1)).toEqual([
      { type: 'xychart' },
      { type: 'xychart' },
      { type: 'xychart' },
      { type: 'pie' },
      { type: 'pie' },
    ]);
    // The parser is real: a broken block fails.
    expect(parsed.at(-1)).toEqual({ error: expect.stringMatching(/Parse error/) });

    const seven = await runCli(['metrics', '--dir', repo.dir]);
    expect(seven.code).toBe(0);
    expect(seven.stdout).toContain('## Metrics — iris');
    expect(seven.stdout).toMatch(
      /\| Task success \| 67% \(4\/6\) \| _not enough data: 3 tasks in the window; at least 5 needed_ \| · \|/,
    );
    expect(seven.stdout).toMatch(/\| Reward trend \(mean reward\) \| \+0\.50 \|/);
  }, 60_000);

  it('shows a trend as an arrow that says better or worse', async () => {
    const extra = await makeRepo();
    try {
      const at = (day: number, hour: number) =>
        `2026-06-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00Z`;
      const records = [
        ...[0, 1, 2, 3, 4].map((i) =>
          record(`a${i}`, at(2, i), { outcome: i < 2 ? 'success' : 'failure' }),
        ),
        ...[0, 1, 2, 3, 4].map((i) =>
          record(`b${i}`, at(9, i), { outcome: i < 4 ? 'success' : 'failure' }),
        ),
      ];
      for (const r of records)
        extra.write(
          recentRecordPath(AGENT, r.task_id),
          renderRewardFile('Reward record', [renderRewardLine(r)]),
        );
      const run = await runCli(['metrics', '--dir', extra.dir, '--agent', AGENT]);
      expect(run.stdout).toContain('| Task success | 80% (4/5) | 40% (2/5) | ↑ better |');
      // More successes at the same cost: the cost per success fell.
      expect(run.stdout).toContain(
        '| Cost per successful task (USD) | $0.0125 (n=4) | _not enough data: 2 successful tasks in the window; at least 3 needed_ | · |',
      );
      expect(run.stdout).toContain(
        '| Underpowered-call failure rate | 20% (1/5) | 60% (3/5) | ↓ better |',
      );
    } finally {
      extra.cleanup();
    }
  });

  it('lets a learning run write exactly agents/<name>/metrics.md', () => {
    expect(checkMemoryPath(AGENT, 'agents/orion/metrics.md')).toBe('agents/orion/metrics.md');
    expect(() => checkMemoryPath(AGENT, 'agents/iris/metrics.md')).toThrow(
      /outside the memory of agent "orion"/,
    );
  });

  it('compares a task with the averages of the tasks before it', () => {
    const lines = taskComparisonLines(CURRENT[0]!, CURRENT.slice(1));
    expect(lines).toEqual([
      "**This task beside the agent's last 5 tasks**",
      '',
      '| | this task | average of the last 5 |',
      '|---|---|---|',
      '| success | yes | 60% |',
      '| reward | +1.00 | +0.40 |',
      '| tokens | 1200 | 1200 |',
      '| cost | $0.0100 | $0.0375 |',
      '| context tokens | 1000 | 1000 |',
      '| share of the context used | 40% | 28% |',
      '| tier | `cheap-fast` | cheap-fast 40%, balanced 40%, strongest 20% |',
    ]);
  });
});
