// Loading everything the loop reads of one agent, validating every file before anything is written
// (the reward log: its index and a bounded window of recent records, not every record).
import { checkAgentTree, type AgentTree } from '../memory/tree-check.js';
import { loadSegments, type Segment } from '../consensus/segments.js';
import { GitError } from '../git/git.js';
import { TAG_LEARNING_WINDOW } from '../context/assemble.js';
import { loadHumanFiles, type HumanFiles } from '../memory/human.js';
import { MemoryIndex, type MemoryIndexGit } from '../memory/memory-index.js';
import { memoryWatch, WATCH_COOKIES_DIR } from '../memory/memory-watch.js';
import { directReads, type ParseCache } from '../memory/parse-cache.js';
import { loadQueue, type Queue } from '../memory/queue.js';
import { findAgent, loadRegistry, type AgentSpec, type Registry } from '../memory/registry.js';
import { withRegistryPriors } from '../memory/registry-priors.js';
import { readRewardIndex, type RewardIndex } from '../memory/reward-log.js';
import type { RewardRecord } from '../memory/rewards.js';
import { loadSkills, type Skill } from '../memory/skills.js';
import { agentPaths, SEGMENTS_DIR } from '../memory/layout.js';
import { readRoutingFile, type RoutingFileRead } from '../routing/routing-file.js';
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
  /** routing.md: the learned routing policy, or why it cannot be used (missing, invalid). */
  routing: RoutingFileRead;
  /** The reads behind this memory: parsed values (and derived ones, like context terms) by file. */
  cache: ParseCache;
}

/**
 * Reads and validates the agent's whole memory; throws MemoryFileError on the first bad file.
 * `cache` serves files unchanged since they were last parsed (default: parse every file).
 */
export function loadAgentMemory(
  repoRoot: string,
  agentName?: string,
  cache: ParseCache = directReads(repoRoot),
  /** The agent's tree as `checkAgentTree` already listed it; checked here when absent. */
  checked?: AgentTree,
): AgentMemory {
  const registry = loadRegistry(repoRoot);
  const agent = findAgent(registry, agentName);
  // A symbolic link or a control character anywhere in the tree stops the read, naming the path.
  const tree = checked ?? checkAgentTree(repoRoot, agent.name);
  // The folders the check listed are not listed again (10,000 files: half the listing time).
  const reads = listedBy(tree, cache);
  const rewardIndex = readRewardIndex(repoRoot, agent.name, cache);
  return {
    registry,
    agent,
    human: withRegistryPriors(loadHumanFiles(repoRoot, agent.name, cache), agent),
    skills: loadSkills(repoRoot, agent.name, reads),
    world: loadWorld(repoRoot, agent.name, reads),
    segments: loadSegments(repoRoot, cache),
    rewards: rewardIndex.recent(TAG_LEARNING_WINDOW),
    rewardIndex,
    queue: loadQueue(repoRoot, agent.name),
    routing: readRoutingFile(cache, agentPaths(agent.name).routing),
    cache,
  };
}

/** `cache`, with the folders `tree` listed served from that listing. */
function listedBy(tree: AgentTree, cache: ParseCache): ParseCache {
  const reads: ParseCache = {
    parse: (path, kind, parse) => cache.parse(path, kind, parse),
    blobOf: (path) => cache.blobOf?.(path),
    listed: (folder) => tree.markdown(folder) ?? cache.listed?.(folder),
  };
  if (cache.parseFolder) reads.parseFolder = cache.parseFolder.bind(cache);
  return reads;
}

/**
 * The agent's memory through the memory index under .git/agentos/: only files changed since the
 * last run are parsed, and the index is brought up to date for the next one.
 */
export async function readAgentMemory(
  repoRoot: string,
  git: MemoryIndexGit,
  agentName?: string,
  options: {
    /**
     * False when the caller saves the index itself once it is done deriving values (context terms):
     * each changed shard is then written once, not twice.
     */
    saveIndex?: boolean;
  } = {},
): Promise<AgentMemory> {
  const save = options.saveIndex ?? true;
  // Git is asked about this agent's folder and the shared segments only: in a repository of many
  // agents an iteration costs no more than one agent's memory.
  const agent = findAgent(loadRegistry(repoRoot), agentName);
  const roots = [agentPaths(agent.name).root, SEGMENTS_DIR];
  // A process that reads memory again and again hears what changed since its last read.
  const watch = memoryWatch(repoRoot, roots, () => git.gitPath(WATCH_COOKIES_DIR));
  const watched = await watch?.settle();
  if (watch && watched) {
    const index = await MemoryIndex.watched(repoRoot, git, watched, roots);
    const memory = loadAgentMemory(repoRoot, agentName, index, watched.tree);
    if (save) index.save();
    watch.vouch(index.hashedBlobs());
    return memory;
  }
  // The feed starts before the full check: whatever changes during it is heard by the next read.
  const feeding = watch?.restart() ?? false;
  // Git starts checking the work tree's stat data (10,000 files: some 10 ms), and the tree is
  // checked here meanwhile; only then is git's answer awaited.
  const opening = MemoryIndex.open(repoRoot, git, roots);
  let tree: AgentTree;
  try {
    tree = checkAgentTree(repoRoot, agent.name);
  } catch (error) {
    opening.catch(() => {});
    throw error;
  }
  let index: MemoryIndex;
  try {
    index = await opening;
  } catch (error) {
    // Not a git repository (or git cannot say what changed): every file is parsed, as without an index.
    if (!(error instanceof GitError)) throw error;
    return loadAgentMemory(repoRoot, agentName, directReads(repoRoot), tree);
  }
  const memory = loadAgentMemory(repoRoot, agentName, index, tree);
  if (save) index.save();
  if (feeding) watch?.begin(index.knownBlobs());
  return memory;
}

/**
 * Stores what the memory's index learned since it was read (values derived later, like context
 * terms). Call it before anything changes the loaded values: the index keeps the objects it served.
 */
export function saveMemoryIndex(memory: AgentMemory): void {
  if (memory.cache instanceof MemoryIndex) memory.cache.save();
}
