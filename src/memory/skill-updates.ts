// Procedural learning (SPEC §7): skills are added only from successful, verified tasks, and the
// counters of every skill a task used move with its outcome.
import type { ProposedSkill } from './solve-output.js';
import { agentPaths, isSlug } from './layout.js';
import type { Outcome } from './rewards.js';
import type { Skill } from './skills.js';

export interface SkillChange {
  skills: Map<string, Skill>;
  created: string[];
  used: string[];
  refused: { item: string; reason: string }[];
}

/**
 * A skill lists at most this many tasks: the first it came from and the latest that used it. Its
 * counters count every use; a task's own record names the skills it used. Unbounded, the list of a
 * skill most tasks apply passed the write limit after about 6,500 uses, and the skill stopped
 * learning.
 */
export const SOURCE_TASKS_KEPT = 50;
const FIRST_SOURCE_TASKS = 10;

/** The skill's tasks with `taskId` added, the middle ones left out past SOURCE_TASKS_KEPT. */
function withSourceTask(tasks: string[], taskId: string): string[] {
  if (tasks.includes(taskId)) return tasks;
  const next = [...tasks, taskId];
  if (next.length <= SOURCE_TASKS_KEPT) return next;
  const latest = SOURCE_TASKS_KEPT - FIRST_SOURCE_TASKS;
  return [...next.slice(0, FIRST_SOURCE_TASKS), ...next.slice(next.length - latest)];
}

export function updateSkills(
  skills: readonly Skill[],
  input: {
    agent: string;
    taskId: string;
    at: string;
    outcome: Outcome;
    /** True when the answer passed verification (schema and constraint checks). */
    verified: boolean;
    /** False under `learning: none | constrained`: counters move, no new skill is written. */
    mayCreate: boolean;
    proposed: ProposedSkill[];
    used: string[];
  },
): SkillChange {
  const paths = agentPaths(input.agent);
  const bySlug = new Map(skills.map((skill) => [skill.slug, skill]));
  const change: SkillChange = { skills: new Map(), created: [], used: [], refused: [] };

  const use = (skill: Skill) => {
    if (change.used.includes(skill.path)) return;
    const data = skill.data;
    const updated: Skill = {
      ...skill,
      data: {
        ...data,
        uses: data.uses + 1,
        successes: data.successes + (input.outcome === 'success' ? 1 : 0),
        failures: data.failures + (input.outcome === 'failure' ? 1 : 0),
        last_used: input.at,
        source_tasks: withSourceTask(data.source_tasks, input.taskId),
      },
    };
    bySlug.set(skill.slug, updated);
    change.skills.set(skill.path, updated);
    change.used.push(skill.path);
  };

  for (const reference of input.used) {
    const slug = /^skills\/([^/]+)\.md$/.exec(reference)?.[1];
    const skill = slug === undefined ? undefined : bySlug.get(slug);
    if (!skill)
      change.refused.push({ item: `skill use ${reference}`, reason: 'no such skill in skills/' });
    else use(skill);
  }

  if (input.outcome !== 'success' || !input.verified || !input.mayCreate) return change;
  for (const proposal of input.proposed) {
    if (!isSlug(proposal.slug)) {
      change.refused.push({
        item: `skill ${proposal.slug}`,
        reason: 'the slug must be lowercase words joined by hyphens',
      });
      continue;
    }
    const existing = bySlug.get(proposal.slug);
    if (existing) {
      use(existing);
      continue;
    }
    const skill: Skill = {
      slug: proposal.slug,
      path: paths.skill(proposal.slug),
      data: {
        title: proposal.title,
        tags: proposal.tags,
        uses: 1,
        successes: 1,
        failures: 0,
        created: input.at,
        last_used: input.at,
        source_tasks: [input.taskId],
        status: 'active',
      },
      body: proposal.procedure,
    };
    bySlug.set(skill.slug, skill);
    change.skills.set(skill.path, skill);
    change.created.push(skill.path);
  }
  return change;
}

/** A skill nobody has used for this many days is archived by the learning run: it leaves the context. */
export const STALE_SKILL_DAYS = 90;
/** A skill used at least `minUses` times that succeeds less often than `belowRate` is archived too. */
export const FAILING_SKILL = { minUses: 4, belowRate: 0.25 } as const;

const DAY_MS = 24 * 60 * 60 * 1000;

/** A skill the archive step archived or reinstated, and why. */
export interface SkillStatusChange {
  path: string;
  title: string;
  reason: string;
}

/**
 * Archives stale and failing skills (never deletes one), and reinstates an archived one that tasks
 * have used since and whose record no longer meets the rule that archived it: a task that succeeds
 * without the skill and proposes it again counts as a use, so a skill archived for a bad start
 * (1 success in its first 5 uses) that tasks keep working out anew shows its record recovered.
 * A skill a person archived (no `archived_reason` of this rule's) stays archived.
 */
export function archiveSkills(
  skills: readonly Skill[],
  now: string,
): { skills: Map<string, Skill>; archived: SkillStatusChange[]; reinstated: SkillStatusChange[] } {
  const changed = new Map<string, Skill>();
  const archived: SkillStatusChange[] = [];
  const reinstated: SkillStatusChange[] = [];
  for (const skill of skills) {
    const data = skill.data;
    if (data.status === 'archived') {
      const reason = reinstatement(data, now);
      if (!reason) continue;
      const { archived_at: _at, archived_reason: _reason, ...kept } = data;
      changed.set(skill.path, { ...skill, data: { ...kept, status: 'active' } });
      reinstated.push({ path: skill.path, title: data.title, reason });
      continue;
    }
    if (data.status !== 'active') continue;
    const reason = archiveReason(data, now);
    if (!reason) continue;
    changed.set(skill.path, {
      ...skill,
      data: { ...data, status: 'archived', archived_at: now, archived_reason: reason },
    });
    archived.push({ path: skill.path, title: data.title, reason });
  }
  return { skills: changed, archived, reinstated };
}

/** Why the archive rule archives a skill with this record now; undefined when it does not. */
function archiveReason(data: Skill['data'], now: string): string | undefined {
  const last = data.last_used ?? data.created;
  const idleDays = Math.floor((Date.parse(now) - Date.parse(last)) / DAY_MS);
  if (idleDays >= STALE_SKILL_DAYS)
    return `stale: unused for ${idleDays} days (since ${last.slice(0, 10)}), archived after ${STALE_SKILL_DAYS}`;
  if (data.uses >= FAILING_SKILL.minUses && data.successes / data.uses < FAILING_SKILL.belowRate)
    return `failing: ${data.successes} successes in ${data.uses} uses, below ${FAILING_SKILL.belowRate * 100}%`;
  return undefined;
}

/**
 * Why an archived skill goes back into use: the rule archived it, a task has used it since, and the
 * rule no longer holds for its record. Undefined otherwise.
 */
function reinstatement(data: Skill['data'], now: string): string | undefined {
  const at = typeof data.archived_at === 'string' ? data.archived_at : undefined;
  const why = typeof data.archived_reason === 'string' ? data.archived_reason : '';
  if (at === undefined || !/^(stale|failing):/.test(why)) return undefined;
  if (data.last_used === null || data.last_used <= at) return undefined;
  if (archiveReason(data, now) !== undefined) return undefined;
  return `used again since it was archived (${why}): ${data.successes} successes in ${data.uses} uses`;
}
