// Narrowing a broad or vague PRIMARY_PURPOSE into a viable first version (the seed: "if the purpose
// is broad, narrow it; if it is too vague, infer the best practical scope"), by rules a person can
// predict: the aim the task examples exercise most, or the scope the task examples show. Pure.
import { terms } from '../context/text.js';

export interface NarrowedPurpose {
  /** What the first version is for. */
  firstVersion: string;
  /** Aims of the purpose left for later versions. */
  later: string[];
  /** Why it was narrowed, for people; undefined when the purpose stood as given. */
  reason: string | undefined;
}

const VAGUE_WORDS =
  /\b(anything|everything|help(s|ing)? (with|out)|assist(s|ant)?|general|various|stuff|things|misc\w*|whatever)\b/i;
const MIN_CLEAR_WORDS = 4;

/**
 * The purpose's aims, when it lists several: its parts between ";" or ",", the last part split at
 * " and " ("A, B and C"). A purpose without such a list is one aim, whatever "and" it holds
 * ("sync and retry logic" is one thing).
 */
function aimsOf(purpose: string): string[] {
  const parts = purpose.replace(/\.$/, '').split(/\s*[;,]\s*/);
  if (parts.length < 2) return [purpose.replace(/\.$/, '')];
  const last = (parts.pop() ?? '').replace(/^and\s+/i, '');
  return [...parts, ...last.split(/\s+and\s+/i)]
    .map((aim) => aim.trim())
    .filter((aim) => aim.split(/\s+/).length >= 2);
}

export function narrowPurpose(purpose: string, taskExamples: readonly string[]): NarrowedPurpose {
  const text = purpose.trim().replace(/\s+/g, ' ');
  const words = text.split(' ').length;
  if (words < MIN_CLEAR_WORDS || VAGUE_WORDS.test(text)) {
    const shown = taskExamples.slice(0, 2).map((task) => `"${task}"`);
    return {
      firstVersion: `${text.replace(/\.$/, '')}, starting with tasks like ${shown.join(' and ')}`,
      later: [],
      reason: `PRIMARY_PURPOSE "${text}" is too vague to scope an agent; the first version is inferred from the task examples`,
    };
  }
  const aims = aimsOf(text);
  if (aims.length < 2) return { firstVersion: text, later: [], reason: undefined };
  const exampleTerms = new Set(taskExamples.flatMap((task) => terms(task)));
  const scored = aims.map((aim, index) => ({
    aim,
    index,
    overlap: new Set(terms(aim).filter((term) => exampleTerms.has(term))).size,
  }));
  scored.sort((a, b) => b.overlap - a.overlap || a.index - b.index);
  const first = scored[0] as (typeof scored)[number];
  return {
    firstVersion: first.aim,
    later: aims.filter((aim) => aim !== first.aim),
    reason: `PRIMARY_PURPOSE has ${aims.length} aims; the first version takes "${first.aim}", the one the task examples exercise most, and leaves ${aims.length - 1} for later`,
  };
}
