// `agentos retry TASK_ID`: runs again a task whose last attempt failed (the model gave no usable
// answer), as `/agentos retry` does on an issue; its new record replaces the failed one.
import { InputError, UsageError } from '../../errors.js';
import { Git } from '../../git/git.js';
import { BudgetExhaustedError, budgetLimits, RunBudget } from '../../llm/budget.js';
import { createModel } from '../../llm/create-model.js';
import { streamLogger } from '../../log.js';
import { readAgentMemory } from '../../loop/agent-memory.js';
import { recoverInterruptedChange } from '../../memory/journal.js';
import { formatReward } from '../../loop/commit-message.js';
import { runIteration, type IterationResult } from '../../loop/iteration.js';
import { readTaskHistory, taskToRetry } from '../../loop/task-history.js';
import { taskFromQueue } from '../../loop/task.js';
import { reviewInstructions } from '../../review/instructions.js';
import { isReviewRejected } from '../../review/settle.js';
import {
  parse,
  repositoryDir,
  REPOSITORY_HELP,
  REPOSITORY_OPTIONS,
  type Command,
} from '../command.js';
import { reportBudget, reportBudgetStop, reportFailure } from '../iteration-report.js';

export const retryCommand: Command = {
  name: 'retry',
  help: `Usage: agentos retry [options] TASK_ID

Runs again a task whose reward record is a failed attempt (the model gave no usable answer), or
a queued task whose review was rejected (autonomy: assistant: its review branch deleted or its
pull request closed unmerged):
a queued task from its entry in queue.md, an ad-hoc or issue task from the text its failed
commit kept. The new record replaces the failed one; the memory changes land as one commit.
A task the model answered is not run again, whatever its score: correct its score with
"agentos feedback", or enqueue the work as a new task.

Options:
  --max-tokens N     stop before a model call would take the run past N tokens
                     (default: $AGENTOS_MAX_TOKENS, else no limit)
  --max-cost USD     stop before a model call would take the run past USD dollars
                     (default: $AGENTOS_MAX_COST_USD, else no limit)
${REPOSITORY_HELP}

Exit codes: as "agentos run": 0 done; 1 the model failed again (recorded, the task stays
pending); 2 bad usage, an unknown task, or one that did not fail; 3 stopped by a budget.`,
  async run(argv, io) {
    const options = {
      ...REPOSITORY_OPTIONS,
      'max-tokens': { type: 'string' },
      'max-cost': { type: 'string' },
    } as const;
    const { values, positionals } = parse('retry', argv, options, true);
    if (values.help) {
      io.stdout.write(`${this.help}\n`);
      return 0;
    }
    const [taskId, ...extra] = positionals;
    if (taskId === undefined || extra.length > 0)
      throw new UsageError('retry: give one task id (see "agentos retry --help")');
    const budget = new RunBudget(
      budgetLimits({ maxTokens: values['max-tokens'], maxCost: values['max-cost'] }, io.env),
    );
    const repoRoot = repositoryDir(io, values.dir);
    const git = Git.create(repoRoot);
    const logger = streamLogger(io.stderr, values.verbose);
    // A run killed earlier may have left a change half-made: repair it before reading memory.
    await recoverInterruptedChange({ repoRoot, git, logger });
    const memory = await readAgentMemory(repoRoot, git, values.agent);
    const agent = memory.agent.name;
    const history = await readTaskHistory({ repoRoot, git, agent, taskId });
    const { record } = history;
    // A queued task whose review was rejected (autonomy: assistant) has no record on this branch.
    const rejectedInReview = memory.queue.entries.some(
      (entry) => entry.id === taskId && entry.status === 'pending' && isReviewRejected(entry),
    );
    if (!record && !rejectedInReview) {
      const queued = memory.queue.entries.some((entry) => entry.id === taskId);
      throw new InputError(
        queued
          ? `task "${taskId}" of agent ${agent} has not run yet, so there is nothing to retry: run it with "agentos run --task-id ${taskId}"`
          : `no task "${taskId}" for agent ${agent}: it has no reward record, so there is nothing to retry`,
      );
    }
    if (record && record.error === undefined) {
      // A task the model answered is scored once, whatever its outcome: a person corrects it.
      const failed = record.outcome === 'failure';
      const scored = `(${record.outcome}, reward ${formatReward(record.reward)})`;
      throw new InputError(
        `task "${taskId}" of agent ${agent} ` +
          (failed
            ? `was answered and scored ${scored}, and a task is scored once`
            : `is already processed ${scored}`) +
          ': it is not run again; ' +
          (failed
            ? 'to try the work again, enqueue it as a new task ("agentos enqueue TEXT"); '
            : '') +
          `to correct its score, use "agentos feedback ${taskId} correctness=${failed ? '+1' : '-1'} note=..."`,
      );
    }
    const task =
      (rejectedInReview ? taskFromQueue(agent, memory.queue, taskId) : undefined) ??
      taskToRetry(history, memory.queue);
    const deps = {
      repoRoot,
      git,
      model: createModel(memory.registry, io.env, { logger }),
      budget,
      logger: { ...logger, info: () => {} },
    };
    let result: IterationResult;
    try {
      result = await runIteration(deps, task, memory);
    } catch (error) {
      if (!(error instanceof BudgetExhaustedError)) throw error;
      return reportBudgetStop(io, 'retry', repoRoot, task, error.message);
    }
    io.stdout.write(`${result.summary}\n`);
    if (result.status === 'failed') return reportFailure(io, 'retry', result, repoRoot);
    if (result.answer) io.stdout.write(`\n${result.answer}\n`);
    if (result.review)
      io.stdout.write(
        `\n${reviewInstructions(result.review.branch, (await git.currentBranch()) ?? 'HEAD').join('\n')}\n`,
      );
    reportBudget(io, budget);
    return 0;
  },
};
