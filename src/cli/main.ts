// The CLI's dispatcher: finds the command, runs it, and turns errors into exit codes — 2 with a
// one-line reason for bad usage or bad input, 1 for anything else.
import { AgentOSError, errorMessage, InputError } from '../errors.js';
import { redactedStream } from '../security/redacted-stream.js';
import { declareRunSecrets } from '../security/run-redactor.js';
import type { CliIo, Command } from './command.js';

/**
 * A command as the dispatcher knows it: its module (and everything it imports) is loaded only to
 * run it, so `agentos enqueue` does not load the benchmarks, nor `--help` anything. (The
 * `webpackMode` comments keep the modules inside the action's one-file bundle: ncc is webpack,
 * which would otherwise split each into files of its own, most of their code copied into each.)
 */
export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'init',
    summary: 'create a new agent repository from the template',
    load: async () => (await import(/* webpackMode: "eager" */ './commands/init.js')).initCommand,
  },
  {
    name: 'new-agent',
    summary: 'add a purpose-built agent from the questionnaire, or clone one (--from)',
    load: async () =>
      (await import(/* webpackMode: "eager" */ './commands/new-agent.js')).newAgentCommand,
  },
  {
    name: 'enqueue',
    summary: "add a task to an agent's queue.md",
    load: async () =>
      (await import(/* webpackMode: "eager" */ './commands/enqueue.js')).enqueueCommand,
  },
  {
    name: 'run',
    summary: 'run one loop iteration (or drain the queue with --all)',
    load: async () => (await import(/* webpackMode: "eager" */ './commands/run.js')).runCommand,
  },
  {
    name: 'show',
    summary: 'print a task, its answer, its reward record and what memory it changed',
    load: async () => (await import(/* webpackMode: "eager" */ './commands/show.js')).showCommand,
  },
  {
    name: 'retry',
    summary: 'run again a task whose last attempt failed',
    load: async () => (await import(/* webpackMode: "eager" */ './commands/retry.js')).retryCommand,
  },
  {
    name: 'learn',
    summary: 'run a learning run: promote, refute, collapse, decay, archive, reflect',
    load: async () => (await import(/* webpackMode: "eager" */ './commands/learn.js')).learnCommand,
  },
  {
    name: 'feedback',
    summary: "record a person's verdict on a task (what /reward does on an issue)",
    load: async () =>
      (await import(/* webpackMode: "eager" */ './commands/feedback.js')).feedbackCommand,
  },
  {
    name: 'consensus',
    summary: 'list, propose, vote on and evaluate shared-truth proposals',
    load: async () =>
      (await import(/* webpackMode: "eager" */ './commands/consensus.js')).consensusCommand,
  },
  {
    name: 'daemon',
    summary: 'poll every agent’s queue.md and run its tasks, one at a time, until stopped',
    load: async () =>
      (await import(/* webpackMode: "eager" */ './commands/daemon.js')).daemonCommand,
  },
  {
    name: 'metrics',
    summary: 'report the learning metrics of each agent (Markdown with charts, or --json)',
    load: async () =>
      (await import(/* webpackMode: "eager" */ './commands/metrics.js')).metricsCommand,
  },
  {
    name: 'bench',
    summary: 'run a benchmark and print its results (--json: one JSON object)',
    load: async () => (await import(/* webpackMode: "eager" */ './commands/bench.js')).benchCommand,
  },
  {
    name: 'demo',
    summary: 'run the offline demo in a fresh agent repository',
    load: async () => (await import(/* webpackMode: "eager" */ './commands/demo.js')).demoCommand,
  },
];

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: agentos <command> [options]',
    '',
    'AgentOS runs an agent whose memory lives as Markdown in a git repository.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "agentos <command> --help" for a command\'s options.',
  ].join('\n');
}

/**
 * A reader that stops early (`agentos consensus --list | head`) closes the pipe: the process ends
 * quietly, as git does, instead of dying on the next write with an EPIPE stack trace.
 */
export function endQuietlyOnClosedPipe(stdout: NodeJS.WriteStream): void {
  stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
}

export async function main(argv: string[], given: CliIo): Promise<number> {
  // Secrets never reach the terminal either: the environment's secrets are known from here on.
  const redactor = declareRunSecrets(given.env);
  const io: CliIo = {
    ...given,
    stdout: redactedStream(given.stdout, redactor),
    stderr: redactedStream(given.stderr, redactor),
  };
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(`${usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(
      `agentos: unknown command "${name}" (commands: ${COMMANDS.map((c) => c.name).join(', ')})\n`,
    );
    return 2;
  }
  try {
    return await (await command.load()).run(rest, io);
  } catch (error) {
    // Some messages already open with the command's name: never `agentos enqueue: enqueue: …`.
    const said = (message: string) =>
      message.startsWith(`${name}: `) ? message.slice(name.length + 2) : message;
    if (error instanceof InputError) {
      io.stderr.write(`agentos ${name}: ${said(error.message)}\n`);
      return 2;
    }
    if (error instanceof AgentOSError) {
      io.stderr.write(`agentos ${name}: ${said(error.message)}\n`);
      return 1;
    }
    io.stderr.write(`agentos ${name}: unexpected error: ${errorMessage(error)}\n`);
    if (error instanceof Error && error.stack && io.env.AGENTOS_DEBUG)
      io.stderr.write(`${error.stack}\n`);
    return 1;
  }
}
