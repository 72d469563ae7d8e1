// Running the CLI in-process from src/ (what a developer changed), capturing what a user would see.
import { rmSync } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { tempDir } from './repo.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `agentos argv…`. Without `cwd` it runs in an empty folder of its own, never in this
 * project, whose agents.yaml and agents/ a forgotten `--dir` would otherwise read and change.
 */
export async function runCli(
  argv: string[],
  options: {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    /** stdout claims to be a terminal */ tty?: boolean;
    stdin?: string;
  } = {},
): Promise<CliRun> {
  const stdout: PassThrough & { isTTY?: boolean } = new PassThrough();
  if (options.tty) stdout.isTTY = true;
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk.toString()));
  stderr.on('data', (chunk: Buffer) => err.push(chunk.toString()));
  const cwd = options.cwd ?? tempDir('agentos-cwd-');
  const stdin =
    options.stdin !== undefined ? { stdin: Readable.from([Buffer.from(options.stdin)]) } : {};
  const code = await main(argv, { ...stdin, stdout, stderr, cwd, env: { ...options.env } }).finally(
    () => {
      if (options.cwd === undefined) rmSync(cwd, { recursive: true, force: true });
    },
  );
  return { code, stdout: out.join(''), stderr: err.join('') };
}
