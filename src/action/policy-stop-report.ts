// Telling the issue why its task stopped before the model (src/policy/task-policy.ts): a refusal
// quotes the rule of constraints.md it broke; a human review point asks for `/agentos approve`.
import type { IterationResult } from '../loop/iteration.js';
import type { PolicyStop } from '../loop/policy-stop.js';
import type { ActionContext } from './context.js';
import { marker } from './messages.js';
import type { ActionReport } from './report.js';

/** The comment for a task constraints.md stopped; pure. */
export function policyStopComment(taskId: string, stop: PolicyStop): string {
  if (stop.kind === 'refused') {
    return [
      `AgentOS refused ${taskId} before calling any model: the task names **${stop.term}**, and \`${stop.file}\` (${stop.section}) says:`,
      '',
      `> ${stop.rule}`,
      '',
      'Edit the issue so it no longer asks for it, then comment `/agentos retry`.',
      marker('refused', `task=${taskId}`),
    ].join('\n');
  }
  return [
    `${taskId} reaches a human review point of \`${stop.file}\` (it names **${stop.term}**):`,
    '',
    `> ${stop.point}`,
    '',
    'AgentOS has not called any model. A maintainer approves the task with `/agentos approve`, and it runs then.',
    marker('approval', `task=${taskId}`),
  ].join('\n');
}

export async function reportPolicyStop(
  ctx: ActionContext,
  issue: number,
  result: IterationResult,
): Promise<ActionReport> {
  const stop = result.policy;
  if (!stop) throw new Error('reportPolicyStop needs a result stopped by policy');
  await ctx.platform.comment(issue, policyStopComment(result.task.id, stop));
  ctx.logger.info(result.summary);
  return {
    status: 'replied',
    title: `${result.task.agent} · #${issue} · ${result.task.id}`,
    lines: [result.summary],
    outputs: { 'task-id': result.task.id },
  };
}
