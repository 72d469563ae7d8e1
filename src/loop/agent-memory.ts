// Loading everything the loop reads of one agent, validating every file before anything is written.
import { loadSegments, type Segment } from '../consensus/segments.js';
import { loadHumanFiles, type HumanFiles } from '../memory/human.js';
import { loadQueue, type Queue } from '../memory/queue.js';
import { findAgent, loadRegistry, type AgentSpec, type Registry } from '../memory/registry.js';
import { loadRewards, type RewardRecord } from '../memory/rewards.js';
import { loadSkills, type Skill } from '../memory/skills.js';
import { loadWorld, type Belief } from '../world/beliefs.js';

export interface AgentMemory {
  registry: Registry;
  agent: AgentSpec;
  human: HumanFiles;
  skills: Skill[];
  world: Belief[];
  segments: Segment[];
  rewards: RewardRecord[];
  queue: Queue;
}

/** Reads and validates the agent's whole memory; throws MemoryFileError on the first bad file. */
export function loadAgentMemory(repoRoot: string, agentName?: string): AgentMemory {
  const registry = loadRegistry(repoRoot);
  const agent = findAgent(registry, agentName);
  return {
    registry,
    agent,
    human: loadHumanFiles(repoRoot, agent.name),
    skills: loadSkills(repoRoot, agent.name),
    world: loadWorld(repoRoot, agent.name),
    segments: loadSegments(repoRoot),
    rewards: loadRewards(repoRoot, agent.name),
    queue: loadQueue(repoRoot, agent.name),
  };
}
