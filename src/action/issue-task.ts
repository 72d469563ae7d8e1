// An issue as a task (SPEC §4): authorise it, pick the agent from an `agent:<name>` label, run one
// iteration on the sanitised issue text, land the commit, answer in a comment with a footer and
// move the status labels. A failure is reported on the issue with what to do next.
import { AgentOSError, errorMessage } from '../errors.js';
import { readAgentMemory } from '../loop/agent-memory.js';
import { runIteration, type IterationResult } from '../loop/iteration.js';
import { publishWork } from '../loop/publish.js';
import type { Task } from '../loop/task.js';
import { agentPaths } from '../memory/layout.js';
import { sanitiseUntrustedText } from '../platform/untrusted-text.js';
import { runRedactor } from '../security/run-redactor.js';
import { authorizeIssue } from './authorize.js';
import { claimOnGitHub, proposalUrlOutput } from './consensus-mode.js';
import type { ActionContext } from './context.js';
import type { IssueInfo } from './event.js';
import {
  alreadyProcessedComment,
  answerComment,
  failureComment,
  hasMarker,
  unauthorizedIssueComment,
} from './messages.js';
import { reportPolicyStop } from './policy-stop-report.js';
import { readTaskComparison } from '../metrics/task-comparison.js';
import { iterationOutputs, iterationSummary, type ActionReport } from './report.js';
import { forgetLocalReview, openReviewOf, publishTaskReview, reviewLines } from './review.js';

export const STATUS_LABELS = {
  running: 'agentos:running',
  done: 'agentos:done',
  failed: 'agentos:failed',
} as const;

/** The longest issue text given to the model; the rest is cut (issue text is untrusted input). */
export const MAX_TASK_CHARS = 8000;

const AGENT_LABEL = /^agent:\s*([a-z0-9]+(?:-[a-z0-9]+)*)$/i;

/** The agent an issue names with an `agent:<name>` label, if any. */
export function agentFromLabels(labels: readonly string[]): string | undefined {
  for (const label of labels) {
    const match = AGENT_LABEL.exec(label.trim());
    if (match?.[1]) return match[1].toLowerCase();
  }
  return undefined;
}

export function issueTaskId(issue: number): string {
  return `issue-${issue}`;
}

/** The task an issue asks for: its sanitised title and body, with a stable id. */
export function issueTask(issue: IssueInfo, agent: string): { task: Task; removed: string[] } {
  const title = sanitiseUntrustedText(issue.title);
  const body = sanitiseUntrustedText(issue.body);
  // Secrets in an issue never go further than the issue: not to the model, not into memory.
  let text = runRedactor().redact(body.text === '' ? title.text : `${title.text}\n\n${body.text}`);
  if (text.length > MAX_TASK_CHARS)
    text = `${text.slice(0, MAX_TASK_CHARS)}\n\n[issue text cut at ${MAX_TASK_CHARS} characters]`;
  return {
    task: {
      id: issueTaskId(issue.number),
      text,
      agent,
      source: 'issue',
      issueNumber: issue.number,
      provenance: { kind: 'issue', login: issue.author, association: issue.authorAssociation },
    },
    removed: [...title.removed, ...body.removed],
  };
}

export interface IssueTaskRequest {
  issue: IssueInfo;
  /** Who added the trigger label (a `labeled` event). */
  labelledBy?: string;
  /** An allowed member who asked for this run with `/agentos retry`: replies are then expected. */
  requestedBy?: string;
  /** An allowed member who approved the task at a human review point (`/agentos approve`). */
  approvedBy?: string;
}

export async function handleIssueTask(
  ctx: ActionContext,
  request: IssueTaskRequest,
): Promise<ActionReport> {
  const { issue } = request;
  const { platform, settings, logger } = ctx;
  const taskId = issueTaskId(issue.number);
  const title = `#${issue.number} · ${taskId}`;

  const authorization = await authorizeIssue({
    issue,
    allowed: settings.allowedAssociations,
    platform,
    ...(request.labelledBy ? { labelledBy: request.labelledBy } : {}),
    ...(request.requestedBy ? { requestedBy: request.requestedBy } : {}),
  });
  if (!authorization.allowed) {
    const existing = await platform.listComments(issue.number);
    if (!existing.some((c) => hasMarker(c.body, 'unauthorized')))
      await platform.comment(
        issue.number,
        unauthorizedIssueComment({
          author: issue.author,
          allowed: settings.allowedAssociations,
          triggerLabel: settings.triggerLabel,
        }),
      );
    const line = `Not run: @${issue.author} is ${issue.authorAssociation}, which may not enqueue tasks (allowed: ${settings.allowedAssociations.join(', ')}).`;
    logger.info(line);
    return { status: 'skipped', title, lines: [line], outputs: { 'task-id': taskId } };
  }
  logger.info(`issue #${issue.number}: ${authorization.reason}`);

  let running = false;
  let landed: string | undefined;
  try {
    const target = await ctx.prepareToWrite();
    const memory = await readAgentMemory(
      ctx.repoRoot,
      ctx.git,
      agentFromLabels(issue.labels) ?? settings.agent,
    );
    const agent = memory.agent.name;
    const { task: asked, removed } = issueTask(issue, agent);
    const task = request.approvedBy ? { ...asked, approvedBy: request.approvedBy } : asked;
    if (removed.length > 0)
      logger.info(
        `issue #${issue.number}: removed hidden content before the model: ${removed.join(', ')}`,
      );
    const rewardLog = `${agentPaths(agent).rewardsDir}/`;
    // A record with an error is a failed attempt: the task runs again (SPEC §4, "retryable").
    if (memory.rewardIndex.status(task.id) === 'done') {
      if (request.requestedBy)
        await platform.comment(issue.number, alreadyProcessedComment(task.id, rewardLog));
      const line = `${agent} ${task.id}: already processed (a reward record exists in ${rewardLog}); nothing to do.`;
      logger.info(line);
      return { status: 'already-processed', title, lines: [line], outputs: { 'task-id': task.id } };
    }

    // autonomy: assistant — while the task's memory change awaits review, the task is not run again.
    const inReview =
      memory.agent.autonomy === 'assistant'
        ? await openReviewOf(ctx, target, agent, task.id)
        : undefined;
    if (inReview) {
      const line = `${agent} ${task.id}: its memory change awaits review in pull request #${inReview.number} (${inReview.url}); not run again.`;
      logger.info(line);
      return { status: 'already-processed', title, lines: [line], outputs: { 'task-id': task.id } };
    }

    await platform.addLabels(issue.number, [STATUS_LABELS.running]);
    running = true;
    if (issue.labels.includes(STATUS_LABELS.failed))
      await platform.removeLabel(issue.number, STATUS_LABELS.failed);

    const registry = memory.registry;
    const model = ctx.model(registry);
    const { value: result } = await publishWork<IterationResult>({
      git: ctx.git,
      target,
      logger,
      work: async () => {
        // Its pull request is not open (checked above): a local review branch is left over.
        if (memory.agent.autonomy === 'assistant') await forgetLocalReview(ctx, agent, task.id);
        return runIteration(
          {
            repoRoot: ctx.repoRoot,
            git: ctx.git,
            model,
            logger,
            now: ctx.now,
            budget: ctx.budget,
            ...(target && ctx.pulls ? { claimProposal: claimOnGitHub(ctx, target.branch) } : {}),
          },
          task,
        );
      },
    });
    landed = result.commit;
    await platform.removeLabel(issue.number, STATUS_LABELS.running);
    running = false;
    if (result.status === 'already-processed') {
      // Another run answered this issue while this one worked; its comment stands.
      return {
        status: 'already-processed',
        title,
        lines: [result.summary],
        outputs: { 'task-id': task.id },
      };
    }
    if (result.status === 'refused' || result.status === 'awaiting-approval')
      return reportPolicyStop(ctx, issue.number, result);
    if (result.status === 'failed') {
      // The failed attempt is recorded and pushed; the catch below labels and explains it.
      throw new AgentOSError(
        `${task.id} failed: ${result.failure?.message ?? 'the model gave no usable answer'}`,
      );
    }
    const commitUrl = result.commit ? platform.commitUrl(result.commit) : undefined;
    const reviewPull = await publishTaskReview(ctx, target, result);
    await platform.comment(
      issue.number,
      answerComment({
        result,
        commitUrl,
        review: reviewLines(result, reviewPull).join('\n').trim(),
      }),
    );
    await platform.addLabels(issue.number, [STATUS_LABELS.done]);
    return {
      status: 'done',
      title: `${agent} · #${issue.number} · ${task.id}`,
      lines: [
        ...iterationSummary(result, commitUrl),
        ...reviewLines(result, reviewPull),
        ...(result.record ? ['', ...readTaskComparison(ctx.repoRoot, result.record)] : []),
      ],
      outputs: { ...iterationOutputs(result), ...proposalUrlOutput(ctx) },
    };
  } catch (error) {
    await reportFailure(ctx, issue.number, {
      taskId,
      reason: errorMessage(error),
      running,
      landed,
    });
    throw error;
  }
}

/** Marks the issue failed and says why; a failure to report is logged, never hides the cause. */
async function reportFailure(
  ctx: ActionContext,
  issue: number,
  failure: { taskId: string; reason: string; running: boolean; landed: string | undefined },
): Promise<void> {
  try {
    if (failure.running) await ctx.platform.removeLabel(issue, STATUS_LABELS.running);
    await ctx.platform.addLabels(issue, [STATUS_LABELS.failed]);
    await ctx.platform.comment(
      issue,
      failureComment({
        taskId: failure.taskId,
        reason: failure.reason,
        runUrl: ctx.runner.runUrl,
        ...(failure.landed
          ? { landed: failure.landed, commitUrl: ctx.platform.commitUrl(failure.landed) }
          : {}),
      }),
    );
  } catch (error) {
    ctx.logger.warn(`could not report the failure on #${issue}: ${errorMessage(error)}`);
  }
}
