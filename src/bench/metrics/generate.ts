// The metrics benchmark's repository: several agents with reward records (sealed shards and a
// recent tail), world files of every status, proposals, segments and routing.md, all rendered with
// the product's own writers, committed as a history of many commits through one `git fast-import`
// (thousands of `git commit` calls would take minutes), then checked out.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Git } from '../../git/git.js';
import { formatCommitMessage } from '../../git/message.js';
import {
  agentPaths,
  PROPOSALS_DIR,
  REGISTRY_FILE,
  SEGMENTS_DIR,
  slugify,
} from '../../memory/layout.js';
import { renderMarkdown } from '../../memory/markdown.js';
import { TIERS, type Tier } from '../../memory/registry.js';
import { planSeal, recentRecordPath, SEAL_AT_RECENT_RECORDS } from '../../memory/reward-log.js';
import { renderRewardFile, renderRewardLine } from '../../memory/reward-lines.js';
import type { RewardRecord } from '../../memory/rewards.js';
import { isoSeconds } from '../../memory/schema-parts.js';
import { initRepository } from '../../scaffold/init.js';
import {
  EntitySchema,
  HypothesisSchema,
  RelationSchema,
  renderBelief,
  type BeliefData,
} from '../../world/beliefs.js';
import { phrase, WORDS } from '../longevity/generate.js';
import { Random } from '../random.js';

export interface MetricsRepoSize {
  agents: number;
  records: number;
  world_files: number;
  commits: number;
  proposals: number;
  segments: number;
}

/**
 * When the agents' newest records were written: after the template's own world files (dated
 * 2026-04-30), so the newest data in the repository is the agents' work and the report's windows,
 * which end at the newest data, hold tasks, as in a repository the agents work in. The history
 * starts as long before as its records need.
 */
const END = Date.parse('2026-11-01T00:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Minutes between two tasks of one agent: 33,000 tasks span most of a year. */
const TASK_MINUTES = 15;
const TIER_COST: Record<Tier, number> = { 'cheap-fast': 0.001, balanced: 0.01, strongest: 0.06 };

interface Dated {
  path: string;
  content: string;
  at: number;
}

export function benchAgents(count: number): string[] {
  const names = ['orion', 'iris', 'vega', 'lyra', 'altair', 'deneb'];
  return Array.from({ length: count }, (_, i) => names[i] ?? `agent-${i + 1}`);
}

function rewardRecord(
  random: Random,
  agent: string,
  index: number,
  segments: readonly string[],
  start: number,
): RewardRecord {
  const tier = random.pick(TIERS);
  const weak = tier !== 'strongest' && random.chance(0.25);
  const tiersTried: Tier[] = weak && tier === 'cheap-fast' ? ['cheap-fast', 'balanced'] : [tier];
  const model = tiersTried.at(-1) ?? tier;
  const outcome = random.chance(0.78) ? 'success' : random.chance(0.5) ? 'partial' : 'failure';
  const reward = outcome === 'success' ? 1 : outcome === 'partial' ? 0 : -1;
  const included = random.int(4, 15);
  const used = random.int(1, Math.min(6, included));
  const tokens = random.int(800, 3500);
  const usedIds = Array.from({ length: used }, (_, i) =>
    i === 0 && segments.length > 0 && random.chance(0.3)
      ? random.pick(segments)
      : `skills/${random.pick(WORDS)}-${random.int(1, 200)}.md`,
  );
  const estimates = Object.fromEntries(
    TIERS.map((t, rank) => [
      t,
      {
        success: Math.min(1, 0.55 + rank * 0.15 + random.next() * 0.1),
        cost: TIER_COST[t],
        start_success: Math.min(1, 0.7 + rank * 0.1),
        start_cost: TIER_COST[t] * 1.2,
      },
    ]),
  );
  return {
    task: `Fix the ${phrase(random, 4)}`,
    task_id: `${agent}-${index}`,
    agent,
    at: isoSeconds(new Date(start + index * TASK_MINUTES * MINUTE)),
    outcome,
    reward,
    reward_decomposition: { correctness: reward, efficiency: 0, novelty: 0, generality: 1 },
    context_tags: [random.pick(WORDS), random.pick(WORDS), random.pick(WORDS)],
    reasoning_demand: random.pick(['routine', 'moderate', 'novel'] as const),
    model_used: model,
    model_name: 'offline-rules',
    model_appropriate:
      outcome === 'success' && model === 'strongest' && random.chance(0.3) ? 'no' : 'yes',
    tiers_tried: tiersTried,
    tokens: { prompt: random.int(500, 4000), completion: random.int(100, 900) },
    cost_usd: tiersTried.reduce((sum, t) => sum + TIER_COST[t], 0),
    context: {
      included,
      used,
      tokens,
      available: included + random.int(0, 40),
      used_ids: [...new Set(usedIds)],
      used_tokens: Math.round((tokens * used) / included),
    },
    world_model_update: [],
    skills_used: random.chance(0.6) ? [`skills/${random.pick(WORDS)}.md`] : [],
    feedback: null,
    route: {
      tier,
      default_tier: random.pick(TIERS),
      reason: 'bench',
      explored: random.chance(0.05),
      source: 'routing.md',
      demand_reason: 'bench',
      cluster: 'routine',
      tags: [],
      estimates,
    },
  } as RewardRecord;
}

/** The reward log of one agent as the loop leaves it: sealed shards, then a recent tail. */
function rewardFiles(
  random: Random,
  agent: string,
  records: number,
  segments: readonly string[],
  start: number,
): Dated[] {
  const files: Dated[] = [];
  const inRecent = records % SEAL_AT_RECENT_RECORDS || Math.min(records, 50);
  const sealed = records - inRecent;
  for (let first = 0; first < sealed; first += SEAL_AT_RECENT_RECORDS) {
    const batch = [];
    for (let i = first; i < Math.min(sealed, first + SEAL_AT_RECENT_RECORDS); i++) {
      const record = rewardRecord(random, agent, i, segments, start);
      batch.push({ path: recentRecordPath(agent, record.task_id), record });
    }
    const at = Date.parse(batch.at(-1)?.record.at ?? '');
    for (const change of planSeal(agent, batch).changes)
      if (!('delete' in change)) files.push({ path: change.path, content: change.content, at });
  }
  for (let i = sealed; i < records; i++) {
    const record = rewardRecord(random, agent, i, segments, start);
    files.push({
      path: recentRecordPath(agent, record.task_id),
      content: renderRewardFile(`Reward record of agent ${agent}`, [renderRewardLine(record)]),
      at: Date.parse(record.at),
    });
  }
  return files;
}

/** World files of every kind and status, some contradicted, merged or nominated as duplicates. */
function worldFiles(
  random: Random,
  agent: string,
  count: number,
  span: number,
  start: number,
): Dated[] {
  const paths = agentPaths(agent);
  const files: Dated[] = [];
  for (let i = 0; i < count; i++) {
    const createdAt = start + Math.floor((i / count) * span);
    const created = isoSeconds(new Date(createdAt));
    const name = `${phrase(random, 2)} ${i}`;
    const slug = slugify(name);
    const contradicted = random.chance(0.2);
    const correctedAt = createdAt + random.int(1, 96) * HOUR;
    const evidence = [
      { task: `${agent}-${i}`, supports: true, at: created, note: null },
      ...(contradicted
        ? [
            {
              task: `${agent}-${i + 1}`,
              supports: false,
              at: isoSeconds(new Date(createdAt + HOUR)),
              note: null,
            },
          ]
        : []),
    ];
    const common = {
      name,
      aliases: [],
      tags: [random.pick(WORDS), random.pick(WORDS)],
      confidence: 0.5,
      evidence,
      created,
      valid_at: created,
      superseded_by: null,
    };
    const kind = random.weighted([35, 25, 40]);
    let data: BeliefData;
    if (kind === 2) {
      const status = contradicted ? 'refuted' : random.pick(['open', 'open', 'promoted'] as const);
      data = HypothesisSchema.parse({
        kind: 'hypothesis',
        ...common,
        claim: `${phrase(random, 8)}.`,
        proposes: 'entity',
        status,
        invalid_at: status === 'refuted' ? isoSeconds(new Date(correctedAt)) : null,
      });
    } else {
      const merged = !contradicted && random.chance(0.03);
      const invalid = contradicted && random.chance(0.7);
      const base = {
        ...common,
        status: invalid || merged ? 'superseded' : 'active',
        invalid_at: invalid || merged ? isoSeconds(new Date(correctedAt)) : null,
        ...(merged ? { merged_into: paths.world('entity', `canonical-${i}`) } : {}),
        ...(!merged && random.chance(0.02)
          ? {
              duplicate_nominations: [
                {
                  of: paths.world('entity', `other-${i}`),
                  task: `${agent}-${i}`,
                  at: created,
                  note: null,
                },
              ],
            }
          : {}),
      };
      data =
        kind === 0
          ? EntitySchema.parse({ kind: 'entity', ...base })
          : RelationSchema.parse({
              kind: 'relation',
              ...base,
              subject: random.pick(WORDS),
              predicate: 'uses',
              object: random.pick(WORDS),
            });
    }
    const folder = data.kind;
    const path = paths.world(folder, slug);
    files.push({
      path,
      content: renderBelief({ slug, path, data, body: `${phrase(random, 30)}.` }),
      at: createdAt,
    });
  }
  return files;
}

function proposalFiles(
  random: Random,
  agents: readonly string[],
  count: number,
  span: number,
  start: number,
): Dated[] {
  return Array.from({ length: count }, (_, i) => {
    const opened = start + Math.floor(((i + 0.5) / count) * span);
    const status = random.pick(['merged', 'merged', 'closed', 'open'] as const);
    const decided = isoSeconds(new Date(opened + random.int(1, 72) * HOUR));
    const id = String(i + 1).padStart(3, '0');
    const data = {
      subject: phrase(random, 3),
      proposer: agents[i % agents.length],
      status,
      opened_at: isoSeconds(new Date(opened)),
      ...(status === 'merged' ? { merged_at: decided } : {}),
      ...(status === 'closed' ? { closed_at: decided } : {}),
    };
    return {
      path: `${PROPOSALS_DIR}/prop-${id}.md`,
      content: renderMarkdown(data, `Claim: ${phrase(random, 12)}.`),
      at: opened,
    };
  });
}

function segmentPaths(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${SEGMENTS_DIR}/topic-${i + 1}.md`);
}

function routingFile(agent: string, revision: number): string {
  return `# Routing policy — ${agent}\n\nRevision ${revision} of the learned routing policy (benchmark data).\n`;
}

/** The registry with `agents` agents: the template's, then copies of the last one under new names. */
function registryText(template: string, agents: readonly string[]): string {
  const [head = '', tail = ''] = template.split(/\n(?=# Tier)/);
  const extra = agents
    .filter((name) => !new RegExp(`- name: ${name}\\n`).test(head))
    .map(
      (name) =>
        `  - name: ${name}\n    persona: 'Benchmark agent.'\n    domain: 'Benchmarks'\n    goals: []\n    hints: []\n    risk_level: medium\n    autonomy: semi-autonomous\n    learning: active\n    budget: balanced\n`,
    )
    .join('');
  return `${head.trimEnd()}\n${extra}${tail}`;
}

function fastImportData(content: string): string {
  return `data ${Buffer.byteLength(content)}\n${content}\n`;
}

/** A committed repository of the given size; returns the git wrapper and the agents' names. */
export async function generateMetricsRepository(
  dir: string,
  size: MetricsRepoSize,
  seed: number,
): Promise<{ git: Git; agents: string[] }> {
  const git = Git.create(dir);
  await initRepository(dir, { git });
  const random = new Random(seed);
  const agents = benchAgents(size.agents);
  const span = Math.ceil(size.records / size.agents) * TASK_MINUTES * MINUTE;
  const start = END - span;
  const segments = segmentPaths(size.segments);
  const files: Dated[] = [
    {
      path: REGISTRY_FILE,
      content: registryText(readFileSync(join(dir, REGISTRY_FILE), 'utf8'), agents),
      at: start,
    },
    ...segments.map((path, i) => ({
      path,
      content: renderMarkdown(
        { title: `Topic ${i + 1}`, tags: [WORDS[i % WORDS.length]] },
        `${phrase(random, 20)}.`,
      ),
      at: start,
    })),
    ...proposalFiles(random, agents, size.proposals, span, start),
  ];
  agents.forEach((agent, a) => {
    const records =
      Math.floor(size.records / size.agents) + (a < size.records % size.agents ? 1 : 0);
    const worlds =
      Math.floor(size.world_files / size.agents) + (a < size.world_files % size.agents ? 1 : 0);
    files.push(
      ...rewardFiles(random, agent, records, segments, start),
      ...worldFiles(random, agent, worlds, span, start),
    );
  });
  files.sort((x, y) => x.at - y.at);

  const existing = Number((await git.exec(['rev-list', '--count', 'HEAD'])).stdout.trim());
  const commits = Math.max(1, size.commits - existing);
  const parent = (await git.exec(['rev-parse', 'HEAD'])).stdout.trim();
  const branch = (await git.exec(['symbolic-ref', '--short', 'HEAD'])).stdout.trim();
  const chunks: string[] = [];
  let next = 0;
  for (let c = 0; c < commits; c++) {
    const until = Math.round(((c + 1) / commits) * files.length);
    const batch = files.slice(next, until);
    next = until;
    const agent = agents[c % agents.length] ?? 'orion';
    // Every 50th commit revises one agent's routing policy, as its learning runs would.
    const routing =
      c % 50 === 0 ? [{ path: agentPaths(agent).routing, content: routingFile(agent, c) }] : [];
    const at = Math.floor((batch.at(-1)?.at ?? start + (c / commits) * span) / 1000);
    const message = formatCommitMessage({
      subject: `${agent}: bench history ${c + 1} of ${commits} (${batch.length + routing.length} files)`,
      trailers: [['AgentOS-Agent', agent]],
    });
    chunks.push(
      `commit refs/heads/${branch}\ncommitter AgentOS <agentos@users.noreply.github.com> ${at} +0000\n${fastImportData(message)}`,
      c === 0 ? `from ${parent}\n` : '',
      ...[...batch, ...routing].map(
        (file) => `M 100644 inline ${file.path}\n${fastImportData(file.content)}`,
      ),
      '\n',
    );
  }
  await git.exec(['fast-import', '--quiet', '--force'], { input: chunks.join('') });
  await git.exec(['reset', '--hard', '--quiet', 'HEAD']);
  return { git, agents };
}
