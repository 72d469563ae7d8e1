// The edge of the metrics: reads one agent's sources from the repository (the reward log, world
// files, proposals and segments, the git history of routing.md) into plain data for compute.ts.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Git } from '../git/git.js';
import { listMarkdown } from '../memory/files.js';
import { agentPaths, PROPOSALS_DIR, SEGMENTS_DIR, WORLD_KINDS } from '../memory/layout.js';
import { parseMarkdown } from '../memory/markdown.js';
import { directReads, type ParseCache } from '../memory/parse-cache.js';
import { parseBelief, type Belief, type BeliefData } from '../world/beliefs.js';
import { fastBeliefData } from './belief-frontmatter.js';
import { proposalOf, type ProposalFacts } from './expected-shapes.js';
import { timeSpan } from './compute.js';
import { readMetricRecords, readRecordTimeline } from './record-facts.js';
import type { Available, BeliefFacts, MetricRecord, MetricsSources } from './sources.js';
import { atOrAfter, positionsTheWindowsReach, SERIES_WINDOWS, type WindowSpec } from './windows.js';

/** Names the proposal reader in the parse cache; bump it when proposalOf changes. */
const PROPOSAL_KIND = 'metrics-proposal@1';
const PROPOSAL_FILE = /^prop-[\w-]+\.md$/;
/** Names the world-file reader in the parse cache; bump it when beliefFacts changes. */
const BELIEF_FACTS_KIND = 'metrics-belief@2';

const FrontmatterSchema = z.looseObject({});

function latest(times: readonly (string | null | undefined)[]): string {
  let best = '';
  let bestTime = -Infinity;
  for (const at of times) {
    if (!at) continue;
    const time = Date.parse(at);
    if (time > bestTime) {
      best = at;
      bestTime = time;
    }
  }
  return best;
}

export function beliefFacts(belief: Pick<Belief, 'path' | 'data'>): BeliefFacts {
  const data = belief.data;
  const folded = data.evidence_folded;
  const contradictedAt = [
    ...(folded?.first_contradiction_at ? [folded.first_contradiction_at] : []),
    ...data.evidence.filter((e) => !e.supports && e.withdrawn !== true).map((e) => e.at),
  ].sort((a, b) => Date.parse(a) - Date.parse(b));
  const nominatedAt = (data.duplicate_nominations ?? []).map((n) => n.at);
  return {
    path: belief.path,
    kind: data.kind,
    status: data.status,
    created: data.created,
    invalidAt: data.invalid_at,
    mergedInto: data.merged_into ?? null,
    contradictedAt,
    nominatedAt,
    lastAt: latest([
      data.created,
      data.invalid_at,
      folded?.through,
      ...data.evidence.map((e) => e.at),
      ...nominatedAt,
    ]),
  };
}

/** Records oldest first by time, then task id (each time parsed once: a log holds 100,000). */
export function sortByTime<R extends Pick<MetricRecord, 'at' | 'task_id'>>(
  records: readonly R[],
): R[] {
  const times = records.map((record) => Date.parse(record.at));
  const order = records.map((_, i) => i);
  order.sort((i, j) => {
    const ti = times[i] ?? 0;
    const tj = times[j] ?? 0;
    if (ti !== tj) return ti - tj;
    const a = records[i]?.task_id ?? '';
    const b = records[j]?.task_id ?? '';
    return a < b ? -1 : a > b ? 1 : 0;
  });
  return order.map((i) => records[i] as R);
}

/**
 * What the metrics need of each of the agent's world files, in loadWorld's order. A file the
 * runtime wrote is read by the fast frontmatter reader; any other (or one that breaks its schema)
 * the full way, which throws naming the file, as loadWorld does. Only the facts are cached.
 */
export function readBeliefFacts(repoRoot: string, agent: string, cache: ParseCache): BeliefFacts[] {
  const paths = agentPaths(agent);
  return WORLD_KINDS.flatMap((kind) =>
    listMarkdown(repoRoot, paths.worldFolder(kind)).flatMap((name) => {
      const slug = name.slice(0, -'.md'.length);
      const path = paths.world(kind, slug);
      const facts = cache.parse(path, BELIEF_FACTS_KIND, (text) => {
        const data: BeliefData =
          fastBeliefData(kind, text) ?? parseBelief(kind, slug, path, text).data;
        return beliefFacts({ path, data });
      });
      return facts ? [facts] : [];
    }),
  );
}

/** The proposals `agent` proposed, or why the repository has none to read. */
export function readProposals(
  repoRoot: string,
  agent: string,
  cache: ParseCache,
): Available<readonly ProposalFacts[]> {
  if (!existsSync(join(repoRoot, PROPOSALS_DIR)))
    return {
      available: false,
      reason: `${PROPOSALS_DIR}/ does not exist: no proposal decided yet`,
    };
  const items = listMarkdown(repoRoot, PROPOSALS_DIR)
    .filter((name) => PROPOSAL_FILE.test(name))
    .flatMap((name) => {
      const path = `${PROPOSALS_DIR}/${name}`;
      const facts = cache.parse(path, PROPOSAL_KIND, (text) =>
        proposalOf(path, parseMarkdown(path, text, FrontmatterSchema).data),
      );
      return facts ? [facts] : [];
    })
    .filter((p) => p.proposer === agent);
  return { available: true, items };
}

export function readSegmentPaths(repoRoot: string): Available<readonly string[]> {
  if (!existsSync(join(repoRoot, SEGMENTS_DIR)))
    return { available: false, reason: `${SEGMENTS_DIR}/ does not exist: no shared segment yet` };
  return {
    available: true,
    items: listMarkdown(repoRoot, SEGMENTS_DIR)
      .filter((name) => name !== 'README.md')
      .map((name) => `${SEGMENTS_DIR}/${name}`),
  };
}

/** Commit times of the agent's routing.md, oldest first; none outside a git repository. */
export async function readRoutingRevisions(git: Git | undefined, agent: string): Promise<string[]> {
  if (!git) return [];
  const result = await git.exec(
    ['log', '--format=%cI', '--no-renames', '--', agentPaths(agent).routing],
    { allowFailure: true },
  );
  if (result.exitCode !== 0) return [];
  return result.stdout
    .split('\n')
    .filter((line) => line !== '')
    .reverse();
}

export async function readMetricsSources(input: {
  repoRoot: string;
  git?: Git;
  agent: string;
  cache?: ParseCache;
  /** The agent's routing revisions when the caller started reading them already. */
  routingRevisions?: Promise<string[]>;
}): Promise<MetricsSources> {
  const cache = input.cache ?? directReads(input.repoRoot);
  // git reads routing.md's history in its own process while this one parses files.
  const routingRevisions = input.routingRevisions ?? readRoutingRevisions(input.git, input.agent);
  // Awaited below; marked handled now so a parse error thrown first is the one the caller sees.
  routingRevisions.catch(() => undefined);
  const records = sortByTime(readMetricRecords(input.repoRoot, input.agent, cache));
  return {
    agent: input.agent,
    records,
    beliefs: readBeliefFacts(input.repoRoot, input.agent, cache),
    proposals: readProposals(input.repoRoot, input.agent, cache),
    segments: readSegmentPaths(input.repoRoot),
    routingRevisions: await routingRevisions,
  };
}

/**
 * The sources as the metrics of `spec` see them after `since`: what readMetricsSources reads, with
 * the records --since leaves out already left out, and of the rest only those the windows reach
 * read whole (the others are read for their task id and time). computeAgentMetrics gives the same
 * over these as over every record: the windows hold the same records and start at the same times.
 */
export async function readWindowedSources(input: {
  repoRoot: string;
  git?: Git;
  agent: string;
  cache?: ParseCache;
  routingRevisions?: Promise<string[]>;
  spec: WindowSpec;
  since?: string;
}): Promise<MetricsSources> {
  const cache = input.cache ?? directReads(input.repoRoot);
  const routingRevisions = input.routingRevisions ?? readRoutingRevisions(input.git, input.agent);
  routingRevisions.catch(() => undefined);
  const timeline = readRecordTimeline(input.repoRoot, input.agent, cache);
  const kept = input.since === undefined ? () => true : atOrAfter(input.since);
  const entries = sortByTime(timeline.entries.filter((entry) => kept(entry.at)));
  const beliefs = readBeliefFacts(input.repoRoot, input.agent, cache).filter((b) => kept(b.lastAt));
  const allProposals = readProposals(input.repoRoot, input.agent, cache);
  const proposals: MetricsSources['proposals'] = allProposals.available
    ? {
        available: true,
        items: allProposals.items.filter(
          (p) => kept(p.openedAt) || kept(p.mergedAt) || kept(p.closedAt),
        ),
      }
    : allProposals;
  const span = timeSpan({ records: entries, beliefs, proposals });
  const reached = span
    ? positionsTheWindowsReach(
        input.spec,
        entries.map((entry) => Date.parse(entry.at)),
        span.last,
        SERIES_WINDOWS,
      )
    : [];
  return {
    agent: input.agent,
    records: timeline.records(reached.map((i) => entries[i] as (typeof entries)[number])),
    beliefs,
    proposals,
    segments: readSegmentPaths(input.repoRoot),
    routingRevisions: (await routingRevisions).filter((at) => kept(at)),
  };
}
