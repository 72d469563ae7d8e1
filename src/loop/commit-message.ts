// The commit message of one iteration: what the agent did, in words a reviewer reads in `git log`,
// with trailers that tools can parse (`git interpret-trailers`).
import { agentRelative } from '../memory/layout.js';
import type { SealPlan } from '../memory/reward-log.js';
import type { RewardRecord } from '../memory/rewards.js';
import type { Transition } from '../world/lifecycle.js';
import type { Refusal } from '../world/observe.js';
import type { Task } from './task.js';

const SUBJECT_TASK_LENGTH = 50;

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
  if (task.issueNumber !== undefined) lines.push('', `Refs #${task.issueNumber}`);
  lines.push(
    '',
    `AgentOS-Agent: ${task.agent}`,
    `AgentOS-Task: ${task.id}`,
    `AgentOS-Outcome: ${record.outcome}`,
    `AgentOS-Reward: ${formatReward(record.reward)}`,
    `AgentOS-Tier: ${record.model_used}`,
  );
  if (record.error !== undefined) lines.push(`AgentOS-Error: ${record.error.split(':')[0]}`);
  return `${lines.join('\n')}\n`;
}
