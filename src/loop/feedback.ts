// Human feedback wins (SPEC §6, §7): feedback on a task re-scores its reward record and moves the
// confidence of every belief and the counters of every skill the task touched. One commit.
import { InputError } from '../errors.js';
import type { Git } from '../git/git.js';
import type { Logger } from '../log.js';
import { agentPaths } from '../memory/layout.js';
import { writeRewardRecord } from '../memory/reward-log.js';
import {
  type Feedback,
  type Outcome,
  type RewardDecomposition,
  type RewardRecord,
} from '../memory/rewards.js';
import { formatCommitMessage, type CommitMessage } from '../git/message.js';
import { landChange } from '../memory/change.js';
import { recoverInterruptedChange } from '../memory/journal.js';
import { isoSeconds } from '../memory/schema-parts.js';
import { renderSkill, type Skill } from '../memory/skills.js';
import { renderBelief, type Belief } from '../world/beliefs.js';
import { mayBeFolded } from '../world/evidence-fold.js';
import { applyVerdict, verdictOf } from '../world/feedback.js';
import { settleContradiction, type Transition } from '../world/lifecycle.js';
import { WorldIndex } from '../world/resolve.js';
import { readAgentMemory, type AgentMemory } from './agent-memory.js';
import { formatReward } from './commit-message.js';
import { parseRewardArguments } from './feedback-arguments.js';
import type { EvidenceSource } from '../memory/evidence-source.js';
import { refreshedAppropriate } from '../routing/appropriate.js';

export interface FeedbackInput {
  /** Who gave it (a GitHub login, or "cli"). */
  by: string;
  scores: Partial<RewardDecomposition>;
  note: string | null;
  /** Where the feedback came from (a comment's author and association); default `feedback:<by>`. */
  source?: EvidenceSource;
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

/** What a piece of feedback changes, decided from memory alone (no I/O): see `planFeedback`. */
export interface FeedbackPlan {
  record: RewardRecord;
  /** The record as it was before the feedback. */
  before: RewardRecord;
  /**
   * Belief and skill files to rewrite; the reward record is written apart, and the generated indexes
   * by the next learning run.
   */
  writes: { path: string; content: string }[];
  transitions: Transition[];
  message: CommitMessage;
}

/**
 * The pure half of human feedback: re-scores the task's record and replaces the task's word on every
 * belief and skill it touched. Undefined when the same feedback is already recorded.
 */
export function planFeedback(input: {
  memory: Pick<AgentMemory, 'agent' | 'world' | 'skills' | 'rewardIndex'>;
  taskId: string;
  feedback: FeedbackInput;
  at: string;
  issueNumber?: number;
}): FeedbackPlan | undefined {
  const { memory, at } = input;
  const agent = memory.agent.name;
  const paths = agentPaths(agent);
  const before = memory.rewardIndex.record(input.taskId);
  if (!before)
    throw new InputError(`no reward record for task "${input.taskId}" in ${paths.rewardsDir}/`);

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
  const rescored: RewardRecord = {
    ...before,
    outcome,
    reward: REWARD_OF_OUTCOME[outcome],
    reward_decomposition: decomposition,
    feedback,
  };
  // The feedback may change whether the tier fitted: the after-the-fact rule decides again.
  const record: RewardRecord = { ...rescored, model_appropriate: refreshedAppropriate(rescored) };
  const same =
    before.feedback !== null &&
    JSON.stringify({ ...before.feedback, at: '' }) === JSON.stringify({ ...feedback, at: '' });
  if (same) return undefined;

  const writes: { path: string; content: string }[] = [];
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
  // A word folded into counts (world/evidence-fold.ts) can no longer be replaced: say so, rather
  // than leave the belief as it was in silence.
  // (A hypothesis and the entity it was promoted to are one belief: named once.)
  const folded = new Set<string>();
  for (const id of verdict ? before.world_model_update : []) {
    const belief = index.get(`${paths.root}/${id}`);
    const target = belief && index.follow(belief);
    if (target && !targets.has(target.path) && mayBeFolded(target.data, input.taskId, before.at))
      folded.add(target.path);
  }
  for (const target of targets.values()) {
    const updated = applyVerdict(target, {
      taskId: input.taskId,
      verdict: verdict ?? 'right',
      by: input.feedback.by,
      at,
      note,
      ...(input.feedback.source ? { source: input.feedback.source } : {}),
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
  for (const belief of changedBeliefs.values())
    writes.push({ path: belief.path, content: renderBelief(belief) });

  // Skills: move the task's count from the old outcome to the new one.
  const used = new Set(record.skills_used.map((p) => `${paths.root}/${p}`));
  for (const skill of memory.skills) {
    const touched = used.has(skill.path) || skill.data.source_tasks.includes(input.taskId);
    if (learning === 'none' || !touched || before.outcome === outcome) continue;
    const data = { ...skill.data };
    if (before.outcome === 'success') data.successes = Math.max(0, data.successes - 1);
    if (before.outcome === 'failure') data.failures = Math.max(0, data.failures - 1);
    if (outcome === 'success') data.successes += 1;
    if (outcome === 'failure') data.failures += 1;
    const updated: Skill = { ...skill, data };
    writes.push({ path: updated.path, content: renderSkill(updated) });
  }

  const message: CommitMessage = {
    subject: `${agent}: human feedback on ${input.taskId} (${feedbackSummary(input.feedback)})`,
    body: [
      `Feedback from ${input.feedback.by} overrides the self-assessment: ${before.outcome} (${formatReward(before.reward)}) → ${outcome} (${formatReward(record.reward)}).`,
      ...(input.feedback.note ? ['', `Note: ${input.feedback.note}`] : []),
      '',
      `- updated ${memory.rewardIndex.locate(input.taskId)?.path ?? paths.rewardsDir}`,
      ...writes.map((write) => `- updated ${write.path}`),
      ...(folded.size > 0
        ? [
            '',
            "Beliefs whose word from this task is folded into counts (only a belief's newest tasks can be changed):",
            ...[...folded].map((path) => `- kept as it was: ${path}`),
          ]
        : []),
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
    ],
    trailers: [
      ['AgentOS-Agent', agent],
      ['AgentOS-Task', input.taskId],
      ['AgentOS-Feedback', input.feedback.by],
      ['AgentOS-Outcome', outcome],
      ['AgentOS-Reward', formatReward(record.reward)],
    ],
  };
  return { record, before, writes, transitions, message };
}

/** Human feedback on a task, landed as one commit (the thin shell around `planFeedback`). */
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
  await recoverInterruptedChange(input);
  const memory = await readAgentMemory(input.repoRoot, input.git, input.agent);
  const agent = memory.agent.name;
  const plan = planFeedback({
    memory,
    taskId: input.taskId,
    feedback: input.feedback,
    at: isoSeconds((input.now ?? (() => new Date()))()),
    ...(input.issueNumber !== undefined ? { issueNumber: input.issueNumber } : {}),
  });
  if (!plan) {
    const record = memory.rewardIndex.record(input.taskId);
    return { record: record as RewardRecord, commit: undefined, changed: [], transitions: [] };
  }
  const landed = await landChange(
    { ...input, agent, label: `${agent} feedback on ${input.taskId}` },
    async (writer) => {
      // Rewritten where it lives: its recent file, its shard's line, or its block in a legacy rewards.md.
      writeRewardRecord(writer, input.repoRoot, memory.rewardIndex, plan.record);
      for (const write of plan.writes) writer.write(write.path, write.content);
      return { message: formatCommitMessage(plan.message), value: undefined };
    },
  );
  return {
    record: plan.record,
    commit: landed.commit,
    changed: landed.written,
    transitions: plan.transitions,
  };
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
