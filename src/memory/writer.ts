// The memory writer: the only way the runtime changes an agent's files. Each write passes the path
// guard, is journaled (when part of a change, see change.ts) and lands atomically; the writer
// remembers what it wrote so the commit stages exactly that.
import { rmSync } from 'node:fs';
import type { Logger } from '../log.js';
import { writeFileAtomic } from './files.js';
import type { ChangeJournal } from './journal.js';
import { PathGuard } from './path-guard.js';

export class MemoryWriter {
  private readonly guard: PathGuard;
  private readonly paths = new Set<string>();

  constructor(
    repoRoot: string,
    agent: string,
    private readonly logger: Logger,
    private readonly journal?: ChangeJournal,
  ) {
    this.guard = new PathGuard(repoRoot, agent);
  }

  /** Writes a repository-relative file; throws PathRefusedError when the guard refuses it. */
  write(path: string, content: string): void {
    const absolute = this.guard.resolve(path, Buffer.byteLength(content));
    this.journal?.record(path);
    writeFileAtomic(absolute, content);
    this.paths.add(path);
    this.logger.debug(`wrote ${path}`);
  }

  /** Removes a repository-relative file (guarded like a write); a missing file is no error. */
  remove(path: string): void {
    const absolute = this.guard.resolve(path);
    this.journal?.record(path);
    rmSync(absolute, { force: true });
    this.paths.add(path);
    this.logger.debug(`removed ${path}`);
  }

  /** Writes a file that is never committed (context.md): guarded, atomic, not remembered. */
  writeEphemeral(path: string, content: string): void {
    writeFileAtomic(this.guard.resolve(path, Buffer.byteLength(content)), content);
  }

  /** Every path written or removed so far, in order of first write. */
  get written(): string[] {
    return [...this.paths];
  }
}
