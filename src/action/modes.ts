// The mode dispatcher: one named handler per mode of the action (SPEC §10). `task` runs the next
// task of queue.md (or the text a workflow_dispatch gives); `list-agents` feeds a workflow matrix;
// the learning, consensus and metrics modes are handlers of their own.
import { AgentOSError } from '../errors.js';
import { readAgentMemory } from '../loop/agent-memory.js';
import { runIteration, type IterationResult } from '../loop/iteration.js';
import { processedEntries, queueNeedsRepair, repairQueue } from '../loop/queue-repair.js';
import { publishWork } from '../loop/publish.js';
import { taskFromQueue, taskFromText, type Task } from '../loop/task.js';
import { runLearning, type LearningResult } from '../learning/run.js';
import { agentPaths } from '../memory/layout.js';
import { buildMetricsReport } from '../metrics/report.js';
import { renderAgentMetrics } from '../metrics/render.js';
import { readTaskComparison } from '../metrics/task-comparison.js';
import { DEFAULT_WINDOW } from '../metrics/windows.js';
import { findAgent, loadRegistry } from '../memory/registry.js';
import type { PullRequest } from '../platform/pulls.js';
import { sanitiseUntrustedText } from '../platform/untrusted-text.js';
import { fetchReviewBranches, publishReview } from '../review/github.js';
import { promotionsReviewBody, promotionsReviewTitle } from '../review/pull-body.js';
import {
  claimOnGitHub,
  evaluateProposalsInAction,
  fetchProposalBranches,
  proposalUrlOutput,
  publishVotes,
  runConsensusMode,
} from './consensus-mode.js';
import type { ActionContext } from './context.js';
import { forgetLocalReview, prepareReviews, publishTaskReview, reviewLines } from './review.js';
import type { Mode } from './inputs.js';
import { iterationOutputs, iterationSummary, type ActionReport } from './report.js';

export type ModeName = Exclude<Mode, 'auto'>;
export type ModeHandler = (ctx: ActionContext) => Promise<ActionReport>;

/** The task a scheduled or dispatched run works on: the dispatch's `task` text, else the queue's next. */
function scheduledTask(
  ctx: ActionContext,
  agent: string,
  queueTask: () => Task | undefined,
): Task | undefined {
  const event = ctx.event;
  const text = event.name === 'workflow_dispatch' ? (event.inputs.task ?? '').trim() : '';
  if (text === '') {
    const queued = queueTask();
    // Provenance (world/provenance.ts): a queue entry run by the schedule is the schedule's word.
    return queued && event.name === 'schedule'
      ? { ...queued, provenance: { kind: 'schedule' } }
      : queued;
  }
  return { ...taskFromText(agent, sanitiseUntrustedText(text).text), source: 'dispatch' };
}

export const runQueuedTask: ModeHandler = async (ctx) => {
  const target = await ctx.prepareToWrite();
  // Reviews merged or closed on GitHub since the last run settle their queue entries first.
  await prepareReviews(ctx, target, findAgent(loadRegistry(ctx.repoRoot), ctx.settings.agent).name);
  const memory = await readAgentMemory(ctx.repoRoot, ctx.git, ctx.settings.agent);
  const agent = memory.agent.name;
  // An entry that already has a reward record is settled by the repair below, not run.
  const processed = new Set(
    processedEntries(memory.queue, memory.rewardIndex).map((p) => p.entry.id),
  );
  const task = scheduledTask(ctx, agent, () =>
    taskFromQueue(agent, memory.queue, undefined, processed),
  );
  // Malformed or already processed queue entries leave the queue in commits of their own,
  // published with the run's work.
  const repair = () =>
    repairQueue({
      repoRoot: ctx.repoRoot,
      git: ctx.git,
      agent,
      now: ctx.now,
      logger: ctx.logger,
    });
  if (!task) {
    if (queueNeedsRepair(memory.queue, memory.rewardIndex))
      await publishWork({ git: ctx.git, target, logger: ctx.logger, work: repair });
    const line = `No pending task in ${agentPaths(agent).queue}.`;
    ctx.logger.info(line);
    return { status: 'no-task', title: `${agent} · queue`, lines: [line], outputs: {} };
  }
  const model = ctx.model(memory.registry);
  const { value: result } = await publishWork<IterationResult>({
    git: ctx.git,
    target,
    logger: ctx.logger,
    work: async () => {
      await repair();
      // The task is pending, so any local review branch of it is left over (see forgetLocalReview).
      if (memory.agent.autonomy === 'assistant' && task.source === 'queue')
        await forgetLocalReview(ctx, agent, task.id);
      return runIteration(
        {
          repoRoot: ctx.repoRoot,
          git: ctx.git,
          model,
          logger: ctx.logger,
          now: ctx.now,
          budget: ctx.budget,
          ...(target && ctx.pulls ? { claimProposal: claimOnGitHub(ctx, target.branch) } : {}),
        },
        task,
      );
    },
  });
  const title = `${agent} · ${task.id}`;
  if (result.status === 'failed')
    throw new AgentOSError(
      `${task.id} failed: ${result.failure?.message ?? 'the model gave no usable answer'} (recorded; the task stays pending in queue.md)`,
    );
  // constraints.md stopped it before the model: the queue's commit says why.
  if (result.status === 'refused' || result.status === 'awaiting-approval')
    return { status: 'skipped', title, lines: [result.summary], outputs: { 'task-id': task.id } };
  if (result.status === 'already-processed')
    return {
      status: 'already-processed',
      title,
      lines: [result.summary],
      outputs: { 'task-id': task.id },
    };
  const commitUrl = result.commit ? ctx.platform.commitUrl(result.commit) : undefined;
  const reviewPull = await publishTaskReview(ctx, target, result);
  return {
    status: 'done',
    title,
    lines: [
      ...iterationSummary(result, commitUrl),
      ...reviewLines(result, reviewPull),
      ...(result.record ? ['', ...readTaskComparison(ctx.repoRoot, result.record)] : []),
    ],
    outputs: { ...iterationOutputs(result), ...proposalUrlOutput(ctx) },
  };
};

export const listAgents: ModeHandler = async (ctx) => {
  const names = loadRegistry(ctx.repoRoot).agents.map((agent) => agent.name);
  return {
    status: 'listed',
    title: 'agents',
    lines: [`Agents in agents.yaml: ${names.map((n) => `\`${n}\``).join(', ')}.`],
    outputs: { agents: JSON.stringify(names) },
  };
};

/**
 * The nightly learning run of one agent (SPEC §7): one commit per step that changed something,
 * pushed like any other memory change. Under `learning: constrained` the promotions wait on a
 * branch of their own, which is pushed for review.
 */
export const runLearningMode: ModeHandler = async (ctx) => {
  const target = await ctx.prepareToWrite();
  const agent = findAgent(loadRegistry(ctx.repoRoot), ctx.settings.agent).name;
  // On GitHub, proposals are pull requests: vote on what GitHub has, publish what is new, and
  // evaluate with people's reviews (consensus-mode.ts) rather than on plain git.
  const onGitHub = target !== undefined && ctx.pulls !== undefined;
  if (onGitHub) await fetchProposalBranches(ctx);
  // Promotions proposed earlier today go on top of their branch, not in place of it.
  if (target) await fetchReviewBranches(ctx.git, target.remote);
  const { value: result } = await publishWork<LearningResult>({
    git: ctx.git,
    target,
    logger: ctx.logger,
    work: () =>
      runLearning({
        repoRoot: ctx.repoRoot,
        git: ctx.git,
        agent,
        now: ctx.now,
        logger: ctx.logger,
        ...(onGitHub && target
          ? { consensus: { claimRemote: claimOnGitHub(ctx, target.branch), evaluate: false } }
          : {}),
      }),
  });
  let promotionsPull: PullRequest | undefined;
  if (result.proposalBranch && target) {
    // The same review path as an assistant's task (src/review/): one pull request per branch.
    const branch = result.proposalBranch;
    const { pull } = await publishReview({
      git: ctx.git,
      remote: target.remote,
      pulls: ctx.pulls,
      branch,
      base: target.branch,
      title: promotionsReviewTitle(agent, branch),
      body: promotionsReviewBody({
        agent,
        commits: await promotionsOnBranch(ctx, branch, target.branch),
        base: target.branch,
      }),
      logger: ctx.logger,
    });
    promotionsPull = pull;
  }
  const consensusLines: string[] = [];
  if (onGitHub && result.consensus) {
    await publishVotes(ctx, agent, result.consensus);
    for (const outcome of await evaluateProposalsInAction(ctx))
      if (outcome.kind === 'merged' || outcome.kind === 'expired')
        consensusLines.push(`- prop-${String(outcome.number).padStart(3, '0')}: ${outcome.kind}`);
  }
  const lines = [
    result.summary,
    ...(result.commits.length > 0
      ? ['', ...result.commits.map((c) => `- ${c.subject} (${c.sha.slice(0, 7)})`)]
      : []),
    ...(result.proposalBranch
      ? [
          '',
          promotionsPull
            ? `Promotions awaiting review: pull request [#${promotionsPull.number}](${promotionsPull.url}) from \`${result.proposalBranch}\`.`
            : `Promotions awaiting review: branch \`${result.proposalBranch}\`.`,
        ]
      : []),
    // The committed metrics.md, whose own title the summary's heading already says.
    ...(result.metrics ? ['', ...result.metrics.split('\n').slice(1)] : []),
    ...(consensusLines.length > 0 ? ['', 'Proposals:', ...consensusLines] : []),
  ];
  const last = result.commits.at(-1);
  return {
    status: result.commits.length > 0 ? 'learned' : 'nothing-learned',
    title: `${agent} · learning run`,
    lines,
    outputs: { ...(last ? { 'commit-sha': last.sha } : {}), ...proposalUrlOutput(ctx) },
  };
};

/** The promotions commits a branch holds beyond the base: what its pull request's body lists. */
async function promotionsOnBranch(
  ctx: ActionContext,
  branch: string,
  base: string,
): Promise<{ subject: string; changed: string[] }[]> {
  const log = await ctx.git.exec([
    'log',
    '--format=%x1e%s',
    '--name-only',
    '--no-renames',
    `refs/heads/${base}..refs/heads/${branch}`,
  ]);
  return log.stdout
    .split('\x1e')
    .filter((chunk) => chunk.trim() !== '')
    .map((chunk) => {
      const [subject = '', ...files] = chunk.split('\n').filter(Boolean);
      return { subject, changed: files };
    });
}

/**
 * The metrics report (SPEC §9) in the job summary: every agent of agents.yaml, or the one the
 * `agent` input names. It reads the repository and writes nothing.
 */
export const reportMetrics: ModeHandler = async (ctx) => {
  const report = await buildMetricsReport({
    repoRoot: ctx.repoRoot,
    git: ctx.git,
    ...(ctx.settings.agent !== undefined ? { agent: ctx.settings.agent } : {}),
    window: DEFAULT_WINDOW,
  });
  const lines = report.agents.flatMap((agent) => renderAgentMetrics(agent, DEFAULT_WINDOW, '###'));
  return {
    status: 'reported',
    title: report.agents.length === 1 ? `${report.agents[0]?.agent ?? ''} · metrics` : 'metrics',
    lines: [
      'Computed from the repository alone; definitions in `docs/metrics.md` of AgentOS.',
      '',
      ...lines,
    ],
    outputs: {},
  };
};

export const MODE_HANDLERS: Readonly<Record<ModeName, ModeHandler>> = {
  task: runQueuedTask,
  learn: runLearningMode,
  consensus: runConsensusMode,
  metrics: reportMetrics,
  'list-agents': listAgents,
};
