// `agentos run`
import { UsageError } from '../../errors.js';
import { Git } from '../../git/git.js';
import { createModel } from '../../llm/create-model.js';
import { streamLogger } from '../../log.js';
import { loadRegistry } from '../../memory/registry.js';
import { loadAgentMemory } from '../../loop/agent-memory.js';
import { runIteration } from '../../loop/iteration.js';
import { taskFromQueue, taskFromText } from '../../loop/task.js';
import {
  parse,
  repositoryDir,
  REPOSITORY_HELP,
  REPOSITORY_OPTIONS,
  type Command,
} from '../command.js';

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
${REPOSITORY_HELP}`,
  async run(argv, io) {
    const options = {
      ...REPOSITORY_OPTIONS,
      'task-id': { type: 'string' },
      text: { type: 'string' },
      all: { type: 'boolean' },
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
    const repoRoot = repositoryDir(io, values.dir);
    const deps = {
      repoRoot,
      git: Git.create(repoRoot),
      model: createModel(loadRegistry(repoRoot), io.env),
      logger: streamLogger(io.stderr, values.verbose),
    };
    // Queue tasks that turn out to be processed already are passed over, so --all always ends.
    const passed = new Set<string>();
    let ran = 0;
    for (;;) {
      const memory = loadAgentMemory(repoRoot, values.agent);
      const agent = memory.agent.name;
      const task =
        values.text !== undefined
          ? taskFromText(agent, values.text)
          : taskFromQueue(agent, memory.queue, values['task-id'], passed);
      if (!task) {
        if (ran === 0) io.stdout.write(`No pending task in agents/${agent}/queue.md.\n`);
        return 0;
      }
      const result = await runIteration(
        { ...deps, logger: { ...deps.logger, info: () => {} } },
        task,
        memory,
      );
      io.stdout.write(`${result.summary}\n`);
      if (result.answer && !values.all) io.stdout.write(`\n${result.answer}\n`);
      ran++;
      passed.add(task.id);
      if (!values.all) return 0;
    }
  },
};
