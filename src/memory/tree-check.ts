// What an agent's memory tree may hold before anything reads it (SPEC §12): plain folders and
// files only (a symbolic link could make a read or a write land outside the repository), and
// names without control characters (which could forge lines in commit messages, logs and
// comments). A hand-made or hostile tree is an error naming the path, before anything is written.
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryFileError } from '../errors.js';
import { symbolicLink } from './files.js';
import { agentPaths } from './layout.js';

// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * What the check saw: the Markdown files of each folder of the agent's tree (sorted, as
 * `listMarkdown` gives them), so the readers that follow need not list the folders again.
 */
export interface AgentTree {
  /** The folder's Markdown file names, or undefined for a folder outside the tree or absent. */
  markdown(folder: string): string[] | undefined;
}

/**
 * Throws a MemoryFileError naming the first symbolic link or badly named entry of the tree; returns
 * the tree's Markdown files by folder.
 */
export function checkAgentTree(repoRoot: string, agent: string): AgentTree {
  const root = agentPaths(agent).root;
  for (const path of ['agents', root]) {
    let link = false;
    try {
      link = lstatSync(join(repoRoot, path)).isSymbolicLink();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (link) throw symbolicLink(path);
  }
  const markdown = new Map<string, string[]>();
  const pending = [root];
  for (let folder = pending.pop(); folder !== undefined; folder = pending.pop()) {
    let entries;
    try {
      entries = readdirSync(join(repoRoot, folder), { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    const files: string[] = [];
    for (const entry of entries) {
      const { name } = entry;
      if (CONTROL_CHARACTER.test(name)) {
        throw new MemoryFileError(
          JSON.stringify(`${folder}/${name}`),
          'the name holds a control character: rename it (letters, digits, dots, hyphens)',
        );
      }
      if (entry.isSymbolicLink()) throw symbolicLink(`${folder}/${name}`);
      if (entry.isDirectory()) pending.push(`${folder}/${name}`);
      else if (entry.isFile() && name.endsWith('.md')) files.push(name);
    }
    markdown.set(folder, files.sort());
  }
  return { markdown: (folder) => markdown.get(folder) };
}
