// `agentos metrics`, the action's metrics mode and the learning run's metrics.md: every agent's
// metrics (or one agent's) read from the repository, as versioned JSON and as Markdown.
import type { Git } from '../git/git.js';
import { InputError } from '../errors.js';
import { MemoryIndex } from '../memory/memory-index.js';
import { directReads, type ParseCache } from '../memory/parse-cache.js';
import { findAgent, loadRegistry } from '../memory/registry.js';
import { isoSeconds } from '../memory/schema-parts.js';
import { computeAgentMetrics, type AgentMetrics } from './compute.js';
import { readRoutingRevisions, readWindowedSources } from './read.js';
import type { MetricsSources } from './sources.js';
import { atOrAfter, DEFAULT_WINDOW, formatWindow, type WindowSpec } from './windows.js';

/** The version of the JSON schema (metrics/json-schema.ts, docs/metrics.md); bumped on any breaking change. */
export const METRICS_SCHEMA_VERSION = 1;

export interface MetricsReport {
  schema_version: typeof METRICS_SCHEMA_VERSION;
  /** The window, as given to --window (`7d`, `50tasks`). */
  window: string;
  /** Data before this time was left out (--since), or null. */
  since: string | null;
  agents: AgentMetrics[];
}

export interface MetricsRequest {
  repoRoot: string;
  git?: Git;
  /** One agent; default every agent of agents.yaml. */
  agent?: string;
  since?: string;
  window?: WindowSpec;
  /** Serves unchanged files from earlier parses (the learning run passes its memory's cache). */
  cache?: ParseCache;
}

/** Parses --since: an ISO date or time; an InputError naming the flag otherwise. */
export function parseSince(text: string): string {
  const time = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(time))
    throw new InputError(`--since: must be a date such as 2026-11-01 (got "${text}")`);
  return isoSeconds(new Date(time));
}

/** The sources with everything before `since` left out. */
export function sourcesSince(sources: MetricsSources, since: string | undefined): MetricsSources {
  if (since === undefined) return sources;
  const after = atOrAfter(since);
  return {
    ...sources,
    records: sources.records.filter((r) => after(r.at)),
    beliefs: sources.beliefs.filter((b) => after(b.lastAt)),
    proposals: sources.proposals.available
      ? {
          available: true,
          items: sources.proposals.items.filter(
            (p) => after(p.openedAt) || after(p.mergedAt) || after(p.closedAt),
          ),
        }
      : sources.proposals,
    routingRevisions: sources.routingRevisions.filter(after),
  };
}

/** Opens the memory index when the repository has one to keep; parses every file otherwise. */
async function openCache(
  repoRoot: string,
  git: Git | undefined,
): Promise<{ cache: ParseCache; save(): void }> {
  if (git) {
    try {
      const index = await MemoryIndex.open(repoRoot, git);
      return { cache: index, save: () => index.save() };
    } catch {
      // Not a git repository, or git cannot say what changed: parse every file.
    }
  }
  return { cache: directReads(repoRoot), save: () => {} };
}

export async function buildMetricsReport(request: MetricsRequest): Promise<MetricsReport> {
  const registry = loadRegistry(request.repoRoot);
  const agents =
    request.agent !== undefined
      ? [findAgent(registry, request.agent).name]
      : registry.agents.map((agent) => agent.name);
  const spec = request.window ?? DEFAULT_WINDOW;
  // Every agent's routing.md history is read by git in the background while files are parsed.
  const revisions = agents.map((agent) => {
    const read = readRoutingRevisions(request.git, agent);
    read.catch(() => undefined);
    return read;
  });
  const opened = request.cache
    ? { cache: request.cache, save: () => {} }
    : await openCache(request.repoRoot, request.git);
  const results: AgentMetrics[] = [];
  for (const [i, agent] of agents.entries()) {
    // Only the records the windows reach are read whole (read.ts); --since is applied there.
    const sources = await readWindowedSources({
      repoRoot: request.repoRoot,
      ...(request.git ? { git: request.git } : {}),
      agent,
      cache: opened.cache,
      ...(revisions[i] ? { routingRevisions: revisions[i] } : {}),
      spec,
      ...(request.since !== undefined ? { since: request.since } : {}),
    });
    results.push(computeAgentMetrics(sources, spec));
  }
  opened.save();
  return {
    schema_version: METRICS_SCHEMA_VERSION,
    window: formatWindow(spec),
    since: request.since ?? null,
    agents: results,
  };
}
