// Every text AgentOS posts on an issue: the answer with its footer, failures, refusals, feedback
// receipts. Pure functions of what happened; a hidden marker on each lets a run find its own replies.
import { formatReward } from '../loop/commit-message.js';
import type { IterationResult } from '../loop/iteration.js';
import { agentRelative } from '../memory/layout.js';
import type { RewardRecord } from '../memory/rewards.js';
import { COMMAND_HELP, REWARD_USAGE } from './comment-command.js';

export function marker(kind: string, detail = ''): string {
  return `<!-- agentos:${kind}${detail ? ` ${detail}` : ''} -->`;
}

export function hasMarker(body: string, kind: string): boolean {
  return body.includes(`<!-- agentos:${kind}`);
}

export function formatCost(cost: number | null): string {
  return cost === null ? 'cost unknown' : `$${cost.toFixed(4)}`;
}

function link(text: string, url: string | undefined): string {
  return url && /^https?:\/\//.test(url) ? `[${text}](${url})` : text;
}

function shortList(agent: string, paths: string[], limit = 3): string {
  const names = paths.map((p) => agentRelative(agent, p));
  return names.length <= limit
    ? names.join(', ')
    : `${names.slice(0, limit).join(', ')} and ${names.length - limit} more`;
}

/** The one-line footer under an answer: tier, model, tokens, cost, memory changed, commit. */
export function answerFooter(input: {
  record: RewardRecord;
  agent: string;
  created: string[];
  updated: string[];
  commit: string | undefined;
  commitUrl: string | undefined;
}): string {
  const { record } = input;
  const tokens = record.tokens.prompt + record.tokens.completion;
  const changed = [...input.created, ...input.updated];
  const parts = [
    `agent **${input.agent}**`,
    `${record.outcome} (${formatReward(record.reward)})`,
    `tier \`${record.model_used}\``,
    `model \`${record.model_name}\``,
    `${tokens.toLocaleString('en-US')} tokens`,
    formatCost(record.cost_usd),
    changed.length === 0 ? 'no memory changed' : `memory: ${shortList(input.agent, changed)}`,
    ...(input.commit ? [`commit ${link(input.commit.slice(0, 7), input.commitUrl)}`] : []),
  ];
  return `<sub>AgentOS · ${parts.join(' · ')}</sub>`;
}

export function answerComment(input: {
  result: IterationResult;
  commitUrl: string | undefined;
  /** autonomy: assistant — where the memory change awaits review (one line). */
  review?: string;
}): string {
  const { result } = input;
  const record = result.record;
  if (!record) throw new Error('answerComment needs a finished iteration');
  return [
    result.answer ?? '',
    '',
    ...(input.review ? [input.review, ''] : []),
    '---',
    answerFooter({
      record,
      agent: result.task.agent,
      created: result.created,
      updated: result.updated,
      commit: result.commit,
      commitUrl: input.commitUrl,
    }),
    marker('answer', `task=${result.task.id}`),
  ].join('\n');
}

export function failureComment(input: {
  taskId: string;
  reason: string;
  runUrl: string | undefined;
  /** The commit, when the memory update landed before the failure. */
  landed?: string;
  commitUrl?: string;
}): string {
  const log = input.runUrl ? ` (${link('run log', input.runUrl)})` : '';
  const next = input.landed
    ? `The task itself ran and its memory update landed as commit ${link(input.landed.slice(0, 7), input.commitUrl)}; only reporting it failed${log}. Its reward record is written, so \`/agentos retry\` will not run it again; \`/reward\` still corrects its score.`
    : `Nothing of this attempt was committed. Fix the cause above, then comment \`/agentos retry\` on this issue to run the task again${log}.`;
  return [
    `AgentOS could not finish task \`${input.taskId}\`: ${input.reason}`,
    '',
    next,
    marker('failed', `task=${input.taskId}`),
  ].join('\n');
}

export function unauthorizedIssueComment(input: {
  author: string;
  allowed: readonly string[];
  triggerLabel: string;
}): string {
  return [
    `Thanks for opening this, @${input.author}. AgentOS only takes tasks from authors who are ${orList(input.allowed)} of this repository, so it has not run this one.`,
    `A maintainer can approve it by adding the \`${input.triggerLabel}\` label.`,
    marker('unauthorized'),
  ].join('\n');
}

export function unauthorizedCommandComment(input: {
  author: string;
  allowed: readonly string[];
}): string {
  return [
    `Sorry, @${input.author}: only ${orList(input.allowed)} of this repository can give AgentOS feedback or commands, so nothing was changed.`,
    marker('unauthorized-command', `author=${input.author.toLowerCase()}`),
  ].join('\n');
}

/** Whether a comment is the refusal already posted to this author (logins are case-insensitive). */
export function isUnauthorizedCommandReplyTo(body: string, author: string): boolean {
  return body.includes(marker('unauthorized-command', `author=${author.toLowerCase()}`));
}

export function invalidCommandComment(problem: string): string {
  return [
    `AgentOS did not understand that command: ${problem}.`,
    '',
    COMMAND_HELP,
    marker('help'),
  ].join('\n');
}

export function helpComment(): string {
  return [COMMAND_HELP, marker('help')].join('\n');
}

export function noRecordComment(taskId: string, rewardLog: string): string {
  return [
    `There is no reward record for \`${taskId}\` in the reward log \`${rewardLog}\` yet, so there is nothing to give feedback on: the task has not run, or it failed. Comment \`/agentos retry\` to run it.`,
    '',
    `Usage: ${REWARD_USAGE}`,
    marker('no-record', `task=${taskId}`),
  ].join('\n');
}

export function alreadyProcessedComment(taskId: string, rewardLog: string): string {
  return [
    `\`${taskId}\` is already processed: its reward record is in the reward log \`${rewardLog}\`, and a task is never scored twice. To correct its score, comment ${REWARD_USAGE}`,
    marker('already-processed', `task=${taskId}`),
  ].join('\n');
}

export function feedbackComment(input: {
  taskId: string;
  by: string;
  before: RewardRecord;
  after: RewardRecord;
  changed: string[];
  agent: string;
  commit: string | undefined;
  commitUrl: string | undefined;
}): string {
  if (!input.commit)
    return [
      `This feedback on \`${input.taskId}\` was already recorded; nothing changed.`,
      marker('feedback', `task=${input.taskId}`),
    ].join('\n');
  return [
    `Recorded @${input.by}'s feedback on \`${input.taskId}\`: ${input.before.outcome} (${formatReward(input.before.reward)}) → ${input.after.outcome} (${formatReward(input.after.reward)}). Human feedback overrides the agent's self-assessment.`,
    '',
    `<sub>AgentOS · agent **${input.agent}** · updated ${shortList(input.agent, input.changed)} · commit ${link(input.commit.slice(0, 7), input.commitUrl)}</sub>`,
    marker('feedback', `task=${input.taskId}`),
  ].join('\n');
}

function orList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}
