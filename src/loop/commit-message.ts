// The commit message of one iteration: what the agent did, in words a reviewer reads in `git log`,
// the task and its answer kept whole (up to a bound) so they can be read again, and trailers that
// tools can parse (`git interpret-trailers`). The parser beside the renderer reads a message back.
import { agentRelative } from '../memory/layout.js';
import type { SealPlan } from '../memory/reward-log.js';
import type { RewardRecord } from '../memory/rewards.js';
import type { Transition } from '../world/lifecycle.js';
import type { Refusal } from '../world/observe.js';
import type { Task, TaskSource } from './task.js';

const SUBJECT_TASK_LENGTH = 50;

/**
 * The most of a task's text, and of its answer, a commit message keeps (UTF-8 bytes). Beyond it the
 * text is cut on a character boundary and its heading says how much was kept.
 */
export const KEPT_TEXT_BYTES = 64 * 1024;

// The task and the answer are indented so that nothing in them can end the message early for git
// (a `---` line is a patch divider to `git interpret-trailers`) or pass for one of our own lines.
const INDENT = '  ';

/** How the `AgentOS-Source` trailer names where a task came from. */
const SOURCE_TRAILER: Record<TaskSource, string> = {
  queue: 'queue',
  cli: 'text',
  issue: 'issue',
  dispatch: 'dispatch',
};

export function formatReward(reward: number): string {
  return reward > 0 ? `+${reward}` : String(reward);
}

export function iterationCommitMessage(input: {
  task: Task;
  record: RewardRecord;
  created: string[];
  updated: string[];
  refused: Refusal[];
  /** Status changes the task's evidence caused (refuted, superseded). */
  transitions?: Transition[];
  /** The model's answer; a failed attempt has none. */
  answer?: string;
  /** The reward records this iteration sealed into shards, if it did. */
  sealed?: Pick<SealPlan, 'count' | 'shards'>;
}): string {
  const { task, record } = input;
  // The subject is one line: an issue's task is its title, then its body.
  const first = task.text.split('\n')[0]?.trim() ?? '';
  const short =
    first.length > SUBJECT_TASK_LENGTH ? `${first.slice(0, SUBJECT_TASK_LENGTH - 1)}…` : first;
  const lines = [`${task.agent}: ${short} (${task.id})`, ''];
  if (record.error !== undefined) {
    lines.push(
      `Task ${task.id}: failed, reward ${formatReward(record.reward)}, on tier ${(record.tiers_tried ?? [record.model_used]).join(' → ')} (${record.model_name}).`,
      '',
      `The model gave no usable answer: ${record.error}`,
      'No memory changed; the task stays pending and the next run retries it.',
    );
  } else {
    lines.push(
      `Task ${task.id}: ${record.outcome}, reward ${formatReward(record.reward)}, ${record.reasoning_demand} demand on tier ${record.model_used} (${record.model_name}).`,
    );
  }
  if (input.created.length + input.updated.length > 0) {
    lines.push('');
    for (const path of input.created) lines.push(`- created ${path}`);
    for (const path of input.updated) lines.push(`- updated ${path}`);
  }
  if (input.sealed) {
    const shards = input.sealed.shards.map((path) => agentRelative(task.agent, path)).join(', ');
    lines.push('', `Sealed ${input.sealed.count} reward records into ${shards}.`);
  }
  if (input.transitions && input.transitions.length > 0) {
    lines.push('', 'Contradicted beliefs:');
    for (const t of input.transitions)
      lines.push(`- ${t.kind === 'refute' ? 'refuted' : 'superseded'} ${t.path}: ${t.reason}`);
  }
  if (input.refused.length > 0) {
    lines.push('', 'Refused proposals:');
    for (const refusal of input.refused) lines.push(`- ${refusal.item}: ${refusal.reason}`);
  }
  lines.push('', ...keptSection('Task', task.text));
  if (input.answer !== undefined && record.error === undefined)
    lines.push('', ...keptSection('Answer', input.answer));
  if (task.issueNumber !== undefined) lines.push('', `Refs #${task.issueNumber}`);
  lines.push(
    '',
    `AgentOS-Agent: ${task.agent}`,
    `AgentOS-Task: ${task.id}`,
    `AgentOS-Outcome: ${record.outcome}`,
    `AgentOS-Reward: ${formatReward(record.reward)}`,
    `AgentOS-Tier: ${record.model_used}`,
    `AgentOS-Source: ${SOURCE_TRAILER[task.source]}`,
  );
  if (record.error !== undefined) lines.push(`AgentOS-Error: ${record.error.split(':')[0]}`);
  return `${lines.join('\n')}\n`;
}

/** A heading, then the text indented; cut to KEPT_TEXT_BYTES with the heading saying so. */
function keptSection(heading: string, text: string): string[] {
  const { kept, bytes } = keepWithinBound(text.trim());
  const title =
    kept.length < text.trim().length
      ? `${heading} (the first ${Buffer.byteLength(kept)} of ${bytes} bytes; the rest is not kept):`
      : `${heading}:`;
  return [title, ...kept.split('\n').map((line) => (line.trim() === '' ? '' : INDENT + line))];
}

function keepWithinBound(text: string): { kept: string; bytes: number } {
  const bytes = Buffer.byteLength(text);
  if (bytes <= KEPT_TEXT_BYTES) return { kept: text, bytes };
  // Cutting the bytes can split a character: drop the partial one rather than keep a U+FFFD.
  const cut = Buffer.from(text).subarray(0, KEPT_TEXT_BYTES).toString('utf8');
  return { kept: cut.endsWith('\uFFFD') ? cut.slice(0, -1) : cut, bytes };
}

/** What an iteration commit's message says, read back. */
export interface IterationMessage {
  agent: string;
  taskId: string;
  /** Where the task came from; undefined for commits made before the message said so. */
  source?: TaskSource;
  outcome: string;
  reward: string;
  tier: string;
  /** The task's text as kept in the message (see `taskTextComplete`). */
  taskText?: string;
  taskTextComplete: boolean;
  /** The answer as kept; undefined for a failed attempt (and for commits older than answers). */
  answer?: string;
  answerComplete: boolean;
  /** Why the model gave no usable answer, for a failed attempt. */
  error?: string;
  created: string[];
  updated: string[];
  issueNumber?: number;
  /** Every trailer of the message, in order. */
  trailers: Array<[key: string, value: string]>;
}

/**
 * Reads an iteration commit's message; undefined when the message is not one (a feedback or
 * learning commit, a person's commit). Trailers are read from the last paragraph only, as git does.
 */
export function parseIterationCommitMessage(message: string): IterationMessage | undefined {
  const lines = message.replace(/\r\n/g, '\n').trimEnd().split('\n');
  const trailerStart = lines.lastIndexOf('') + 1;
  const trailers: Array<[string, string]> = [];
  for (const line of lines.slice(trailerStart)) {
    const match = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
    if (match) trailers.push([match[1] ?? '', match[2] ?? '']);
  }
  const trailer = (key: string) => trailers.find(([k]) => k === key)?.[1];
  const agent = trailer('AgentOS-Agent');
  const taskId = trailer('AgentOS-Task');
  const tier = trailer('AgentOS-Tier');
  if (!agent || !taskId || !tier || trailer('AgentOS-Feedback') !== undefined) return undefined;

  const body = lines.slice(0, Math.max(0, trailerStart - 1));
  const task = readSection(body, 'Task');
  const answer = readSection(body, 'Answer');
  const errorLine = body.find((line) => line.startsWith('The model gave no usable answer: '));
  const issue = body.map((line) => /^Refs #(\d+)$/.exec(line)).find(Boolean);
  const sourceName = trailer('AgentOS-Source');
  const source = (Object.keys(SOURCE_TRAILER) as TaskSource[]).find(
    (key) => SOURCE_TRAILER[key] === sourceName,
  );
  return {
    agent,
    taskId,
    ...(source ? { source } : {}),
    outcome: trailer('AgentOS-Outcome') ?? '',
    reward: trailer('AgentOS-Reward') ?? '',
    tier,
    ...(task ? { taskText: task.text } : {}),
    taskTextComplete: task?.complete ?? false,
    ...(answer ? { answer: answer.text } : {}),
    answerComplete: answer?.complete ?? false,
    ...(errorLine ? { error: errorLine.slice('The model gave no usable answer: '.length) } : {}),
    created: listed(body, '- created '),
    updated: listed(body, '- updated '),
    ...(issue?.[1] ? { issueNumber: Number(issue[1]) } : {}),
    trailers,
  };
}

/** The indented text under `Heading:` (or `Heading (…):`), up to the next unindented line. */
function readSection(
  body: string[],
  heading: string,
): { text: string; complete: boolean } | undefined {
  const start = body.findIndex((line) => line === `${heading}:` || line.startsWith(`${heading} (`));
  if (start < 0 || !body[start]?.endsWith(':')) return undefined;
  const text: string[] = [];
  for (const line of body.slice(start + 1)) {
    if (line !== '' && !line.startsWith(INDENT)) break;
    text.push(line.slice(INDENT.length));
  }
  return { text: text.join('\n').trim(), complete: body[start] === `${heading}:` };
}

// The file lists come before the task's section, so an answer line can never be taken for one.
function listed(body: string[], prefix: string): string[] {
  const end = body.findIndex((line) => /^Task( \(.*\))?:$/.test(line));
  return (end < 0 ? body : body.slice(0, end))
    .filter((line) => line.startsWith(prefix))
    .map((line) => line.slice(prefix.length));
}
