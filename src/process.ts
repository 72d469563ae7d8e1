// Whether another process is running, by its id: what tells a crashed or killed run's leftovers
// (a journal, a bench's scratch folder, an atomic write's temporary file) from those of a run still
// under way.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Whether a process with this id is running (one we may not signal still counts as running). */
export function isProcessRunning(pid: number): boolean {
  try {
    // Signal 0 only asks whether the process exists.
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the entries of `folder` that a process made (`ownerOf` reads its id from the name, else
 * undefined) when that process no longer runs. An unreadable folder has nothing to remove.
 */
export function removeLeftoversOfGoneProcesses(
  folder: string,
  ownerOf: (name: string) => number | undefined,
): void {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = ownerOf(name);
    if (pid !== undefined && pid !== process.pid && !isProcessRunning(pid))
      rmSync(join(folder, name), { recursive: true, force: true });
  }
}
