// How long to wait before retrying a model call (SPEC §4): what the endpoint asks for
// (`retry-after-ms`, `Retry-After` in seconds or as a date) when it is sensible, else exponential
// backoff from a configurable first wait with jitter. Pure: the clock and the dice are arguments.

/** The longest wait an endpoint's Retry-After is obeyed for; beyond it, the usual backoff. */
export const MAX_RETRY_AFTER_MS = 60_000;
/** The longest backoff between two attempts. */
export const MAX_BACKOFF_MS = 8_000;

export interface RetryHeaders {
  get(name: string): string | null;
}

/**
 * The wait before retry number `retry` (0 for the first retry). `random` is in [0, 1): up to a
 * quarter of the backoff is taken off, so many clients do not retry in step.
 */
export function retryWaitMs(
  retry: number,
  backoffMs: number,
  headers: RetryHeaders | undefined,
  now: number,
  random: number,
): number {
  const asked = askedWaitMs(headers, now);
  if (asked !== undefined) return asked;
  const backoff = Math.min(backoffMs * 2 ** retry, MAX_BACKOFF_MS);
  return Math.round(backoff * (1 - random * 0.25));
}

function askedWaitMs(headers: RetryHeaders | undefined, now: number): number | undefined {
  if (!headers) return undefined;
  const candidates: number[] = [];
  const millis = headers.get('retry-after-ms');
  if (millis !== null) candidates.push(parseFloat(millis));
  const after = headers.get('retry-after');
  if (after !== null) {
    const seconds = Number(after.trim());
    candidates.push(
      after.trim() !== '' && Number.isFinite(seconds) ? seconds * 1000 : Date.parse(after) - now,
    );
  }
  return candidates.find((ms) => Number.isFinite(ms) && ms >= 0 && ms <= MAX_RETRY_AFTER_MS);
}
