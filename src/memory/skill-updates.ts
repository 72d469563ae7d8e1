// Procedural learning (SPEC §7): skills are added only from successful, verified tasks, and the
// counters of every skill a task used move with its outcome.
import type { ProposedSkill } from '../llm/solve-output.js';
import { agentPaths, isSlug } from './layout.js';
import type { Outcome } from './rewards.js';
import type { Skill } from './skills.js';

export interface SkillChange {
  skills: Map<string, Skill>;
  created: string[];
  used: string[];
  refused: { item: string; reason: string }[];
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
        source_tasks: data.source_tasks.includes(input.taskId)
          ? data.source_tasks
          : [...data.source_tasks, input.taskId],
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
