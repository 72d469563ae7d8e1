// A bench's measured work in a Node process of its own (as a user's `agentos` command runs), its
// answer read as JSON from standard output, so the process's time and memory are the work's alone.
// A Node process, not git: the rule that sends git through src/git/git.ts does not apply.
// eslint-disable-next-line no-restricted-imports
import { spawn } from 'node:child_process';

/**
 * Runs `node <args>` and parses what it prints. Rejects naming `what`, with the exit code or parse
 * error and the start of its standard error, when it fails or prints something else.
 */
export function runNodeForJson(args: readonly string[], what: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, [PARENT_PID]: String(process.pid) },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        if (code !== 0) throw new Error(`exit ${code}`);
        resolve(JSON.parse(Buffer.concat(out).toString('utf8')) as unknown);
      } catch (error) {
        const stderr = Buffer.concat(err).toString('utf8').slice(0, 2000);
        reject(new Error(`${what} failed (${String(error)}): ${stderr}`));
      }
    });
  });
}

/** Names the starting process's id in a child's environment. */
const PARENT_PID = 'AGENTOS_BENCH_PARENT_PID';

/**
 * In a process `runNodeForJson` started: exits as soon as the process that started it is gone (a
 * bench stopped with Ctrl-C or killed), instead of running on for minutes as an orphan. The
 * parent's id comes from the environment: a parent killed while this process was still loading
 * has already handed it to another parent by the time `process.ppid` is read.
 */
export function exitWithParent(): void {
  const parent = Number(process.env[PARENT_PID]) || process.ppid;
  setInterval(() => {
    try {
      // Signal 0 only asks whether the process exists.
      process.kill(parent, 0);
    } catch {
      process.exit(1);
    }
  }, 500).unref();
}
