// Reading HEAD from the git directory's own files, without starting a process: an iteration asks
// for HEAD several times, and each `git rev-parse` is a process. Only plain answers are trusted (a
// symbolic HEAD naming a branch, a loose or packed ref holding an object id); anything else (an
// unborn branch, a ref stored in reftable, a symbolic ref chain) returns undefined, and the caller
// asks git.
import { readFileSync } from 'node:fs';

/** What HEAD's file says: the branch it names, or the commit of a detached HEAD. */
export type HeadFile = { kind: 'branch'; ref: string } | { kind: 'detached'; sha: string };

const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
/** What a reftable repository leaves in HEAD for older tools: not a real branch. */
const REFTABLE_PLACEHOLDER = 'refs/heads/.invalid';

/**
 * A file's text; undefined when it cannot be read for any reason (missing, a folder, no access),
 * as git treats a ref or attributes file it cannot read. (memory/files.ts' readTextIfExists throws
 * on anything but a missing file.)
 */
export function readTextIfReadable(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** HEAD's file content, parsed; undefined when it is missing or says anything unusual. */
export function parseHeadFile(text: string | undefined): HeadFile | undefined {
  if (text === undefined) return undefined;
  const line = text.trim();
  if (OBJECT_ID.test(line)) return { kind: 'detached', sha: line };
  const ref = /^ref: (refs\/heads\/\S+)$/.exec(line)?.[1];
  if (ref === undefined || ref === REFTABLE_PLACEHOLDER) return undefined;
  return { kind: 'branch', ref };
}

/** The object id a loose ref file holds; undefined when missing or not a plain id. */
export function parseLooseRef(text: string | undefined): string | undefined {
  const line = text?.trim();
  return line !== undefined && OBJECT_ID.test(line) ? line : undefined;
}

/** The object id `packed-refs` lists for `ref`, if any. */
export function packedRef(text: string | undefined, ref: string): string | undefined {
  if (text === undefined) return undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.startsWith('^')) continue;
    const [id, name] = line.split(' ');
    if (name === ref && id !== undefined && OBJECT_ID.test(id)) return id;
  }
  return undefined;
}

/** Reads a file of the git directory (by `git rev-parse --git-path` name) in-process. */
export type GitDirFile = (name: string) => Promise<string | undefined>;

/** HEAD's file read through `file`. */
export async function readHeadFile(file: GitDirFile): Promise<HeadFile | undefined> {
  return parseHeadFile(await file('HEAD'));
}

/** HEAD's commit from the files; undefined when the files do not answer plainly. */
export async function headFromFiles(file: GitDirFile): Promise<string | undefined> {
  const head = await readHeadFile(file);
  if (!head) return undefined;
  if (head.kind === 'detached') return head.sha;
  return refFromFiles(file, head.ref);
}

/** A ref's object id from its loose file, else from packed-refs; undefined when neither says. */
export async function refFromFiles(file: GitDirFile, ref: string): Promise<string | undefined> {
  return parseLooseRef(await file(ref)) ?? packedRef(await file('packed-refs'), ref);
}

/** A GitDirFile over `gitPath` (which resolves a name to its absolute path). */
export function gitDirFiles(gitPath: (name: string) => Promise<string>): GitDirFile {
  return async (name) => readTextIfReadable(await gitPath(name));
}
