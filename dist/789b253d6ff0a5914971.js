// The CLI's dispatcher: finds the command, runs it, and turns errors into exit codes — 2 with a
// one-line reason for bad usage or bad input, 1 for anything else.
import { AgentOSError, errorMessage, InputError } from '../errors.js';
import { redactedStream } from '../security/redacted-stream.js';
import { declareRunSecrets } from '../security/run-redactor.js';
import { benchCommand } from './commands/bench.js';
import { consensusCommand } from './commands/consensus.js';
import { daemonCommand } from './commands/daemon.js';
import { demoCommand } from './commands/demo.js';
import { enqueueCommand } from './commands/enqueue.js';
import { feedbackCommand } from './commands/feedback.js';
import { initCommand } from './commands/init.js';
import { learnCommand } from './commands/learn.js';
import { newAgentCommand } from './commands/new-agent.js';
import { metricsCommand } from './commands/metrics.js';
import { retryCommand } from './commands/retry.js';
import { runCommand } from './commands/run.js';
import { showCommand } from './commands/show.js';
export const COMMANDS = [
    initCommand,
    newAgentCommand,
    enqueueCommand,
    runCommand,
    showCommand,
    retryCommand,
    learnCommand,
    feedbackCommand,
    consensusCommand,
    daemonCommand,
    metricsCommand,
    benchCommand,
    demoCommand,
];
export function usage() {
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
export async function main(argv, given) {
    // Secrets never reach the terminal either: the environment's secrets are known from here on.
    const redactor = declareRunSecrets(given.env);
    const io = {
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
        io.stderr.write(`agentos: unknown command "${name}" (commands: ${COMMANDS.map((c) => c.name).join(', ')})\n`);
        return 2;
    }
    try {
        return await command.run(rest, io);
    }
    catch (error) {
        // Some messages already open with the command's name: never `agentos enqueue: enqueue: …`.
        const said = (message) => message.startsWith(`${name}: `) ? message.slice(name.length + 2) : message;
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
//# sourceMappingURL=main.js.map