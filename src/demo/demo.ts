// `agentos demo`: a fresh agent repository from the template, the seed's task and related ones run
// with the offline model, and a readable account of what the agent did and learned — ending with a
// shared truth: orion proposes what it learned, iris (who met the same ground) votes yes, and the
// quorum merges it into a segment.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Git } from '../git/git.js';
import { OfflineModel } from '../llm/offline/offline-model.js';
import { silentLogger } from '../log.js';
import { loadAgentMemory } from '../loop/agent-memory.js';
import { formatReward } from '../loop/commit-message.js';
import { enqueueTasks, type NewTask } from '../loop/enqueue.js';
import { runIteration, type IterationResult } from '../loop/iteration.js';
import { taskFromQueue } from '../loop/task.js';
import { agentRelative } from '../memory/layout.js';
import { initRepository } from '../scaffold/init.js';
import { runLearning, type LearningResult } from '../learning/run.js';
import { listProposals } from '../consensus/branches.js';
import { segmentPath } from '../consensus/segment-update.js';

export const DEMO_AGENT = 'orion';

/** The seed's task first, then related work that reuses, extends and contradicts what it taught. */
export const DEMO_TASKS: NewTask[] = [
  {
    id: 'sync-vendor-api',
    text: 'Build a Python sync process for a paginated API with rate limits.',
    priority: 'high',
  },
  {
    text: "Sync invoices from the billing vendor's paginated API, pausing when the rate limit is near.",
  },
  {
    text: 'Add retries with exponential backoff to the paginated customer export when the API returns 429.',
  },
  { text: 'Refresh OAuth access tokens during a long paginated sync without restarting it.' },
  { text: 'Handle repeated webhook deliveries from the payments vendor idempotently.' },
  { text: 'Sync the product catalogue from a vendor API that has no rate limit, page by page.' },
  { text: 'Write a haiku for the team offsite.', priority: 'low' },
];

/** The second agent's tasks: the same ground from incident work, so it can ground a vote. */
export const DEMO_VOTER = 'iris';
export const DEMO_VOTER_TASKS: NewTask[] = [
  { text: 'A paginated vendor sync stalled: find where the cursor pagination lost its place.' },
  { text: 'Triage duplicate rows after a retried page of a cursor-paginated API export.' },
  { text: 'Write a runbook for resuming a paginated API backfill from its last cursor.' },
];

export interface DemoReport {
  dir: string;
  results: IterationResult[];
  /** iris's tasks, run so that it can vote from its own world model. */
  voterResults: IterationResult[];
  learning: LearningResult[];
}

export async function runDemo(options: {
  dir?: string;
  out: NodeJS.WritableStream;
}): Promise<DemoReport> {
  const out = (line = '') => options.out.write(`${line}\n`);
  const dir = options.dir ? resolve(options.dir) : mkdtempSync(join(tmpdir(), 'agentos-demo-'));
  const git = Git.create(dir);
  out(
    'AgentOS demo — offline model (deterministic rules, not an LLM; set LLM_API_KEY for a real one)',
  );
  out();
  await initRepository(dir, { git });
  const { ids } = await enqueueTasks({ repoRoot: dir, git, agent: DEMO_AGENT, tasks: DEMO_TASKS });
  out(`Created an agent repository at ${dir} and enqueued ${ids.length} tasks for ${DEMO_AGENT}.`);
  out();

  const results: IterationResult[] = [];
  const model = new OfflineModel();
  for (;;) {
    const memory = loadAgentMemory(dir, DEMO_AGENT);
    const task = taskFromQueue(DEMO_AGENT, memory.queue);
    if (!task) break;
    results.push(
      await runIteration({ repoRoot: dir, git, model, logger: silentLogger }, task, memory),
    );
  }

  const voterResults: IterationResult[] = [];
  await enqueueTasks({ repoRoot: dir, git, agent: DEMO_VOTER, tasks: DEMO_VOTER_TASKS });
  for (;;) {
    const memory = loadAgentMemory(dir, DEMO_VOTER);
    const task = taskFromQueue(DEMO_VOTER, memory.queue);
    if (!task) break;
    voterResults.push(
      await runIteration({ repoRoot: dir, git, model, logger: silentLogger }, task, memory),
    );
  }
  // orion's learning run promotes and proposes; iris's votes from its own world model, and the
  // quorum (agents.yaml: 1 agent besides the proposer) merges.
  const learning = [
    await runLearning({ repoRoot: dir, git, agent: DEMO_AGENT }),
    await runLearning({ repoRoot: dir, git, agent: DEMO_VOTER }),
  ];

  out('Tasks');
  out();
  const width = Math.max(...results.map((r) => r.task.id.length));
  for (const result of results) {
    const r = result.record;
    if (!r) continue;
    const changes = `${result.created.length} created, ${result.updated.length} updated`;
    out(
      `  ${result.task.id.padEnd(width)}  ${r.reasoning_demand.padEnd(8)} → ${r.model_used.padEnd(10)}  ` +
        `${r.outcome.padEnd(7)} ${formatReward(r.reward).padStart(2)}   ${changes}`,
    );
  }

  const memory = loadAgentMemory(dir, DEMO_AGENT);
  const touched = new Set(results.flatMap((r) => [...r.created, ...r.updated]));
  out();
  out('Skills');
  out();
  for (const skill of memory.skills.filter((s) => touched.has(s.path))) {
    out(
      `  ${agentRelative(DEMO_AGENT, skill.path)}  (uses ${skill.data.uses}, successes ${skill.data.successes})`,
    );
  }
  out();
  out('World model');
  out();
  for (const belief of memory.world.filter((b) => touched.has(b.path))) {
    const { confidence, status, evidence } = belief.data;
    out(
      `  ${agentRelative(DEMO_AGENT, belief.path).padEnd(58)} confidence ${confidence.toFixed(2)}  ${status}  (${evidence.length} evidence)`,
    );
  }
  out();
  out('Consensus (shared/iac/)');
  out();
  out(
    `  ${DEMO_VOTER} worked on ${voterResults.length} tasks on the same ground, then both agents ran a learning run:`,
  );
  for (const run of learning) {
    for (const line of run.consensus?.lines ?? []) out(`  ${run.agent}: ${line}`);
  }
  out();
  for (const proposal of await listProposals(git)) {
    const d = proposal.data;
    const where =
      d.status === 'merged'
        ? `merged ${d.merged_at?.slice(0, 10)} into ${d.segment ?? segmentPath(d.topic)}`
        : d.status;
    out(`  ${d.proposal}  ${d.subject} (by ${d.proposer}): ${where}`);
  }
  out();
  out('git log --oneline');
  out();
  for (const line of await git.logOneline()) out(`  ${line}`);
  out();
  out(
    `Look around: cd ${dir} && cat agents/${DEMO_AGENT}/rewards/recent/*.md && git show --stat HEAD~1`,
  );
  out(`Shared truths: cd ${dir} && cat shared/iac/segments/*.md && npx agentos consensus --list`);
  out(`The agent repository is at ${dir}`);
  return { dir, results, voterResults, learning };
}
