// How the world model compares names: the normalised key that decides "same name", and the word
// tokens that duplicate detection compares. Pure string functions, memoised because the learning
// rules call them for every belief on every task.

const KEY_CACHE = new Map<string, string>();
const TOKEN_CACHE = new Map<string, string[]>();
const WORD_CACHE = new Map<string, string[]>();
/** Bounded memo: names repeat across tasks, but a long-running process must not grow forever. */
const CACHE_LIMIT = 20_000;

function remember<T>(cache: Map<string, T>, key: string, value: T): T {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

/**
 * The normalised key of a name: lowercase letters and digits only, accents removed. "Rate Limiter",
 * "rate-limiter", "RateLimiter" and "rate_limiter" all give "ratelimiter". Two names with the same
 * key are the same name written differently.
 */
export function nameKey(name: string): string {
  const cached = KEY_CACHE.get(name);
  if (cached !== undefined) return cached;
  const key = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
  return remember(KEY_CACHE, name, key);
}

/** A word in its singular form, for the common English plurals ("services", "proxies", "caches"). */
export function singular(word: string): string {
  if (word.length <= 3 || /(ss|us|is)$/.test(word)) return word;
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (/(ches|shes|xes|zes)$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s')) return word.slice(0, -1);
  return word;
}

const STOP_WORDS = new Set(['a', 'an', 'the', 'of']);

/**
 * The words of a name, lowercased, camelCase split, without articles: "The Billing Services" and
 * "billingServices" give ["billing", "services"].
 */
export function nameWords(name: string): string[] {
  const cached = WORD_CACHE.get(name);
  if (cached !== undefined) return cached;
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0 && !STOP_WORDS.has(word));
  return remember(WORD_CACHE, name, words);
}

/**
 * The stems of a name's words: singular, without a final "e", so that "cache" and "caches",
 * "batch" and "batches", "service" and "services" compare equal.
 */
export function nameTokens(name: string): string[] {
  const cached = TOKEN_CACHE.get(name);
  if (cached !== undefined) return cached;
  const tokens = nameWords(name).map((word) => {
    const one = singular(word);
    return one.length > 3 && one.endsWith('e') ? one.slice(0, -1) : one;
  });
  return remember(TOKEN_CACHE, name, tokens);
}

/** Levenshtein distance, stopping early once it exceeds `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
      current.push(value);
      best = Math.min(best, value);
    }
    if (best > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length] ?? 0;
}
