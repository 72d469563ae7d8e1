// The path guard (SPEC §12): every write of the runtime goes through it. It admits only the agent's
// own memory and shared proposals, never a human-owned file, and never through a symlink; shared
// segments only in the merge of an accepted proposal (consensus/), the one way they are written.
import { lstatSync } from 'node:fs';
import { join, posix } from 'node:path';
import { PathRefusedError } from '../errors.js';
import { PROPOSALS_DIR, SEGMENTS_DIR } from './layout.js';

/** Files in an agent's folder that belong to people; the runtime reads them and never writes them. */
export const HUMAN_OWNED_FILES = ['persona.md', 'constraints.md', 'goals.md'] as const;

const FORBIDDEN_PREFIXES = ['.git/', '.github/', 'src/', 'dist/', 'lib/', 'node_modules/'];
const FORBIDDEN_FILES = ['action.yml', 'action.yaml', 'agents.yaml', 'Dockerfile', 'package.json'];

/** The largest memory file the runtime writes. */
export const MAX_MEMORY_FILE_BYTES = 256 * 1024;

/**
 * The lexical half of the guard, with no file-system access: returns the normalised
 * repository-relative path, or throws a PathRefusedError that says why the agent may not write it.
 */
export function checkMemoryPath(
  agent: string,
  path: string,
  options: { segments?: boolean } = {},
): string {
  if (path.length === 0) throw new PathRefusedError(path, 'empty path');
  if (path.includes('\\') || path.includes('\0')) {
    throw new PathRefusedError(path, 'backslashes and NUL are not allowed');
  }
  if (posix.isAbsolute(path) || /^[a-zA-Z]:/.test(path)) {
    throw new PathRefusedError(path, 'absolute paths are not allowed');
  }
  if (path.split('/').includes('..')) throw new PathRefusedError(path, '".." is not allowed');
  const normal = posix.normalize(path);
  if (FORBIDDEN_FILES.includes(normal) || FORBIDDEN_PREFIXES.some((p) => normal.startsWith(p))) {
    throw new PathRefusedError(path, 'the runtime never writes the product or its configuration');
  }
  if (!normal.endsWith('.md')) throw new PathRefusedError(path, 'memory files are Markdown (.md)');
  const own = `agents/${agent}/`;
  if (normal.startsWith(own)) {
    const inside = normal.slice(own.length);
    if ((HUMAN_OWNED_FILES as readonly string[]).includes(inside)) {
      throw new PathRefusedError(path, `${inside} is human-owned and never edited by the agent`);
    }
    return normal;
  }
  if (normal.startsWith(`${PROPOSALS_DIR}/`)) return normal;
  if (options.segments && normal.startsWith(`${SEGMENTS_DIR}/`)) return normal;
  throw new PathRefusedError(
    path,
    `outside the memory of agent "${agent}" (${own}) and ${PROPOSALS_DIR}/`,
  );
}

export class PathGuard {
  constructor(
    private readonly repoRoot: string,
    private readonly agent: string,
    /** Admits shared/iac/segments/: only the merge of an accepted proposal asks for it. */
    private readonly options: { segments?: boolean } = {},
  ) {}

  /**
   * Returns the absolute path for a repository-relative `path` the runtime may write, or throws a
   * PathRefusedError that says why not.
   */
  resolve(path: string, byteLength = 0): string {
    const relative = checkMemoryPath(this.agent, path, this.options);
    if (byteLength > MAX_MEMORY_FILE_BYTES) {
      throw new PathRefusedError(
        path,
        `${byteLength} bytes is over the ${MAX_MEMORY_FILE_BYTES}-byte limit`,
      );
    }
    this.refuseSymlinks(relative);
    return join(this.repoRoot, relative);
  }

  private refuseSymlinks(relative: string): void {
    const parts = relative.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const partial = parts.slice(0, i).join('/');
      let isLink = false;
      try {
        isLink = lstatSync(join(this.repoRoot, partial)).isSymbolicLink();
      } catch {
        return; // nothing exists from here on, so nothing can link out
      }
      if (isLink) throw new PathRefusedError(relative, `"${partial}" is a symbolic link`);
    }
  }
}
