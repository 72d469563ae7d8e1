// What git does after each `git commit` and the runtime must ask for itself: its commits' objects
// are written in-process, so `git gc --auto` (pack the loose objects once there are many: 6,700 by
// default) never runs on its own. `agentos run` asks when it ends, a process that runs many tasks
// (`run --all`, the daemon) every PACK_EVERY_TASKS tasks, between two of them, and every learning
// run once: the other commands' few objects are packed with theirs.
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import type { Git } from './git.js';

/**
 * A task writes a few dozen objects: checked this often, loose objects stay near git's own
 * threshold in a run of thousands of tasks, and the check costs one git process per hundred tasks.
 */
export const PACK_EVERY_TASKS = 100;

/** `git gc --auto`; a failure is a warning, since loose objects only cost space until the next try. */
export async function packLooseObjects(git: Git, logger: Logger): Promise<void> {
  let problem = 'git exited with an error';
  try {
    if (await git.packLooseObjects()) return;
  } catch (error) {
    problem = errorMessage(error);
  }
  logger.warn(
    `git gc --auto failed (${problem}); loose objects stay as they are until the next try`,
  );
}

/** Counts a process's tasks and packs loose objects after every PACK_EVERY_TASKS of them. */
export class PackingSchedule {
  private tasks = 0;

  constructor(
    private readonly git: Git,
    private readonly logger: Logger,
  ) {}

  async taskDone(): Promise<void> {
    if (++this.tasks % PACK_EVERY_TASKS === 0) await packLooseObjects(this.git, this.logger);
  }
}
