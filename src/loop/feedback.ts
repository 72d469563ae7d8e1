// Human feedback wins (SPEC §6, §7): feedback on a task re-scores its reward record and moves the
// confidence of every belief and the counters of every skill the task touched. One commit.
import { join } from 'node:path';
import { InputError } from '../errors.js';
import type { Git } from '../git/git.js';
import { silentLogger, type Logger } from '../log.js';
import { readTextIfExists } from '../memory/files.js';
import { agentPaths } from '../memory/layout.js';
import {
  replaceRewardText,
  type Feedback,
  type Outcome,
  type RewardDecomposition,
  type RewardRecord,
} from '../memory/rewards.js';
import { isUnchangedOnDisk } from '../memory/index-pages.js';
import { renderSkill, renderSkillsIndexPages, type Skill } from '../memory/skills.js';
import { MemoryWriter } from '../memory/writer.js';
import { renderBelief, renderWorldIndexPages, type Belief } from '../world/beliefs.js';
import { applyVerdict, verdictOf } from '../world/feedback.js';
import { settleContradiction, type Transition } from '../world/lifecycle.js';
import { WorldIndex } from '../world/resolve.js';
import { readAgentMemory } from './agent-memory.js';
import { formatReward } from './commit-message.js';
import { parseRewardArguments } from './feedback-arguments.js';

export interface FeedbackInput {
  /** Who gave it (a GitHub login, or "cli"). */
  by: string;
  scores: Partial<RewardDecomposition>;
  note: string | null;
}

export interface FeedbackResult {
  record: RewardRecord;
  /** Beliefs the verdict refuted or superseded. */
  transitions: Transition[];
  /** Undefined when the same feedback was already recorded: nothing changed. */
  commit: string | undefined;
  changed: string[];
}

const OUTCOME_OF_CORRECTNESS: Record<number, Outcome> = {
  1: 'success',
  0: 'partial',
  [-1]: 'failure',
};
const REWARD_OF_OUTCOME = { success: 1, partial: 0, failure: -1 } as const;

export async function applyFeedback(input: {
  repoRoot: string;
  git: Git;
  /** The agent (default: the first in agents.yaml). */
  agent?: string;
  taskId: string;
  feedback: FeedbackInput;
  issueNumber?: number;
  now?: () => Date;
  logger?: Logger;
}): Promise<FeedbackResult> {
  const memory = await readAgentMemory(input.repoRoot, input.git, input.agent);
  const agent = memory.agent.name;
  const paths = agentPaths(agent);
  const before = memory.rewards.find((r) => r.task_id === input.taskId);
  if (!before)
    throw new InputError(`no reward record for task "${input.taskId}" in ${paths.rewards}`);
  const at = (input.now ?? (() => new Date()))()
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');

  const decomposition = { ...before.reward_decomposition, ...input.feedback.scores };
  const correctness = input.feedback.scores.correctness;
  const outcome =
    correctness === undefined
      ? before.outcome
      : (OUTCOME_OF_CORRECTNESS[correctness] ?? before.outcome);
  const feedback: Feedback = {
    by: input.feedback.by,
    at,
    scores: input.feedback.scores,
    note: input.feedback.note,
  };
  const record: RewardRecord = {
    ...before,
    outcome,
    reward: REWARD_OF_OUTCOME[outcome],
    reward_decomposition: decomposition,
    feedback,
  };
  const same =
    before.feedback !== null &&
    JSON.stringify({ ...before.feedback, at: '' }) === JSON.stringify({ ...feedback, at: '' });
  if (same) return { record: before, commit: undefined, changed: [], transitions: [] };

  const writer = new MemoryWriter(input.repoRoot, agent, input.logger ?? silentLogger);
  const rewardsText = readTextIfExists(join(input.repoRoot, paths.rewards)) ?? '';
  writer.write(paths.rewards, replaceRewardText(paths.rewards, rewardsText, record));

  // Beliefs: the human's verdict replaces the task's word on each belief it touched (following
  // promotions and merges to where the claim lives now), then the contradiction rules apply.
  const learning = memory.agent.learning;
  const verdict = learning === 'none' ? undefined : verdictOf(correctness);
  const index = new WorldIndex(memory.world);
  const changedBeliefs = new Map<string, Belief>();
  const transitions: Transition[] = [];
  const note = `human feedback from ${input.feedback.by}: ${feedbackSummary(input.feedback)}${input.feedback.note ? ` — ${input.feedback.note}` : ''}`;
  const targets = new Map<string, Belief>();
  for (const belief of verdict ? memory.world : []) {
    if (!belief.data.evidence.some((e) => e.task === input.taskId)) continue;
    const target = index.follow(belief);
    if (learning === 'constrained' && target.data.kind !== 'hypothesis') continue;
    if (target.data.evidence.some((e) => e.task === input.taskId)) targets.set(target.path, target);
  }
  for (const target of targets.values()) {
    const updated = applyVerdict(target, {
      taskId: input.taskId,
      verdict: verdict ?? 'right',
      by: input.feedback.by,
      at,
      note,
    });
    if (!updated) continue;
    index.put(updated);
    const settled = settleContradiction(updated, index, at);
    if (settled) {
      index.put(settled.belief);
      transitions.push(settled.transition);
    }
    changedBeliefs.set(updated.path, settled?.belief ?? updated);
  }
  for (const belief of changedBeliefs.values()) writer.write(belief.path, renderBelief(belief));
  if (changedBeliefs.size > 0)
    for (const page of renderWorldIndexPages(
      agent,
      memory.world.map((b) => changedBeliefs.get(b.path) ?? b),
    ))
      if (!isUnchangedOnDisk(input.repoRoot, page)) writer.write(page.path, page.content);

  // Skills: move the task's count from the old outcome to the new one.
  const used = new Set(record.skills_used.map((p) => `${paths.root}/${p}`));
  const skills = memory.skills.map((skill): Skill => {
    const touched = used.has(skill.path) || skill.data.source_tasks.includes(input.taskId);
    if (learning === 'none' || !touched || before.outcome === outcome) return skill;
    const data = { ...skill.data };
    if (before.outcome === 'success') data.successes = Math.max(0, data.successes - 1);
    if (before.outcome === 'failure') data.failures = Math.max(0, data.failures - 1);
    if (outcome === 'success') data.successes += 1;
    if (outcome === 'failure') data.failures += 1;
    const updated = { ...skill, data };
    writer.write(updated.path, renderSkill(updated));
    return updated;
  });
  if (skills.some((s, i) => s !== memory.skills[i]))
    for (const page of renderSkillsIndexPages(agent, skills))
      if (!isUnchangedOnDisk(input.repoRoot, page)) writer.write(page.path, page.content);

  await input.git.add(writer.written);
  const lines = [
    `${agent}: human feedback on ${input.taskId} (${feedbackSummary(input.feedback)})`,
    '',
    `Feedback from ${input.feedback.by} overrides the self-assessment: ${before.outcome} (${formatReward(before.reward)}) → ${outcome} (${formatReward(record.reward)}).`,
    ...(input.feedback.note ? ['', `Note: ${input.feedback.note}`] : []),
    '',
    ...writer.written.map((path) => `- updated ${path}`),
    ...(transitions.length > 0
      ? [
          '',
          'Contradicted beliefs:',
          ...transitions.map(
            (t) => `- ${t.kind === 'refute' ? 'refuted' : 'superseded'} ${t.path}: ${t.reason}`,
          ),
        ]
      : []),
    ...(input.issueNumber !== undefined ? ['', `Refs #${input.issueNumber}`] : []),
    '',
    `AgentOS-Agent: ${agent}`,
    `AgentOS-Task: ${input.taskId}`,
    `AgentOS-Feedback: ${input.feedback.by}`,
    `AgentOS-Outcome: ${outcome}`,
    `AgentOS-Reward: ${formatReward(record.reward)}`,
  ];
  const commit = await input.git.commit(`${lines.join('\n')}\n`);
  return { record, commit, changed: writer.written, transitions };
}

/**
 * Feedback as typed after `agentos feedback TASK` (the shell has split it into words): the same
 * grammar as `/reward`. Throws an InputError that names the problem.
 */
export function parseFeedbackArguments(parts: string[]): {
  scores: Partial<RewardDecomposition>;
  note: string | null;
} {
  const parsed = parseRewardArguments(parts.join(' '));
  if (!parsed.ok) throw new InputError(`feedback: ${parsed.problem}`);
  return { scores: parsed.scores, note: parsed.note };
}

function feedbackSummary(feedback: FeedbackInput): string {
  const scores = Object.entries(feedback.scores).map(
    ([key, value]) => `${key}=${formatReward(value)}`,
  );
  return scores.length > 0 ? scores.join(', ') : 'no scores';
}
