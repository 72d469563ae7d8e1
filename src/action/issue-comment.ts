// Commands in issue comments: `/reward …` re-scores the issue's task with human feedback (which
// wins over the self-assessment, SPEC §6), `/agentos retry` runs the task again, `/agentos help`
// lists the commands. Only allowed authors are obeyed; bots never are.
import { applyFeedback, type FeedbackResult } from '../loop/feedback.js';
import { publishWork } from '../loop/publish.js';
import { agentPaths } from '../memory/layout.js';
import { findAgent, loadRegistry } from '../memory/registry.js';
import { readRewardIndex } from '../memory/reward-log.js';
import { formatReward } from '../loop/commit-message.js';
import { sanitiseUntrustedText } from '../platform/untrusted-text.js';
import { isAllowedAssociation } from './authorize.js';
import { parseCommentCommand, type CommentCommand } from './comment-command.js';
import type { ActionContext } from './context.js';
import type { CommentInfo, IssueInfo } from './event.js';
import { agentFromLabels, handleIssueTask, issueTaskId } from './issue-task.js';
import {
  feedbackComment,
  helpComment,
  invalidCommandComment,
  isUnauthorizedCommandReplyTo,
  noRecordComment,
  unauthorizedCommandComment,
} from './messages.js';
import type { ActionReport } from './report.js';

/** The command a comment gives, or undefined when it is conversation (or written by a bot). */
export function commentCommand(comment: CommentInfo): CommentCommand | undefined {
  if (comment.byBot) return undefined;
  return parseCommentCommand(sanitiseUntrustedText(comment.body).text);
}

export async function handleIssueComment(
  ctx: ActionContext,
  issue: IssueInfo,
  comment: CommentInfo,
): Promise<ActionReport> {
  const command = commentCommand(comment);
  const title = `#${issue.number} · comment by @${comment.author}`;
  if (!command)
    return { status: 'skipped', title, lines: ['The comment is not a command.'], outputs: {} };
  const { platform, settings, logger } = ctx;

  if (!isAllowedAssociation(comment.authorAssociation, settings.allowedAssociations)) {
    // One reply per issue to a refused author, however many commands they post: otherwise anyone
    // could make the bot post as many comments as they like.
    const existing = await platform.listComments(issue.number);
    const alreadyTold = existing.some((c) => isUnauthorizedCommandReplyTo(c.body, comment.author));
    if (!alreadyTold)
      await platform.comment(
        issue.number,
        unauthorizedCommandComment({
          author: comment.author,
          allowed: settings.allowedAssociations,
        }),
      );
    const line = `Ignored: @${comment.author} is ${comment.authorAssociation}, which may not give commands (allowed: ${settings.allowedAssociations.join(', ')})${alreadyTold ? '; already told on this issue, so no new reply' : ''}.`;
    logger.info(line);
    return { status: 'skipped', title, lines: [line], outputs: {} };
  }

  switch (command.kind) {
    case 'help':
      await platform.comment(issue.number, helpComment());
      return { status: 'replied', title, lines: ['Replied with the command list.'], outputs: {} };
    case 'invalid':
      await platform.comment(issue.number, invalidCommandComment(command.problem));
      return {
        status: 'replied',
        title,
        lines: [`Replied with help: ${command.problem}.`],
        outputs: {},
      };
    case 'retry':
      await platform.react(comment.id, 'eyes');
      return handleIssueTask(ctx, { issue, requestedBy: comment.author });
    case 'approve':
      await platform.react(comment.id, '+1');
      return handleIssueTask(ctx, {
        issue,
        requestedBy: comment.author,
        approvedBy: comment.author,
      });
    case 'reward':
      return handleFeedback(ctx, issue, comment, command);
  }
}

async function handleFeedback(
  ctx: ActionContext,
  issue: IssueInfo,
  comment: CommentInfo,
  command: Extract<CommentCommand, { kind: 'reward' }>,
): Promise<ActionReport> {
  const { platform, logger } = ctx;
  const target = await ctx.prepareToWrite();
  const agent = findAgent(
    loadRegistry(ctx.repoRoot),
    agentFromLabels(issue.labels) ?? ctx.settings.agent,
  ).name;
  const taskId = issueTaskId(issue.number);
  const title = `${agent} · #${issue.number} · feedback on ${taskId}`;
  const rewardLog = `${agentPaths(agent).rewardsDir}/`;
  const before = readRewardIndex(ctx.repoRoot, agent).record(taskId);
  if (!before) {
    await platform.comment(issue.number, noRecordComment(taskId, rewardLog));
    return {
      status: 'replied',
      title,
      lines: [`No reward record for ${taskId} in ${rewardLog}: nothing to give feedback on.`],
      outputs: { 'task-id': taskId },
    };
  }
  const { value } = await publishWork<FeedbackResult>({
    git: ctx.git,
    target,
    logger,
    work: () =>
      applyFeedback({
        repoRoot: ctx.repoRoot,
        git: ctx.git,
        agent,
        taskId,
        feedback: {
          by: comment.author,
          scores: command.scores,
          note: command.note,
          source: {
            kind: 'feedback',
            login: comment.author,
            association: comment.authorAssociation,
          },
        },
        issueNumber: issue.number,
        now: ctx.now,
        logger,
      }),
  });
  const commitUrl = value.commit ? platform.commitUrl(value.commit) : undefined;
  await platform.comment(
    issue.number,
    feedbackComment({
      taskId,
      by: comment.author,
      before,
      after: value.record,
      changed: value.changed,
      agent,
      commit: value.commit,
      commitUrl,
    }),
  );
  await platform.react(comment.id, '+1');
  const line = value.commit
    ? `Feedback from @${comment.author} on ${taskId}: ${before.outcome} (${formatReward(before.reward)}) → ${value.record.outcome} (${formatReward(value.record.reward)}), commit ${value.commit.slice(0, 7)}.`
    : `Feedback from @${comment.author} on ${taskId} was already recorded; nothing changed.`;
  logger.info(line);
  return {
    status: 'feedback-recorded',
    title,
    lines: [line, ...value.changed.map((path) => `- updated \`${path}\``)],
    outputs: {
      'task-id': taskId,
      outcome: value.record.outcome,
      reward: formatReward(value.record.reward),
      'commit-sha': value.commit ?? '',
    },
  };
}
