// How the offline model's outcome depends on the tier (SPEC §4, §5), so the demo and the tests can
// show routing learn. A task's hardness comes from cues in its text: each of HARDNESS_CUES found
// adds HARDNESS_PER_CUE (at most MAX_HARDNESS); a task without cues has hardness 0 and every tier
// behaves as before. A tier solves a task when its hardness is below the tier's capability for the
// task's estimated demand (the routing bench's default success table); otherwise the answer is a
// failure that says why, and the cascade moves one tier up.
import type { Tier } from '../../memory/registry.js';
import type { ReasoningDemand } from '../../memory/rewards.js';

export const HARDNESS_CUES = [
  'hard',
  'tricky',
  'subtle',
  'intermittent',
  'race condition',
  'edge case',
] as const;
export const HARDNESS_PER_CUE = 0.3;
export const MAX_HARDNESS = 0.95;

/** The probability-like capability of each tier per demand: hardness below it is solved. */
export const TIER_CAPABILITY: Readonly<Record<Tier, Readonly<Record<ReasoningDemand, number>>>> = {
  'cheap-fast': { routine: 0.92, moderate: 0.6, novel: 0.2, consensus: 0.05 },
  balanced: { routine: 0.97, moderate: 0.85, novel: 0.5, consensus: 0.2 },
  strongest: { routine: 0.99, moderate: 0.93, novel: 0.75, consensus: 0.45 },
};

export function taskHardness(task: string): number {
  const text = task.toLowerCase();
  const cues = HARDNESS_CUES.filter((cue) => new RegExp(`\\b${cue}\\b`).test(text)).length;
  return Math.min(MAX_HARDNESS, cues * HARDNESS_PER_CUE);
}

/** Why the tier cannot solve the task, or undefined when it can. */
export function tooHardFor(
  tier: Tier,
  demand: ReasoningDemand,
  hardness: number,
): string | undefined {
  const capability = TIER_CAPABILITY[tier][demand];
  return hardness < capability
    ? undefined
    : `the task's hardness ${hardness.toFixed(2)} is beyond the ${tier} tier's capability ${capability.toFixed(2)} for ${demand} work`;
}
