// How a rule of constraints.md names what it is about: the words a task must mention for the rule
// to apply. Pure: the same bullet always gives the same terms.

/**
 * The terms of one bullet: its `backticked` words when it has any, else its text before a
 * separator (" — ", " – ", ":", "(") as one phrase. "`sign`, `execute` — before a signature" gives
 * ["sign", "execute"]; "psql — production database" gives ["psql"].
 */
export function ruleTerms(bullet: string): string[] {
  const ticked = [...bullet.matchAll(/`([^`]+)`/g)]
    .map((match) => (match[1] ?? '').trim())
    .filter((term) => term.length > 0 && !isPattern(term));
  if (ticked.length > 0) return [...new Set(ticked)];
  const head = bullet.replace(/\s*(?:[—–:(]|\s-\s).*$/, '').trim();
  return head.length > 0 ? [head] : [];
}

/** A `/regex/flags` literal in a bullet (privacy rules write their patterns so). */
export function isPattern(term: string): boolean {
  return /^\/.+\/[a-z]*$/.test(term);
}

/** The first of `terms` the text mentions as a whole word or phrase, case-insensitively. */
export function firstMentioned(text: string, terms: readonly string[]): string | undefined {
  return terms.find((term) => mentions(text, term));
}

export function mentions(text: string, term: string): boolean {
  const escaped = term.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // \b only where the term starts or ends with a word character ("rm -rf", "C++" still match).
  const start = /^\w/.test(term) ? '\\b' : '';
  const end = /\w$/.test(term) ? '\\b' : '';
  return new RegExp(`${start}${escaped}${end}`, 'i').test(text);
}
