// What a run reports (SPEC §4, §10): the action's outputs and the job summary in Markdown. Every
// output is always set (empty when it does not apply), so workflow expressions never see "null".
import { formatReward } from '../loop/commit-message.js';
import type { IterationResult } from '../loop/iteration.js';
import { agentRelative } from '../memory/layout.js';
import { formatCost } from './messages.js';

export const OUTPUT_NAMES = [
  'status',
  'task-id',
  'outcome',
  'reward',
  'tier',
  'model',
  'tokens',
  'cost-usd',
  'commit-sha',
  'proposal-url',
  'agents',
] as const;
export type OutputName = (typeof OUTPUT_NAMES)[number];
export type ActionOutputs = Record<OutputName, string>;

export type RunStatus =
  | 'done'
  | 'already-processed'
  | 'feedback-recorded'
  | 'replied'
  | 'no-task'
  | 'listed'
  | 'learned'
  | 'nothing-learned'
  | 'reported'
  | 'evaluated'
  | 'merged'
  | 'skipped'
  | 'failed';

export interface ActionReport {
  status: RunStatus;
  /** The summary's heading: what the run was about. */
  title: string;
  /** Markdown for the job summary. */
  lines: string[];
  outputs: Partial<ActionOutputs>;
}

export function completeOutputs(report: Pick<ActionReport, 'status' | 'outputs'>): ActionOutputs {
  const outputs = Object.fromEntries(OUTPUT_NAMES.map((name) => [name, ''])) as ActionOutputs;
  return { ...outputs, ...report.outputs, status: report.status };
}

/** Outputs of one finished iteration. */
export function iterationOutputs(result: IterationResult): Partial<ActionOutputs> {
  const record = result.record;
  return {
    'task-id': result.task.id,
    ...(record
      ? {
          outcome: record.outcome,
          reward: formatReward(record.reward),
          tier: record.model_used,
          model: record.model_name,
          tokens: String(record.tokens.prompt + record.tokens.completion),
          'cost-usd': record.cost_usd === null ? '' : String(record.cost_usd),
        }
      : {}),
    'commit-sha': result.commit ?? '',
  };
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** Summary lines for one iteration: the table, the memory it changed, the answer. */
export function iterationSummary(result: IterationResult, commitUrl: string | undefined): string[] {
  const record = result.record;
  if (!record) return [result.summary];
  const agent = result.task.agent;
  const rows: [string, string][] = [
    ['task', `\`${result.task.id}\` — ${cell(result.task.text.split('\n')[0] ?? '')}`],
    ['outcome', `${record.outcome} (${formatReward(record.reward)})`],
    ['demand → tier', `${record.reasoning_demand} → \`${record.model_used}\``],
    ['model', `\`${record.model_name}\``],
    ['tokens', `${record.tokens.prompt} prompt + ${record.tokens.completion} completion`],
    ['cost', formatCost(record.cost_usd)],
    [
      'context',
      `${record.context.included} items included, ${record.context.used} used, ${record.context.tokens} tokens`,
    ],
    [
      'commit',
      result.commit
        ? commitUrl && /^https?:/.test(commitUrl)
          ? `[${result.commit.slice(0, 7)}](${commitUrl})`
          : `\`${result.commit.slice(0, 7)}\``
        : 'none',
    ],
  ];
  const changes = [
    ...result.created.map((p) => `- created \`${agentRelative(agent, p)}\``),
    ...result.updated.map((p) => `- updated \`${agentRelative(agent, p)}\``),
    ...result.refused.map((r) => `- refused \`${r.item}\`: ${r.reason}`),
  ];
  return [
    '| | |',
    '|---|---|',
    ...rows.map(([key, value]) => `| ${key} | ${value} |`),
    '',
    '**Memory changes**',
    '',
    ...(changes.length > 0 ? changes : ['- none']),
    '',
    '<details><summary>Answer</summary>',
    '',
    result.answer ?? '',
    '',
    '</details>',
  ];
}

export function renderSummary(report: ActionReport): string {
  return [`## AgentOS — ${report.title}`, '', ...report.lines, ''].join('\n');
}
