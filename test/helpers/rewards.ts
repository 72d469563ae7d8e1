// Reading an agent's reward log in tests, through the product's own reader: in a working tree, or
// at a ref of a (bare) repository, whose log files are copied out to a temporary folder first; and
// committing records as the runtime lands them.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Git } from '../../src/git/git.js';
import { formatCommitMessage } from '../../src/git/message.js';
import { silentLogger } from '../../src/log.js';
import { readAgentMemory } from '../../src/loop/agent-memory.js';
import { landChange } from '../../src/memory/change.js';
import { agentPaths } from '../../src/memory/layout.js';
import { readRewardLog, writeRewardRecord } from '../../src/memory/reward-log.js';
import type { RewardRecord } from '../../src/memory/rewards.js';

/** Every record of the agent's reward log in a working tree, one per task. */
export function repoRewardRecords(dir: string, agent: string): RewardRecord[] {
  return readRewardLog(dir, agent).records;
}

/** The paths of the agent's reward log files at `ref` (legacy rewards.md, shards, recent/). */
export async function rewardLogFiles(repo: string, agent: string, ref = 'main'): Promise<string[]> {
  const paths = agentPaths(agent);
  const listed = await Git.create(repo).exec([
    'ls-tree',
    '-r',
    '--name-only',
    ref,
    '--',
    paths.rewardsDir,
    paths.rewardsLegacy,
  ]);
  return listed.stdout.split('\n').filter(Boolean);
}

/** Every record of the agent's reward log at `ref` of a repository (a remote, often bare). */
export async function remoteRewardRecords(
  repo: string,
  agent: string,
  ref = 'main',
): Promise<RewardRecord[]> {
  const git = Git.create(repo);
  const copy = mkdtempSync(join(tmpdir(), 'agentos-rewards-'));
  try {
    for (const path of await rewardLogFiles(repo, agent, ref)) {
      const text = (await git.exec(['show', `${ref}:${path}`])).stdout;
      mkdirSync(dirname(join(copy, path)), { recursive: true });
      writeFileSync(join(copy, path), text);
    }
    return readRewardLog(copy, agent).records;
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

/** The text of every reward log file at `ref`, joined: for asserting what was (not) written. */
export async function remoteRewardLogText(
  repo: string,
  agent: string,
  ref = 'main',
): Promise<string> {
  const git = Git.create(repo);
  const texts = [];
  for (const path of await rewardLogFiles(repo, agent, ref))
    texts.push((await git.exec(['show', `${ref}:${path}`])).stdout);
  return texts.join('\n');
}

/** A successful record of a task with plain figures, for tests that build reward logs by hand. */
export function rewardRecordFixture(
  agent: string,
  taskId: string,
  at: string,
  extra: Record<string, unknown> = {},
): RewardRecord {
  return {
    task: `Task ${taskId}`,
    task_id: taskId,
    agent,
    at,
    outcome: 'success',
    reward: 1,
    reward_decomposition: { correctness: 1, efficiency: 0, novelty: 0, generality: 0 },
    context_tags: [],
    reasoning_demand: 'routine',
    model_used: 'balanced',
    model_name: 'gpt-4o',
    model_appropriate: 'yes',
    tokens: { prompt: 10, completion: 5 },
    cost_usd: 0.01,
    context: { included: 3, used: 1, tokens: 100 },
    world_model_update: [],
    skills_used: [],
    feedback: null,
    ...extra,
  } as RewardRecord;
}

/**
 * A realistic record of a pagination task, `minute` minutes after 2026-05-01T09:00:00Z: the reward
 * log's tests write many of these and check that every field comes back as written.
 */
export function sampleRewardRecord(
  agent: string,
  taskId: string,
  minute: number,
  fields: Partial<RewardRecord> = {},
): RewardRecord {
  const at = new Date(Date.parse('2026-05-01T09:00:00Z') + minute * 60_000)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
  return {
    task: `Sync the ${taskId} API page by page`,
    task_id: taskId,
    agent,
    at,
    outcome: 'success',
    reward: 1,
    reward_decomposition: { correctness: 1, efficiency: 0, novelty: 1, generality: 1 },
    context_tags: ['api', 'pagination'],
    reasoning_demand: 'moderate',
    model_used: 'balanced',
    model_name: 'gpt-4o',
    model_appropriate: 'yes',
    tokens: { prompt: 3120, completion: 640 },
    cost_usd: 0.0132,
    context: { included: 14, used: 6, tokens: 2870 },
    world_model_update: [],
    skills_used: [],
    feedback: null,
    ...fields,
  };
}

/** Commits `records` to the agent's reward log in one commit, through the runtime's own writer. */
export async function commitRewardRecords(
  repo: { dir: string; git: Git },
  agent: string,
  records: readonly RewardRecord[],
): Promise<void> {
  const memory = await readAgentMemory(repo.dir, repo.git);
  await landChange(
    { repoRoot: repo.dir, git: repo.git, agent, label: 'records', logger: silentLogger },
    async (writer) => {
      for (const r of records) writeRewardRecord(writer, repo.dir, memory.rewardIndex, r);
      return {
        message: formatCommitMessage({ subject: 'records', body: [], trailers: [] }),
        value: undefined,
      };
    },
  );
}
