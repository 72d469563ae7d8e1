// The memory index: every memory file's parsed value, kept under .git/agentos/ and keyed by the
// file's git blob id, so that an iteration parses only what changed since the last one. Git says
// which files are unchanged (their blob ids in the index, minus what differs in the work tree);
// everything else is hashed from the file itself, so the files always win over the index.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Git } from '../git/git.js';
import {
  decodeMemoryText,
  readMemoryTextIfExists,
  readTextIfExists,
  removeEarlierFormats,
  writeFileAtomic,
} from './files.js';
import type { FileParser, ParseCache } from './parse-cache.js';
import { RecentlyUsed } from './recently-used.js';

/** Bump when the stored shape changes: an index of another version is rebuilt from the files. */
// 4: sealed reward shards left the index for their own store (sealed-shards.ts); an index of 3
// holds their records, which a run would load for nothing.
// 5: the reports' values have shards of their own (REPORT_KINDS); an index of 4 holds them in the
// shards every run reads.
export const MEMORY_INDEX_FORMAT = 5;
/** Where the index lives, inside the git directory (never in the committed tree). */
export const MEMORY_INDEX_DIR = `agentos/memory-index-v${MEMORY_INDEX_FORMAT}`;
/**
 * The index is split by path so that a run that changes a few files rewrites only a few shards:
 * small ones (about 40 files each at 10,000 files), since each changed shard is written whole.
 */
const SHARDS = 256;

/**
 * Values only reports derive (`agentos metrics`: rows of every record, belief facts) are kept in
 * shards of their own (`metrics-<n>.json`), beside the ones every run reads: at 10,000 files they
 * are a third of the index, and a fresh `agentos run` (the action, a cron job) would read them for
 * nothing.
 */
const REPORT_KINDS = 'metrics-';

/** The folders whose files the index serves without rereading them, unless a read names fewer. */
export const MEMORY_ROOTS = ['agents', 'shared'] as const;

interface Entry {
  blob: string;
  /** Parsed values by parser kind ("skill@1"), all for the content `blob` names. */
  values: Record<string, unknown>;
}

/** A shard as stored: JSON. */
interface StoredShard {
  format: number;
  entries: Record<string, Entry>;
}

/**
 * A shard in memory: its entries in a Map, since looking a path up among an object's keys costs
 * far more (the key is interned first) and an iteration looks up every memory file.
 */
interface Shard {
  entries: Map<string, Entry>;
}

/**
 * Shards this process has read or written, by file: a process that runs many iterations (`run
 * --all`, the daemon) reads each shard from disk once, without even a stat of each file on every
 * iteration (256 of them). A shard another process rewrote since is not read again: every entry
 * is keyed by its file's blob id, so a shard held here is never wrong, at worst missing what the
 * other process parsed (which is then parsed again here).
 */
const shardsInMemory = new Map<string, Shard>();

/**
 * A folder's files as the last `parseFolder` of this process served them, by file name, each with
 * the read that last listed it (entries of files no longer listed are dropped after each read).
 */
interface FolderRead {
  entries: Map<string, { path: string; blob: string; value: unknown; read: number }>;
  /** The changed-path feed and its read that last read the folder whole, when one did. */
  fedBy?: Feed | undefined;
  /** What that read served (read after the feed's barrier, so valid until the feed names a file). */
  served?: { names: readonly string[]; values: readonly unknown[] } | undefined;
}

/**
 * A read on a changed-path feed's word (memory-watch.ts): the feed, and which of its reads this is.
 * A folder read by the feed's previous read needs no blob lookups: only the files it names as
 * changed can differ from what that read served.
 */
export interface Feed {
  source: object;
  read: number;
}

/**
 * The last read of each folder (by repository, folder and parser kind): a process that runs many
 * iterations serves a folder's unchanged files from it by comparing blob ids, with no lookup in the
 * shards and no new path strings (10,000 files cost a lookup each, not a parse-cache read each).
 */
/** Folders held past this many drop the least recently read (a process that visits many repositories). */
const KEPT_FOLDERS = 64;
const foldersInMemory = new RecentlyUsed<string, FolderRead>(KEPT_FOLDERS);
/** More changed files in a folder than this, and a read goes through the folder file by file. */
const REREAD_AT_MOST = 64;
/** Counts `parseFolder` reads, so an entry tells which read last listed it. */
let folderReads = 0;

/** Forgets the shards this process holds: the next read takes them from disk, as a new process. */
export function forgetShardsInMemory(): void {
  shardsInMemory.clear();
  foldersInMemory.clear();
}

/** What the index needs of git: the index's blob ids and what differs in the work tree. */
export type MemoryIndexGit = Pick<Git, 'gitPath' | 'indexedFiles' | 'refreshIndex'>;

/**
 * More files than this that git cannot vouch for (stat data older than the file: a fresh copy, a
 * restored cache, `touch`) and the git index's stat data is refreshed first: otherwise every run
 * would read and hash them all again, since the runtime's own commits refresh only what they stage.
 */
const REFRESH_AT_STAT_DIRTY = 256;

/** The id git gives a file's content: sha1 of `blob <length>\0<content>`. */
export function blobId(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

export class MemoryIndex implements ParseCache {
  /** Reads served from the index and reads that parsed the file, for measurements and tests. */
  readonly stats = { hits: 0, misses: 0 };
  /** By shard name (`shardName`). */
  private readonly shards = new Map<string, Shard>();
  private readonly dirty = new Set<string>();
  private readonly touched = new Set<string>();
  /** Shards already rid of entries of files that are gone: a later save need not look again. */
  private readonly pruned = new Set<string>();
  /** Blob ids of the files this read hashed itself (git could not vouch for them). */
  private readonly hashed = new Map<string, string>();

  private constructor(
    private readonly repoRoot: string,
    private readonly folder: string,
    /** Every path the git index holds under the memory roots, with its blob id there. */
    private readonly indexed: Map<string, string>,
    /** Indexed paths whose work-tree file may differ from what the git index holds. */
    private readonly changed: Set<string>,
    /** The folders `indexed` covers: only entries there can be known to be gone. */
    private readonly roots: readonly string[],
    private readonly feed?: Feed,
  ) {}

  /**
   * The index as of now. It is a snapshot: open it again after writing memory files, since a file
   * written after opening may still be taken for the content git had.
   */
  static async open(
    repoRoot: string,
    git: MemoryIndexGit,
    /**
     * The folders git is asked about (one agent's run needs its own folder and `shared/`, not
     * every agent's); files elsewhere are read and hashed, never taken on git's word.
     */
    roots: readonly string[] = MEMORY_ROOTS,
  ): Promise<MemoryIndex> {
    // Git's check of the work tree starts first: the caller works while it runs (agent-memory.ts).
    const listing = git.indexedFiles(roots);
    const [folder, listed] = await Promise.all([git.gitPath(MEMORY_INDEX_DIR), listing]);
    let { blobs, changed } = listed;
    if (changed.length > REFRESH_AT_STAT_DIRTY) {
      await git.refreshIndex();
      ({ blobs, changed } = await git.indexedFiles(roots));
    }
    return new MemoryIndex(repoRoot, folder, blobs, new Set(changed), roots);
  }

  /**
   * The index as of now, on the word of a changed-path feed (memory-watch.ts) instead of git's:
   * `vouched` gives the blob id of every file known unchanged, `changed` the files to hash.
   */
  static async watched(
    repoRoot: string,
    git: Pick<Git, 'gitPath'>,
    fed: { vouched: Map<string, string>; changed: Set<string>; feed: Feed },
    roots: readonly string[],
  ): Promise<MemoryIndex> {
    const folder = await git.gitPath(MEMORY_INDEX_DIR);
    return new MemoryIndex(repoRoot, folder, fed.vouched, fed.changed, roots, fed.feed);
  }

  /**
   * The blob id of every file whose content this read knows: the ones git vouched for and the ones
   * it hashed. What a changed-path feed starts from.
   */
  knownBlobs(): Map<string, string> {
    const known = new Map<string, string>();
    for (const [path, blob] of this.indexed) if (!this.changed.has(path)) known.set(path, blob);
    for (const [path, blob] of this.hashed) known.set(path, blob);
    return known;
  }

  /** The files this read hashed, by path: a changed-path feed vouches for them from now on. */
  hashedBlobs(): ReadonlyMap<string, string> {
    return this.hashed;
  }

  /** The blob id git vouches for: the file is indexed and unchanged in the work tree. */
  blobOf(path: string): string | undefined {
    return this.changed.has(path) ? undefined : this.indexed.get(path);
  }

  parse<T>(path: string, kind: string, parse: (text: string) => T): T | undefined {
    let blob = this.blobOf(path);
    let text: string | undefined;
    if (blob === undefined) {
      // Changed, new or untracked: the file's own bytes say what it holds.
      const bytes = readBytesIfExists(join(this.repoRoot, path));
      if (bytes === undefined) return undefined;
      blob = blobId(bytes);
      this.hashed.set(path, blob);
      text = decodeMemoryText(path, bytes);
      // Kept by save() even when git does not track it (tracked paths are kept anyway).
      this.touched.add(path);
    }
    const name = shardName(path, kind);
    const shard = this.shard(name);
    const entry = shard.entries.get(path);
    if (entry?.blob === blob && Object.hasOwn(entry.values, kind)) {
      this.stats.hits++;
      return deepFreeze(entry.values[kind]) as T;
    }
    this.stats.misses++;
    text ??= readMemoryTextIfExists(this.repoRoot, path);
    if (text === undefined) return undefined;
    // A parser that throws (a file that breaks its schema) leaves nothing behind: the next read
    // parses the file again and throws again, naming it.
    // Frozen: a value is shared by every read of the same content in this process, so a caller
    // that changed it in place would change what later reads see.
    const value = deepFreeze(parse(text));
    const values = entry?.blob === blob ? entry.values : {};
    values[kind] = value;
    shard.entries.set(path, { blob, values });
    this.dirty.add(name);
    return value;
  }

  parseFolder<T>(
    folder: string,
    names: readonly string[],
    kind: string,
    parse: FileParser<T>,
  ): T[] {
    const key = `${this.repoRoot}\0${folder}\0${kind}`;
    const known = foldersInMemory.use(key, foldersInMemory.peek(key) ?? { entries: new Map() });
    const read = ++folderReads;
    const values: T[] = [];
    let kept = 0;
    const { entries } = known;
    // Read whole by the feed's previous read: what it served stands unless the feed says changed.
    const fed = this.feed;
    const followed =
      fed !== undefined && known.fedBy?.source === fed.source && known.fedBy.read === fed.read - 1;
    known.fedBy = undefined;
    // The same listing (the feed's own, unchanged): the values the previous read served, with the
    // files the feed names as changed read again, without a lookup per file.
    const served = known.served;
    known.served = undefined;
    if (followed && served?.names === names) {
      const values = this.servedAgain(folder, served, entries, kind, parse);
      if (values !== undefined) {
        known.served = { names, values: values.slice() };
        known.fedBy = fed;
        return values;
      }
    }
    for (const name of names) {
      const entry = entries.get(name);
      if (
        entry !== undefined &&
        (followed ? !this.changed.has(entry.path) : this.blobOf(entry.path) === entry.blob)
      ) {
        this.stats.hits++;
        entry.read = read;
        kept++;
        values.push(entry.value as T);
        continue;
      }
      const path = entry?.path ?? `${folder}/${name}`;
      const value = this.parse(path, kind, (text) => parse(name, path, text));
      // Gone between listing and reading (a concurrent rename): nothing to load.
      if (value === undefined) continue;
      values.push(value);
      // Kept for the next read only when git vouches for the content read (tracked, unchanged).
      const blob = this.blobOf(path);
      if (blob === undefined) continue;
      entries.set(name, { path, blob, value, read });
      kept++;
    }
    // A file no longer listed or no longer vouched for is read afresh next time: its entry goes.
    if (entries.size > kept)
      for (const [name, entry] of entries) if (entry.read !== read) entries.delete(name);
    known.fedBy = fed;
    // Served in step with the listing: a file gone meanwhile leaves nothing to serve next time.
    if (fed !== undefined && values.length === names.length)
      known.served = { names, values: values.slice() };
    return values;
  }

  /**
   * `served`'s values with the folder's changed files parsed again; undefined when more changed
   * than is worth it, or a changed file is gone (the caller reads the folder file by file).
   */
  private servedAgain<T>(
    folder: string,
    served: { names: readonly string[]; values: readonly unknown[] },
    entries: FolderRead['entries'],
    kind: string,
    parse: FileParser<T>,
  ): T[] | undefined {
    const prefix = `${folder}/`;
    const changed: string[] = [];
    for (const path of this.changed)
      if (path.startsWith(prefix) && !path.includes('/', prefix.length)) changed.push(path);
    if (changed.length > REREAD_AT_MOST) return undefined;
    const values = served.values.slice() as T[];
    let reread = 0;
    for (const path of changed) {
      const name = path.slice(prefix.length);
      const at = served.names.indexOf(name);
      // Not a file the folder lists (a temporary file, another kind): nothing to read.
      if (at < 0) continue;
      const value = this.parse(path, kind, (text) => parse(name, path, text));
      if (value === undefined) return undefined;
      values[at] = value;
      reread++;
      // Its old entry would serve the old content to a read that goes file by file.
      entries.delete(name);
    }
    this.stats.hits += values.length - reread;
    return values;
  }

  /**
   * Writes the shards that changed, dropping entries of files that are gone. Best effort: an index
   * that cannot be written is rebuilt on the next run, so a failure here is not an error.
   */
  save(): void {
    if (this.dirty.size === 0) return;
    // A shard is rid of the entries of files that are gone when it is written anyway: an entry of
    // a gone file is never served (its path has no blob), and every shard is written again as new
    // files land in it, so stale entries stay few without a pass over all 10,000 on every save.
    for (const name of this.dirty) {
      const shard = this.shards.get(name);
      // Entries added since a shard was pruned are of files read now, which exist.
      if (shard === undefined || this.pruned.has(name)) continue;
      this.pruned.add(name);
      for (const path of shard.entries.keys())
        if (!this.touched.has(path) && !this.indexed.has(path) && this.covers(path))
          shard.entries.delete(path);
    }
    try {
      if (!existsSync(this.folder)) {
        mkdirSync(this.folder, { recursive: true });
        removeEarlierFormats(dirname(this.folder), 'memory-index', MEMORY_INDEX_FORMAT);
      }
      for (const name of this.dirty) {
        const shard = this.shards.get(name);
        if (!shard) continue;
        const file = this.shardFile(name);
        writeFileAtomic(file, shardJson(shard));
        shardsInMemory.set(file, shard);
      }
      this.dirty.clear();
    } catch {
      // Read-only git directory or full disk: the next run reparses what it cannot find here.
    }
  }

  /** Whether `path` lies in a folder git was asked about (another agent's files are not). */
  private covers(path: string): boolean {
    return this.roots.some((root) => path.startsWith(`${root}/`));
  }

  private shardFile(name: string): string {
    return join(this.folder, `${name}.json`);
  }

  private shard(name: string): Shard {
    let shard = this.shards.get(name);
    if (shard === undefined) {
      const file = this.shardFile(name);
      shard = shardsInMemory.get(file) ?? readShard(file);
      if (shard) shardsInMemory.set(file, shard);
      if (shard === undefined) {
        shard = { entries: new Map() };
        this.dirty.add(name);
      }
      this.shards.set(name, shard);
    }
    return shard;
  }
}

/**
 * The shard of a path's values of `kind`: by FNV-1a of the path (cheap, stable across runs and
 * machines), among the reports' shards for their kinds.
 */
function shardName(path: string, kind: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) hash = Math.imul(hash ^ path.charCodeAt(i), 0x01000193);
  const number = ((hash >>> 0) % SHARDS).toString().padStart(2, '0');
  return kind.startsWith(REPORT_KINDS) ? `${REPORT_KINDS}${number}` : number;
}

/**
 * Each entry's JSON, made once. An entry is never changed once in a shard (a file parsed anew, or
 * by another parser, gets a new entry), and a process that runs many tasks writes a shard of some
 * 40 files' values (80 KB at 10,000 files) for each file that changed: serialising the unchanged
 * ones again was most of an iteration's save.
 */
const entryJson = new WeakMap<Entry, string>();

/** The shard as stored (`StoredShard`), as JSON. */
function shardJson(shard: Shard): string {
  const entries: string[] = [];
  for (const [path, entry] of shard.entries) {
    let json = entryJson.get(entry);
    if (json === undefined) {
      json = JSON.stringify(entry);
      entryJson.set(entry, json);
    }
    entries.push(`${JSON.stringify(path)}:${json}`);
  }
  return `{"format":${MEMORY_INDEX_FORMAT},"entries":{${entries.join(',')}}}`;
}

/** A stored shard, or undefined when it is missing, unreadable, corrupt or of another format. */
function readShard(file: string): Shard | undefined {
  let text: string | undefined;
  try {
    text = readTextIfExists(file);
  } catch {
    return undefined;
  }
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isStoredShard(value) ? { entries: new Map(Object.entries(value.entries)) } : undefined;
  } catch {
    return undefined;
  }
}

function isStoredShard(value: unknown): value is StoredShard {
  if (typeof value !== 'object' || value === null) return false;
  const { format, entries } = value as { format?: unknown; entries?: unknown };
  if (format !== MEMORY_INDEX_FORMAT || typeof entries !== 'object' || entries === null)
    return false;
  return Object.values(entries).every(
    (entry: unknown) =>
      typeof entry === 'object' &&
      entry !== null &&
      typeof (entry as Entry).blob === 'string' &&
      typeof (entry as Entry).values === 'object' &&
      (entry as Entry).values !== null,
  );
}

function readBytesIfExists(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') return undefined;
    throw error;
  }
}

/**
 * Freezes a plain-data value and everything in it (children first, so a frozen root means all):
 * what the index serves, and what a reader may keep derived data for by the value's identity.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}
