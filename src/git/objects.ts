// Git's object format, written in-process: a loose object is "<type> <size>\0<body>", deflated, in
// objects/<first two hex digits>/<the other 38>, named by the SHA-1 of the undeflated bytes. Only
// SHA-1 repositories and only the three kinds of object a commit of files needs (blob, tree,
// commit): whatever else a repository uses is left to git (see in-process-commit.ts).
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

export type ObjectType = 'blob' | 'tree' | 'commit';

/** A tree's entry: `mode` as git writes it ("100644", "100755", "120000", "160000", "40000"). */
export interface TreeEntry {
  mode: string;
  name: string;
  id: string;
}

export const TREE_MODE = '40000';

/** The object id of `body` as an object of `type`. */
export function objectId(type: ObjectType, body: Buffer): string {
  return createHash('sha1').update(`${type} ${body.length}\0`).update(body).digest('hex');
}

/**
 * Writes loose objects into an `objects` folder. Blobs and commits are compressed at zlib level 1,
 * as git's own loose objects are (core.looseCompression=1). Trees are stored in zlib's stored
 * blocks (level 0), a form every zlib reads: a tree is mostly 20-byte object ids, which do not
 * compress, and the tree of a 2,500-file folder (124 KB, rewritten by every commit that changes a
 * file in it) deflated to 74 KB in ten times the time of storing it. `git gc` repacks loose
 * objects with the repository's own settings.
 */
export class LooseObjects {
  /** Fan-out folders known to exist: a commit writes a dozen objects, each would ask again. */
  private readonly folders = new Set<string>();

  constructor(private readonly folder: string) {}

  /**
   * Writes the object unless it is already there (then only freshened); returns its id. `id` is
   * `objectId(type, body)`, passed when the caller has already computed it.
   */
  write(type: ObjectType, body: Buffer, id = objectId(type, body)): string {
    const dir = join(this.folder, id.slice(0, 2));
    const file = join(dir, id.slice(2));
    if (existsSync(file)) {
      // As git does: a fresh mtime keeps a once-unreachable object from being pruned under us.
      try {
        const now = new Date();
        utimesSync(file, now, now);
      } catch {
        // A read-only object folder: the object is there, which is all a commit needs.
      }
      return id;
    }
    if (!this.folders.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.folders.add(dir);
    }
    const header = Buffer.from(`${type} ${body.length}\0`, 'latin1');
    const bytes = deflateSync(Buffer.concat([header, body]), { level: type === 'tree' ? 0 : 1 });
    const temporary = join(dir, `tmp_obj_${process.pid}_${randomBytes(4).toString('hex')}`);
    try {
      try {
        writeFileSync(temporary, bytes, { mode: 0o444 });
      } catch (error) {
        // `git gc` (prune-packed) removes fan-out folders it emptied, even while this process
        // runs: made again, as git itself does.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        mkdirSync(dir, { recursive: true });
        writeFileSync(temporary, bytes, { mode: 0o444 });
      }
      // Whole or absent: a reader never sees half an object, and two writers of the same object
      // write the same bytes.
      renameSync(temporary, file);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error;
    }
    return id;
  }
}

/** A tree object's entries, in the order stored. */
export function parseTree(body: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(0x20, at);
    const nul = body.indexOf(0, space + 1);
    if (space < 0 || nul < 0 || nul + 21 > body.length) throw new Error('malformed tree object');
    const name = body.toString('utf8', space + 1, nul);
    // A name that is not UTF-8 would not be written back as the same bytes.
    if (Buffer.byteLength(name, 'utf8') !== nul - space - 1 || name.includes('\uFFFD'))
      throw new Error('tree entry name is not UTF-8');
    entries.push({
      mode: body.toString('latin1', at, space),
      name,
      id: body.toString('hex', nul + 1, nul + 21),
    });
    at = nul + 21;
  }
  return entries;
}

/** The name a tree sorts an entry by: a subtree's as if it ended in "/" (git's base_name_compare). */
function sortKey(entry: TreeEntry): string {
  return entry.mode === TREE_MODE ? `${entry.name}/` : entry.name;
}

/**
 * Code-unit order is UTF-8 byte order except between a surrogate pair (U+10000 and above) and
 * U+E000–U+FFFF: keys holding either are compared as bytes.
 */
const BYTE_ORDER_DIFFERS = /[\ud800-\uffff]/;

/**
 * Each entry's bytes in a tree ("<mode> <name>\0" and the 20-byte id), by entry: a commit that
 * changes one file of a 2,500-file folder encodes the folder's tree again, and its other entries
 * are the same objects as in the last tree this process encoded or read.
 */
const encodedEntries = new WeakMap<TreeEntry, Buffer>();

function encodedEntry(entry: TreeEntry): Buffer {
  let bytes = encodedEntries.get(entry);
  if (bytes === undefined) {
    const head = `${entry.mode} ${entry.name}\0`;
    const size = Buffer.byteLength(head, 'utf8');
    bytes = Buffer.alloc(size + 20);
    bytes.write(head, 0, 'utf8');
    // Only an id that is not 40 hex digits writes less; nothing unwritten is ever handed on.
    const written = bytes.write(entry.id, size, 'hex');
    if (written < 20) bytes = bytes.subarray(0, size + written);
    encodedEntries.set(entry, bytes);
  }
  return bytes;
}

/** A tree object's body for `entries`, sorted as git sorts them (by the bytes of their names). */
export function encodeTree(entries: Iterable<TreeEntry>): Buffer {
  const list = [...entries];
  const placed = encodeTreeWithPlaces(list);
  if (placed !== undefined) return placed.body;
  list.sort((a, b) =>
    Buffer.compare(Buffer.from(sortKey(a), 'utf8'), Buffer.from(sortKey(b), 'utf8')),
  );
  return Buffer.concat(list.map(encodedEntry));
}

/**
 * A tree's body with each entry's sort key and where it starts, in the tree's order. A commit
 * that changes a few files of a 2,500-file folder edits the folder's last body
 * (`editEncodedTree`) instead of sorting and joining every entry again.
 */
export interface EncodedTree {
  body: Buffer;
  keys: readonly string[];
  /** Where each entry starts, then the body's length. */
  starts: readonly number[];
}

const needsByteOrder = (entries: readonly TreeEntry[]) =>
  entries.some((entry) => BYTE_ORDER_DIFFERS.test(entry.name));

/** `encodeTree` with the entries' places; undefined when a name sorts by bytes only. */
export function encodeTreeWithPlaces(entries: Iterable<TreeEntry>): EncodedTree | undefined {
  const list = [...entries];
  if (needsByteOrder(list)) return undefined;
  list.sort(byKey);
  const parts = list.map(encodedEntry);
  const starts = [0];
  for (const part of parts) starts.push((starts[starts.length - 1] as number) + part.length);
  return { body: Buffer.concat(parts), keys: list.map(sortKey), starts };
}

/**
 * The places of `entries` as `parseTree` read them from `body`; undefined when a name sorts by
 * bytes only or the tree is not in git's order (such a tree is encoded again, not edited).
 */
export function placesOfTree(body: Buffer, entries: readonly TreeEntry[]): EncodedTree | undefined {
  if (needsByteOrder(entries)) return undefined;
  const keys = entries.map(sortKey);
  const starts = [0];
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as TreeEntry;
    if (i > 0 && !((keys[i - 1] as string) < (keys[i] as string))) return undefined;
    const head = Buffer.byteLength(`${entry.mode} ${entry.name}\0`, 'utf8');
    starts.push((starts[i] as number) + head + ID_LENGTH);
  }
  return starts[entries.length] === body.length ? { body, keys, starts } : undefined;
}

const ID_LENGTH = 20;

/** The first place in `keys` (sorted) whose key is not before `key`. */
function lowerBound(keys: readonly string[], key: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((keys[middle] as string) < key) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * `base` without `removed` and with `added` in their places (a replaced entry is in both): the
 * kept entries are copied as runs of bytes. Undefined when a name sorts by bytes only, a removed
 * entry is not in `base` or an added name is there twice: the caller then encodes the tree whole.
 */
export function editEncodedTree(
  base: EncodedTree,
  removed: readonly TreeEntry[],
  added: readonly TreeEntry[],
): EncodedTree | undefined {
  if (needsByteOrder(removed) || needsByteOrder(added)) return undefined;
  const dropped = new Set<number>();
  for (const entry of removed) {
    const key = sortKey(entry);
    const at = lowerBound(base.keys, key);
    if (base.keys[at] !== key) return undefined;
    dropped.add(at);
  }
  const inserts = added
    .map((entry) => ({ key: sortKey(entry), bytes: encodedEntry(entry) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const parts: Buffer[] = [];
  const keys: string[] = [];
  const starts: number[] = [];
  let length = 0;
  let next = 0;
  let run = 0;
  const copyRun = (end: number) => {
    if (end > run) parts.push(base.body.subarray(base.starts[run], base.starts[end]));
  };
  const keepUpTo = (end: number) => {
    for (; next < end; next++) {
      if (dropped.has(next)) {
        copyRun(next);
        run = next + 1;
        continue;
      }
      keys.push(base.keys[next] as string);
      starts.push(length);
      length += (base.starts[next + 1] as number) - (base.starts[next] as number);
    }
  };
  for (const insert of inserts) {
    keepUpTo(lowerBound(base.keys, insert.key));
    const kept = next < base.keys.length && base.keys[next] === insert.key && !dropped.has(next);
    if (kept || keys[keys.length - 1] === insert.key) return undefined;
    copyRun(next);
    run = next;
    keys.push(insert.key);
    starts.push(length);
    length += insert.bytes.length;
    parts.push(insert.bytes);
  }
  keepUpTo(base.keys.length);
  copyRun(base.keys.length);
  starts.push(length);
  return { body: Buffer.concat(parts, length), keys, starts };
}

/** Two entries in code-unit order of their sort keys (a new string only for a subtree's). */
function byKey(a: TreeEntry, b: TreeEntry): number {
  const x = sortKey(a);
  const y = sortKey(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Who made a commit and when: "<name> <<email>> <seconds> <±hhmm>". */
export interface Signature {
  name: string;
  email: string;
  /** Milliseconds since the epoch. */
  at: number;
  /** Minutes east of UTC (the local offset at `at`). */
  offsetMinutes: number;
}

export function signatureText(signature: Signature): string {
  const sign = signature.offsetMinutes < 0 ? '-' : '+';
  const minutes = Math.abs(signature.offsetMinutes);
  const zone = `${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}${String(minutes % 60).padStart(2, '0')}`;
  return `${signature.name} <${signature.email}> ${Math.floor(signature.at / 1000)} ${zone}`;
}

/** A commit object's body, as `git commit-tree` writes it (the message verbatim). */
export function encodeCommit(commit: {
  tree: string;
  parents: readonly string[];
  author: Signature;
  committer: Signature;
  message: string;
}): Buffer {
  const lines = [
    `tree ${commit.tree}`,
    ...commit.parents.map((parent) => `parent ${parent}`),
    `author ${signatureText(commit.author)}`,
    `committer ${signatureText(commit.committer)}`,
  ];
  return Buffer.from(`${lines.join('\n')}\n\n${commit.message}`, 'utf8');
}
