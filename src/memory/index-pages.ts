// Generated index pages (skills.md, world/index.md and the pages they link to): bounded in size by
// design, so an index stays browsable and under the write limit however many items it lists.

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
 * most INDEX_PAGE_ROWS: keys "a", "a-2", …; labels "a", "a (2)", ….
 */
export function letterPages<T extends { slug: string }>(
  members: readonly T[],
): { key: string; label: string; members: T[] }[] {
  const groups = new Map<string, T[]>();
  for (const member of members) {
    const letter = letterOf(member.slug);
    const group = groups.get(letter) ?? [];
    group.push(member);
    groups.set(letter, group);
  }
  const pages: { key: string; label: string; members: T[] }[] = [];
  for (const [letter, group] of groups) {
    for (let start = 0, n = 1; start < group.length; start += INDEX_PAGE_ROWS, n++) {
      pages.push({
        ...pageName(letter, n),
        members: group.slice(start, start + INDEX_PAGE_ROWS),
      });
    }
  }
  return pages;
}

/** The letter a slug is paged under: its first character, or "_" when that is not [a-z0-9]. */
function letterOf(slug: string): string {
  return /^[a-z0-9]/.test(slug) ? (slug[0] ?? '_') : '_';
}

/** The key and label of a letter's `n`th page: "a", "a-2", … and "a", "a (2)", …. */
function pageName(letter: string, n: number): { key: string; label: string } {
  return {
    key: n === 1 ? letter : `${letter}-${n}`,
    label: n === 1 ? letter : `${letter} (${n})`,
  };
}
