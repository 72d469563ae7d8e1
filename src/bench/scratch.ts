// A bench's scratch repository: a folder named after the bench and the process that made it, so a
// later bench can tell the folders of a bench that was killed (its process is gone, its `finally`
// never ran) from those of one still running, and remove them before it starts.
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { removeLeftoversOfGoneProcesses } from '../process.js';

const PREFIX = 'agentos-bench-';
const NAMED = /^agentos-bench-[a-z]+-(\d+)-/;

/**
 * Removes the scratch folders in `base` left by bench processes that are gone, and makes a new
 * one for `bench` in this process: `<base>/agentos-bench-<bench>-<pid>-XXXXXX`.
 */
export function benchScratchDir(bench: string, base: string): string {
  // An unreadable base has nothing to sweep; mkdtemp below says what is wrong with it.
  removeLeftoversOfGoneProcesses(base, (name) => {
    const pid = NAMED.exec(name)?.[1];
    return pid === undefined ? undefined : Number(pid);
  });
  return mkdtempSync(join(base, `${PREFIX}${bench}-${process.pid}-`));
}
