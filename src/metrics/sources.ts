// What the metrics read, as plain data: the reward log, the world model, proposals, segments and
// the history of routing.md, already taken out of their files (read.ts does the reading).
import type { WorldKind } from '../memory/layout.js';
import type { RewardRecord } from '../memory/rewards.js';
import type { ProposalFacts } from './expected-shapes.js';

/**
 * What the metrics read of one reward record: every field a metric, a window or a chart looks at,
 * and nothing else (record-facts.ts keeps these, not whole records, for a 100,000-record log).
 * A whole RewardRecord is one too.
 */
export type MetricRecord = Pick<
  RewardRecord,
  | 'task_id'
  | 'at'
  | 'outcome'
  | 'reward'
  | 'model_used'
  | 'model_appropriate'
  | 'tiers_tried'
  | 'cost_usd'
  | 'context'
  | 'skills_used'
  | 'segments_used'
> & {
  /** Read loosely by expected-shapes.ts (routeOf): tier, default_tier, explored, estimates. */
  route?: unknown;
};

/** What the metrics need of one world-model file. */
export interface BeliefFacts {
  path: string;
  kind: WorldKind;
  status: string;
  created: string;
  /** When it stopped being true (superseded, refuted, merged), or null. */
  invalidAt: string | null;
  /** The canonical belief a duplicate collapse merged it into, or null. */
  mergedInto: string | null;
  /** Times of the contradicting evidence that still counts (not withdrawn), oldest first. */
  contradictedAt: string[];
  /** Duplicates a model nominated and code has not collapsed yet, with their times. */
  nominatedAt: string[];
  /** The newest time the file records (evidence, nominations, creation, invalidation). */
  lastAt: string;
}

/** A source a metric reads, or why there is none yet. */
export type Available<T> = { available: true; items: T } | { available: false; reason: string };

export interface MetricsSources {
  agent: string;
  /**
   * One record per task, oldest first by time (then task id). From readWindowedSources, only those
   * the report's windows reach (and the oldest): the others change no metric.
   */
  records: readonly MetricRecord[];
  beliefs: readonly BeliefFacts[];
  /** The agent's proposals (those it proposed), when the repository has a proposals folder. */
  proposals: Available<readonly ProposalFacts[]>;
  /** Repository paths of the shared segments, when the repository has a segments folder. */
  segments: Available<readonly string[]>;
  /** Commit times of routing.md, oldest first: when the learned routing policy changed. */
  routingRevisions: readonly string[];
}
