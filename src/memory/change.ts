// One way to land a change to memory: every commit the runtime makes (an iteration, feedback, a
// learning step, enqueue, init) writes through a journaled MemoryWriter and commits exactly the paths
// it wrote, through a private index. A person's staged and unstaged work is never committed, reset or
// lost; a change that fails before its commit is rolled back, and one killed midway is repaired by the
// next run (see journal.ts).
import type { Git } from '../git/git.js';
import { silentLogger, type Logger } from '../log.js';
import type { Redactor } from '../security/redact.js';
import { runRedactor } from '../security/run-redactor.js';
import { ChangeJournal } from './journal.js';
import { MemoryWriter } from './writer.js';

export interface LandedChange<T> {
  value: T;
  /** The new commit; undefined when the written files already matched HEAD. */
  commit: string | undefined;
  /** Every repository path the change wrote or removed. */
  written: string[];
}

/**
 * Runs `make` with a writer for `agent`'s memory, then commits what it wrote with the message it
 * returns. If `make` or the commit throws, every file it wrote is put back as it was, and the error
 * is rethrown.
 */
export async function landChange<T>(
  input: {
    repoRoot: string;
    git: Git;
    agent: string;
    label: string;
    logger?: Logger;
    /** Redacts every file and the commit message; the run's redactor when absent. */
    redactor?: Redactor;
    /**
     * Lands the change as the merge of this commit (an accepted proposal's branch head): the commit
     * gets it as a second parent, and the writer may write shared segments (consensus/merge.ts).
     */
    mergeParent?: string;
  },
  make: (writer: MemoryWriter) => Promise<{ message: string; value: T }>,
): Promise<LandedChange<T>> {
  const logger = input.logger ?? silentLogger;
  const journal = await ChangeJournal.begin({ ...input, logger });
  const redactor = input.redactor ?? runRedactor();
  const merging = input.mergeParent !== undefined;
  const writer = new MemoryWriter(input.repoRoot, input.agent, logger, journal, {
    redactor,
    segments: merging,
  });
  let landed: LandedChange<T>;
  try {
    const { message, value } = await make(writer);
    const commit =
      writer.written.length === 0
        ? undefined
        : await input.git.commitPaths(
            writer.written,
            commitText(message, redactor),
            merging ? { mergeParent: input.mergeParent } : {},
          );
    landed = { value, commit, written: writer.written };
  } catch (error) {
    journal.rollback();
    throw error;
  }
  journal.finish();
  return landed;
}

/** A commit message git accepts and no secret survives in: NUL (git refuses it) is spelled out. */
function commitText(message: string, redactor: Redactor): string {
  return redactor.redact(message).replaceAll('\0', '\\0');
}
