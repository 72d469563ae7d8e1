// `agentos enqueue TEXT`
import { UsageError } from '../../errors.js';
import { Git } from '../../git/git.js';
import { PRIORITIES, type Priority } from '../../memory/queue.js';
import { findAgent, loadRegistry } from '../../memory/registry.js';
import { enqueueTasks } from '../../loop/enqueue.js';
import {
  parse,
  repositoryDir,
  REPOSITORY_HELP,
  REPOSITORY_OPTIONS,
  type Command,
} from '../command.js';

export const enqueueCommand: Command = {
  name: 'enqueue',
  summary: "add a task to an agent's queue.md",
  help: `Usage: agentos enqueue [options] TEXT

Appends TEXT as a task to agents/<agent>/queue.md and commits it. "agentos run" picks it up.

Options:
  --id ID            the task id (default: made from the text's first words)
  --priority P       ${PRIORITIES.join(' | ')} (default: normal)
${REPOSITORY_HELP}`,
  async run(argv, io) {
    const options = {
      ...REPOSITORY_OPTIONS,
      id: { type: 'string' },
      priority: { type: 'string' },
    } as const;
    const { values, positionals } = parse('enqueue', argv, options, true);
    if (values.help) {
      io.stdout.write(`${this.help}\n`);
      return 0;
    }
    const text = positionals.join(' ').trim();
    if (text === '')
      throw new UsageError('enqueue: the task text is missing (see "agentos enqueue --help")');
    const priority = (values.priority ?? 'normal') as Priority;
    if (!PRIORITIES.includes(priority)) {
      throw new UsageError(
        `enqueue: --priority must be one of ${PRIORITIES.join(', ')}, not "${values.priority}"`,
      );
    }
    const repoRoot = repositoryDir(io, values.dir);
    const agent = findAgent(loadRegistry(repoRoot), values.agent);
    const { ids, commit } = await enqueueTasks({
      repoRoot,
      git: Git.create(repoRoot),
      agent: agent.name,
      tasks: [{ text, priority, ...(values.id ? { id: values.id } : {}) }],
    });
    io.stdout.write(`Enqueued ${ids[0]} for ${agent.name} (commit ${commit.slice(0, 7)}).\n`);
    return 0;
  },
};
