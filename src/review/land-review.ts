// One way to land a memory change for review: the change becomes a commit on a review branch made
// from the current commit (or on top of the branch, for a branch that gathers several changes),
// without a checkout, so the working tree and the person's index stay as they are; what is only
// bookkeeping of the working branch (the queue's entry) lands there through landChange.
import { AgentOSError } from '../errors.js';
import type { Git } from '../git/git.js';
import { commitOnBranch } from '../consensus/branch-commit.js';
import { silentLogger, type Logger } from '../log.js';
import { landChange } from '../memory/change.js';
import { checkMemoryPath } from '../memory/path-guard.js';
import type { Redactor } from '../security/redact.js';
import { ReviewWriter } from './review-writer.js';

/** Tries of the branch's compare-and-swap before giving up (another run moving it meanwhile). */
const BRANCH_ATTEMPTS = 5;

export interface ReviewCommitInput {
  agent: string;
  branch: string;
  files: readonly { path: string; content: string }[];
  removals?: readonly string[];
  message: string;
  /**
   * "replace": the branch becomes HEAD plus this change (a task's review, redone on a retry);
   * "stack": the change goes on top of the branch when it exists (a day's promotions).
   */
  mode: 'replace' | 'stack';
}

/**
 * Commits a change on the review branch and returns the commit; undefined when the change is
 * already there (every file as given, every removal gone). The paths pass the memory path guard.
 */
export async function commitForReview(
  git: Git,
  input: ReviewCommitInput,
): Promise<string | undefined> {
  const removals = input.removals ?? [];
  for (const path of [...input.files.map((f) => f.path), ...removals])
    checkMemoryPath(input.agent, path);
  const head = await git.headShaIfAny();
  if (head === undefined)
    throw new AgentOSError(
      `${input.branch}: the repository has no commit to review a change against`,
    );
  for (let attempt = 0; attempt < BRANCH_ATTEMPTS; attempt++) {
    const existing = await git.resolveRef(`refs/heads/${input.branch}`);
    const parent = input.mode === 'stack' && existing ? existing : head;
    if (input.mode === 'stack' && (await alreadyOn(git, parent, input.files, removals)))
      return undefined;
    const commit = await commitOnBranch(git, {
      branch: input.branch,
      parent,
      expected: existing,
      files: input.files,
      removals,
      message: input.message,
    });
    if (commit !== undefined) return commit;
  }
  throw new AgentOSError(
    `${input.branch} kept moving while this run committed to it (${BRANCH_ATTEMPTS} tries): run again`,
  );
}

async function alreadyOn(
  git: Git,
  revision: string,
  files: readonly { path: string; content: string }[],
  removals: readonly string[],
): Promise<boolean> {
  for (const file of files)
    if ((await git.fileAt(revision, file.path)) !== file.content) return false;
  for (const path of removals) if ((await git.fileAt(revision, path)) !== undefined) return false;
  return true;
}

export interface ReviewedChange<T> {
  value: T;
  /** The commit on the review branch. */
  reviewCommit: string | undefined;
  /** Every path the review's commit wrote or removed. */
  reviewed: string[];
  /** The bookkeeping commit on the working branch, if the change had any. */
  commit: string | undefined;
}

/**
 * Like landChange, but the memory change lands on `branch` for a person to review; `make` returns
 * the review commit's message and the bookkeeping commit's message (for the paths `isBookkeeping`
 * selects, which land on the working branch).
 */
export async function landForReview<T>(
  input: {
    repoRoot: string;
    git: Git;
    agent: string;
    label: string;
    branch: string;
    logger?: Logger;
    redactor?: Redactor;
    isBookkeeping: (path: string) => boolean;
  },
  make: (
    writer: ReviewWriter,
  ) => Promise<{ message: string; bookkeepingMessage: string; value: T }>,
): Promise<ReviewedChange<T>> {
  const logger = input.logger ?? silentLogger;
  const writer = new ReviewWriter(input.repoRoot, input.agent, logger, {
    isBookkeeping: input.isBookkeeping,
    ...(input.redactor ? { redactor: input.redactor } : {}),
  });
  const { message, bookkeepingMessage, value } = await make(writer);
  const reviewCommit = await commitForReview(input.git, {
    agent: input.agent,
    branch: input.branch,
    files: writer.files(),
    removals: writer.removals(),
    message: input.redactor ? input.redactor.redact(message) : message,
    mode: 'replace',
  });
  logger.debug(`${input.label}: review commit ${reviewCommit ?? 'none'} on ${input.branch}`);
  const landed =
    writer.bookkeeping.length === 0
      ? undefined
      : await landChange(
          {
            repoRoot: input.repoRoot,
            git: input.git,
            agent: input.agent,
            label: input.label,
            logger,
            ...(input.redactor ? { redactor: input.redactor } : {}),
          },
          async (bookkeeping) => {
            bookkeeping.apply(writer.bookkeeping);
            return { message: bookkeepingMessage, value: undefined };
          },
        );
  return { value, reviewCommit, reviewed: writer.written, commit: landed?.commit };
}
