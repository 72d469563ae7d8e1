// Loading everything the loop reads of one agent, validating every file before anything is written
// (the reward log: its index and a bounded window of recent records, not every record).
import { loadSegments, type Segment } from '../consensus/segments.js';
import { TAG_LEARNING_WINDOW } from '../context/assemble.js';
import { loadHumanFiles, type HumanFiles } from '../memory/human.js';
import { loadQueue, type Queue } from '../memory/queue.js';
import { findAgent, loadRegistry, type AgentSpec, type Registry } from '../memory/registry.js';
import { readRewardIndex, type RewardIndex } from '../memory/reward-log.js';
import type { RewardRecord } from '../memory/rewards.js';
import { loadSkills, type Skill } from '../memory/skills.js';
import { loadWorld, type Belief } from '../world/beliefs.js';

export interface AgentMemory {
  registry: Registry;
  agent: AgentSpec;
  human: HumanFiles;
  skills: Skill[];
  world: Belief[];
  segments: Segment[];
  /**
   * The most recent TAG_LEARNING_WINDOW records (one per task, oldest first): all the context and
   * tag learning look at. The whole log is read only where a run needs it (`readRewardLog`).
   */
  rewards: RewardRecord[];
  /** Each task's status and file in the reward log, for the already-processed check and writes. */
  rewardIndex: RewardIndex;
  queue: Queue;
}

/** Reads and validates the agent's whole memory; throws MemoryFileError on the first bad file. */
export function loadAgentMemory(repoRoot: string, agentName?: string): AgentMemory {
  const registry = loadRegistry(repoRoot);
  const agent = findAgent(registry, agentName);
  const rewardIndex = readRewardIndex(repoRoot, agent.name);
  return {
    registry,
    agent,
    human: loadHumanFiles(repoRoot, agent.name),
    skills: loadSkills(repoRoot, agent.name),
    world: loadWorld(repoRoot, agent.name),
    segments: loadSegments(repoRoot),
    rewards: rewardIndex.recent(TAG_LEARNING_WINDOW),
    rewardIndex,
    queue: loadQueue(repoRoot, agent.name),
  };
}
