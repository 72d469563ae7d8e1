// A task run's job summary: the task's own figures beside the agent's averages over its last 50
// tasks, so a reader sees at once whether this task was typical, cheaper or worse.
import { TIERS } from '../memory/registry.js';
import { readRewardIndex } from '../memory/reward-log.js';
import type { RewardRecord } from '../memory/rewards.js';
import { formatValue } from './render.js';

/** How many earlier tasks the averages cover. */
export const COMPARISON_TASKS = 50;

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

function usedShare(record: RewardRecord): number | null {
  const used = record.context.used_tokens;
  return used === undefined || record.context.tokens === 0 ? null : used / record.context.tokens;
}

function show(value: number | null, format: (n: number) => string, what = 'no data'): string {
  return value === null ? `_${what}_` : format(value);
}

/** The comparison table for `record` against `earlier` (the tasks before it, oldest first). */
export function taskComparisonLines(
  record: RewardRecord,
  earlier: readonly RewardRecord[],
): string[] {
  if (earlier.length === 0)
    return [
      "**This task beside the agent's earlier tasks**",
      '',
      '_The first task of the agent: nothing to compare with yet._',
    ];
  const heading = `**This task beside the agent's last ${earlier.length} tasks**`;
  const ratio = (n: number) => formatValue('ratio', n);
  const usd = (n: number) => formatValue('usd', n);
  const count = (n: number) => String(Math.round(n));
  const tokens = (r: RewardRecord) => r.tokens.prompt + r.tokens.completion;
  const costs = earlier.filter((r) => r.cost_usd !== null).map((r) => r.cost_usd ?? 0);
  const shares = earlier.map(usedShare).filter((v): v is number => v !== null);
  const mix = TIERS.map((tier) => {
    const n = earlier.filter((r) => r.model_used === tier).length;
    return `${tier} ${ratio(n / earlier.length)}`;
  }).join(', ');
  const rows: [string, string, string][] = [
    [
      'success',
      record.outcome === 'success' ? 'yes' : `no (${record.outcome})`,
      ratio(earlier.filter((r) => r.outcome === 'success').length / earlier.length),
    ],
    [
      'reward',
      formatValue('reward', record.reward),
      show(mean(earlier.map((r) => r.reward)), (n) => formatValue('reward', n)),
    ],
    ['tokens', String(tokens(record)), show(mean(earlier.map(tokens)), count)],
    ['cost', show(record.cost_usd, usd, 'unknown'), show(mean(costs), usd, 'unknown')],
    [
      'context tokens',
      String(record.context.tokens),
      show(mean(earlier.map((r) => r.context.tokens)), count),
    ],
    [
      'share of the context used',
      show(usedShare(record), ratio, 'not recorded'),
      show(mean(shares), ratio, 'not recorded'),
    ],
    ['tier', `\`${record.model_used}\``, mix],
  ];
  return [
    heading,
    '',
    `| | this task | average of the last ${earlier.length} |`,
    '|---|---|---|',
    ...rows.map(([key, mine, theirs]) => `| ${key} | ${mine} | ${theirs} |`),
  ];
}

/** The comparison for a task just recorded, against the agent's tasks before it in the log. */
export function readTaskComparison(repoRoot: string, record: RewardRecord): string[] {
  const agent = record.agent;
  if (agent === undefined) return [];
  const earlier = readRewardIndex(repoRoot, agent)
    .recent(COMPARISON_TASKS + 1)
    .filter((r) => r.task_id !== record.task_id)
    .slice(-COMPARISON_TASKS);
  return taskComparisonLines(record, earlier);
}
