// Cloning an agent (`agentos new-agent --from orion --name vega`, SPEC §1 "fork to clone an agent"):
// the new agent starts with the source's persona, constraints, goals, skills and promoted beliefs,
// each belief saying where it came from, and with nothing of its own yet: no rewards, queue,
// hypotheses, reflections or routing policy. What it knows it has not yet tested itself.
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { readTextIfExists } from '../memory/files.js';
import { agentPaths } from '../memory/layout.js';
import { findAgent, loadRegistry } from '../memory/registry.js';
import { loadSkills, renderSkill } from '../memory/skills.js';
import { isLive, loadWorld, renderBelief } from '../world/beliefs.js';
import type { AgentEntry, PlannedFile } from './new-agent-plan.js';

export interface ClonePlan {
  entry: AgentEntry;
  files: PlannedFile[];
  /** What was carried over and what starts fresh, a line each, for people. */
  lines: string[];
}

export function planClone(input: {
  repoRoot: string;
  from: string;
  name: string;
  at: string;
}): ClonePlan {
  const { repoRoot, from, name } = input;
  const source = findAgent(loadRegistry(repoRoot), from);
  if (from === name) throw new InputError(`--name must differ from --from ("${from}")`);
  const src = agentPaths(from);
  const dst = agentPaths(name);
  const files: PlannedFile[] = [];
  const lines: string[] = [];

  const human = [
    [src.persona, dst.persona],
    [src.constraints, dst.constraints],
    [src.goals, dst.goals],
  ] as const;
  const copied: string[] = [];
  for (const [from_, to] of human) {
    const text = readTextIfExists(join(repoRoot, from_));
    if (text === undefined) continue;
    files.push({ path: to, content: text });
    copied.push(to.slice(dst.root.length + 1));
  }
  lines.push(
    copied.length > 0
      ? `copied ${copied.join(', ')} from ${src.root}/`
      : `${src.root}/ has no persona, constraints or goals files`,
  );

  const skills = loadSkills(repoRoot, from).filter((skill) => skill.data.status !== 'archived');
  for (const skill of skills) {
    files.push({
      path: dst.skill(skill.slug),
      content: renderSkill({ ...skill, data: { ...skill.data, forked_from: skill.path } }),
    });
  }
  lines.push(`copied ${skills.length} skill(s), their counters kept as ${from}'s track record`);

  // Promoted beliefs: live entities and relations. Open hypotheses are the source's own guesses.
  const beliefs = loadWorld(repoRoot, from).filter(
    (belief) => belief.data.kind !== 'hypothesis' && isLive(belief),
  );
  for (const belief of beliefs) {
    const kind = belief.data.kind === 'relation' ? 'relation' : 'entity';
    files.push({
      path: dst.world(kind, belief.slug),
      content: renderBelief({
        ...belief,
        data: { ...belief.data, forked_from: { agent: from, path: belief.path, at: input.at } },
      }),
    });
  }
  lines.push(
    `copied ${beliefs.length} promoted belief(s) (entities and relations), each with forked_from: naming ${from}'s file; its evidence stays ${from}'s`,
  );
  lines.push('fresh: no rewards, queue, hypotheses, reflections or routing policy');

  const entry: AgentEntry = {
    name,
    persona: source.persona,
    domain: source.domain,
    goals: source.goals,
    // Hints are priors the source has since tested; the clone learns from its own tasks.
    hints: [],
    risk_level: source.risk_level,
    autonomy: source.autonomy,
    learning: source.learning,
    budget: source.budget,
  };
  lines.push(
    `agents.yaml: "${name}" with ${from}'s persona, domain, goals and policy (risk_level ${source.risk_level}, autonomy ${source.autonomy}, learning ${source.learning}, budget ${source.budget})`,
  );
  return { entry, files, lines };
}
