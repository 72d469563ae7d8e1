// A folder's entries by name, as a commit built in-process edits them (in-process-commit.ts). A
// commit changes a few entries of folders that hold thousands (an agent's world and skills), and
// the folder it leaves is the next commit's base: copying every entry for each commit allocated a
// megabyte an iteration at 10,000 files. A copy here shares the unchanged entries with the folder
// it copies (its own changes lie over them) and is made whole again once its changes grow.
import type { TreeEntry } from './objects.js';

/** A copy whose changes reach this many (and a sixteenth of its entries) is made whole. */
const WHOLE_AT = 64;

export class TreeFolder {
  private constructor(
    /** Shared with other copies: never changed. */
    private readonly shared: ReadonlyMap<string, TreeEntry>,
    /** This copy's changes over `shared`: an entry set, or null for one removed. */
    private readonly own: Map<string, TreeEntry | null>,
    private count: number,
  ) {}

  static of(entries: Iterable<TreeEntry>): TreeFolder {
    const byName = new Map<string, TreeEntry>();
    for (const entry of entries) byName.set(entry.name, entry);
    return new TreeFolder(byName, new Map(), byName.size);
  }

  static empty(): TreeFolder {
    return new TreeFolder(new Map(), new Map(), 0);
  }

  get size(): number {
    return this.count;
  }

  get(name: string): TreeEntry | undefined {
    const own = this.own.get(name);
    if (own === null) return undefined;
    return own ?? this.shared.get(name);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  set(name: string, entry: TreeEntry): void {
    if (!this.has(name)) this.count++;
    this.own.set(name, entry);
  }

  delete(name: string): void {
    if (!this.has(name)) return;
    this.count--;
    this.own.set(name, null);
  }

  *values(): IterableIterator<TreeEntry> {
    for (const [name, entry] of this.shared) if (!this.own.has(name)) yield entry;
    for (const entry of this.own.values()) if (entry !== null) yield entry;
  }

  /** A copy to change: this folder stays as it is. */
  copy(): TreeFolder {
    if (this.own.size >= WHOLE_AT && this.own.size * 16 >= this.shared.size)
      return TreeFolder.of(this.values());
    return new TreeFolder(this.shared, new Map(this.own), this.count);
  }
}
