// Estimating a task's reasoning demand before the model is called (SPEC §5), from what memory
// knows: a matching skill with a good record and known entities is routine; a partial match is
// moderate; no skill and unknown entities is novel; a shared truth at stake is consensus.
import type { AssembledContext } from '../context/assemble.js';
import type { ReasoningDemand } from '../memory/rewards.js';

/** Ranking score from which an included item counts as a match for the task. */
export const MATCH_SCORE = 0.35;
/** Success rate from which a matching skill counts as having a good record. */
export const GOOD_RECORD = 0.6;

const CONSENSUS_CUES =
  /\b(consensus|shared (truth|knowledge|segment)s?|all agents|agents? (agree|vote))\b/i;

export interface DemandEstimate {
  demand: ReasoningDemand;
  reason: string;
}

export function estimateDemand(context: AssembledContext): DemandEstimate {
  if (CONSENSUS_CUES.test(context.task)) {
    return { demand: 'consensus', reason: 'the task puts a shared truth at stake' };
  }
  const matches = context.included.filter((item) => item.score >= MATCH_SCORE);
  const skills = matches.filter((item) => item.kind === 'skill');
  const known = matches.filter((item) => item.kind === 'entity' || item.kind === 'relation');
  const proven = skills.find((item) => (item.confidence ?? 0) >= GOOD_RECORD);
  if (proven && known.length > 0) {
    return {
      demand: 'routine',
      reason: `skill ${proven.id} has a good record and ${known.length} known entities match`,
    };
  }
  // Open hypotheses are not knowledge yet: they do not make a task less novel.
  if (skills.length > 0 || known.length > 0) {
    const what = [
      skills.length ? `${skills.length} skill(s)` : '',
      known.length ? `${known.length} known belief(s)` : '',
    ].filter(Boolean);
    return { demand: 'moderate', reason: `partial match: ${what.join(', ')}` };
  }
  return { demand: 'novel', reason: 'no matching skill and no known entities' };
}
