// Reading and atomically writing files: a reader never sees half a file (temp file + rename).
import { randomBytes } from 'node:crypto';
import {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { MemoryFileError } from '../errors.js';
import { removeLeftoversOfGoneProcesses } from '../process.js';

/**
 * The largest memory file the runtime reads (1 MiB): a bigger one, hand-made or hostile, is an
 * error naming it rather than seconds and hundreds of megabytes spent parsing it. The runtime's own
 * writes stop well below (256 KiB).
 */
export const MAX_MEMORY_READ_BYTES = 1024 * 1024;

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A memory file's bytes as text, refusing what must not be taken for memory: bytes that are not
 * UTF-8 (never silently turned into U+FFFD), a file over the read limit, a symbolic link. `file`
 * is the repository-relative path the error names.
 */
export function decodeMemoryText(file: string, bytes: Buffer): string {
  if (bytes.length > MAX_MEMORY_READ_BYTES) throw overLimit(file, bytes.length);
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    throw new MemoryFileError(
      file,
      `is not valid UTF-8${describeOffset(firstInvalidUtf8(bytes))}: save it as UTF-8`,
    );
  }
}

/** A memory file's text (see decodeMemoryText), or undefined when it does not exist. */
export function readMemoryTextIfExists(repoRoot: string, file: string): string | undefined {
  const path = join(repoRoot, file);
  let size: number;
  try {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) throw symbolicLink(file);
    if (stat.isDirectory()) return undefined;
    size = stat.size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  // Checked before reading: a 10 MB file is refused without being read.
  if (size > MAX_MEMORY_READ_BYTES) throw overLimit(file, size);
  return decodeMemoryText(file, readFileSync(path));
}

export function symbolicLink(file: string): MemoryFileError {
  return new MemoryFileError(
    file,
    'is a symbolic link: memory files and folders must be plain files and folders in the repository',
  );
}

function overLimit(file: string, size: number): MemoryFileError {
  return new MemoryFileError(
    file,
    `is ${size} bytes, over the ${MAX_MEMORY_READ_BYTES} byte (1 MiB) limit for a memory file`,
  );
}

function describeOffset(offset: number): string {
  return offset < 0 ? '' : ` (first bad byte at offset ${offset})`;
}

/** Where the first byte sequence that is not UTF-8 starts (a linear scan; -1 if none is found). */
function firstInvalidUtf8(bytes: Buffer): number {
  let at = 0;
  while (at < bytes.length) {
    const lead = bytes[at] ?? 0;
    const follow =
      lead < 0x80
        ? 0
        : lead >= 0xc2 && lead <= 0xdf
          ? 1
          : (lead & 0xf0) === 0xe0
            ? 2
            : lead >= 0xf0 && lead <= 0xf4
              ? 3
              : -1;
    if (follow < 0) return at;
    for (let k = 1; k <= follow; k++)
      if (at + k >= bytes.length || ((bytes[at + k] ?? 0) & 0xc0) !== 0x80) return at;
    at += follow + 1;
  }
  return -1;
}

/**
 * Removes the temporary files of atomic writes to `path` (see writeFileAtomic) left by processes
 * that no longer run: a run killed between writing one and renaming it leaves it behind.
 */
export function removeAbandonedTemps(path: string): void {
  const prefix = `${basename(path)}.`;
  removeLeftoversOfGoneProcesses(dirname(path), (name) => {
    const pid = name.startsWith(prefix)
      ? /^(\d+)\.[0-9a-f]+\.tmp$/.exec(name.slice(prefix.length))?.[1]
      : undefined;
    return pid === undefined ? undefined : Number(pid);
  });
}

/**
 * Removes the folders `<name>-v1` … `<name>-v<format - 1>` in `parent`: derived copies of memory
 * (under .git/agentos) in earlier formats, which nothing reads any more.
 */
export function removeEarlierFormats(parent: string, name: string, format: number): void {
  for (let earlier = 1; earlier < format; earlier++)
    rmSync(join(parent, `${name}-v${earlier}`), { recursive: true, force: true });
}

export function writeFileAtomic(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temp, content, 'utf8');
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** The file's text, or undefined when it does not exist. */
export function readTextIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Names of the Markdown files in a folder (sorted), or none when the folder does not exist. */
export function listMarkdown(repoRoot: string, folder: string): string[] {
  try {
    return readdirSync(join(repoRoot, folder), { withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
