// How the CLI reports iterations (`run`, `retry`): one line per task, the tally of a run, why a
// failed task stopped it and with which exit code, what a stopped run leaves, the budget used.
import type { RunBudget } from '../llm/budget.js';
import { pendingEntries } from '../memory/queue.js';
import { loadAgentMemory } from '../loop/agent-memory.js';
import { formatReward } from '../loop/commit-message.js';
import type { IterationResult } from '../loop/iteration.js';
import type { Task } from '../loop/task.js';
import type { CliIo } from './command.js';

/** Exit code of a run that a budget stopped: what is left stays pending. */
export const EXIT_BUDGET = 3;

/** Whether stdout is a terminal: progress counts are for people watching, not for logs. */
export function isTerminal(stream: CliIo['stdout']): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}

/** Dollars as a run line shows them; `$?` when the model's price is unknown. */
export function formatCost(costUsd: number | null | undefined): string {
  return costUsd === null || costUsd === undefined ? '$?' : `$${costUsd.toFixed(4)}`;
}

/**
 * One task of a run in one line: `[3/12] orion sync-api-3: success (+1) balanced [gpt-4o] $0.0132`.
 * The `[n/N]` count only when `progress` is given.
 */
export function taskLine(
  result: IterationResult,
  progress?: { position: number; total: number },
): string {
  const prefix = progress ? `[${progress.position}/${progress.total}] ` : '';
  const { record, task } = result;
  if (result.status === 'already-processed' || !record) return `${prefix}${result.summary}`;
  const outcome =
    result.status === 'failed'
      ? `failed (${record.error?.split(':')[0] ?? 'error'})`
      : `${record.outcome} (${formatReward(record.reward)})`;
  return `${prefix}${task.agent} ${task.id}: ${outcome} ${record.model_used} [${record.model_name}] ${formatCost(record.cost_usd)}`;
}

/** What a run did so far: tasks done, failed and passed over, and what they cost. */
export class RunTally {
  /** Tasks the model answered, whatever their outcome. */
  done = 0;
  /** Tasks the model gave no usable answer: recorded, and still pending. */
  failed = 0;
  /** The outcomes of the tasks done, in the order they are reported. */
  private readonly outcomes = { success: 0, partial: 0, failure: 0 };
  alreadyProcessed = 0;
  /** Tasks constraints.md stopped before the model: refused, or waiting for approval. */
  stoppedByPolicy = 0;
  private cost = 0;
  private unpriced = 0;

  count(result: IterationResult): void {
    if (result.status === 'done') {
      this.done++;
      if (result.record) this.outcomes[result.record.outcome]++;
    } else if (result.status === 'failed') this.failed++;
    else if (result.status === 'refused' || result.status === 'awaiting-approval')
      this.stoppedByPolicy++;
    else this.alreadyProcessed++;
    const cost = result.record?.cost_usd;
    if (result.record && (cost === null || cost === undefined)) this.unpriced++;
    else this.cost += cost ?? 0;
  }

  get attempted(): number {
    return this.done + this.failed + this.alreadyProcessed + this.stoppedByPolicy;
  }

  /**
   * `12 done, 1 failed, cost $0.1452`; when not every task done succeeded, their outcomes
   * (`12 done (10 success, 2 failure), ...`); the tasks passed over and unpriced when there are.
   */
  line(): string {
    const outcomes = Object.entries(this.outcomes)
      .filter(([, count]) => count > 0)
      .map(([outcome, count]) => `${count} ${outcome}`);
    const split = this.outcomes.success === this.done ? '' : ` (${outcomes.join(', ')})`;
    return (
      `${this.done} done${split}, ${this.failed} failed` +
      (this.alreadyProcessed > 0 ? `, ${this.alreadyProcessed} already processed` : '') +
      (this.stoppedByPolicy > 0 ? `, ${this.stoppedByPolicy} stopped by constraints.md` : '') +
      `, cost ${formatCost(Math.round(this.cost * 1e6) / 1e6)}` +
      (this.unpriced > 0 ? ` (and ${this.unpriced} task(s) of unknown price)` : '')
    );
  }
}

/** Says on stderr why a failed iteration stopped the command; returns the exit code (1, or 3). */
export function reportFailure(
  io: CliIo,
  command: string,
  result: IterationResult,
  repoRoot: string,
): number {
  if (result.failure?.kind === 'budget')
    return reportBudgetStop(io, command, repoRoot, result.task, result.failure.message);
  io.stderr.write(
    `agentos ${command}: ${result.task.id} failed: ${result.failure?.message ?? 'the model failed'} (recorded; the task stays pending: run again to retry)\n`,
  );
  return 1;
}

/** Says on stderr that a budget stopped the command at `task`, and what stays pending; EXIT_BUDGET. */
export function reportBudgetStop(
  io: CliIo,
  command: string,
  repoRoot: string,
  task: Task,
  why: string,
): number {
  io.stderr.write(`agentos ${command}: stopped: ${why}; ${stillPending(repoRoot, task)}\n`);
  return EXIT_BUDGET;
}

/** What a stopped run leaves: the queue's pending tasks, or the ad-hoc task that did not run. */
function stillPending(repoRoot: string, task: Task): string {
  if (task.source !== 'queue') return `task ${task.id} was not completed`;
  const pending = pendingEntries(loadAgentMemory(repoRoot, task.agent).queue).map((e) => e.id);
  return pending.length === 0
    ? 'nothing is pending'
    : `still pending in agents/${task.agent}/queue.md: ${pending.join(', ')}`;
}

export function reportBudget(io: CliIo, budget: RunBudget): void {
  const { maxTokens, maxCostUsd } = budget.limits;
  const parts = [
    ...(maxTokens !== undefined ? [`${budget.tokensUsed} of ${maxTokens} tokens`] : []),
    ...(maxCostUsd !== undefined ? [`$${budget.costUsd} of $${maxCostUsd}`] : []),
  ];
  if (parts.length > 0) io.stderr.write(`budget used: ${parts.join(', ')}\n`);
}
