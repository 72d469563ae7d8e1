// The blob ids git's index holds, read from the index file itself instead of a `git ls-files`
// process: an iteration asks once or more, and at 10,000 memory files the process and its output
// cost more than reading the file. Versions 2, 3 and 4 of the format, SHA-1 ids only; an index this
// reader does not fully understand (a split or sparse index, another hash, anything malformed)
// answers undefined, and the caller asks git.
//
// Format (git's Documentation/gitformat-index.txt): "DIRC", version, entry count; each entry is 40
// bytes of stat data, the object id, 16 bits of flags (stage in bits 12-13, name length in the low
// 12), 16 more bits of flags in version 3 when the extended bit is set, then the path: padded with
// NULs to a multiple of 8 bytes in versions 2 and 3, prefix-compressed against the previous path
// in version 4. Extensions follow the entries; a "link" extension (split index) means the entries
// here are not all of them.

import { closeSync, fstatSync, lstatSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Nanoseconds in a second: stat data holds seconds and nanoseconds apart. */
export const NS = 1_000_000_000n;
/** The format's sizes and flags, as the writer (index-write.ts) uses them too. */
export const HEADER = 12;
export const STAT_BYTES = 40;
export const ID_BYTES = 20;
export const EXTENDED = 0x4000;
export const NAME_MASK = 0x0fff;
/** A sparse index's directory entry: its files are not listed. */
const SPARSE_DIRECTORY_MODE = 0o040000;

/** The index file's bytes and modification time; undefined when it cannot be read. */
export function readIndexFile(file: string): { bytes: Buffer; modifiedNs: bigint } | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const modifiedNs = fstatSync(fd, { bigint: true }).mtimeNs;
    return { bytes: readFileSync(fd), modifiedNs };
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Whether `path` is one of `roots` or inside one of them (as a `git ls-files -- <roots>` lists). */
function under(path: string, roots: readonly string[]): boolean {
  for (const root of roots) {
    if (path === root || (path.startsWith(root) && path.charCodeAt(root.length) === 0x2f))
      return true;
  }
  return false;
}

/** Reads a version 4 varint (git's offset encoding). */
function varint(buffer: Buffer, at: number): { value: number; next: number } {
  let byte = buffer[at++] ?? 0;
  let value = byte & 0x7f;
  while (byte & 0x80) {
    byte = buffer[at++] ?? 0;
    value = ((value + 1) << 7) | (byte & 0x7f);
  }
  return { value, next: at };
}

/** The index file's version (2, 3 or 4); undefined when the bytes are no index of those. */
export function indexVersion(index: Buffer): number | undefined {
  if (index.length < HEADER + ID_BYTES || index.toString('latin1', 0, 4) !== 'DIRC')
    return undefined;
  const version = index.readUInt32BE(4);
  return version >= 2 && version <= 4 ? version : undefined;
}

/**
 * Where the path of a version 2 or 3 entry ends (its NUL), the path starting at `nameAt`: its
 * length is in the flags, or past 4,095 bytes found by its NUL; -1 when it runs to `limit`.
 */
export function nameEnd(index: Buffer, nameAt: number, flags: number, limit: number): number {
  const length = flags & NAME_MASK;
  const nul = length < NAME_MASK ? nameAt + length : index.indexOf(0, nameAt);
  return nul < 0 || nul >= limit || index[nul] !== 0 ? -1 : nul;
}

/** Where the version 2 or 3 entry at `start` whose path ends at `nul` is followed by the next. */
export function nextEntry(start: number, nul: number): number {
  // The entry is padded with one to eight NULs to a multiple of eight bytes.
  return start + Math.ceil((nul - start + 1) / 8) * 8;
}

/** How many entries the index file says it holds (every path, every stage); 0 for no index. */
export function indexEntryCount(index: Buffer): number {
  return index.length >= HEADER && index.toString('latin1', 0, 4) === 'DIRC'
    ? index.readUInt32BE(8)
    : 0;
}

/** The stage-0 entries under some folders: blob ids by path, and where each entry's stat data is. */
export interface IndexEntries {
  blobs: Map<string, string>;
  /** Offsets of the entries' stat data in the index file's bytes, by path. */
  stats: Map<string, number>;
}

/**
 * The stage-0 entries under `roots` from an index file's bytes; undefined when the index is one
 * this reader leaves to git.
 */
export function readIndexEntries(
  index: Buffer,
  roots: readonly string[],
): IndexEntries | undefined {
  const version = indexVersion(index);
  if (version === undefined) return undefined;
  const count = index.readUInt32BE(8);
  const blobs = new Map<string, string>();
  const stats = new Map<string, number>();
  const end = index.length - ID_BYTES;
  let at = HEADER;
  let previous: Buffer = Buffer.alloc(0);
  for (let entry = 0; entry < count; entry++) {
    const start = at;
    if (at + STAT_BYTES + ID_BYTES + 2 > end) return undefined;
    const mode = index.readUInt32BE(at + 24);
    const flags = index.readUInt16BE(at + STAT_BYTES + ID_BYTES);
    at += STAT_BYTES + ID_BYTES + 2;
    if (flags & EXTENDED) {
      if (version < 3) return undefined;
      at += 2;
    }
    let path: string;
    if (version === 4) {
      const strip = varint(index, at);
      const nul = index.indexOf(0, strip.next);
      if (nul < 0 || nul > end || strip.value > previous.length) return undefined;
      const name = Buffer.concat([
        previous.subarray(0, previous.length - strip.value),
        index.subarray(strip.next, nul),
      ]);
      at = nul + 1;
      previous = name;
      path = name.toString('utf8');
    } else {
      const nul = nameEnd(index, at, flags, end);
      if (nul < 0) return undefined;
      // Decoded in place: a Buffer view per entry is 10,000 objects an iteration at 10,000 files.
      path = index.toString('utf8', at, nul);
      at = nextEntry(start, nul);
    }
    if (mode === SPARSE_DIRECTORY_MODE) return undefined;
    if ((flags >> 12) & 3) continue;
    if (under(path, roots)) {
      blobs.set(path, index.toString('hex', start + STAT_BYTES, start + STAT_BYTES + ID_BYTES));
      stats.set(path, start);
    }
  }
  // Extensions: a split index keeps most entries in a shared index this file only points at.
  while (at + 8 <= end) {
    const signature = index.toString('latin1', at, at + 4);
    if (signature === 'link' || signature === 'sdir') return undefined;
    at += 8 + index.readUInt32BE(at + 4);
  }
  return at === end ? { blobs, stats } : undefined;
}

/**
 * Paths whose file may differ from its index entry, as `git diff-files` would list them, judged
 * from stat data alone: gone, another size, mode, inode, owner, or change or modification time
 * (to the nanosecond), or modified no earlier than the index itself was written ("racily clean":
 * git would compare contents). Stricter than git's defaults wherever they differ, so a file is
 * at worst reported changed and then hashed, never taken for unchanged when it is not.
 */
export function statChangedPaths(
  index: Buffer,
  entries: IndexEntries,
  indexModifiedNs: bigint,
  workdir: string,
): string[] {
  const changed: string[] = [];
  for (const [path, at] of entries.stats) {
    const stat = lstatSync(join(workdir, path), { bigint: true, throwIfNoEntry: false });
    const field = (n: number) => index.readUInt32BE(at + n * 4);
    const mode = field(6);
    const modifiedNs = BigInt(field(2)) * NS + BigInt(field(3));
    const same =
      stat !== undefined &&
      stat.isFile() &&
      (mode & 0o170000) === 0o100000 &&
      (Number(stat.mode) & 0o100) === (mode & 0o100) &&
      stat.mtimeNs === modifiedNs &&
      stat.ctimeNs === BigInt(field(0)) * NS + BigInt(field(1)) &&
      Number(stat.ino & 0xffffffffn) === field(5) &&
      Number(stat.uid) === field(7) &&
      Number(stat.gid) === field(8) &&
      Number(stat.size & 0xffffffffn) === field(9) &&
      modifiedNs < indexModifiedNs;
    if (!same) changed.push(path);
  }
  return changed;
}
