// The grammar of human feedback (SPEC §6): the scores and note a person gives on a task, typed
// after `/reward` in an issue comment or after `agentos feedback TASK` on the command line.
import type { RewardDecomposition } from '../memory/rewards.js';
import type { SignedUnit } from '../memory/schema-parts.js';

export const REWARD_DIMENSIONS = ['correctness', 'efficiency', 'novelty', 'generality'] as const;
export type RewardDimension = (typeof REWARD_DIMENSIONS)[number];

/** The longest note kept; longer ones are cut (the record is a file people read). */
export const MAX_NOTE_LENGTH = 500;

export type RewardArguments =
  | { ok: true; scores: Partial<RewardDecomposition>; note: string | null }
  | { ok: false; problem: string };

const OPENING_QUOTES: Record<string, string> = { '"': '"', "'": "'", '“': '”', '‘': '’', '«': '»' };

function signedValue(raw: string): SignedUnit | undefined {
  const normal = raw.replace(/[−–—]/g, '-').replace(/^\+/, '');
  if (normal === '1' || normal === '+1') return 1;
  if (normal === '-1') return -1;
  if (normal === '0' || normal === '-0') return 0;
  if (raw === '👍') return 1;
  if (raw === '👎') return -1;
  return undefined;
}

/** Reads one value at `at`: quoted (to the closing quote, across lines) or up to whitespace. */
function readValue(text: string, at: number, restOfLine: boolean): { value: string; end: number } {
  const open = text[at] ?? '';
  const close = OPENING_QUOTES[open];
  if (close) {
    const end = text.indexOf(close, at + 1);
    return end < 0
      ? { value: text.slice(at + 1), end: text.length }
      : { value: text.slice(at + 1, end), end: end + 1 };
  }
  if (restOfLine) {
    // An unquoted note runs to the next `dimension=` or the end of the line.
    const lineEnd = text.indexOf('\n', at) < 0 ? text.length : text.indexOf('\n', at);
    const line = text.slice(at, lineEnd);
    const next = new RegExp(`\\s(?:${REWARD_DIMENSIONS.join('|')})\\s*[=:]`, 'i').exec(line);
    const end = next ? at + next.index : lineEnd;
    return { value: text.slice(at, end), end };
  }
  const match = /^\S*/.exec(text.slice(at));
  const value = match?.[0] ?? '';
  return { value, end: at + value.length };
}

/**
 * Human feedback as people type it after `/reward` or `agentos feedback TASK`:
 * `correctness=-1 efficiency=+1 note="wrong cursor field"`, `/reward -1`, `correctness: 👎`.
 * Forgiving about spelling (quotes, signs, `:` or `=`), strict about meaning: the problem is named.
 */
export function parseRewardArguments(args: string): RewardArguments {
  const scores: Partial<Record<RewardDimension, SignedUnit>> = {};
  let note: string | null = null;
  let at = 0;
  const invalid = (problem: string): RewardArguments => ({ ok: false, problem });
  while (at < args.length) {
    const rest = args.slice(at);
    const space = /^\s+/.exec(rest);
    if (space) {
      // Only the first line holds arguments (a quoted note may carry on below it).
      if (space[0].includes('\n')) break;
      at += space[0].length;
      continue;
    }
    const pair = /^([A-Za-z_]+)\s*[=:]\s*/.exec(rest);
    if (pair) {
      const key = (pair[1] ?? '').toLowerCase();
      const valueAt = at + pair[0].length;
      if (key === 'note') {
        if (note !== null) return invalid('`note` is given twice');
        const { value, end } = readValue(args, valueAt, true);
        note = value.trim().slice(0, MAX_NOTE_LENGTH) || null;
        at = end;
        continue;
      }
      if (!(REWARD_DIMENSIONS as readonly string[]).includes(key))
        return invalid(`"${pair[1]}" is not a reward dimension`);
      const { value, end } = readValue(args, valueAt, false);
      const score = signedValue(value);
      if (score === undefined) return invalid(`${key} must be -1, 0 or +1 (got "${value}")`);
      if (scores[key as RewardDimension] !== undefined) return invalid(`${key} is given twice`);
      scores[key as RewardDimension] = score;
      at = end;
      continue;
    }
    const { value, end } = readValue(args, at, false);
    const shorthand = signedValue(value);
    if (shorthand === undefined)
      return invalid(`"${value}" is not a score (try \`correctness=-1\`)`);
    if (scores.correctness !== undefined) return invalid('correctness is given twice');
    scores.correctness = shorthand;
    at = end;
  }
  if (Object.keys(scores).length === 0 && note === null)
    return invalid('give at least one score or a note');
  return { ok: true, scores, note };
}
