// `agentos enqueue TEXT` and `agentos enqueue -` (the text from standard input, lines kept)
import { UsageError } from '../../errors.js';
import { Git } from '../../git/git.js';
import { MAX_TASK_TEXT_BYTES, PRIORITIES, type Priority } from '../../memory/queue.js';
import { findAgent, loadRegistry } from '../../memory/registry.js';
import { checkTaskTextSize, enqueueTasks } from '../../loop/enqueue.js';
import {
  parse,
  repositoryDir,
  REPOSITORY_HELP,
  REPOSITORY_OPTIONS,
  type Command,
} from '../command.js';

export const enqueueCommand: Command = {
  name: 'enqueue',
  help: `Usage: agentos enqueue [options] TEXT
       agentos enqueue [options] -      (the text from standard input)

Appends TEXT as a task to agents/<agent>/queue.md and commits it. "agentos run" picks it up.
A text of several lines keeps its lines (queue.md holds it as a "task: |" block). A text over
${MAX_TASK_TEXT_BYTES / 1024} KiB, or one that would take queue.md past the 256 KiB memory file limit, is refused.

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
    const words: string[] = positionals;
    const fromStdin = words.length === 1 && words[0] === '-';
    if (!fromStdin && words.includes('-'))
      throw new UsageError('enqueue: give the task text or "-" (standard input), not both');
    if (fromStdin && !io.stdin)
      throw new UsageError(
        'enqueue: "-" reads the task text from standard input, and there is none',
      );
    const text = fromStdin && io.stdin ? await readLimited(io.stdin) : words.join(' ');
    if (text.trim() === '')
      throw new UsageError(
        fromStdin
          ? 'enqueue: standard input held no task text'
          : 'enqueue: the task text is missing (see "agentos enqueue --help")',
      );
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

/**
 * The whole of a stream as UTF-8 text. Past the task size limit it only counts the bytes, so an
 * endless input costs no memory and the refusal can still say how big it was.
 */
async function readLimited(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let kept = 0;
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += bytes.length;
    if (kept <= MAX_TASK_TEXT_BYTES) {
      chunks.push(bytes);
      kept += bytes.length;
    }
  }
  if (total > kept) checkTaskTextSize(total);
  return Buffer.concat(chunks).toString('utf8');
}
