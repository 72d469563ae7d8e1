// Generated index pages (skills.md, world/index.md and the pages they link to): bounded in size by
// design, so an index stays browsable and under the write limit however many items it lists.

import { join } from 'node:path';
import { listMarkdown, readTextIfExists } from './files.js';
import { agentPaths } from './layout.js';

/**
 * Which pages to render besides the index itself: those listing a changed item, and any page not
 * on disk yet. Without it, every page is rendered.
 */
export interface PageSelection {
  /** Repository paths of the items that changed. */
  changed: ReadonlySet<string>;
  /** Repository paths of the index pages on disk (see existingIndexPages). */
  existing: ReadonlySet<string>;
}

/** Whether a page must be rendered under `selection`; `lists` tells whether its group holds a path. */
export function isSelected(
  selection: PageSelection | undefined,
  path: string,
  lists: (changed: ReadonlySet<string>) => boolean,
): boolean {
  return selection === undefined || !selection.existing.has(path) || lists(selection.changed);
}

/** Whether one of `items` is among the `changed` paths. */
export function listsAny(
  items: readonly { path: string }[],
): (changed: ReadonlySet<string>) => boolean {
  return (changed) => items.some((item) => changed.has(item.path));
}

/** The index pages of an agent on disk (world/index/ and skills/index/), as repository paths. */
export function existingIndexPages(repoRoot: string, agent: string): Set<string> {
  const paths = agentPaths(agent);
  const folders = [`${paths.worldDir}/index`, `${paths.skillsDir}/index`];
  return new Set(
    folders.flatMap((folder) => listMarkdown(repoRoot, folder).map((name) => `${folder}/${name}`)),
  );
}

/** A page of an index, however it was worked out: letterPages cuts the same pages. */
export interface ListedPage<T> {
  key: string;
  label: string;
  /** How many rows the page lists. */
  size: number;
  /** Its rows. */
  members(): readonly T[];
  /** Whether its letter's group holds one of these paths (a change there can shift the page). */
  lists(paths: ReadonlySet<string>): boolean;
}

/** A generated index file: repository-relative path and content. */
export interface IndexPage {
  path: string;
  content: string;
}

/**
 * An index lists a group's rows itself up to this many; a larger group's rows go on pages of at most
 * this many rows each, so no page nears the size limit.
 */
export const INDEX_PAGE_ROWS = 200;

/**
 * Members (sorted by slug) grouped by the slug's first character, each group cut into pages of at
 * most INDEX_PAGE_ROWS: keys "a", "a-2", …; labels "a", "a (2)", …. `group` is the whole letter's
 * members: a change anywhere in it can shift its pages' boundaries.
 */
export function letterPages<T extends { slug: string }>(
  members: readonly T[],
): { key: string; label: string; members: T[]; group: T[] }[] {
  const groups = new Map<string, T[]>();
  for (const member of members) {
    const letter = letterOf(member.slug);
    const group = groups.get(letter) ?? [];
    group.push(member);
    groups.set(letter, group);
  }
  const pages: { key: string; label: string; members: T[]; group: T[] }[] = [];
  for (const [letter, group] of groups) {
    for (let start = 0, n = 1; start < group.length; start += INDEX_PAGE_ROWS, n++) {
      pages.push({
        ...pageName(letter, n),
        members: group.slice(start, start + INDEX_PAGE_ROWS),
        group,
      });
    }
  }
  return pages;
}

/** The letter a slug is paged under: its first character, or "_" when that is not [a-z0-9]. */
export function letterOf(slug: string): string {
  return /^[a-z0-9]/.test(slug) ? (slug[0] ?? '_') : '_';
}

/** The key and label of a letter's `n`th page: "a", "a-2", … and "a", "a (2)", …. */
export function pageName(letter: string, n: number): { key: string; label: string } {
  return {
    key: n === 1 ? letter : `${letter}-${n}`,
    label: n === 1 ? letter : `${letter} (${n})`,
  };
}

/** True when the file already holds exactly this content: rewriting it would change nothing. */
export function isUnchangedOnDisk(repoRoot: string, page: IndexPage): boolean {
  return readTextIfExists(join(repoRoot, page.path)) === page.content;
}
