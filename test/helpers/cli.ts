// Running the CLI from src/ (what a developer changed), capturing what a user would see: in-process,
// or as the `agentos` process itself (compiled by jest's global setup).
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { compiledSource, tempDir } from './repo.js';

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

/**
 * Runs `agentos argv…` as a process of its own, with only `PATH`, `HOME` and `env` in its
 * environment. For the long scenarios too: a plain Node process runs the product about twice as
 * fast as jest's module sandbox does in-process.
 */
export async function runCliProcess(
  argv: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<CliRun> {
  const child = spawn(process.execPath, [compiledSource('cli/index.js'), ...argv], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const code = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exit) => resolve(exit ?? 1));
  });
  return {
    code,
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
  };
}
