// The longevity benchmark's agents: a repository from the packaged template whose agent holds N
// memory files (skills, entities, relations, hypotheses) and M reward records, all written with the
// product's own renderers and the reward log's own planners, then committed.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Git } from '../../git/git.js';
import { formatCommitMessage } from '../../git/message.js';
import { agentPaths, slugify } from '../../memory/layout.js';
import { planSeal, SEAL_AT_RECENT_RECORDS, recentRecordPath } from '../../memory/reward-log.js';
import { renderRewardFile, renderRewardLine } from '../../memory/reward-lines.js';
import type { RewardRecord } from '../../memory/rewards.js';
import { isoSeconds } from '../../memory/schema-parts.js';
import { renderSkill, renderSkillsIndexPages, type Skill } from '../../memory/skills.js';
import type { FileChange } from '../../memory/writer.js';
import { initRepository } from '../../scaffold/init.js';
import {
  EntitySchema,
  HypothesisSchema,
  RelationSchema,
  renderBelief,
  renderWorldIndexPages,
  type Belief,
  type BeliefData,
} from '../../world/beliefs.js';
import { Random } from '../random.js';

export const BENCH_AGENT = 'orion';

/** The vocabulary of generated names, bodies and tasks: words of the agent's usual domain. */
export const WORDS =
  'api auth token cursor pagination retry backoff webhook queue cache schema migration index shard replica lease lock timeout deadline quota throttle vendor invoice ledger payment refund billing tenant region cluster node container registry deploy rollout canary metric alert incident triage contract clause renewal audit policy secret rotation certificate proxy gateway stream batch cron worker scheduler'.split(
    ' ',
  );

export function phrase(random: Random, words: number): string {
  return Array.from({ length: words }, () => random.pick(WORDS)).join(' ');
}

const START = Date.parse('2025-01-01T00:00:00Z');

function write(dir: string, path: string, content: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), content);
}

function apply(dir: string, changes: readonly FileChange[]): void {
  for (const change of changes) {
    if ('delete' in change) rmSync(join(dir, change.path), { force: true });
    else write(dir, change.path, change.content);
  }
}

/** `files` memory files: a quarter each skills, entities, relations and hypotheses. */
function memoryFiles(random: Random, files: number): { skills: Skill[]; beliefs: Belief[] } {
  const paths = agentPaths(BENCH_AGENT);
  const at = isoSeconds(new Date(START));
  const skills: Skill[] = [];
  const beliefs: Belief[] = [];
  for (let i = 0; i < files; i++) {
    const name = `${phrase(random, 2)} ${i}`;
    const slug = slugify(name);
    const tags = [random.pick(WORDS), random.pick(WORDS)];
    const body = `${phrase(random, 40)}.\n\n${phrase(random, 30)}.`;
    const source = `task-${i}`;
    const kind = (['skill', 'entity', 'relation', 'hypothesis'] as const)[i % 4] ?? 'skill';
    if (kind === 'skill') {
      const path = paths.skill(slug);
      skills.push({
        slug,
        path,
        body,
        data: {
          title: name,
          tags,
          uses: 3,
          successes: 2,
          failures: 1,
          created: at,
          last_used: at,
          source_tasks: [source],
          status: 'active',
        },
      });
      continue;
    }
    const common = {
      name,
      aliases: [],
      tags,
      confidence: 0.5,
      evidence: [{ task: source, supports: true, at, note: null }],
      created: at,
      valid_at: at,
      invalid_at: null,
      superseded_by: null,
    };
    // Through the schemas, as a file read back would be: defaults filled, nothing hand-shaped.
    const data: BeliefData =
      kind === 'entity'
        ? EntitySchema.parse({ kind, ...common })
        : kind === 'relation'
          ? RelationSchema.parse({
              kind,
              ...common,
              subject: random.pick(WORDS),
              predicate: 'uses',
              object: random.pick(WORDS),
            })
          : HypothesisSchema.parse({
              kind,
              ...common,
              claim: `${phrase(random, 8)}.`,
              proposes: 'entity',
            });
    beliefs.push({ slug, path: paths.world(kind, slug), body, data });
  }
  return { skills, beliefs };
}

/** A record as the loop writes one, for a task of the past. */
function rewardRecord(random: Random, index: number): RewardRecord {
  const outcome = random.chance(0.8) ? 'success' : random.chance(0.5) ? 'partial' : 'failure';
  const reward = outcome === 'success' ? 1 : outcome === 'partial' ? 0 : -1;
  return {
    task: `Fix the ${phrase(random, 4)}`,
    task_id: `past-${index}`,
    agent: BENCH_AGENT,
    at: isoSeconds(new Date(START + index * 60_000)),
    outcome,
    reward,
    reward_decomposition: { correctness: reward, efficiency: 0, novelty: 0, generality: 1 },
    context_tags: [random.pick(WORDS), random.pick(WORDS), random.pick(WORDS)],
    reasoning_demand: random.pick(['routine', 'moderate', 'novel'] as const),
    model_used: random.pick(['cheap-fast', 'balanced', 'strongest'] as const),
    model_name: 'offline-rules',
    model_appropriate: 'yes',
    tiers_tried: ['balanced'],
    tokens: { prompt: random.int(500, 4000), completion: random.int(100, 900) },
    cost_usd: 0,
    context: { included: random.int(3, 15), used: random.int(1, 6), tokens: random.int(800, 3500) },
    world_model_update: [],
    skills_used: [],
    feedback: null,
  };
}

/**
 * Writes `records` records the way the loop leaves them: sealed shards, and the last records
 * (fewer than the seal threshold) in `recent/`.
 */
function rewardLog(dir: string, random: Random, records: number): void {
  const inRecent = records % SEAL_AT_RECENT_RECORDS || Math.min(records, 50);
  const sealed = records - inRecent;
  for (let start = 0; start < sealed; start += SEAL_AT_RECENT_RECORDS) {
    const batch = [];
    for (let i = start; i < Math.min(sealed, start + SEAL_AT_RECENT_RECORDS); i++) {
      const record = rewardRecord(random, i);
      batch.push({ path: recentRecordPath(BENCH_AGENT, record.task_id), record });
    }
    apply(
      dir,
      planSeal(BENCH_AGENT, batch).changes.filter((change) => !('delete' in change)),
    );
  }
  for (let i = sealed; i < records; i++) {
    const record = rewardRecord(random, i);
    write(
      dir,
      recentRecordPath(BENCH_AGENT, record.task_id),
      renderRewardFile(`# Reward record of ${record.task_id}`, [renderRewardLine(record)]),
    );
  }
}

/** A committed agent repository with `files` memory files and `records` reward records. */
export async function generateAgent(input: {
  dir: string;
  files: number;
  records: number;
  seed: number;
}): Promise<Git> {
  const git = Git.create(input.dir);
  await initRepository(input.dir, { git });
  const random = new Random(input.seed);
  const { skills, beliefs } = memoryFiles(random, input.files);
  for (const skill of skills) write(input.dir, skill.path, renderSkill(skill));
  for (const belief of beliefs) write(input.dir, belief.path, renderBelief(belief));
  for (const page of renderSkillsIndexPages(BENCH_AGENT, skills))
    write(input.dir, page.path, page.content);
  for (const page of renderWorldIndexPages(BENCH_AGENT, beliefs))
    write(input.dir, page.path, page.content);
  rewardLog(input.dir, random, input.records);
  await git.exec(['add', '--all', '--', 'agents']);
  // Committed without git's automatic gc, then packed by an explicit `git gc` whatever the size:
  // a long-lived agent's repository is packed (every learning run runs `gc --auto`), and automatic
  // gc would pack only the large agent (its threshold is some 6,700 loose objects), so the two
  // sizes would be measured in different states (after a pack, the first objects written into each
  // of the 256 emptied object folders create that folder first).
  await git.exec(['-c', 'gc.auto=0', 'commit', '--quiet', '--file=-'], {
    input: formatCommitMessage({
      subject: `bench: ${input.files} memory files, ${input.records} reward records`,
      trailers: [['AgentOS-Agent', BENCH_AGENT]],
    }),
  });
  await git.exec(['gc', '--quiet']);
  return git;
}
