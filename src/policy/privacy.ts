// Privacy requirements of constraints.md as patterns (SPEC §11, §12): each bullet of its "Privacy"
// section names a kind of personal data the runtime knows ("email addresses", "IBAN") or carries a
// `/regex/` of its own; matches are redacted from the task before context is assembled, and from
// the model's answer and proposals before anything is written. Pure.

export interface PrivacyPattern {
  /** What the redaction says it removed: "[redacted: email address]". */
  name: string;
  regex: RegExp;
}

/** Kinds of personal data named in plain words, each with the words that name it. */
const KNOWN_KINDS: readonly { name: string; cue: RegExp; regex: RegExp }[] = [
  {
    name: 'email address',
    cue: /\be-?mails?\b/i,
    regex: /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g,
  },
  {
    name: 'phone number',
    cue: /\b(phone|telephone|mobile) numbers?\b/i,
    regex: /(?<![\w+])\+?\d[\d ().-]{7,}\d(?!\w)/g,
  },
  {
    name: 'IBAN',
    cue: /\biban\b|\bbank account/i,
    regex: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g,
  },
  {
    name: 'card number',
    cue: /\b(credit|debit|payment) cards?\b|\bcard numbers?\b/i,
    regex: /\b(?:\d[ -]?){13,19}\b/g,
  },
  {
    name: 'social security number',
    cue: /\bsocial security\b|\bssns?\b/i,
    regex: /\b\d{3}-\d{2}-\d{4}\b/g,
  },
  {
    name: 'IP address',
    cue: /\bip addresses?\b/i,
    regex: /\b(?:\d{1,3}\.){3}\d{1,3}\b/g,
  },
];

export interface PrivacyRules {
  patterns: PrivacyPattern[];
  /** Bullets that name no known kind and carry no `/regex/`: the runtime cannot enforce them. */
  unenforceable: string[];
}

/** The patterns of the bullets of a "Privacy" section. A bad `/regex/` is unenforceable. */
export function privacyPatterns(bullets: readonly string[]): PrivacyRules {
  const patterns: PrivacyPattern[] = [];
  const unenforceable: string[] = [];
  for (const bullet of bullets) {
    const found: PrivacyPattern[] = [];
    for (const kind of KNOWN_KINDS)
      if (kind.cue.test(bullet)) found.push({ name: kind.name, regex: kind.regex });
    for (const match of bullet.matchAll(/`\/(.+?)\/([a-z]*)`/g)) {
      const regex = compile(match[1] ?? '', match[2] ?? '');
      if (regex) found.push({ name: bulletName(bullet), regex });
    }
    if (found.length === 0) unenforceable.push(bullet);
    patterns.push(...found);
  }
  return { patterns, unenforceable };
}

function compile(source: string, flags: string): RegExp | undefined {
  try {
    return new RegExp(source, `${flags.replace(/g/g, '')}g`);
  } catch {
    return undefined;
  }
}

/** A bullet's words before its pattern, as the redaction names it. */
function bulletName(bullet: string): string {
  const name = bullet
    .replace(/`[^`]*`/g, '')
    .replace(/[\s:—–(-]+$/, '')
    .trim()
    .toLowerCase();
  return name.length > 0 ? name : 'private data';
}

/** The text with every match of every pattern replaced by "[redacted: <name>]". */
export function redactPrivate(text: string, patterns: readonly PrivacyPattern[]): string {
  return patterns.reduce(
    (out, pattern) => out.replace(pattern.regex, `[redacted: ${pattern.name}]`),
    text,
  );
}

/** Every string inside a plain JSON-like value, redacted; other values unchanged. */
export function redactPrivateDeep<T>(value: T, patterns: readonly PrivacyPattern[]): T {
  if (patterns.length === 0) return value;
  return walk(value, patterns) as T;
}

function walk(value: unknown, patterns: readonly PrivacyPattern[]): unknown {
  if (typeof value === 'string') return redactPrivate(value, patterns);
  if (Array.isArray(value)) return value.map((item) => walk(item, patterns));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, item]) => [
        key,
        walk(item, patterns),
      ]),
    );
  }
  return value;
}
