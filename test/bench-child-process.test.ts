// A bench's measured work runs in child processes (src/bench/node-process.ts): when the bench is
// stopped or killed, they must not run on as orphans.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compiledSource, tempDir } from './helpers/repo.js';

/** Whether the process runs: a zombie (exited, not yet reaped by whoever adopted it) does not. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (command) state …": the state follows the last parenthesis.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

describe('a bench child process', () => {
  it('exits soon after the bench that started it is killed, even one killed while it was starting', async () => {
    const dir = tempDir('agentos-bench-child-');
    const module = pathToFileURL(compiledSource('bench/node-process.js')).href;
    const pidFile = join(dir, 'child.pid');
    // The measured work: says its pid, then (as a phase loading its modules would) only later
    // watches its parent, and would run a minute.
    writeFileSync(
      join(dir, 'work.mjs'),
      `import { writeFileSync } from 'node:fs';
       import { exitWithParent } from ${JSON.stringify(module)};
       writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));
       setTimeout(exitWithParent, 1000);
       setTimeout(() => {}, 60000);`,
    );
    // The bench: runs the work through runNodeForJson, as the longevity and learning benches do.
    const bench = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { runNodeForJson } from ${JSON.stringify(module)};
         await runNodeForJson([${JSON.stringify(join(dir, 'work.mjs'))}], 'work').catch(() => {});`,
      ],
      { stdio: 'ignore' },
    );
    expect(
      await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8') !== '', 10_000),
    ).toBe(true);
    const child = Number(readFileSync(pidFile, 'utf8'));
    expect(running(child)).toBe(true);
    bench.kill('SIGKILL');
    // Killed before the work watched it: the work still goes, within its first checks.
    expect(await waitFor(() => !running(child), 5000)).toBe(true);
  }, 20_000);
});
