// `agentos run`
import { UsageError } from '../../errors.js';
import { Git } from '../../git/git.js';
import { BudgetExhaustedError, budgetLimits, RunBudget } from '../../llm/budget.js';
import { createModel } from '../../llm/create-model.js';
import { streamLogger } from '../../log.js';
import { pendingEntries } from '../../memory/queue.js';
import { loadRegistry } from '../../memory/registry.js';
import { loadAgentMemory, readAgentMemory } from '../../loop/agent-memory.js';
import { runIteration, type IterationResult } from '../../loop/iteration.js';
import { taskFromQueue, taskFromText, type Task } from '../../loop/task.js';
import {
  parse,
  repositoryDir,
  REPOSITORY_HELP,
  REPOSITORY_OPTIONS,
  type CliIo,
  type Command,
} from '../command.js';

/** Exit code of a run that a budget stopped: what is left stays pending. */
export const EXIT_BUDGET = 3;

export const runCommand: Command = {
  name: 'run',
  summary: 'run one loop iteration (or drain the queue with --all)',
  help: `Usage: agentos run [options]

Runs one loop iteration for the agent: the next pending task of its queue.md, the queued task
--task-id names, or the ad-hoc task --text gives. The memory changes land as one commit.
A task that already has a reward record is not run again.

Options:
  --task-id ID       run this task of queue.md
  --text TEXT        run this task text (its id is derived from the text)
  --all              run every pending task of queue.md, one commit each
  --max-tokens N     stop before a model call would take the run past N tokens
                     (default: $AGENTOS_MAX_TOKENS, else no limit)
  --max-cost USD     stop before a model call would take the run past USD dollars
                     (default: $AGENTOS_MAX_COST_USD, else no limit)
${REPOSITORY_HELP}

Model: the offline model (deterministic rules, not an LLM) unless LLM_API_KEY or LLM_BASE_URL
is set; then the OpenAI-compatible endpoint, with the tier models of agents.yaml (or LLM_MODEL
for every tier). See README.md, "Models".

Exit codes: 0 done (or nothing to do); 1 the model gave no usable answer (the failure is recorded
and the task stays pending for a retry); 2 bad usage or input; 3 stopped by a budget.`,
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
    const deps = {
      repoRoot,
      git: Git.create(repoRoot),
      model: createModel(loadRegistry(repoRoot), io.env, { logger }),
      budget,
      logger: { ...logger, info: () => {} },
    };
    // Queue tasks that turn out to be processed already are passed over, so --all always ends.
    const passed = new Set<string>();
    let ran = 0;
    for (;;) {
      const memory = await readAgentMemory(repoRoot, deps.git, values.agent);
      const agent = memory.agent.name;
      const task =
        values.text !== undefined
          ? taskFromText(agent, values.text)
          : taskFromQueue(agent, memory.queue, values['task-id'], passed);
      if (!task) {
        if (ran === 0) io.stdout.write(`No pending task in agents/${agent}/queue.md.\n`);
        reportBudget(io, budget);
        return 0;
      }
      let result: IterationResult;
      try {
        result = await runIteration(deps, task, memory);
      } catch (error) {
        if (!(error instanceof BudgetExhaustedError)) throw error;
        io.stderr.write(
          `agentos run: stopped: ${error.message}; ${stillPending(repoRoot, task)}\n`,
        );
        return EXIT_BUDGET;
      }
      io.stdout.write(`${result.summary}\n`);
      if (result.status === 'failed') {
        const kind = result.failure?.kind;
        const reason =
          kind === 'budget'
            ? `stopped: ${result.failure?.message}; ${stillPending(repoRoot, task)}`
            : `${task.id} failed: ${result.failure?.message ?? 'the model failed'} (recorded; the task stays pending: run again to retry)`;
        io.stderr.write(`agentos run: ${reason}\n`);
        return kind === 'budget' ? EXIT_BUDGET : 1;
      }
      if (result.answer && !values.all) io.stdout.write(`\n${result.answer}\n`);
      ran++;
      passed.add(task.id);
      if (!values.all) {
        reportBudget(io, budget);
        return 0;
      }
    }
  },
};

/** What a stopped run leaves: the queue's pending tasks, or the ad-hoc task that did not run. */
function stillPending(repoRoot: string, task: Task): string {
  if (task.source !== 'queue') return `task ${task.id} was not completed`;
  const pending = pendingEntries(loadAgentMemory(repoRoot, task.agent).queue).map((e) => e.id);
  return pending.length === 0
    ? 'nothing is pending'
    : `still pending in agents/${task.agent}/queue.md: ${pending.join(', ')}`;
}

function reportBudget(io: CliIo, budget: RunBudget): void {
  const { maxTokens, maxCostUsd } = budget.limits;
  const parts = [
    ...(maxTokens !== undefined ? [`${budget.tokensUsed} of ${maxTokens} tokens`] : []),
    ...(maxCostUsd !== undefined ? [`$${budget.costUsd} of $${maxCostUsd}`] : []),
  ];
  if (parts.length > 0) io.stderr.write(`budget used: ${parts.join(', ')}\n`);
}
