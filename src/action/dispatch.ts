// From the event and the mode input to one job (pure), and from the job to its handler. `auto`
// reads the event: an issue with the trigger label is a task, a comment may be a command, a review
// of a proposal is for consensus, a schedule or dispatch runs the queue.
import type { ActionContext } from './context.js';
import type { ActionEvent, CommentInfo, IssueInfo } from './event.js';
import type { ActionSettings } from './inputs.js';
import { handleIssueComment } from './issue-comment.js';
import { handleIssueTask } from './issue-task.js';
import { MODE_HANDLERS, type ModeName } from './modes.js';
import type { ActionReport } from './report.js';

export type Job =
  | { kind: 'issue-task'; issue: IssueInfo; labelledBy?: string }
  | { kind: 'issue-comment'; issue: IssueInfo; comment: CommentInfo }
  | { kind: 'mode'; mode: ModeName }
  | { kind: 'ignore'; reason: string };

export function chooseJob(event: ActionEvent, settings: ActionSettings): Job {
  if (settings.mode !== 'auto' && settings.mode !== 'task')
    return { kind: 'mode', mode: settings.mode };
  const label = settings.triggerLabel;
  switch (event.name) {
    case 'issues': {
      const { issue } = event;
      if (event.action === 'opened') {
        return issue.labels.includes(label)
          ? { kind: 'issue-task', issue }
          : { kind: 'ignore', reason: `issue #${issue.number} has no "${label}" label` };
      }
      if (event.action === 'labeled') {
        return event.label === label
          ? { kind: 'issue-task', issue, labelledBy: event.sender }
          : {
              kind: 'ignore',
              reason: `label "${event.label ?? ''}" is not the trigger label "${label}"`,
            };
      }
      return { kind: 'ignore', reason: `issues.${event.action} is not a trigger` };
    }
    case 'issue_comment':
      if (event.action !== 'created')
        return { kind: 'ignore', reason: `issue_comment.${event.action} is not a trigger` };
      if (event.issue.isPullRequest)
        return { kind: 'ignore', reason: 'comments on pull requests are not commands' };
      return { kind: 'issue-comment', issue: event.issue, comment: event.comment };
    case 'pull_request_review':
      return settings.mode === 'auto'
        ? { kind: 'mode', mode: 'consensus' }
        : { kind: 'ignore', reason: 'a pull request review has no task to run' };
    case 'schedule':
    case 'workflow_dispatch':
      return { kind: 'mode', mode: 'task' };
    case 'other':
      return { kind: 'ignore', reason: `the ${event.eventName} event is not handled` };
  }
}

export async function executeJob(job: Job, ctx: ActionContext): Promise<ActionReport> {
  switch (job.kind) {
    case 'issue-task':
      return handleIssueTask(ctx, {
        issue: job.issue,
        ...(job.labelledBy ? { labelledBy: job.labelledBy } : {}),
      });
    case 'issue-comment':
      return handleIssueComment(ctx, job.issue, job.comment);
    case 'mode':
      ctx.logger.info(`mode: ${job.mode}`);
      return MODE_HANDLERS[job.mode](ctx);
    case 'ignore':
      ctx.logger.info(`nothing to do: ${job.reason}`);
      return {
        status: 'skipped',
        title: 'nothing to do',
        lines: [`Nothing to do: ${job.reason}.`],
        outputs: {},
      };
  }
}
