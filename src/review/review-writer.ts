// The writer of a change that goes to review: it takes the same calls as MemoryWriter, through the
// same path guard and redaction, but keeps the files in memory for a commit on the review branch,
// so the working tree and the person's index are never touched. Paths that are bookkeeping of the
// working branch (the queue) are handed over instead, to land there.
import type { Logger } from '../log.js';
import { PathGuard } from '../memory/path-guard.js';
import { redactMemoryFile } from '../memory/redact-file.js';
import { MemoryWriter, type FileChange } from '../memory/writer.js';
import type { Redactor } from '../security/redact.js';
import { runRedactor } from '../security/run-redactor.js';

export class ReviewWriter extends MemoryWriter {
  /** Path → new content, or null for a removal; in order of first change. */
  private readonly changes = new Map<string, string | null>();
  private readonly reviewGuard: PathGuard;
  private readonly reviewRedactor: Redactor;
  /** Writes that land on the working branch, not on the review branch. */
  readonly bookkeeping: FileChange[] = [];

  constructor(
    repoRoot: string,
    agent: string,
    logger: Logger,
    private readonly options: {
      redactor?: Redactor;
      /** True for a path that is bookkeeping of the working branch (kept out of the review). */
      isBookkeeping: (path: string) => boolean;
    },
  ) {
    super(
      repoRoot,
      agent,
      logger,
      undefined,
      options.redactor ? { redactor: options.redactor } : {},
    );
    this.reviewGuard = new PathGuard(repoRoot, agent);
    this.reviewRedactor = options.redactor ?? runRedactor();
  }

  override write(path: string, text: string): void {
    if (this.options.isBookkeeping(path)) {
      this.bookkeeping.push({ path, content: text });
      return;
    }
    const content = redactMemoryFile(path, text, this.reviewRedactor);
    this.reviewGuard.resolve(path, Buffer.byteLength(content));
    this.changes.set(path, content);
  }

  override remove(path: string): void {
    if (this.options.isBookkeeping(path)) {
      this.bookkeeping.push({ path, delete: true });
      return;
    }
    this.reviewGuard.resolve(path);
    this.changes.set(path, null);
  }

  /** Every path of the review's change (written or removed), in order of first change. */
  override get written(): string[] {
    return [...this.changes.keys()];
  }

  /** The files the review's commit writes. */
  files(): { path: string; content: string }[] {
    return [...this.changes].flatMap(([path, content]) =>
      content === null ? [] : [{ path, content }],
    );
  }

  /** The paths the review's commit deletes. */
  removals(): string[] {
    return [...this.changes].flatMap(([path, content]) => (content === null ? [path] : []));
  }
}
