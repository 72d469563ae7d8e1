// The one redactor of the product (SPEC §12): known secret values and secret-shaped strings become
// `[redacted: <kind>]` before text is written, posted, logged or sent to a model. Secret shapes
// come from secretlint's maintained recommended rule set, run synchronously here (every sink —
// the logger, the memory writer — is synchronous), plus the shapes that set leaves out (loose
// GitHub and OpenAI keys, JWTs, bearer headers, `password=` assignments). Callers add their own
// shapes with `withPatterns` and their own values with `withSecrets`.
import { rules as recommendedRules } from '@secretlint/secretlint-rule-preset-recommend';
import type {
  SecretLintRuleContext,
  SecretLintRuleCreator,
  SecretLintRuleMessageTranslate,
  SecretLintRuleLocalizeMessages,
  SecretLintSourceCode,
} from '@secretlint/types';

/** A secret shape: every match of `pattern` (or of its group `group`) is a secret of `kind`. */
export interface SecretPattern {
  /** Lowercase-hyphenated, shown in the marker: `[redacted: <kind>]`. */
  kind: string;
  pattern: RegExp;
  /** Redact only this capture group (e.g. the value of `password=value`), not the whole match. */
  group?: number;
}

/** A value known to be secret (a token, a key), and the kind its marker names. */
export interface KnownSecret {
  value: string;
  kind: string;
}

/** One secret found in a text: [start, end) and its kind. */
export interface SecretFinding {
  start: number;
  end: number;
  kind: string;
}

export interface Redactor {
  /** The text with every known secret and secret-shaped string replaced by its marker. */
  redact(text: string): string;
  /** The secrets in a text, in order, overlaps merged. */
  find(text: string): SecretFinding[];
  /** A redactor that also knows these values (shorter than 4 characters are ignored). */
  withSecrets(secrets: readonly KnownSecret[]): Redactor;
  /** A redactor that also redacts these shapes (e.g. an agent's privacy patterns). */
  withPatterns(patterns: readonly SecretPattern[]): Redactor;
}

export function redactionMarker(kind: string): string {
  return `[redacted: ${kind}]`;
}

/** Known values shorter than this are not redacted: masking "a" or "1" would garble every text. */
export const MIN_SECRET_LENGTH = 4;

/** secretlint rule ids (after `@secretlint/secretlint-rule-`) to the kinds our markers name. */
const RULE_KINDS: Readonly<Record<string, string>> = {
  github: 'github-token',
  openai: 'openai-key',
  anthropic: 'anthropic-key',
  aws: 'aws-key',
  privatekey: 'private-key',
  slack: 'slack-token',
  npm: 'npm-token',
  gcp: 'gcp-key',
  basicauth: 'basic-auth',
  'database-connection-string': 'database-password',
  sendgrid: 'sendgrid-key',
  stripe: 'stripe-key',
  huggingface: 'huggingface-token',
  gitlab: 'gitlab-token',
};

// A text's `secretlint-disable` comments would let an attacker switch redaction off: not loaded.
const SCANNERS = (recommendedRules as unknown as readonly SecretLintRuleCreator<object>[]).filter(
  (rule) => rule.meta.type === 'scanner',
);

function ruleKind(ruleId: string): string {
  const name = ruleId.replace(/^@secretlint\/secretlint-rule-/, '');
  return RULE_KINDS[name] ?? `${name}-secret`;
}

/** Runs secretlint's recommended scanners over a text, synchronously. */
function recommendedFindings(text: string): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const source = plainSource(text);
  for (const rule of SCANNERS) {
    const kind = ruleKind(rule.meta.id);
    const context: SecretLintRuleContext = {
      sharedOptions: {},
      createTranslator: translatorOf,
      report: (descriptor) => {
        const [start, end] = descriptor.range;
        if (end > start) findings.push({ start, end, kind });
      },
      ignore: () => {},
    };
    // Every recommended scanner reads a text file synchronously; only binary formats (.p12) await.
    void rule.create(context, {}).file?.(source);
  }
  return findings;
}

function translatorOf<T extends SecretLintRuleLocalizeMessages>(
  _messages: T,
): SecretLintRuleMessageTranslate<T> {
  return ((messageId: string, data?: object) => ({
    message: messageId,
    messageId,
    data,
  })) as unknown as SecretLintRuleMessageTranslate<T>;
}

function plainSource(content: string): SecretLintSourceCode {
  return {
    hasBOM: false,
    content,
    filePath: 'text.txt',
    physicalFilePath: undefined,
    contentType: 'text',
    ext: '.txt',
    getFilePath: () => 'text.txt',
    getPhysicalFilePath: () => undefined,
    locationToRange: () => [0, 0],
    rangeToLocation: () => ({ start: { line: 1, column: 0 }, end: { line: 1, column: 0 } }),
  } as unknown as SecretLintSourceCode;
}

/**
 * The end of a name that says its value is a credential ("password", "db_password", "apiKey"). The
 * patterns match from this word, not from the name's start: only the value is redacted, and a
 * leading `[A-Za-z0-9_.-]*` made the engine rescan every word of a text at each of its letters
 * (7 µs a kilobyte for each of the two patterns, 2–3 without it, with the same values found).
 */
const ASSIGNED_NAME =
  '(?:password|passwd|passphrase|secret|api[_-]?key|apikey|access[_-]?key|private[_-]?key|auth[_-]?token|access[_-]?token|refresh[_-]?token|token|credentials?)';

/** The shapes secretlint's recommended set does not cover, or covers only in their exact length. */
export const BUILT_IN_PATTERNS: readonly SecretPattern[] = [
  {
    kind: 'private-key',
    pattern:
      /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g,
  },
  { kind: 'github-token', pattern: /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9_]{20,255}/g },
  { kind: 'github-token', pattern: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{20,255}/g },
  { kind: 'anthropic-key', pattern: /(?<![A-Za-z0-9_-])sk-ant-[A-Za-z0-9_-]{16,}/g },
  { kind: 'openai-key', pattern: /(?<![A-Za-z0-9_-])(?:sk|rk)-(?!ant-)[A-Za-z0-9_*-]{8,}/g },
  { kind: 'aws-key', pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[A-Z0-9]{16}\b/g },
  { kind: 'slack-token', pattern: /\bxox[abporse]-[A-Za-z0-9-]{10,}/g },
  {
    kind: 'slack-webhook',
    pattern: /https:\/\/hooks\.slack\.com\/(?:services|workflows)\/[A-Za-z0-9/_-]{10,}/g,
  },
  { kind: 'google-api-key', pattern: /\bAIza[0-9A-Za-z_-]{35}/g },
  { kind: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  // A credential has a digit somewhere; "Bearer authentication" is prose.
  {
    kind: 'bearer-token',
    pattern: /\bBearer\s+((?=[A-Za-z._~+/-]*[0-9])[A-Za-z0-9._~+/-]{8,}=*)/gi,
    group: 1,
  },
  {
    kind: 'authorization-header',
    pattern:
      /\bAuthorization:\s*(?:Basic|Token)\s+((?=[A-Za-z._~+/-]*[0-9])[A-Za-z0-9._~+/-]{8,}=*)/gi,
    group: 1,
  },
  {
    kind: 'credential',
    pattern: new RegExp(
      `${ASSIGNED_NAME}(?![A-Za-z])["']?\\s*=\\s*["']?([^\\s"'&,;<>\\[\\]]{6,})`,
      'gi',
    ),
    group: 1,
  },
  {
    // `key: value` is common prose, so the colon form needs a value that looks generated.
    kind: 'credential',
    pattern: new RegExp(
      `${ASSIGNED_NAME}(?![A-Za-z])["']?\\s*:\\s*["']?((?=[^\\s"']*[0-9])(?=[^\\s"']*[A-Za-z])[^\\s"'&,;<>\\[\\]]{10,})`,
      'gi',
    ),
    group: 1,
  },
];

class SecretRedactor implements Redactor {
  constructor(
    private readonly known: readonly KnownSecret[],
    private readonly patterns: readonly SecretPattern[],
  ) {}

  find(text: string): SecretFinding[] {
    const findings: SecretFinding[] = [];
    for (const { value, kind } of this.known) {
      for (let at = text.indexOf(value); at !== -1; at = text.indexOf(value, at + value.length))
        findings.push({ start: at, end: at + value.length, kind });
    }
    findings.push(...recommendedFindings(text));
    for (const { kind, pattern, group } of this.patterns) {
      const global = pattern.global ? pattern : new RegExp(pattern.source, `${pattern.flags}g`);
      for (const match of text.matchAll(global)) {
        const whole = match[0];
        if (whole === '' || match.index === undefined) continue;
        const part = group === undefined ? whole : match[group];
        if (!part) continue;
        const offset = group === undefined ? 0 : whole.lastIndexOf(part);
        const start = match.index + offset;
        findings.push({ start, end: start + part.length, kind });
      }
    }
    return mergeFindings(findings);
  }

  redact(text: string): string {
    if (text === '') return text;
    const findings = this.find(text);
    if (findings.length === 0) return text;
    let out = '';
    let at = 0;
    for (const { start, end, kind } of findings) {
      out += text.slice(at, start) + redactionMarker(kind);
      at = end;
    }
    return out + text.slice(at);
  }

  withSecrets(secrets: readonly KnownSecret[]): Redactor {
    const fresh = secrets.filter(
      (s) => s.value.length >= MIN_SECRET_LENGTH && !this.known.some((k) => k.value === s.value),
    );
    if (fresh.length === 0) return this;
    // Longest first, so a secret that contains another is redacted whole.
    const known = [...this.known, ...fresh].sort((a, b) => b.value.length - a.value.length);
    return new SecretRedactor(known, this.patterns);
  }

  withPatterns(patterns: readonly SecretPattern[]): Redactor {
    for (const { kind } of patterns) {
      if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(kind))
        throw new Error(`a secret pattern's kind must be lowercase-hyphenated: "${kind}"`);
    }
    return patterns.length === 0
      ? this
      : new SecretRedactor(this.known, [...this.patterns, ...patterns]);
  }
}

/** Sorted by start; overlapping or touching findings become one, with the earliest one's kind. */
function mergeFindings(findings: SecretFinding[]): SecretFinding[] {
  findings.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: SecretFinding[] = [];
  for (const finding of findings) {
    const last = merged.at(-1);
    if (last && finding.start < last.end) last.end = Math.max(last.end, finding.end);
    else merged.push({ ...finding });
  }
  return merged;
}

/** The product's redactor: secretlint's recommended shapes and the built-in ones, plus `secrets`. */
export function createRedactor(secrets: readonly KnownSecret[] = []): Redactor {
  return new SecretRedactor([], BUILT_IN_PATTERNS).withSecrets(secrets);
}

const SECRET_NAME = /(?:secret|token|key|password|passwd|credential)/i;
/** Environment values shorter than this are settings (`KEY_COUNT=3`), not secrets. */
const MIN_ENVIRONMENT_SECRET_LENGTH = 8;

/**
 * The values of every variable whose name says secret, token, key, password or credential
 * (`GITHUB_TOKEN`, `LLM_API_KEY`, `INPUT_GITHUB-TOKEN`), each of the kind its name says
 * (`[redacted: github-token]`).
 */
export function secretsFromEnvironment(env: NodeJS.ProcessEnv): KnownSecret[] {
  const secrets: KnownSecret[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value.length < MIN_ENVIRONMENT_SECRET_LENGTH) continue;
    if (!SECRET_NAME.test(name)) continue;
    secrets.push({ value, kind: kindFromName(name) });
  }
  return secrets;
}

function kindFromName(name: string): string {
  const words = name
    .replace(/^INPUT_/i, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
  return words.length === 0 ? 'secret' : words.join('-');
}
