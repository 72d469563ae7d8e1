// The learning run's outcome rule for beliefs (SPEC §7): what the reward log says about the beliefs
// tasks built on. A belief that tasks keep using and keep failing with is a suspect claim: each of
// those failed tasks becomes its word against the belief, as a person's "wrong" verdict does
// (world/feedback.ts), and the world's own rules then refute or supersede it. Mirrors the skill
// rule (a skill used 4+ times with a success rate below 25% is archived). Pure.
import type { EvidenceSource } from '../memory/evidence-source.js';
import { agentRelative } from '../memory/layout.js';
import type { RewardRecord } from '../memory/rewards.js';
import { judgedSuccess } from '../routing/log-evidence.js';
import { isLive, type Belief, type Evidence } from '../world/beliefs.js';
import { addEvidence } from '../world/confidence.js';
import { mayBeFolded, withEvidence } from '../world/evidence-fold.js';

/**
 * A belief whose answers failed this often is discredited: used by at least `minUses` tasks, of
 * which fewer than `belowRate` succeeded. A true belief fails with its tasks about as often as
 * tasks fail at all (5–30% here); a misleading one with most of them.
 */
export const FAILING_BELIEF = { minUses: 4, belowRate: 0.25 } as const;

/** One task that used a belief (its context's `used_ids`), and whether it finally succeeded. */
export interface BeliefUse {
  task: string;
  /** When the task was recorded. */
  at: string;
  success: boolean;
  source?: EvidenceSource;
}

/** Per agent-relative belief id ("world/hypotheses/x.md"), the tasks that used it, oldest first. */
export type BeliefUses = ReadonlyMap<string, readonly BeliefUse[]>;

/** The uses of beliefs in a reward log (records that failed for the endpoint's sake say nothing). */
export function beliefUses(records: Iterable<RewardRecord>): Map<string, BeliefUse[]> {
  const uses = new Map<string, BeliefUse[]>();
  for (const record of records) {
    if (record.error !== undefined) continue;
    const success = judgedSuccess(record);
    for (const id of new Set(record.context.used_ids ?? [])) {
      if (!id.startsWith('world/')) continue;
      let list = uses.get(id);
      if (!list) {
        list = [];
        uses.set(id, list);
      }
      list.push({
        task: record.task_id,
        at: record.at,
        success,
        ...(record.source ? { source: record.source } : {}),
      });
    }
  }
  return uses;
}

export interface DiscreditUpdate {
  beliefs: Map<string, Belief>;
  /** One line per discredited belief. */
  lines: string[];
}

/**
 * Every live belief that meets the failing rule gets one contradicting word per failed task that
 * used it (a task's own support of it is replaced, as a "wrong" verdict replaces it); beliefs
 * whose record is fine, or that already carry those words, are left as they are.
 */
export function discreditFailingBeliefs(
  world: readonly Belief[],
  uses: BeliefUses,
  options: { agent: string; now: string; hypothesesOnly?: boolean },
): DiscreditUpdate {
  const update: DiscreditUpdate = { beliefs: new Map(), lines: [] };
  for (const belief of world) {
    if (!isLive(belief)) continue;
    if (options.hypothesesOnly && belief.data.kind !== 'hypothesis') continue;
    const used = uses.get(agentRelative(options.agent, belief.path)) ?? [];
    if (used.length < FAILING_BELIEF.minUses) continue;
    const successes = used.filter((use) => use.success).length;
    if (successes / used.length >= FAILING_BELIEF.belowRate) continue;
    let evidence: Evidence[] = [...belief.data.evidence];
    const failed = used.filter((use) => !use.success);
    for (const use of failed) {
      // A word folded into counts cannot be told from no word: adding one would count it twice.
      if (mayBeFolded(belief.data, use.task, use.at)) continue;
      evidence = addEvidence(evidence, {
        task: use.task,
        supports: false,
        at: options.now,
        note: `the task used this belief and failed (${successes} of ${used.length} tasks that used it succeeded)`,
        ...(use.source ? { source: use.source } : {}),
      });
    }
    if (evidence.length === belief.data.evidence.length) continue;
    update.beliefs.set(belief.path, {
      ...belief,
      data: withEvidence(belief.data, evidence, options.now),
    });
    update.lines.push(
      `${belief.path}: ${successes} of ${used.length} tasks that used it succeeded; ${failed.length} failed task(s) now count against it`,
    );
  }
  return update;
}
