// Whether another process is running, by its id: what tells a crashed or killed run's leftovers
// (a journal, a bench's scratch folder) from those of a run still under way.

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
