// The metrics report a person reads at a glance: per agent, a table of every metric with its value,
// the previous window's value and an arrow, what routing saved, and Mermaid charts (rendered by
// GitHub in issues, pull requests, job summaries and committed Markdown) where a chart reads better.
import { TIERS } from '../memory/registry.js';
import type { AgentMetrics, MetricReport, RoutingSavings, SeriesPoint, Trend } from './compute.js';
import type { MetricUnit, MetricValue } from './definitions.js';
import type { MetricsReport } from './report.js';
import { formatWindow, type WindowSpec } from './windows.js';

export const METRICS_DOC = 'docs/metrics.md';

export function formatValue(unit: MetricUnit, value: number): string {
  switch (unit) {
    case 'ratio':
      return `${(value * 100).toFixed(value >= 0.995 || value < 0.1 ? 1 : 0)}%`;
    case 'reward':
      return `${value > 0 ? '+' : ''}${value.toFixed(2)}`;
    case 'usd':
      return `$${value < 1 ? value.toFixed(4) : value.toFixed(2)}`;
    case 'hours':
      return `${value < 10 ? value.toFixed(1) : value.toFixed(0)} h`;
  }
}

function cell(unit: MetricUnit, value: MetricValue): string {
  if (value.status === 'ok' && value.value !== null) {
    const of =
      unit === 'ratio' && value.numerator !== null && value.denominator !== null
        ? ` (${round(value.numerator)}/${value.denominator})`
        : value.denominator !== null && (unit === 'hours' || unit === 'usd')
          ? ` (n=${value.denominator})`
          : '';
    return `${formatValue(unit, value.value)}${of}`;
  }
  const label = value.status === 'no-data' ? 'no data' : 'not enough data';
  return `_${label}: ${escapeCell(value.reason ?? '')}_`;
}

function round(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

const ARROWS: Record<Trend, string> = {
  better: 'better',
  worse: 'worse',
  same: '→ same',
  unknown: '·',
};

function trendCell(metric: MetricReport): string {
  if (metric.trend === 'better' || metric.trend === 'worse') {
    const up = (metric.current.value ?? 0) > (metric.previous.value ?? 0);
    return `${up ? '↑' : '↓'} ${ARROWS[metric.trend]}`;
  }
  return ARROWS[metric.trend];
}

function windowLine(spec: WindowSpec, agent: AgentMetrics): string {
  const size = spec.kind === 'days' ? `${spec.size} days` : `${spec.size} tasks`;
  if (agent.anchor === null) return 'No reward record, belief or proposal yet: nothing to measure.';
  return `Window: the last ${size} up to ${agent.anchor} (${agent.current.tasks} tasks), against the ${size} before (${agent.previous.tasks} tasks).`;
}

function savingsLines(savings: RoutingSavings): string[] {
  if (savings.status === 'no-data') return [`_No data: ${savings.reason}._`];
  const usd = (n: number) => formatValue('usd', n);
  return [
    `Over ${savings.tasks} tasks of the window: paid ${usd(savings.actual_usd)}; always-strongest would have cost ${usd(savings.always_strongest_usd)} (saved ${usd(savings.saved_usd)}); the oracle route ${usd(savings.oracle_usd)} (gap to the oracle ${usd(savings.gap_to_oracle_usd)}).`,
  ];
}

/** A Mermaid string: double quotes are the only thing a label cannot hold. */
function label(text: string): string {
  return `"${text.replace(/"/g, "'")}"`;
}

function pointLabel(point: SeriesPoint, spec: WindowSpec): string {
  return spec.kind === 'days' ? point.end.slice(5, 10) : `…${point.end.slice(5, 10)}`;
}

function number(n: number): string {
  return String(Math.round(n * 10_000) / 10_000);
}

/** A fenced Mermaid block. */
function mermaid(lines: string[]): string[] {
  return ['```mermaid', ...lines, '```'];
}

/** The report's Mermaid charts for one agent, each as the lines of a fenced block (none without data). */
export function agentCharts(
  agent: AgentMetrics,
  spec: WindowSpec,
): { title: string; lines: string[] }[] {
  const charts: { title: string; lines: string[] }[] = [];
  const points = agent.series;
  const axis = `x-axis [${points.map((p) => label(pointLabel(p, spec))).join(', ')}]`;
  const rated = points.filter((p) => p.success_rate !== null);
  if (rated.length > 0)
    charts.push({
      title: `Task success per window (${formatWindow(spec)})`,
      lines: mermaid([
        'xychart-beta',
        `  title ${label('Task success rate')}`,
        `  x-axis [${rated.map((p) => label(pointLabel(p, spec))).join(', ')}]`,
        `  y-axis ${label('success')} 0 --> 1`,
        `  bar [${rated.map((p) => number(p.success_rate ?? 0)).join(', ')}]`,
      ]),
    });
  const costed = points.filter((p) => p.cost_per_success !== null);
  if (costed.length > 0) {
    const max = Math.max(...costed.map((p) => p.cost_per_success ?? 0));
    charts.push({
      title: `Cost per successful task per window (USD)`,
      lines: mermaid([
        'xychart-beta',
        `  title ${label('Cost per successful task (USD)')}`,
        `  x-axis [${costed.map((p) => label(pointLabel(p, spec))).join(', ')}]`,
        `  y-axis ${label('USD')} 0 --> ${number(max > 0 ? max * 1.1 : 1)}`,
        `  line [${costed.map((p) => number(p.cost_per_success ?? 0)).join(', ')}]`,
      ]),
    });
  }
  if (points.length > 0)
    charts.push({
      title: `Tier mix per window (share of tasks; lines in order: ${TIERS.join(', ')})`,
      lines: mermaid([
        'xychart-beta',
        `  title ${label(`Tier mix: ${TIERS.join(', ')}`)}`,
        `  ${axis}`,
        `  y-axis ${label('share of tasks')} 0 --> 1`,
        ...TIERS.map(
          (tier) =>
            `  line [${points.map((p) => number(p.tasks === 0 ? 0 : p.tiers[tier] / p.tasks)).join(', ')}]`,
        ),
      ]),
    });
  const beliefs = Object.entries(agent.beliefs_by_status).filter(([, n]) => n > 0);
  if (beliefs.length > 0)
    charts.push({
      title: 'Beliefs by status',
      lines: mermaid([
        'pie title Beliefs by status',
        ...beliefs.map(([key, n]) => `  ${label(key)} : ${n}`),
      ]),
    });
  const proposals = Object.entries(agent.proposals_by_outcome ?? {}).filter(([, n]) => n > 0);
  if (proposals.length > 0)
    charts.push({
      title: 'Proposals by outcome',
      lines: mermaid([
        'pie title Proposals by outcome',
        ...proposals.map(([key, n]) => `  ${label(key)} : ${n}`),
      ]),
    });
  return charts;
}

/** The table of every metric: this window, the previous one, and the trend. */
export function metricsTable(agent: AgentMetrics): string[] {
  return [
    '| metric | this window | previous window | trend |',
    '|---|---|---|---|',
    ...agent.metrics.map(
      (m) =>
        `| ${m.name} | ${cell(m.unit, m.current)} | ${cell(m.unit, m.previous)} | ${trendCell(m)} |`,
    ),
  ];
}

/** One agent's section: heading, window, table, routing savings, charts. */
export function renderAgentMetrics(
  agent: AgentMetrics,
  spec: WindowSpec,
  heading = '##',
): string[] {
  const charts = agentCharts(agent, spec);
  return [
    `${heading} Metrics — ${agent.agent}`,
    '',
    windowLine(spec, agent),
    '',
    ...metricsTable(agent),
    '',
    `${heading}# What routing saved`,
    '',
    ...savingsLines(agent.routing_savings),
    ...(charts.length > 0
      ? ['', `${heading}# Charts`, ...charts.flatMap((c) => ['', `**${c.title}**`, '', ...c.lines])]
      : []),
    '',
  ];
}

/** The whole report as Markdown. */
export function renderMetricsMarkdown(report: MetricsReport, spec: WindowSpec): string {
  return [
    '# AgentOS metrics',
    '',
    `Computed from the repository alone. Definitions: \`${METRICS_DOC}\` in AgentOS. An arrow compares this window with the previous one; "no data" and "not enough data" say why a value is missing.${report.since ? ` Data since ${report.since}.` : ''}`,
    '',
    ...report.agents.flatMap((agent) => renderAgentMetrics(agent, spec)),
  ].join('\n');
}

/** `agents/<name>/metrics.md`, as a learning run commits it. */
export function renderAgentMetricsFile(agent: AgentMetrics, spec: WindowSpec): string {
  return [
    `# Metrics — ${agent.agent}`,
    '',
    `Written by AgentOS learning runs from the repository alone; definitions in \`${METRICS_DOC}\` of AgentOS. An arrow compares this window with the previous one.`,
    '',
    ...renderAgentMetrics(agent, spec, '#').slice(2),
  ].join('\n');
}
