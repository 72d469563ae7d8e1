// The memory writer: the only way the runtime changes an agent's files. Each write passes the path
// guard, is journaled (when part of a change, see change.ts) and lands atomically; the writer
// remembers what it wrote or removed, so the commit stages exactly that. Every content is redacted
// first (secrets never persist, SPEC §12), whatever sink it came from.
import { readdirSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, posix } from 'node:path';
import type { Logger } from '../log.js';
import { removeAbandonedTemps, writeFileAtomic } from './files.js';
import type { ChangeJournal } from './journal.js';
import { PathGuard } from './path-guard.js';
import { PathRefusedError } from '../errors.js';
import { redactMemoryFile } from './redact-file.js';
import type { Redactor } from '../security/redact.js';
import { runRedactor } from '../security/run-redactor.js';

/** A change a pure planner asks for: a file's new content, or its deletion. */
export type FileChange = { path: string; content: string } | { path: string; delete: true };

export class MemoryWriter {
  private readonly guard: PathGuard;
  private readonly paths = new Set<string>();
  private readonly redactor: Redactor;

  constructor(
    repoRoot: string,
    agent: string,
    private readonly logger: Logger,
    private readonly journal?: ChangeJournal,
    options: { redactor?: Redactor; segments?: boolean } = {},
  ) {
    this.guard = new PathGuard(repoRoot, agent, { segments: options.segments ?? false });
    this.redactor = options.redactor ?? runRedactor();
  }

  /** Writes a repository-relative file; throws PathRefusedError when the guard refuses it. */
  write(path: string, text: string): void {
    const content = redactMemoryFile(path, text, this.redactor);
    const absolute = this.guard.resolve(path, Buffer.byteLength(content));
    this.journal?.record(path);
    writeFileAtomic(absolute, content);
    this.paths.add(path);
    this.logger.debug(`wrote ${path}`);
  }

  /**
   * Deletes a repository-relative file (through the same guard) and remembers it for the commit.
   * Folders it leaves empty inside the agent's folder go too, as git would leave them.
   */
  remove(path: string): void {
    const absolute = this.guard.resolve(path);
    this.journal?.record(path);
    rmSync(absolute, { force: true });
    this.paths.add(path);
    this.logger.debug(`removed ${path}`);
    let folder = dirname(absolute);
    for (let depth = posix.normalize(path).split('/').length - 1; depth > 2; depth--) {
      if (!isEmptyFolder(folder)) break;
      rmdirSync(folder);
      folder = dirname(folder);
    }
  }

  /**
   * Journals the earlier state of the files about to be written or removed, all at once (see
   * `ChangeJournal.recordAll`). Paths the guard refuses are left out: their write is refused too.
   */
  journalAhead(paths: Iterable<string>): void {
    if (!this.journal) return;
    const accepted: string[] = [];
    for (const path of paths) {
      try {
        this.guard.resolve(path);
        accepted.push(path);
      } catch (error) {
        if (!(error instanceof PathRefusedError)) throw error;
      }
    }
    this.journal.recordAll(accepted);
  }

  /** Applies a planner's changes in order. */
  apply(changes: readonly FileChange[]): void {
    this.journalAhead(changes.map((change) => change.path));
    for (const change of changes) {
      if ('delete' in change) this.remove(change.path);
      else this.write(change.path, change.content);
    }
  }

  /** Writes a file that is never committed (context.md): guarded, atomic, not remembered. */
  writeEphemeral(path: string, text: string): void {
    const content = redactMemoryFile(path, text, this.redactor);
    const absolute = this.guard.resolve(path, Buffer.byteLength(content));
    // Outside a change there is no journal to clean up after a killed run: the next write does.
    removeAbandonedTemps(absolute);
    writeFileAtomic(absolute, content);
  }

  /** Every path written or removed so far, in order of first write. */
  get written(): string[] {
    return [...this.paths];
  }
}

function isEmptyFolder(folder: string): boolean {
  try {
    return readdirSync(folder).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
