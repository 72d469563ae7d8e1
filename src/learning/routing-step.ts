// The learning run's routing step (SPEC §5, §7): the whole reward log folded into the learned
// policy's evidence and rendered as routing.md, so the file's history in git is the policy's
// evolution. Returns the write, or nothing when the file would not change.
import { join } from 'node:path';
import type { AgentMemory } from '../loop/agent-memory.js';
import { readTextIfExists } from '../memory/files.js';
import { agentPaths } from '../memory/layout.js';
import { TIERS } from '../memory/registry.js';
import { readRewardIndex, readRewardLog, recordChangedAt } from '../memory/reward-log.js';
import { evidenceFromLog } from '../routing/log-evidence.js';
import { renderRoutingFile } from '../routing/routing-file.js';
import { configuredTierCosts } from '../routing/runtime-policy.js';

export interface RoutingUpdate {
  path: string;
  content: string;
  /** One line per cluster whose tier changed, for the commit body. */
  lines: string[];
}

export function planRoutingUpdate(
  repoRoot: string,
  memory: AgentMemory,
): RoutingUpdate | undefined {
  const agent = memory.agent.name;
  const path = agentPaths(agent).routing;
  const previous = memory.routing.status === 'ok' ? memory.routing.data : undefined;
  // Nothing changed in the log since the file was written, seen from the log's summaries: no need
  // to read 100,000 records (an answer that cannot tell is settled by the full read below).
  if (previous) {
    const index = readRewardIndex(repoRoot, agent, memory.cache);
    if (previous.records === index.size && previous.updated === index.latestChange())
      return undefined;
  }
  const { records } = readRewardLog(repoRoot, agent, memory.cache);
  if (records.length === 0) return undefined;
  let through = '';
  for (const record of records) {
    const changed = recordChangedAt(record);
    if (through === '' || Date.parse(changed) > Date.parse(through)) through = changed;
  }
  // Nothing changed in the log since the file was written: keep it (and its "what changed").
  if (previous && previous.records === records.length && previous.updated === through)
    return undefined;
  const content = renderRoutingFile({
    agent,
    through,
    records: records.length,
    evidence: evidenceFromLog(records, TIERS),
    tiers: configuredTierCosts(memory.registry, memory.registry.context.token_budget),
    budget: memory.agent.budget,
    maxEscalations: memory.registry.llm.max_escalations,
    previous,
  });
  if (readTextIfExists(join(repoRoot, path)) === content) return undefined;
  const section = /## What changed since the last run\n\n([\s\S]*?)\n\n/.exec(content)?.[1] ?? '';
  return { path, content, lines: section.split('\n').filter((line) => line.startsWith('- ')) };
}
