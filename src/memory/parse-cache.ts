// The seam between the memory readers and the memory index: a reader asks for a file's parsed value
// and gets it from the index when the file's content is unchanged since it was cached.
import { listMarkdown, readMemoryTextIfExists } from './files.js';

export interface ParseCache {
  /**
   * The parsed value of the repository file `path` (repository-relative, POSIX), or undefined when
   * the file does not exist. `kind` names the parser and its version (e.g. "skill@1"): a cached
   * value is reused only for the same kind and the same content. Values must be plain JSON data.
   * A parser that throws (a file that breaks its schema) is never cached: the error reaches the
   * caller every time, naming the file.
   */
  parse<T>(path: string, kind: string, parse: (text: string) => T): T | undefined;
  /**
   * The git blob id of the file's content when git vouches for it (tracked and unchanged in the
   * work tree), else undefined: lets derived copies keyed by blob id skip hashing the file.
   */
  blobOf?(path: string): string | undefined;
  /**
   * The Markdown files of a repository folder, sorted, when this read has already listed it (the
   * tree check walks the agent's folders first); undefined to list it from the disk.
   */
  listed?(folder: string): string[] | undefined;
}

/** The Markdown files of `folder`: as the read already listed them, else from the disk. */
export function markdownFiles(cache: ParseCache, repoRoot: string, folder: string): string[] {
  return cache.listed?.(folder) ?? listMarkdown(repoRoot, folder);
}

/** No cache: every read parses the file. */
export function directReads(repoRoot: string): ParseCache {
  return {
    parse<T>(path: string, _kind: string, parse: (text: string) => T): T | undefined {
      const text = readMemoryTextIfExists(repoRoot, path);
      return text === undefined ? undefined : parse(text);
    },
  };
}
