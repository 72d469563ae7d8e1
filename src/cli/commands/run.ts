// `agentos run`
import { UsageError } from '../../errors.js';
import { Git } from '../../git/git.js';
import { packLooseObjects, PackingSchedule } from '../../git/housekeeping.js';
import { BudgetExhaustedError, budgetLimits, RunBudget } from '../../llm/budget.js';
import { createModel } from '../../llm/create-model.js';
import { streamLogger } from '../../log.js';
import { pendingEntries } from '../../memory/queue.js';
import { findTask } from '../../memory/queue-archive.js';
import { findAgent, loadRegistry } from '../../memory/registry.js';
import { readAgentMemory } from '../../loop/agent-memory.js';
import { recoverInterruptedChange } from '../../memory/journal.js';
import { watchMemoryChanges } from '../../memory/memory-watch.js';
import { runIteration, type IterationResult } from '../../loop/iteration.js';
import { repairQueue } from '../../loop/queue-repair.js';
import { reviewInstructions } from '../../review/instructions.js';
import { settleReviews } from '../../review/settle.js';
import { taskFromQueue, taskFromText } from '../../loop/task.js';
import {
  parse,
  repositoryDir,
  REPOSITORY_HELP,
  REPOSITORY_OPTIONS,
  type Command,
} from '../command.js';
import {
  isTerminal,
  reportBudget,
  reportBudgetStop,
  reportFailure,
  RunTally,
  taskLine,
} from '../iteration-report.js';

export const runCommand: Command = {
  name: 'run',
  help: `Usage: agentos run [options]

Runs one loop iteration for the agent: the next pending task of its queue.md, the queued task
--task-id names, or the ad-hoc task --text gives. The memory changes land as one commit.
A task that already has a reward record is not run again. Under "autonomy: assistant" the memory
changes land on a review branch (agentos/review/AGENT/TASK) instead, and the task waits there until
the branch is merged (done) or deleted unmerged (rejected: "agentos retry TASK" runs it again).

Options:
  --task-id ID       run this task of queue.md
  --text TEXT        run this task text (its id is derived from the text)
  --all              run every pending task of queue.md, one commit each; prints a line per
                     task (outcome, reward, tier, model, cost; [n/N] on a terminal) and a
                     summary
  --max-tokens N     stop before a model call would take the run past N tokens
                     (default: $AGENTOS_MAX_TOKENS, else no limit)
  --max-cost USD     stop before a model call would take the run past USD dollars
                     (default: $AGENTOS_MAX_COST_USD, else no limit)
${REPOSITORY_HELP}

Model: the offline model (deterministic rules, not an LLM) unless LLM_API_KEY or LLM_BASE_URL
is set; then the OpenAI-compatible endpoint, with the tier models of agents.yaml (or LLM_MODEL
for every tier). See README.md, "Models".

Exit codes: 0 done (or nothing to do); 1 the model gave no usable answer (the failure is recorded
and the task stays pending for a retry; --all goes on with the next task and exits 1 at the end);
2 bad usage or input; 3 stopped by a budget.`,
  async run(argv, io) {
    const options = {
      ...REPOSITORY_OPTIONS,
      'task-id': { type: 'string' },
      text: { type: 'string' },
      all: { type: 'boolean' },
      'max-tokens': { type: 'string' },
      'max-cost': { type: 'string' },
    } as const;
    const { values } = parse('run', argv, options);
    if (values.help) {
      io.stdout.write(`${this.help}\n`);
      return 0;
    }
    const chosen = [
      values['task-id'] !== undefined,
      values.text !== undefined,
      values.all === true,
    ].filter(Boolean);
    if (chosen.length > 1)
      throw new UsageError('run: give only one of --task-id, --text and --all');
    const budget = new RunBudget(
      budgetLimits({ maxTokens: values['max-tokens'], maxCost: values['max-cost'] }, io.env),
    );
    const repoRoot = repositoryDir(io, values.dir);
    const logger = streamLogger(io.stderr, values.verbose);
    const git = Git.create(repoRoot);
    // A run killed earlier may have left a change half-made: repair it before reading memory.
    await recoverInterruptedChange({ repoRoot, git, logger });
    const deps = {
      repoRoot,
      git,
      model: createModel(loadRegistry(repoRoot), io.env, { logger }),
      budget,
      logger: { ...logger, info: () => {} },
    };
    // Malformed queue entries are marked failed, and entries that already have a reward record
    // done (commits of their own, a warning on stderr), before a task is chosen: neither blocks.
    if (values.text === undefined) {
      const agent = findAgent(loadRegistry(repoRoot), values.agent).name;
      await repairQueue({ repoRoot, git: deps.git, agent, logger });
      // Tasks whose review was merged are done; rejected ones wait for `agentos retry`.
      await settleReviews({ repoRoot, git: deps.git, agent, logger });
    }
    // Queue tasks that turn out to be processed already are passed over, so --all always ends.
    const passed = new Set<string>();
    const tally = new RunTally();
    // --all goes on past a task whose model failed (recorded, still pending) and exits 1 at the end.
    let exitCode = 0;
    // [n/N] on a terminal only: N is what was pending when the run began (or n, if tasks arrive).
    let total: number | undefined;
    // --all ends with its tally, however it ends.
    const summarise = (): void => {
      if (values.all && tally.attempted > 0) io.stdout.write(`${tally.line()}\n`);
    };
    // --all reads the same memory task after task: each read hears what changed since the last.
    const release = values.all ? watchMemoryChanges() : undefined;
    const packing = new PackingSchedule(git, logger);
    try {
      for (;;) {
        const memory = await readAgentMemory(repoRoot, deps.git, values.agent);
        const agent = memory.agent.name;
        total ??= pendingEntries(memory.queue).length;
        const task =
          values.text !== undefined
            ? taskFromText(agent, values.text)
            : taskFromQueue(agent, memory.queue, values['task-id'], passed, (id) =>
                findTask(repoRoot, agent, id),
              );
        if (!task) {
          if (tally.attempted === 0)
            io.stdout.write(`No pending task in agents/${agent}/queue.md.\n`);
          summarise();
          reportBudget(io, budget);
          return exitCode;
        }
        let result: IterationResult;
        try {
          result = await runIteration(deps, task, memory);
        } catch (error) {
          if (!(error instanceof BudgetExhaustedError)) throw error;
          const code = reportBudgetStop(io, 'run', repoRoot, task, error.message);
          summarise();
          return code;
        }
        tally.count(result);
        if (values.all) {
          const position = tally.attempted;
          const progress = isTerminal(io.stdout)
            ? { position, total: Math.max(total, position) }
            : undefined;
          io.stdout.write(`${taskLine(result, progress)}\n`);
        } else io.stdout.write(`${result.summary}\n`);
        if (result.status === 'failed') {
          if (!values.all || result.failure?.kind === 'budget') {
            summarise();
            return reportFailure(io, 'run', result, repoRoot);
          }
          exitCode = reportFailure(io, 'run', result, repoRoot);
        }
        if (result.answer && !values.all) io.stdout.write(`\n${result.answer}\n`);
        if (result.review && !values.all)
          io.stdout.write(
            `\n${reviewInstructions(result.review.branch, (await git.currentBranch()) ?? 'HEAD').join('\n')}\n`,
          );
        passed.add(task.id);
        if (!values.all) {
          reportBudget(io, budget);
          return 0;
        }
        await packing.taskDone();
      }
    } finally {
      release?.();
      // As `git commit` does after committing (git/housekeeping.ts).
      if (tally.attempted > 0) await packLooseObjects(git, logger);
    }
  },
};
