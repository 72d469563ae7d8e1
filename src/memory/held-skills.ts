// What skills.md lists, kept across iterations of one process: the skills in slug order grouped by
// letter, the active ones by use and the counts, brought to the next iteration's skills by the
// skills that changed (told apart by identity, as held-values.ts). It lists exactly what listSkills
// would; skills that cannot be held (a value not frozen, two at one path) are listed afresh.
import {
  HeldValues,
  LetterGroups,
  SortedRows,
  type Holding,
  type ValueChange,
} from './held-values.js';
import { letterOf, type ListedPage } from './index-pages.js';
import { SKILLS_INDEX_TOP, type Skill, type SkillsListing } from './skills.js';

/** More changes than one in this many skills: sorting afresh beats inserting one by one. */
const REBUILD_RATIO = 16;

/**
 * loadSkills wraps the memory index's frozen parse of an unchanged file in a new object each time:
 * a skill is the same while its frozen data, body, path and slug are; the wrapper is kept frozen.
 */
const SKILL_VALUES: Holding<Skill> = {
  hold: (skill) =>
    Object.isFrozen(skill.data)
      ? Object.isFrozen(skill)
        ? skill
        : Object.freeze({ ...skill })
      : undefined,
  same: (held, skill) =>
    held === skill ||
    (held.data === skill.data &&
      held.body === skill.body &&
      held.path === skill.path &&
      held.slug === skill.slug),
};

const byUse = (a: Skill, b: Skill) => b.data.uses - a.data.uses || a.slug.localeCompare(b.slug);

export class HeldSkills implements SkillsListing {
  private readonly held = new HeldValues<Skill>(SKILL_VALUES);
  private readonly listed = new Map<string, Skill>();
  private groups = new LetterGroups<Skill>();
  private used = new SortedRows<Skill>(byUse);
  private statuses = { active: 0, archived: 0 };

  /** Whether it lists what a fresh sort would (no two skills compare equal). */
  get exact(): boolean {
    return this.groups.exact && this.used.exact;
  }

  get count(): number {
    return this.listed.size;
  }

  get active(): number {
    return this.statuses.active;
  }

  get archived(): number {
    return this.statuses.archived;
  }

  /** Brings the listing to `skills`; false, changing nothing, when they cannot be held. */
  sync(skills: readonly Skill[]): boolean {
    const changes = this.held.sync(skills);
    if (!changes) return false;
    this.update(changes);
    return true;
  }

  /**
   * Runs `use` on the listing with `skills` put in (each replacing the skill at its path), then
   * takes them out again: the listing stays that of the skills synced.
   */
  listingWith<T>(skills: readonly Skill[], use: (listing: HeldSkills) => T): T {
    const changes = skills.map((after) => ({ before: this.held.get(after.path), after }));
    this.update(changes.map(({ before, after }) => (before ? { before, after } : { after })));
    try {
      return use(this);
    } finally {
      this.update(
        changes.map(({ before, after }) =>
          before ? { before: after, after: before } : { before: after },
        ),
      );
    }
  }

  sorted(): readonly Skill[] {
    return this.groups.members.rows;
  }

  mostUsed(): readonly Skill[] {
    return this.used.rows.slice(0, SKILLS_INDEX_TOP);
  }

  pages(): ListedPage<Skill>[] {
    return this.groups.pages((letter, path) => {
      const skill = this.listed.get(path);
      return skill !== undefined && letterOf(skill.slug) === letter;
    });
  }

  private update(changes: readonly ValueChange<Skill>[]): void {
    for (const { before, after } of changes) {
      if (before) this.listed.delete(before.path);
      if (after) this.listed.set(after.path, after);
    }
    if (changes.length * REBUILD_RATIO > this.listed.size) {
      const all = [...this.listed.values()];
      this.groups = new LetterGroups<Skill>();
      this.groups.reset(all);
      this.used = new SortedRows<Skill>(byUse);
      this.used.reset(all.filter((s) => s.data.status === 'active'));
      this.statuses = { active: 0, archived: 0 };
      for (const skill of all) this.tally(skill, 1);
      return;
    }
    for (const { before } of changes)
      if (before) {
        this.groups.remove(before);
        if (before.data.status === 'active') this.used.remove(before);
        this.tally(before, -1);
      }
    for (const { after } of changes)
      if (after) {
        this.groups.insert(after);
        if (after.data.status === 'active') this.used.insert(after);
        this.tally(after, 1);
      }
  }

  private tally(skill: Skill, by: number): void {
    if (skill.data.status === 'active') this.statuses.active += by;
    else if (skill.data.status === 'archived') this.statuses.archived += by;
  }
}

/** Skills held by this process, by agent. */
const held = new Map<string, HeldSkills>();

/**
 * The held skills of `agent` brought to `skills`, or undefined when they cannot be held (the held
 * ones stay as they were) or cannot be listed as a fresh sort would (they are dropped).
 */
export function holdSkills(agent: string, skills: readonly Skill[]): HeldSkills | undefined {
  const listing = held.get(agent) ?? new HeldSkills();
  let synced: boolean | undefined;
  try {
    synced = listing.sync(skills);
  } finally {
    if (synced === undefined || (synced && !listing.exact)) held.delete(agent);
    else if (synced) held.set(agent, listing);
  }
  return synced && listing.exact ? listing : undefined;
}
