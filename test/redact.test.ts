// The one redactor: every planted kind becomes its marker, known values and added patterns too, and
// a memory file stays parseable after its secrets are taken out.
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { redactMemoryFile } from '../src/memory/redact-file.js';
import {
  BUILT_IN_PATTERNS,
  createRedactor,
  secretsFromEnvironment,
} from '../src/security/redact.js';
import { addRunPatterns, declareRunSecrets, runRedactor } from '../src/security/run-redactor.js';
import { PLANTED_SECRETS, leakedSecrets } from './helpers/planted-secrets.js';

describe('the redactor', () => {
  const redactor = createRedactor();

  it.each(PLANTED_SECRETS.map((secret) => [secret.name, secret] as const))(
    'replaces a %s by its marker',
    (_name, secret) => {
      const out = redactor.redact(`before ${secret.value} after`);
      expect(out).toContain(`[redacted: ${secret.kind}]`);
      expect(leakedSecrets(out)).toEqual([]);
      expect(out.startsWith('before ')).toBe(true);
      expect(out.endsWith(' after')).toBe(true);
    },
  );

  it('redacts the value of every assignment to a credential-like name, as a match from the name would', () => {
    // The patterns match from the word that names a credential; matched from the name's start
    // (the former shape, slow on long texts), they must find the same values in the same places.
    const word =
      '(?:password|passwd|passphrase|secret|api[_-]?key|apikey|access[_-]?key|private[_-]?key|auth[_-]?token|access[_-]?token|refresh[_-]?token|token|credentials?)';
    const fromNameStart = [
      `(?<![A-Za-z0-9])[A-Za-z0-9_.-]*${word}(?![A-Za-z])["']?\\s*=\\s*["']?([^\\s"'&,;<>\\[\\]]{6,})`,
      `(?<![A-Za-z0-9])[A-Za-z0-9_.-]*${word}(?![A-Za-z])["']?\\s*:\\s*["']?((?=[^\\s"']*[0-9])(?=[^\\s"']*[A-Za-z])[^\\s"'&,;<>\\[\\]]{10,})`,
    ].map((source) => new RegExp(source, 'gi'));
    const credentials = BUILT_IN_PATTERNS.filter((p) => p.kind === 'credential');
    expect(credentials).toHaveLength(2);
    const values = (pattern: RegExp, text: string) =>
      [...text.matchAll(pattern)].map((m) => [m.index + m[0].length - m[1]!.length, m[1]]);
    const pieces = fc.constantFrom(
      'password',
      'PassWd',
      'db_password',
      'token',
      'tokens',
      'API-KEY',
      'apikey',
      'secret',
      'credential',
      'credentials',
      'refresh_token',
      'pass',
      '=',
      ':',
      ' ',
      '\n',
      '"',
      "'",
      '_',
      '.',
      '-',
      'x',
      'Q',
      '7',
      'é',
      ',',
      '[',
      'abc123def456',
      'hunter2hunter2',
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 14 }), (parts) => {
        const text = parts.join('');
        credentials.forEach(({ pattern }, i) =>
          expect(values(pattern, text)).toEqual(values(fromNameStart[i]!, text)),
        );
      }),
      { numRuns: 20_000 },
    );
    expect(redactor.redact('export DB_PASSWORD="s3cr3t-value" now')).toBe(
      'export DB_PASSWORD="[redacted: credential]" now',
    );
  });

  it('leaves ordinary text alone', () => {
    const text =
      'max_tokens=1000, task_id: issue-12, tokens: 120, the key: use sk- prefixes. Bearer authentication, risk-assessment-matrix.';
    expect(redactor.redact(text)).toBe(text);
  });

  it('does not obey secretlint-disable comments in the text', () => {
    const secret = PLANTED_SECRETS[0]!.value;
    const out = redactor.redact(`<!-- secretlint-disable -->\n${secret}`);
    expect(out).toBe('<!-- secretlint-disable -->\n[redacted: github-token]');
  });

  it('redacts known values, longest first, and names their kind', () => {
    const known = createRedactor([
      { value: 'plain-value-1', kind: 'deploy-token' },
      { value: 'plain-value-1-longer', kind: 'other-token' },
      { value: 'abc', kind: 'too-short' },
    ]);
    expect(known.redact('a plain-value-1-longer b plain-value-1 c abc')).toBe(
      'a [redacted: other-token] b [redacted: deploy-token] c abc',
    );
  });

  it('takes secrets from variables whose name says secret, token or key', () => {
    const secrets = secretsFromEnvironment({
      GITHUB_TOKEN: 'value-of-the-token',
      'INPUT_LLM-API-KEY': 'value-of-the-key',
      MY_SECRET: 'short',
      HOME: '/home/someone-long-enough',
    });
    expect(secrets).toEqual([
      { value: 'value-of-the-token', kind: 'github-token' },
      { value: 'value-of-the-key', kind: 'llm-api-key' },
    ]);
  });

  it('adds patterns by configuration, and refuses a kind that is not a slug', () => {
    const privacy = redactor.withPatterns([{ kind: 'customer-id', pattern: /\bCUST-\d{6}\b/ }]);
    expect(privacy.redact('order by CUST-123456 today')).toBe(
      'order by [redacted: customer-id] today',
    );
    expect(redactor.redact('order by CUST-123456 today')).toBe('order by CUST-123456 today');
    expect(() => redactor.withPatterns([{ kind: 'Customer ID', pattern: /x/ }])).toThrow(
      'a secret pattern\'s kind must be lowercase-hyphenated: "Customer ID"',
    );
  });
});

describe('redacting a memory file', () => {
  const redactor = createRedactor();
  const token = PLANTED_SECRETS[0]!.value;

  it('keeps a frontmatter valid YAML when a plain scalar held a secret', () => {
    const text = `---\ntitle: uses ${token} here\nconfidence: 0.4\n---\n\nBody with ${token}.\n`;
    const out = redactMemoryFile('agents/a/world/x.md', text, redactor);
    expect(out).not.toContain(token);
    const yaml = /^---\n([\s\S]*?)\n---\n/.exec(out)?.[1] ?? '';
    const document = parseDocument(yaml);
    expect(document.errors).toEqual([]);
    expect(document.toJS()).toEqual({
      title: 'uses [redacted: github-token] here',
      confidence: 0.4,
    });
    expect(out).toContain('Body with [redacted: github-token].');
  });

  it('redacts a reward line (JSON in YAML) in place, still parseable', () => {
    const line = `- ${JSON.stringify({ task: `use ${token}`, reward: 1 })}\n`;
    const out = redactMemoryFile('agents/a/rewards/recent/t.yaml', line, redactor);
    expect(out).not.toContain(token);
    expect(parseDocument(out).toJS()).toEqual([
      { task: 'use [redacted: github-token]', reward: 1 },
    ]);
  });

  it('returns the same text when there is nothing to redact', () => {
    const text = '---\ntitle: x\n---\n\nbody\n';
    expect(redactMemoryFile('agents/a/world/x.md', text, redactor)).toBe(text);
  });
});

describe('redacting YAML keys and comments', () => {
  it('redacts a secret used as a key or held in a comment', () => {
    const token = `ghp_${'K'.repeat(36)}`;
    const text = `---\n${token}: value # ${token}\nname: x\n---\n`;
    const out = redactMemoryFile('agents/a/world/x.md', text, createRedactor());
    expect(out).not.toContain(token);
    const yaml = /^---\n([\s\S]*?)\n---\n/.exec(out)?.[1] ?? '';
    expect(parseDocument(yaml).toJS()).toEqual({ '[redacted: github-token]': 'value', name: 'x' });
  });
});

describe('the run redactor', () => {
  it('keeps patterns added for the run when the run declares its secrets', () => {
    addRunPatterns([{ kind: 'ticket-secret', pattern: /\bTKT-[0-9]{5}\b/g }]);
    const redactor = declareRunSecrets({ SERVICE_TOKEN: 'service-token-value' });
    expect(runRedactor()).toBe(redactor);
    expect(runRedactor().redact('TKT-12345 and service-token-value')).toBe(
      '[redacted: ticket-secret] and [redacted: service-token]',
    );
  });
});
