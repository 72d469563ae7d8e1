// What every CLI command has: a name, its help, and a run function over parsed arguments.
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { errorMessage, UsageError } from '../errors.js';

export interface CliIo {
  /** Standard input, for commands that read it (`agentos enqueue -`); absent when there is none. */
  stdin?: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface Command {
  name: string;
  /** The full `--help` text. */
  help: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** The options every repository command takes. */
export const REPOSITORY_OPTIONS = {
  dir: { type: 'string', short: 'C' },
  agent: { type: 'string', short: 'a' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

export const REPOSITORY_HELP = `  -C, --dir DIR      the agent repository (default: $DATA_DIR, else the current folder)
  -a, --agent NAME   the agent (default: the first in agents.yaml)
  -v, --verbose      say more about each step
  -h, --help         show this help`;

/** Parses argv strictly; unknown or malformed options are usage errors that name the command. */
export function parse<O extends Options>(
  command: string,
  argv: string[],
  options: O,
  allowPositionals = false,
) {
  try {
    return parseArgs({
      args: joinNegativeValues(argv, options),
      options,
      allowPositionals,
      strict: true,
    });
  } catch (error) {
    const sentence = errorMessage(error).split(/\.\s|\n/)[0];
    throw new UsageError(`${sentence} (see "agentos ${command} --help")`);
  }
}

/**
 * `--max-cost -1` as `--max-cost=-1`: a value option followed by a negative number takes it as its
 * value, so the check of the value says what is wrong ("must be a number above 0") rather than
 * parseArgs calling the argument ambiguous.
 */
function joinNegativeValues(argv: readonly string[], options: Options): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const next = argv[i + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    const option = name === undefined ? undefined : options[name];
    if (option?.type === 'string' && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  return joined;
}

export function repositoryDir(io: CliIo, dir: string | undefined): string {
  return resolve(io.cwd, dir ?? io.env.DATA_DIR ?? '.');
}
