// Staging a commit's files in the person's index in-process, as `git update-index --add --remove`
// does for them: git reads the whole index, rewrites it and checksums it with its own SHA-1 (one
// that detects collisions, three times slower than OpenSSL's), about 9 ms at 10,000 files against
// 2 at 100, every iteration. Here the index is edited as bytes: the entries of the committed paths
// are replaced, added or removed, every other entry is copied as it is.
//
// Only what this module fully understands is edited; anything else answers false and git stages
// the paths: an index of version 4 (prefix-compressed paths), a split or sparse index, resolve-undo
// records, an extension marked required that it does not know, a committed path in a merge
// conflict, marked skip-worktree or intent-to-add, or in the way of a folder (or a folder's).
//
// What git does when it writes an index, done here too:
// - the cached trees (TREE) of the folders on each committed path are marked invalid, as git
//   marks them, so `git commit` and `git status` never trust a tree that no longer matches;
// - caches that describe the working tree as a whole (untracked files, the file-system monitor's
//   token, offset tables) are left out: they are optional, and git rebuilds them when it wants;
// - "racily clean" entries: an entry whose file was modified no earlier than the index was
//   written cannot be told unchanged from its stat data, since a later change in the same clock
//   tick leaves it as it was. Git checks such an entry's content before writing a newer index and,
//   when the file no longer holds the entry's blob, sets its size to 0 so that it reads as changed
//   (git's "smudge"). Here too, with seconds as the tick (git's coarsest).
//
// A committed file whose bytes or mode moved since the commit read them gets the commit's blob and
// mode with no stat data: it reads as modified, its content as the commit has it (as `git reset --
// <path>` leaves it).
//
// Format (git's Documentation/gitformat-index.txt): "DIRC", version, entry count; entries sorted
// by path bytes, then stage: 40 bytes of stat data (ctime, mtime, dev, ino, mode, uid, gid, size,
// 32 bits each), the object id, 16 bits of flags, the path padded with NULs to a multiple of 8
// bytes; then extensions (a 4-byte signature, a 32-bit size, the data), then the SHA-1 of all the
// bytes before it.

import { createHash } from 'node:crypto';
import {
  closeSync,
  lstatSync,
  openSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  EXTENDED,
  HEADER,
  ID_BYTES,
  indexVersion,
  NAME_MASK,
  nameEnd,
  nextEntry,
  NS,
  readIndexFile,
  STAT_BYTES,
} from './index-file.js';
import { objectId } from './objects.js';

/** A file as a commit holds it: its bytes, and its mode as git writes it ("100644", "100755"). */
export interface CommittedFile {
  bytes: Buffer;
  mode: string;
}

const FLAGS_AT = STAT_BYTES + ID_BYTES;
const NAME_AT = FLAGS_AT + 2;
const SIZE_AT = 36;
const MTIME_AT = 8;
const MODE_AT = 24;
const TYPE_MASK = 0o170000;
const REGULAR = 0o100000;
const SYMLINK = 0o120000;
const SLASH = 0x2f;

/** The index's entries as offsets into its bytes. */
interface Entries {
  starts: number[];
  /** Each entry's path: from NAME_AT past its start to the NUL. */
  ends: number[];
  /** Where the extensions begin. */
  end: number;
}

/**
 * Stages `files` (null: a file the commit removed) in the index file `indexFile` of the working
 * tree `workdir`; false when it leaves the index as it was, for git to stage them.
 */
export function stageInIndexFile(
  indexFile: string,
  workdir: string,
  files: ReadonlyMap<string, CommittedFile | null>,
): boolean {
  const lock = `${indexFile}.lock`;
  let fd: number;
  try {
    fd = openSync(lock, 'wx', 0o666);
  } catch {
    // Held by a live git, or left by a killed one: git says which.
    return false;
  }
  let renamed = false;
  try {
    const staged = stagedIndex(indexFile, workdir, files);
    if (staged === undefined) return false;
    for (const part of staged) writeAll(fd, part);
    closeSync(fd);
    fd = -1;
    renameSync(lock, indexFile);
    renamed = true;
    return true;
  } catch {
    return false;
  } finally {
    if (fd >= 0) closeSync(fd);
    if (!renamed) rmSync(lock, { force: true });
  }
}

function writeAll(fd: number, bytes: Buffer): void {
  for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
}

/**
 * The new index's bytes, in parts (mostly slices of the old one, hashed and written as they are,
 * not copied into one buffer first); undefined when git must stage the files.
 */
function stagedIndex(
  indexFile: string,
  workdir: string,
  files: ReadonlyMap<string, CommittedFile | null>,
): Buffer[] | undefined {
  const read = readIndexFile(indexFile);
  if (read === undefined) return undefined;
  const index = read.bytes;
  const writtenSec = Number(read.modifiedNs / NS);
  const version = indexVersion(index);
  if (version !== 2 && version !== 3) return undefined;
  const entries = readEntries(index, version);
  if (entries === undefined) return undefined;
  const extensions = keptExtensions(index, entries.end, [...files.keys()]);
  if (extensions === undefined) return undefined;

  // Each path's place among the entries, in the index's order, with its new entry (none: removed).
  const edits: { at: number; name: Buffer; replaces: boolean; entry: Buffer | undefined }[] = [];
  for (const [path, file] of files) {
    const name = Buffer.from(path, 'utf8');
    const at = lowerBound(index, entries, name);
    const present = at < entries.starts.length && sameName(index, entries, at, name);
    if (present) {
      const start = entries.starts[at] as number;
      const flags = index.readUInt16BE(start + FLAGS_AT);
      // A conflict's stages, or a flag this writer would drop.
      if ((flags >> 12) & 3 || flags & EXTENDED) return undefined;
      if (at + 1 < entries.starts.length && sameName(index, entries, at + 1, name))
        return undefined;
    } else if (file !== null && inTheWay(index, entries, name)) return undefined;
    if (file === null) {
      // Removed by the commit, yet back in the working tree: git decides what it is.
      if (lstatSync(join(workdir, path), { throwIfNoEntry: false }) !== undefined) return undefined;
      if (present) edits.push({ at, name, replaces: true, entry: undefined });
      continue;
    }
    edits.push({ at, name, replaces: present, entry: entryOf(name, file, join(workdir, path)) });
  }
  // In the index's order: new paths before the entry they are placed at, which is after them.
  edits.sort((a, b) => a.at - b.at || a.name.compare(b.name));

  smudgeRacyEntries(index, entries, writtenSec, workdir, files);

  const parts: Buffer[] = [Buffer.alloc(HEADER)];
  let count = entries.starts.length;
  let copied = 0;
  for (const { at, replaces, entry } of edits) {
    // Two edits of one entry: nothing a commit's distinct paths give.
    if (at < copied) return undefined;
    parts.push(index.subarray(entryStart(entries, copied), entryStart(entries, at)));
    if (entry !== undefined) parts.push(entry);
    copied = replaces ? at + 1 : at;
    count += (entry !== undefined ? 1 : 0) - (replaces ? 1 : 0);
  }
  parts.push(index.subarray(entryStart(entries, copied), entries.end), ...extensions);
  const header = parts[0] as Buffer;
  index.copy(header, 0, 0, 8);
  header.writeUInt32BE(count, 8);
  const checksum = createHash('sha1');
  for (const part of parts) checksum.update(part);
  parts.push(checksum.digest());
  return parts;
}

const entryStart = (entries: Entries, at: number): number =>
  at < entries.starts.length ? (entries.starts[at] as number) : entries.end;

/** The entries' offsets; undefined for an index this writer leaves to git. */
function readEntries(index: Buffer, version: number): Entries | undefined {
  const count = index.readUInt32BE(8);
  const limit = index.length - ID_BYTES;
  const starts: number[] = new Array<number>(count);
  const ends: number[] = new Array<number>(count);
  let at = HEADER;
  for (let i = 0; i < count; i++) {
    if (at + NAME_AT > limit) return undefined;
    const flags = index.readUInt16BE(at + FLAGS_AT);
    let nameAt = at + NAME_AT;
    if (flags & EXTENDED) {
      if (version < 3) return undefined;
      nameAt += 2;
    }
    const nul = nameEnd(index, nameAt, flags, limit);
    if (nul < 0) return undefined;
    starts[i] = at;
    ends[i] = nul;
    at = nextEntry(at, nul);
  }
  return { starts, ends, end: at };
}

const nameStart = (index: Buffer, start: number): number =>
  start + NAME_AT + (index.readUInt16BE(start + FLAGS_AT) & EXTENDED ? 2 : 0);

/** `name` against the path of entry `i`, as git orders paths (bytes, the shorter first). */
function compareName(index: Buffer, entries: Entries, i: number, name: Buffer): number {
  const start = entries.starts[i] as number;
  return name.compare(index, nameStart(index, start), entries.ends[i]);
}

const sameName = (index: Buffer, entries: Entries, i: number, name: Buffer): boolean =>
  compareName(index, entries, i, name) === 0;

/** The first entry whose path is not before `name`. */
function lowerBound(index: Buffer, entries: Entries, name: Buffer): number {
  let low = 0;
  let high = entries.starts.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareName(index, entries, middle, name) > 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Whether a new path is a file's folder, or has a file where one of its folders would be. */
function inTheWay(index: Buffer, entries: Entries, name: Buffer): boolean {
  const folder = Buffer.concat([name, Buffer.from('/')]);
  const under = lowerBound(index, entries, folder);
  if (under < entries.starts.length) {
    const start = nameStart(index, entries.starts[under] as number);
    const end = entries.ends[under] as number;
    if (end - start > folder.length && folder.compare(index, start, start + folder.length) === 0)
      return true;
  }
  for (let slash = name.indexOf(SLASH); slash > 0; slash = name.indexOf(SLASH, slash + 1)) {
    const parent = name.subarray(0, slash);
    const found = lowerBound(index, entries, parent);
    if (found < entries.starts.length && sameName(index, entries, found, parent)) return true;
  }
  return false;
}

/**
 * The entry of a committed file: the file's stat data when it still holds what was committed,
 * else the commit's blob and mode with none (it then reads as modified).
 */
function entryOf(name: Buffer, file: CommittedFile, absolute: string): Buffer {
  const mode = Number.parseInt(file.mode, 8);
  const entry = Buffer.alloc(Math.ceil((NAME_AT + name.length + 1) / 8) * 8);
  entry.write(objectId('blob', file.bytes), STAT_BYTES, 'hex');
  entry.writeUInt16BE(Math.min(name.length, NAME_MASK), FLAGS_AT);
  name.copy(entry, NAME_AT);
  entry.writeUInt32BE(mode, MODE_AT);
  const stat = lstatSync(absolute, { bigint: true, throwIfNoEntry: false });
  if (stat === undefined || !stat.isFile()) return entry;
  if ((Number(stat.mode) & 0o100 ? 0o100755 : 0o100644) !== mode) return entry;
  let bytes: Buffer;
  try {
    bytes = readFileSync(absolute);
  } catch {
    return entry;
  }
  // Read after the stat: a change after it moves the stat data on, so the entry reads as changed.
  if (!bytes.equals(file.bytes)) return entry;
  const low = (value: bigint) => Number(value & 0xffffffffn);
  entry.writeUInt32BE(low(stat.ctimeNs / NS), 0);
  entry.writeUInt32BE(Number(stat.ctimeNs % NS), 4);
  entry.writeUInt32BE(low(stat.mtimeNs / NS), 8);
  entry.writeUInt32BE(Number(stat.mtimeNs % NS), 12);
  entry.writeUInt32BE(low(stat.dev), 16);
  entry.writeUInt32BE(low(stat.ino), 20);
  entry.writeUInt32BE(low(stat.uid), 28);
  entry.writeUInt32BE(low(stat.gid), 32);
  entry.writeUInt32BE(low(stat.size), SIZE_AT);
  return entry;
}

/**
 * Sets the size of every racily clean entry kept (stage 0, not a committed path) whose file no
 * longer holds its blob to 0, as git does before it writes an index.
 */
function smudgeRacyEntries(
  index: Buffer,
  entries: Entries,
  writtenSec: number,
  workdir: string,
  files: ReadonlyMap<string, CommittedFile | null>,
): void {
  for (let i = 0; i < entries.starts.length; i++) {
    const start = entries.starts[i] as number;
    if (index.readUInt32BE(start + MTIME_AT) < writtenSec) continue;
    if ((index.readUInt16BE(start + FLAGS_AT) >> 12) & 3) continue;
    const path = index.toString('utf8', nameStart(index, start), entries.ends[i]);
    if (files.has(path)) continue;
    if (!stillHoldsBlob(index, start, join(workdir, path))) index.writeUInt32BE(0, start + SIZE_AT);
  }
}

/** Whether a racily clean entry's file holds the entry's content (its stat data aside). */
function stillHoldsBlob(index: Buffer, start: number, absolute: string): boolean {
  const mode = index.readUInt32BE(start + MODE_AT) & TYPE_MASK;
  // A submodule's entry is a commit, which no file holds: git does not check it either.
  if (mode !== REGULAR && mode !== SYMLINK) return true;
  const stat = lstatSync(absolute, { throwIfNoEntry: false });
  // Gone, or another size or time: it reads as changed anyway.
  if (stat === undefined) return true;
  if (stat.size !== index.readUInt32BE(start + SIZE_AT)) return true;
  if (Math.floor(stat.mtimeMs / 1000) !== index.readUInt32BE(start + MTIME_AT)) return true;
  let bytes: Buffer;
  try {
    bytes = mode === SYMLINK ? Buffer.from(readlinkSync(absolute), 'utf8') : readFileSync(absolute);
  } catch {
    return false;
  }
  const id = index.toString('hex', start + STAT_BYTES, start + STAT_BYTES + ID_BYTES);
  return objectId('blob', bytes) === id;
}

/**
 * The extensions to write after the entries: the cached trees with the committed paths' folders
 * invalidated; whole-tree caches left out. Undefined when an extension asks for git.
 */
function keptExtensions(
  index: Buffer,
  start: number,
  paths: readonly string[],
): Buffer[] | undefined {
  const end = index.length - ID_BYTES;
  const kept: Buffer[] = [];
  for (let at = start; at < end;) {
    if (at + 8 > end) return undefined;
    const signature = index.toString('latin1', at, at + 4);
    const size = index.readUInt32BE(at + 4);
    const data = index.subarray(at + 8, at + 8 + size);
    if (at + 8 + size > end) return undefined;
    at += 8 + size;
    if (signature === 'TREE') {
      const tree = invalidatedTree(data, paths);
      if (tree === undefined) return undefined;
      const head = Buffer.alloc(8);
      head.write('TREE', 0, 'latin1');
      head.writeUInt32BE(tree.length, 4);
      kept.push(head, tree);
      continue;
    }
    // Resolve-undo records, and whatever a reader must understand (a lowercase first letter: a
    // split or sparse index, an extension of a newer git): git's to write.
    if (signature === 'REUC') return undefined;
    const first = signature.charCodeAt(0);
    if (first < 0x41 || first > 0x5a) return undefined;
    // UNTR (untracked files), FSMN (the file-system monitor), EOIE and IEOT (offset tables):
    // optional caches of the whole working tree or of this file's layout, rebuilt by git.
  }
  return kept;
}

interface CachedTree {
  name: string;
  /** Entries below it; -1 when invalid. */
  count: number;
  /** Its tree's id when valid. */
  id: Buffer | undefined;
  children: CachedTree[];
}

/** The TREE extension with every folder on `paths` invalid; undefined when it is malformed. */
function invalidatedTree(data: Buffer, paths: readonly string[]): Buffer | undefined {
  let at = 0;
  const read = (): CachedTree | undefined => {
    const nul = data.indexOf(0, at);
    if (nul < 0) return undefined;
    const name = data.toString('utf8', at, nul);
    const space = data.indexOf(0x20, nul + 1);
    const newline = data.indexOf(0x0a, nul + 1);
    if (space < 0 || newline < space) return undefined;
    const count = Number(data.toString('latin1', nul + 1, space));
    const subtrees = Number(data.toString('latin1', space + 1, newline));
    if (!Number.isInteger(count) || !Number.isInteger(subtrees) || subtrees < 0) return undefined;
    at = newline + 1;
    let id: Buffer | undefined;
    if (count >= 0) {
      if (at + ID_BYTES > data.length) return undefined;
      id = data.subarray(at, at + ID_BYTES);
      at += ID_BYTES;
    }
    const children: CachedTree[] = [];
    for (let i = 0; i < subtrees; i++) {
      const child = read();
      if (child === undefined) return undefined;
      children.push(child);
    }
    return { name, count, id, children };
  };
  const root = read();
  if (root === undefined || at !== data.length) return undefined;
  for (const path of paths) {
    let node: CachedTree | undefined = root;
    const folders = path.split('/').slice(0, -1);
    for (let i = 0; node !== undefined; i++) {
      node.count = -1;
      node.id = undefined;
      const folder = folders[i];
      node = folder === undefined ? undefined : node.children.find((c) => c.name === folder);
    }
  }
  const parts: Buffer[] = [];
  const write = (node: CachedTree) => {
    parts.push(Buffer.from(`${node.name}\0${node.count} ${node.children.length}\n`, 'utf8'));
    if (node.id !== undefined) parts.push(node.id);
    for (const child of node.children) write(child);
  };
  write(root);
  return Buffer.concat(parts);
}
