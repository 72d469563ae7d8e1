// Commands people give AgentOS in issue comments (SPEC §6): `/reward` (human feedback that
// overrides the self-assessment) and `/agentos retry|help`. Parsing is forgiving about spelling
// (quotes, signs, `:` or `=`) and strict about meaning: anything unclear is answered with help.
import { parseRewardArguments, REWARD_DIMENSIONS } from '../loop/feedback-arguments.js';
import type { RewardDecomposition } from '../memory/rewards.js';

export { MAX_NOTE_LENGTH, REWARD_DIMENSIONS } from '../loop/feedback-arguments.js';

export type CommentCommand =
  | { kind: 'reward'; scores: Partial<RewardDecomposition>; note: string | null }
  | { kind: 'retry' }
  | { kind: 'approve' }
  | { kind: 'help' }
  | { kind: 'invalid'; command: '/reward' | '/agentos'; problem: string };

export const REWARD_USAGE =
  '`/reward correctness=-1 efficiency=+1 note="what was wrong"` — dimensions: ' +
  `${REWARD_DIMENSIONS.join(', ')}; values -1, 0 or +1; \`/reward -1\` or \`/reward +1\` scores correctness alone.`;

export const COMMAND_HELP = [
  'AgentOS understands these commands from the repository’s members:',
  '',
  `- ${REWARD_USAGE}`,
  '- `/agentos retry` runs this issue’s task again (when it failed or never ran).',
  '- `/agentos approve` approves a task paused at a human review point of constraints.md, and runs it.',
  '- `/agentos help` shows this list.',
].join('\n');

function parseReward(args: string): CommentCommand {
  const parsed = parseRewardArguments(args);
  return parsed.ok
    ? { kind: 'reward', scores: parsed.scores, note: parsed.note }
    : { kind: 'invalid', command: '/reward', problem: parsed.problem };
}

/**
 * The command in a comment, or undefined when the comment is not a command (it must start with
 * `/reward` or `/agentos`; everything else is conversation and ignored).
 */
export function parseCommentCommand(body: string): CommentCommand | undefined {
  const text = body.trimStart();
  const match = /^\/(reward|agentos)(?=$|\s)/i.exec(text);
  if (!match) return undefined;
  const args = text.slice(match[0].length);
  if (match[1]?.toLowerCase() === 'reward') return parseReward(args);
  const word = /^[ \t]*(\S*)/.exec(args)?.[1]?.toLowerCase() ?? '';
  if (word === 'retry') return { kind: 'retry' };
  if (word === 'approve') return { kind: 'approve' };
  if (word === '' || word === 'help') return { kind: 'help' };
  return { kind: 'invalid', command: '/agentos', problem: `unknown command "/agentos ${word}"` };
}
