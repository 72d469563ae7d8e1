// Keeping secrets out of everything the runtime prints or writes (SPEC §12): error text from an
// endpoint can echo request headers, so every message that leaves the model client passes here.

const BEARER = /\b(Bearer\s+)[^\s"',;]+/gi;
const KEY_LIKE = /\b(sk|rk|pk)-[A-Za-z0-9_*-]{8,}/g;
const MASK = '***';

/** The text with each secret, bearer token and key-shaped string replaced by "***". */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join(MASK);
  }
  return out.replace(BEARER, `$1${MASK}`).replace(KEY_LIKE, MASK);
}
