// The bounded cascade (SPEC §4, §5): a task starts on its routed tier and moves up (one tier at a
// time, or along the learned route's escalation, which may skip a tier) while the answer stays invalid (after its one repair), the model itself reports failure, or
// verification finds problems in a valid answer (constraint violations, a failed self-check), at
// most `maxEscalations` times and never past the strongest tier. Pure policy: the calls are the
// caller's.
import { TIERS, type Tier } from '../memory/registry.js';
import type { SolveOutput } from '../memory/solve-output.js';
import type { SolveRequest } from './model.js';

export interface TierAttempt {
  tier: Tier;
  /** The validated answer; undefined when it stayed invalid. */
  output: SolveOutput | undefined;
  /** Why the answer was invalid, when it was. */
  problems: string | undefined;
  /** What verification found wrong with a valid answer (escalates like an invalid one). */
  unverified?: string[];
}

/**
 * The tiers a task may try: its routed tier, then `escalation` (each stronger than the one before;
 * every tier above the start when absent), at most `maxEscalations` of them.
 */
export function cascadeTiers(
  start: Tier,
  maxEscalations = TIERS.length - 1,
  escalation?: readonly Tier[],
): Tier[] {
  const tiers = [start];
  for (const tier of escalation ?? TIERS.slice(TIERS.indexOf(start) + 1))
    if (TIERS.indexOf(tier) > TIERS.indexOf(tiers[tiers.length - 1] ?? start)) tiers.push(tier);
  return tiers.slice(0, 1 + Math.max(0, maxEscalations));
}

/** The tiers a solve request may try (cascadeTiers of its tier, bound and escalation). */
export function requestTiers(
  request: Pick<SolveRequest, 'tier' | 'maxEscalations' | 'escalation'>,
): Tier[] {
  return cascadeTiers(request.tier, request.maxEscalations, request.escalation);
}

/** An invalid answer, one the model itself calls a failure, or one verification rejects goes one tier up. */
export function needsEscalation(attempt: TierAttempt): boolean {
  return (
    attempt.output === undefined ||
    attempt.output.outcome === 'failure' ||
    (attempt.unverified?.length ?? 0) > 0
  );
}

export interface CascadeResult {
  /** The answer to keep: the last valid one (a failure reported by the strongest tier counts). */
  accepted: (TierAttempt & { output: SolveOutput }) | undefined;
  attempts: TierAttempt[];
}

export async function runCascade(
  start: Tier,
  attemptTier: (tier: Tier) => Promise<TierAttempt>,
  options: {
    maxEscalations?: number;
    escalation?: readonly Tier[];
    verify?: (output: SolveOutput) => string[];
  } = {},
): Promise<CascadeResult> {
  const attempts: TierAttempt[] = [];
  let accepted: CascadeResult['accepted'];
  for (const tier of cascadeTiers(start, options.maxEscalations, options.escalation)) {
    const tried = await attemptTier(tier);
    const unverified = tried.output && options.verify ? options.verify(tried.output) : [];
    const attempt = unverified.length > 0 ? { ...tried, unverified } : tried;
    attempts.push(attempt);
    if (attempt.output !== undefined) accepted = { ...attempt, output: attempt.output };
    if (!needsEscalation(attempt)) break;
  }
  return { accepted, attempts };
}

/** The cascade's bounds and verification from a solve request. */
export function cascadeOptions(
  request: Pick<SolveRequest, 'maxEscalations' | 'escalation' | 'verify'>,
): {
  maxEscalations?: number;
  escalation?: readonly Tier[];
  verify?: (output: SolveOutput) => string[];
} {
  return {
    ...(request.maxEscalations !== undefined ? { maxEscalations: request.maxEscalations } : {}),
    ...(request.escalation ? { escalation: request.escalation } : {}),
    ...(request.verify ? { verify: request.verify } : {}),
  };
}

/** The cascade of a solve request: its routed tier, its escalation bound and its verification. */
export function runRequestCascade(
  request: Pick<SolveRequest, 'tier' | 'maxEscalations' | 'escalation' | 'verify'>,
  attemptTier: (tier: Tier) => Promise<TierAttempt>,
): Promise<CascadeResult> {
  return runCascade(request.tier, attemptTier, cascadeOptions(request));
}
