// Planning one iteration's memory changes from the validated model output, under the agent's
// learning policy (SPEC §7). Pure: it returns the files to write and what it refused. The world a
// process holds across iterations (world/held-world.ts) only spares it a pass over every belief to
// index it: the plan is the same with it as without.
//
// A task writes its own files only (skills, beliefs): the generated indexes, skills.md and
// world/index.md, are brought up to date by learning runs (learning/run.ts). Written by every task,
// they made any two branches that each ran a task conflict on merge, a review branch's pull request
// among them.
import type { SolveOutput } from '../memory/solve-output.js';
import { agentPaths, agentRelative } from '../memory/layout.js';
import type { AgentSpec } from '../memory/registry.js';
import type { Outcome } from '../memory/rewards.js';
import { updateSkills } from '../memory/skill-updates.js';
import { renderSkill, type Skill } from '../memory/skills.js';
import { renderBelief, type Belief } from '../world/beliefs.js';
import { holdWorld } from '../world/held-world.js';
import type { Transition } from '../world/lifecycle.js';
import { observe, type Refusal, type WorldChange } from '../world/observe.js';
import type { EvidenceSource } from '../memory/evidence-source.js';

/** At most this many new memory files per iteration (SPEC §12). */
export const MAX_NEW_FILES_PER_ITERATION = 20;

export interface FileWrite {
  path: string;
  content: string;
}

export interface MemoryPlan {
  writes: FileWrite[];
  created: string[];
  updated: string[];
  refused: Refusal[];
  /** Agent-relative paths of world files written, for the reward record. */
  worldUpdates: string[];
  /** Agent-relative paths of skills the task used. */
  skillsUsed: string[];
  /** Beliefs this task's contradictions refuted or superseded, with why. */
  transitions: Transition[];
}

export function planMemoryUpdate(input: {
  agent: AgentSpec;
  taskId: string;
  at: string;
  output: SolveOutput;
  outcome: Outcome;
  verified: boolean;
  skills: readonly Skill[];
  world: readonly Belief[];
  /** Where the task came from, recorded on the evidence it gives (world/provenance.ts). */
  source?: EvidenceSource;
}): MemoryPlan {
  const { agent, output } = input;
  const paths = agentPaths(agent.name);
  const learning = agent.learning;
  const refused: Refusal[] = [];

  // `learning: none` writes no skills and no beliefs (SPEC §7): not even a usage counter.
  const skillChange =
    learning === 'none'
      ? { skills: new Map<string, Skill>(), created: [], used: [], refused: [] }
      : updateSkills(input.skills, {
          agent: agent.name,
          taskId: input.taskId,
          at: input.at,
          outcome: input.outcome,
          verified: input.verified,
          mayCreate: learning === 'active',
          proposed: output.memory.skills,
          used: output.memory.skills_used,
        });
  refused.push(...skillChange.refused);

  // The world this process held last iteration, brought to this one by what changed since: no pass
  // over every belief to index or list it.
  const held = learning === 'none' ? undefined : holdWorld(agent.name, input.world);
  const worldChange: WorldChange =
    learning === 'none'
      ? { beliefs: new Map<string, Belief>(), created: [], refused: [], transitions: [] }
      : observe(
          input.world,
          {
            agent: agent.name,
            taskId: input.taskId,
            at: input.at,
            hypotheses: output.memory.hypotheses,
            evidence: output.memory.evidence,
            duplicates: output.memory.duplicates,
            hypothesesOnly: learning === 'constrained',
            ...(input.source ? { source: input.source } : {}),
          },
          held?.index.exact ? held.index : undefined,
        );
  refused.push(...worldChange.refused);

  let budget = MAX_NEW_FILES_PER_ITERATION;
  const admit = (path: string, isNew: boolean): boolean => {
    if (!isNew) return true;
    if (budget > 0) {
      budget--;
      return true;
    }
    refused.push({
      item: path,
      reason: `over the limit of ${MAX_NEW_FILES_PER_ITERATION} new files per iteration`,
    });
    return false;
  };

  const writes: FileWrite[] = [];
  const created: string[] = [];
  const updated: string[] = [];
  for (const [path, skill] of skillChange.skills) {
    const isNew = skillChange.created.includes(path);
    if (!admit(path, isNew)) continue;
    writes.push({ path, content: renderSkill(skill) });
    (isNew ? created : updated).push(path);
  }
  const worldUpdates: string[] = [];
  for (const [path, belief] of worldChange.beliefs) {
    const isNew = worldChange.created.includes(path);
    if (!admit(path, isNew)) continue;
    writes.push({ path, content: renderBelief(belief) });
    (isNew ? created : updated).push(path);
    worldUpdates.push(agentRelative(agent.name, path));
  }
  return {
    writes,
    created,
    updated,
    refused,
    worldUpdates,
    skillsUsed:
      learning === 'none'
        ? output.memory.skills_used.filter((path) =>
            input.skills.some((s) => s.path === `${paths.root}/${path}`),
          )
        : skillChange.used.map((path) => agentRelative(agent.name, path)),
    transitions: worldChange.transitions.filter((t) => writes.some((w) => w.path === t.path)),
  };
}
