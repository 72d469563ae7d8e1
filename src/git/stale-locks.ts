// Git's own lock files left behind by a process that was killed (`index.lock`, `HEAD.lock`, a
// branch's ref lock): removed only when no live git process is working in the repository, because
// removing a lock that a running git holds would corrupt what it is writing.
import {
  existsSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import type { Git } from './git.js';

/** Where /proc is unavailable, a lock this old is taken as abandoned. */
export const ABANDONED_LOCK_MS = 10 * 60 * 1000;

/** Removes stale lock files of the repository; returns the removed paths (absolute). */
export async function removeStaleLocks(git: Git, now = Date.now()): Promise<string[]> {
  const candidates = [await git.gitPath('index.lock'), await git.gitPath('HEAD.lock')];
  const branch = await git.currentBranch();
  if (branch) candidates.push(await git.gitPath(`refs/heads/${branch}.lock`));
  const present = candidates.filter((path) => existsSync(path));
  if (present.length === 0) return [];
  const busy = liveGitProcessIn(realpathSync(git.workdir));
  const removed: string[] = [];
  for (const path of present) {
    const abandoned =
      busy === false || (busy === undefined && now - statSync(path).mtimeMs > ABANDONED_LOCK_MS);
    if (!abandoned) continue;
    rmSync(path, { force: true });
    removed.push(path);
  }
  return removed;
}

/**
 * Whether a git process (other than this one's children, which have exited by now) runs with its
 * working directory inside `workdir`; undefined where the process table cannot be read (no /proc).
 */
function liveGitProcessIn(workdir: string): boolean | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    try {
      const command = readFileSync(join('/proc', pid, 'comm'), 'utf8').trim();
      if (!command.startsWith('git')) continue;
      const cwd = readlinkSync(join('/proc', pid, 'cwd'));
      if (!relative(workdir, cwd).startsWith('..')) return true;
    } catch {
      // The process ended while we looked, or is not ours to inspect.
    }
  }
  return false;
}
