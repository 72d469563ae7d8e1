// The bounded cascade (SPEC §4, §5): a task starts on its routed tier and moves up one tier at a
// time while the answer stays invalid (after its one repair) or the model itself reports failure,
// never past the strongest tier. Pure policy: the calls are the caller's.
import { TIERS, type Tier } from '../memory/registry.js';
import type { SolveOutput } from '../memory/solve-output.js';

export interface TierAttempt {
  tier: Tier;
  /** The validated answer; undefined when it stayed invalid. */
  output: SolveOutput | undefined;
  /** Why the answer was invalid, when it was. */
  problems: string | undefined;
}

/** The tiers a task may try, from its routed tier up. */
export function cascadeTiers(start: Tier): Tier[] {
  return TIERS.slice(TIERS.indexOf(start));
}

/** An invalid answer, or one the model itself calls a failure, goes one tier up. */
export function needsEscalation(attempt: TierAttempt): boolean {
  return attempt.output === undefined || attempt.output.outcome === 'failure';
}

export interface CascadeResult {
  /** The answer to keep: the last valid one (a failure reported by the strongest tier counts). */
  accepted: (TierAttempt & { output: SolveOutput }) | undefined;
  attempts: TierAttempt[];
}

export async function runCascade(
  start: Tier,
  attemptTier: (tier: Tier) => Promise<TierAttempt>,
): Promise<CascadeResult> {
  const attempts: TierAttempt[] = [];
  let accepted: CascadeResult['accepted'];
  for (const tier of cascadeTiers(start)) {
    const attempt = await attemptTier(tier);
    attempts.push(attempt);
    if (attempt.output !== undefined) accepted = { ...attempt, output: attempt.output };
    if (!needsEscalation(attempt)) break;
  }
  return { accepted, attempts };
}
