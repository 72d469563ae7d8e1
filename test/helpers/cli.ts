// Running the CLI in-process, capturing what a user would see.
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  argv: string[],
  options: {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    /** stdout claims to be a terminal */ tty?: boolean;
  } = {},
): Promise<CliRun> {
  const stdout: PassThrough & { isTTY?: boolean } = new PassThrough();
  if (options.tty) stdout.isTTY = true;
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk.toString()));
  stderr.on('data', (chunk: Buffer) => err.push(chunk.toString()));
  const code = await main(argv, {
    stdout,
    stderr,
    cwd: options.cwd ?? process.cwd(),
    env: { ...options.env },
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}
