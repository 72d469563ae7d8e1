// agents/<name>/metrics.md: the report a learning run commits for one agent (over the default
// window), and the Markdown the action's job summaries show.
import type { Git } from '../git/git.js';
import { agentPaths } from '../memory/layout.js';
import { buildMetricsReport } from './report.js';
import { renderAgentMetricsFile } from './render.js';
import { DEFAULT_WINDOW } from './windows.js';

/** The repository path of an agent's committed metrics report. */
export function metricsFilePath(agent: string): string {
  return agentPaths(agent).metrics;
}

/**
 * The agent's metrics.md as it should read now, or undefined when the agent has no record, belief
 * or proposal yet (nothing to measure, so nothing to commit). Deterministic: the same repository
 * gives the same text.
 */
export async function agentMetricsFile(input: {
  repoRoot: string;
  git: Git;
  agent: string;
}): Promise<{ path: string; content: string } | undefined> {
  const report = await buildMetricsReport({ ...input, window: DEFAULT_WINDOW });
  const [metrics] = report.agents;
  if (!metrics) throw new Error(`no metrics computed for agent ${input.agent}`); // one agent asked, one given
  if (metrics.anchor === null) return undefined;
  return {
    path: metricsFilePath(input.agent),
    content: renderAgentMetricsFile(metrics, DEFAULT_WINDOW),
  };
}
