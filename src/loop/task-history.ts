// A task's history, read back: its iteration commits (found by their trailers, newest first), its
// reward record, and the task itself rebuilt for a retry. `agentos show` and `agentos retry` read
// tasks through it; the action can too.
import { InputError } from '../errors.js';
import type { Git } from '../git/git.js';
import type { Queue } from '../memory/queue.js';
import { readRewardIndex } from '../memory/reward-log.js';
import type { RewardRecord } from '../memory/rewards.js';
import { parseIterationCommitMessage, type IterationMessage } from './commit-message.js';
import { taskFromQueue, type Task } from './task.js';

/** One iteration commit of a task: what its message says, and its sha. */
export interface IterationCommit extends IterationMessage {
  sha: string;
}

export interface TaskHistory {
  agent: string;
  taskId: string;
  /** Every iteration commit of the task, newest first: a retried task has one per attempt. */
  commits: IterationCommit[];
  /** The task's reward record, if it has one. */
  record?: RewardRecord;
}

/**
 * The one place the reward log is asked for one task's record: when the log's layout changes,
 * this is the line that follows it.
 */
export function findTaskRecord(
  repoRoot: string,
  agent: string,
  taskId: string,
): RewardRecord | undefined {
  return readRewardIndex(repoRoot, agent).record(taskId);
}

/**
 * The iteration commits of `taskId` by `agent` reachable from HEAD, newest first. `git log --grep`
 * narrows the search; the parsed trailers decide, so a feedback commit on the task, or a line of
 * some answer that mentions the task, never counts.
 */
export async function findIterationCommits(
  git: Git,
  agent: string,
  taskId: string,
): Promise<IterationCommit[]> {
  const { stdout } = await git.exec([
    'log',
    '--extended-regexp',
    '--all-match',
    `--grep=^AgentOS-Task: ${escapeRegex(taskId)}$`,
    `--grep=^AgentOS-Agent: ${escapeRegex(agent)}$`,
    '--format=%H%x00%B%x1e',
    'HEAD',
    '--',
  ]);
  return parseLogOutput(stdout).filter(
    (commit) => commit.agent === agent && commit.taskId === taskId,
  );
}

/** `git log --format=%H%x00%B%x1e` output as the iteration commits it holds. */
export function parseLogOutput(stdout: string): IterationCommit[] {
  const commits: IterationCommit[] = [];
  for (const entry of stdout.split('\x1e')) {
    const [sha, message] = entry.replace(/^\n/, '').split('\0');
    if (!sha || message === undefined) continue;
    const parsed = parseIterationCommitMessage(message);
    if (parsed) commits.push({ sha, ...parsed });
  }
  return commits;
}

export async function readTaskHistory(input: {
  repoRoot: string;
  git: Git;
  agent: string;
  taskId: string;
}): Promise<TaskHistory> {
  const { repoRoot, git, agent, taskId } = input;
  const commits = await findIterationCommits(git, agent, taskId);
  const record = findTaskRecord(repoRoot, agent, taskId);
  return { agent, taskId, commits, ...(record ? { record } : {}) };
}

/**
 * The task of a failed attempt, as it was first given, so that it can run again: a queued task
 * from its queue entry; an ad-hoc, issue or dispatched task from its commit's message (or, when
 * the message kept only part of the text, from its reward record, which holds it whole).
 */
export function taskToRetry(history: TaskHistory, queue: Queue): Task {
  const { agent, taskId } = history;
  const latest = history.commits[0];
  const inQueue = queue.entries.some((entry) => entry.id === taskId);
  if (latest?.source === 'queue' || ((latest === undefined || !latest.source) && inQueue)) {
    if (!inQueue)
      throw new InputError(
        `task "${taskId}" of agent ${agent} came from queue.md but is no longer there: enqueue it again to run it`,
      );
    const task = taskFromQueue(agent, queue, taskId);
    if (task) return task;
  }
  const text = latest?.taskTextComplete ? latest.taskText : history.record?.task;
  if (latest === undefined || text === undefined || text.trim() === '') {
    throw new InputError(
      `task "${taskId}" of agent ${agent}: its text is neither in queue.md nor in an iteration commit, so it cannot be run again`,
    );
  }
  return {
    id: taskId,
    text,
    agent,
    source: latest.source ?? (latest.issueNumber !== undefined ? 'issue' : 'cli'),
    ...(latest.issueNumber !== undefined ? { issueNumber: latest.issueNumber } : {}),
  };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
