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
  /**
   * The parsed values of `names` (the Markdown files of `folder`, sorted), in that order, leaving
   * out files that are gone; as `parse` of each would give them. A cache that can tell which files
   * are unchanged since its last read of the folder serves them without a lookup per file.
   */
  parseFolder?<T>(
    folder: string,
    names: readonly string[],
    kind: string,
    parse: FileParser<T>,
  ): T[];
}

/** Parses one file of a folder: its name ("retry.md"), repository path and text. */
export type FileParser<T> = (name: string, path: string, text: string) => T;

/** The parsed values of a folder's Markdown files, in name order (files gone meanwhile left out). */
export function parseMarkdownFolder<T>(
  cache: ParseCache,
  repoRoot: string,
  folder: string,
  kind: string,
  parse: FileParser<T>,
): T[] {
  const names = markdownFiles(cache, repoRoot, folder);
  if (cache.parseFolder) return cache.parseFolder(folder, names, kind, parse);
  return parseEach(cache, folder, names, kind, parse);
}

/** `cache.parse` of each of `names` in `folder`, leaving out files that are gone. */
function parseEach<T>(
  cache: ParseCache,
  folder: string,
  names: readonly string[],
  kind: string,
  parse: FileParser<T>,
): T[] {
  const values: T[] = [];
  for (const name of names) {
    const path = `${folder}/${name}`;
    const value = cache.parse(path, kind, (text) => parse(name, path, text));
    // Gone between listing and reading (a concurrent rename): nothing to load.
    if (value !== undefined) values.push(value);
  }
  return values;
}

/** The Markdown files of `folder`: as the read already listed them, else from the disk. */
function markdownFiles(cache: ParseCache, repoRoot: string, folder: string): string[] {
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
