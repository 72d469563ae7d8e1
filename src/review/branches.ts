// Where a memory change waiting for review lives: the review branch of a task of an
// `autonomy: assistant` agent, and the promotions branch of a `learning: constrained` run. Names only.

/** Every task's review branch starts with this; the action fetches them all. */
export const REVIEW_BRANCH_PREFIX = 'agentos/review/';
export const PROMOTIONS_BRANCH_PREFIX = 'agentos/promotions-';

/** A task id as a git ref component: anything git refuses (spaces, `..`, `~`, `:`…) becomes `-`. */
function refComponent(text: string): string {
  const cleaned = text
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[.-]+|[.-]+$/g, '')
    .replace(/\.lock$/i, '-lock');
  return cleaned === '' ? 'task' : cleaned;
}

/** The branch that holds the memory change of `taskId` until a person merges it. */
export function taskReviewBranch(agent: string, taskId: string): string {
  return `${REVIEW_BRANCH_PREFIX}${refComponent(agent)}/${refComponent(taskId)}`;
}

/** The branch of a constrained learning run's promotions, one per agent and day. */
export function promotionsBranch(agent: string, isoDate: string): string {
  return `${PROMOTIONS_BRANCH_PREFIX}${agent}-${isoDate.slice(0, 10)}`;
}
