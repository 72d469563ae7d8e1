// Moving HEAD's branch to a new commit in the files ref store, in-process, as `git update-ref -m
// <message> HEAD <new> <old>` does: the branch's lock file is created exclusively, the branch is
// checked to still be at <old> (its loose file, else packed-refs), the reflogs of the branch and of
// HEAD get their line, and the lock is renamed over the branch's file. An iteration's commit is a
// process less. Anything unusual (a lock held, the branch elsewhere than expected, a ref that is a
// folder) answers false with nothing changed, and the caller asks git, which says what is wrong.
// The lock is held for a moment inside a journaled change; a run killed holding it leaves it to the
// next run, which removes it as stale (stale-locks.ts) once it has refused to touch a live run's
// change (journal.ts).
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { gitDirFiles, refFromFiles } from './ref-files.js';

export interface BranchMove {
  /** The branch HEAD names, e.g. "refs/heads/main". */
  ref: string;
  expected: string;
  commit: string;
  /** The reflog message (update-ref's -m). */
  message: string;
  /** Who moves it, as a reflog line names them: "<name> <<email>> <seconds> <±hhmm>". */
  who: string;
  /** Whether reflogs that do not exist yet are started (core.logAllRefUpdates). */
  createLogs: boolean;
}

/** A reflog message as git stores it: whitespace runs made one space, the ends trimmed. */
export function reflogMessage(message: string): string {
  return message.replace(/[ \t\n\r]+/g, ' ').trim();
}

/**
 * Moves the branch; false when it leaves the move to git (nothing was changed). `pathOf` resolves a
 * name inside the git directory as `git rev-parse --git-path` does.
 */
export async function moveBranchInFiles(
  move: BranchMove,
  pathOf: (name: string) => Promise<string>,
): Promise<boolean> {
  const file = await pathOf(move.ref);
  const lock = `${file}.lock`;
  const [branchLog, headLog] = await Promise.all([pathOf(`logs/${move.ref}`), pathOf('logs/HEAD')]);
  try {
    if (statSync(file).isDirectory()) return false;
  } catch {
    // No loose file: the branch is packed (or unborn, which the check below leaves to git).
  }
  let fd: number;
  try {
    mkdirSync(dirname(file), { recursive: true });
    fd = openSync(lock, 'wx');
  } catch {
    return false;
  }
  let renamed = false;
  try {
    if ((await refFromFiles(gitDirFiles(pathOf), move.ref)) !== move.expected) return false;
    writeSync(fd, `${move.commit}\n`);
    closeSync(fd);
    fd = -1;
    const line = `${move.expected} ${move.commit} ${move.who}\t${reflogMessage(move.message)}\n`;
    for (const log of [branchLog, headLog]) {
      if (!move.createLogs && !existsSync(log)) continue;
      mkdirSync(dirname(log), { recursive: true });
      appendFileSync(log, line);
    }
    renameSync(lock, file);
    renamed = true;
    return true;
  } finally {
    if (fd >= 0) closeSync(fd);
    if (!renamed) rmSync(lock, { force: true });
  }
}
