// Secrets never reach a comment, a summary or an output (SPEC §12): every outgoing text passes
// through a redactor that knows the run's secrets.

/** Secrets shorter than this are not redacted: masking "a" or "1" would garble every text. */
const MIN_SECRET_LENGTH = 4;

export function redactor(secrets: readonly string[]): (text: string) => string {
  const known = [...new Set(secrets.filter((s) => s.length >= MIN_SECRET_LENGTH))].sort(
    (a, b) => b.length - a.length,
  );
  return (text) => known.reduce((out, secret) => out.split(secret).join('***'), text);
}
