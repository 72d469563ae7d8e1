// Turning text into comparable terms: lowercase words, stop words dropped, a light suffix stemmer
// so that "paginated", "pagination" and "paginate" meet.

const STOP_WORDS = new Set(
  'a an and are as at be but by can do does for from has have how i if in into is it its may of on or our should so that the their then there these this to was we were what when which while will with without you your build make use using via per about after before over under out up'.split(
    ' ',
  ),
);

const SUFFIXES: [string, string][] = [
  ['ational', 'ate'],
  ['ations', ''],
  ['ation', ''],
  ['ating', ''],
  ['ated', ''],
  ['ates', ''],
  ['ate', ''],
  ['ings', ''],
  ['ing', ''],
  ['iers', 'y'],
  ['ies', 'y'],
  ['ied', 'y'],
  ['ers', ''],
  ['er', ''],
  ['ed', ''],
  ['es', 'e'],
  ['s', ''],
  ['ly', ''],
];

export function stem(word: string): string {
  if (word.length <= 4) return word;
  for (const [suffix, replacement] of SUFFIXES) {
    if (suffix === 's' && word.endsWith('ss')) continue; // "access", not "acces"
    if (word.endsWith(suffix) && word.length - suffix.length >= 3) {
      return word.slice(0, -suffix.length) + replacement;
    }
  }
  return word;
}

/** Words of the text, split on anything that is not a letter or digit (camelCase split too). */
export function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 1);
}

/** Stemmed content terms of the text, in order, repeats kept (BM25 counts them). */
export function terms(text: string): string[] {
  return words(text)
    .filter((w) => !STOP_WORDS.has(w))
    .map(stem);
}

export function estimateTokens(text: string): number {
  return estimateTokensOfLength(text.length);
}

/** The estimate for a text of `length` characters, for callers that know the length only. */
export function estimateTokensOfLength(length: number): number {
  return Math.ceil(length / 4);
}
