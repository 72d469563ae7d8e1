// The metrics' fast readers give what the full readers give: the frontmatter reader against
// parseBelief, the cached reward rows against readRewardLog, and `agentos metrics --json` the same
// on a first run, on a run served by its cache, and after a person changes files behind it.
import { afterEach, describe, expect, it } from '@jest/globals';
import { agentPaths } from '../src/memory/layout.js';
import { directReads } from '../src/memory/parse-cache.js';
import { MemoryIndex } from '../src/memory/memory-index.js';
import { planSeal, readRewardLog, recentRecordPath } from '../src/memory/reward-log.js';
import { renderRewardFile, renderRewardLine } from '../src/memory/reward-lines.js';
import type { RewardRecord } from '../src/memory/rewards.js';
import { fastBeliefData } from '../src/metrics/belief-frontmatter.js';
import { routeOf, segmentsUsedOf } from '../src/metrics/expected-shapes.js';
import { readMetricRecords, recordRow, rowRecord } from '../src/metrics/record-facts.js';
import type { z } from 'zod';
import { parseMarkdownFull } from '../src/memory/markdown.js';
import {
  EntitySchema,
  HypothesisSchema,
  parseBelief,
  RelationSchema,
  renderBelief,
  type BeliefData,
} from '../src/world/beliefs.js';

const SCHEMAS: Record<WorldKind, z.ZodType<BeliefData>> = {
  entity: EntitySchema,
  relation: RelationSchema,
  hypothesis: HypothesisSchema,
};
import type { WorldKind } from '../src/memory/layout.js';
import { runCli } from './helpers/cli.js';
import { commitStaged } from './helpers/person.js';
import { rewardRecordFixture } from './helpers/rewards.js';
import { makeRepo, type TestRepo } from './helpers/repo.js';

const AGENT = 'orion';
const paths = agentPaths(AGENT);

let repo: TestRepo | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
});

function belief(kind: WorldKind, name: string, extra: Record<string, unknown> = {}): BeliefData {
  const common = {
    name,
    aliases: [],
    tags: ['api'],
    confidence: 0.5,
    evidence: [{ task: 't-1', supports: true, at: '2026-05-01T00:00:00Z', note: null }],
    created: '2026-05-01T00:00:00Z',
    valid_at: '2026-05-01T00:00:00Z',
    invalid_at: null,
    superseded_by: null,
  };
  const base =
    kind === 'hypothesis'
      ? { kind, ...common, claim: 'The cache is warm.', proposes: 'entity', status: 'open' }
      : kind === 'relation'
        ? { kind, ...common, subject: 'api', predicate: 'uses', object: 'cache', status: 'active' }
        : { kind, ...common, status: 'active' };
  return { ...base, ...extra } as BeliefData;
}

/** Texts a person or a model could leave in a field, including every kind YAML treats specially. */
const AWKWARD = [
  'x: y',
  '#c',
  '- d',
  '',
  'yes',
  '123',
  '0.5',
  'null',
  'True',
  'a"b',
  "it's",
  ' lead',
  'trail ',
  'multi\nline',
  'tab\there',
  'é ü 中文',
  'a #b',
  '@x',
  '[x]',
  '{y}',
  '*alias',
  '&anchor',
  '!tag',
  '.inf',
  '0x1F',
  '1e3',
  '~',
  'back\\slash',
  '2026-05-01',
];

describe('the fast frontmatter reader', () => {
  it('reads what the runtime writes exactly as parseBelief does, and gives up on anything else', () => {
    const cases: { kind: WorldKind; data: BeliefData }[] = [];
    for (const kind of ['entity', 'relation', 'hypothesis'] as const) {
      cases.push({ kind, data: belief(kind, 'plain name') });
      cases.push({
        kind,
        data: belief(kind, 'merged', {
          status: kind === 'hypothesis' ? 'refuted' : 'superseded',
          invalid_at: '2026-05-03T00:00:00Z',
          merged_into: 'agents/orion/world/entities/canonical.md',
          evidence: [
            { task: 't-1', supports: true, at: '2026-05-01T00:00:00Z', note: null },
            {
              task: 't-2',
              supports: false,
              at: '2026-05-02T00:00:00Z',
              note: 'contradicted',
              withdrawn: true,
              by: 'octocat',
            },
          ],
          duplicate_nominations: [
            {
              of: 'agents/orion/world/entities/other.md',
              task: 't-3',
              at: '2026-05-02T01:00:00Z',
              note: null,
            },
          ],
          extra: { nested: { deeper: [1, 2.5, -3, true, null] } },
        }),
      });
      for (const text of AWKWARD)
        cases.push({
          kind,
          data: belief(kind, `name ${text}`, { tags: [text || 'x'], note: text }),
        });
    }
    let fast = 0;
    for (const { kind, data } of cases) {
      const path = paths.world(kind, 'case');
      const text = renderBelief({ slug: 'case', path, data, body: 'Body.' });
      // The reference: the full YAML parser; parseBelief itself now takes the fast way when it can.
      const full: BeliefData = parseMarkdownFull<BeliefData>(path, text, SCHEMAS[kind]).data;
      expect({ text, data: parseBelief(kind, 'case', path, text).data }).toEqual({
        text,
        data: full,
      });
      const read = fastBeliefData(kind, text);
      if (read !== undefined) {
        fast++;
        expect({ text, data: read }).toEqual({ text, data: full });
      }
    }
    // Most of what the runtime writes takes the fast way (otherwise this reader saves nothing).
    expect(fast).toBeGreaterThan(cases.length * 0.6);
  });

  it('gives up on YAML it does not read for certain, and on files that break the schema', () => {
    const head = (lines: string) =>
      `---\nkind: entity\nname: n\naliases: []\ntags: []\nconfidence: 0.5\ncreated: 2026-05-01T00:00:00Z\n${lines}---\n\nBody.\n`;
    for (const text of [
      head('status: {a: 1}\n'),
      head('status: active # a comment\n'),
      head('status: &a active\n'),
      head('note: |-\n  two\n  lines\n'),
      head('status: active\nstatus: retired\n'),
      head('<<: {status: retired}\n'),
      head('confidence: 012\n'),
      head('note: "\\x41"\n'),
      head('status: active\n  continued\n'),
      head('status: unknown-status\n'),
      '---yaml\nkind: entity\n---\n',
      '---\r\nkind: entity\r\n---\r\n',
    ])
      expect({ text, data: fastBeliefData('entity', text) }).toEqual({ text, data: undefined });
  });
});

function rewardRecord(
  taskId: string,
  at: string,
  extra: Record<string, unknown> = {},
): RewardRecord {
  return rewardRecordFixture(AGENT, taskId, at, extra);
}

describe('the reward rows', () => {
  it('keep what every metric reads of a record', () => {
    const route = {
      tier: 'cheap-fast',
      default_tier: 'balanced',
      reason: 'r',
      explored: true,
      source: 'routing.md',
      demand_reason: 'd',
      cluster: 'c',
      tags: [],
      estimates: {
        'cheap-fast': { success: 0.4, cost: 0.001, start_success: 0.5, start_cost: 0.002 },
        strongest: { success: 0.9, cost: 0.06, start_success: 0.9, start_cost: 0.06 },
      },
    };
    const records = [
      rewardRecord('a', '2026-05-01T00:00:00Z'),
      rewardRecord('b', '2026-05-01T00:01:00Z', {
        outcome: 'failure',
        reward: -1,
        cost_usd: null,
        tiers_tried: ['cheap-fast', 'balanced'],
        skills_used: ['skills/a.md'],
        route,
        context: {
          included: 5,
          used: 2,
          tokens: 900,
          available: 12,
          used_tokens: 300,
          used_ids: ['skills/a.md', 'shared/iac/segments/api.md'],
        },
      }),
      rewardRecord('c', '2026-05-01T00:02:00Z', { segments_used: ['shared/iac/segments/x.md'] }),
    ];
    for (const record of records) {
      const back = rowRecord(JSON.parse(JSON.stringify(recordRow(record))));
      expect(routeOf(back)).toEqual(routeOf(record));
      expect(segmentsUsedOf(back)).toEqual(segmentsUsedOf(record));
      const { route: _r, segments_used: _s, context, ...rest } = back;
      const { used_ids: _u, ...shown } = record.context;
      expect(context).toEqual(shown);
      for (const [key, value] of Object.entries(rest))
        expect([key, value]).toEqual([key, record[key as keyof RewardRecord]]);
    }
  });

  it('are the records readRewardLog reads, one per task, through the cache and without it', async () => {
    repo = await makeRepo();
    // Two shards of one date whose records interleave, a task sealed twice (the later copy wins)
    // and recent records, one of them a task the shards also hold.
    const first = [
      rewardRecord('t1', '2026-05-01T00:00:00Z'),
      rewardRecord('t3', '2026-05-01T02:00:00Z'),
      rewardRecord('t5', '2026-05-01T04:00:00Z', { outcome: 'partial', reward: 0 }),
    ];
    const second = [
      rewardRecord('t2', '2026-05-01T01:00:00Z'),
      rewardRecord('t5', '2026-05-01T04:00:00Z', { outcome: 'failure', reward: -1 }),
      rewardRecord('t4', '2026-05-01T03:00:00Z'),
    ];
    for (const batch of [first, second])
      for (const change of planSeal(
        AGENT,
        batch.map((record) => ({ path: recentRecordPath(AGENT, record.task_id), record })),
      ).changes)
        if (!('delete' in change)) repo.write(change.path, change.content);
    for (const record of [
      rewardRecord('t6', '2026-05-02T00:00:00Z'),
      rewardRecord('t2', '2026-05-02T01:00:00Z', { model_used: 'strongest' }),
    ])
      repo.write(
        recentRecordPath(AGENT, record.task_id),
        renderRewardFile('Reward record', [renderRewardLine(record)]),
      );
    await repo.git.exec(['add', '-A']);
    await commitStaged(repo.git, 'Rewards by hand');

    const expected = readRewardLog(repo.dir, AGENT).records.map((r) => [
      r.task_id,
      r.outcome,
      r.model_used,
    ]);
    expect(expected.map(([id]) => id).sort()).toEqual(['t1', 't2', 't3', 't4', 't5', 't6']);
    const direct = readMetricRecords(repo.dir, AGENT, directReads(repo.dir));
    expect(direct.map((r) => [r.task_id, r.outcome, r.model_used])).toEqual(expected);
    for (let run = 0; run < 2; run++) {
      const index = await MemoryIndex.open(repo.dir, repo.git);
      const cached = readMetricRecords(repo.dir, AGENT, index);
      index.save();
      expect(cached.map((r) => [r.task_id, r.outcome, r.model_used])).toEqual(expected);
      if (run === 1) expect(index.stats.misses).toBe(0);
    }
  });
});

describe('agentos metrics --json with its cache', () => {
  it('prints the same on a first and a cached run, and follows a person’s edits', async () => {
    repo = await makeRepo();
    const world = (kind: WorldKind, slug: string, data: BeliefData) =>
      repo?.write(
        paths.world(kind, slug),
        renderBelief({ slug, path: paths.world(kind, slug), data, body: 'B.' }),
      );
    world('hypothesis', 'warm-cache', belief('hypothesis', 'warm cache'));
    world('entity', 'api', belief('entity', 'api'));
    for (let i = 0; i < 6; i++) {
      const record = rewardRecord(`t${i}`, `2026-05-0${i + 1}T00:00:00Z`, {
        outcome: i % 3 === 0 ? 'failure' : 'success',
        reward: i % 3 === 0 ? -1 : 1,
      });
      repo.write(
        recentRecordPath(AGENT, record.task_id),
        renderRewardFile('Reward record', [renderRewardLine(record)]),
      );
    }
    await repo.git.exec(['add', '-A']);
    await commitStaged(repo.git, 'Memory by hand');

    const metrics = async () => {
      const run = await runCli(['metrics', '--json', '--agent', AGENT, '--dir', repo?.dir ?? '']);
      expect(run.code).toBe(0);
      return JSON.parse(run.stdout) as {
        agents: { beliefs_by_status: Record<string, number>; current: { tasks: number } }[];
      };
    };
    const first = await metrics();
    // The template's own world files count too: only the change is asserted below.
    const before = first.agents[0]?.beliefs_by_status ?? {};
    expect(before['hypothesis: open']).toBeGreaterThanOrEqual(1);
    expect(await metrics()).toEqual(first);

    // A person promotes the hypothesis (uncommitted) and adds a record: the cache does not hide it.
    world('hypothesis', 'warm-cache', belief('hypothesis', 'warm cache', { status: 'promoted' }));
    const record = rewardRecord('t9', '2026-05-06T12:00:00Z');
    repo.write(
      recentRecordPath(AGENT, record.task_id),
      renderRewardFile('Reward record', [renderRewardLine(record)]),
    );
    const after = await metrics();
    const changed = after.agents[0]?.beliefs_by_status ?? {};
    expect(changed['hypothesis: open']).toBe((before['hypothesis: open'] ?? 0) - 1);
    expect(changed['hypothesis: promoted']).toBe((before['hypothesis: promoted'] ?? 0) + 1);
    expect(after.agents[0]?.current.tasks).toBe((first.agents[0]?.current.tasks ?? 0) + 1);
  });
});
