// Hidden content is stripped from untrusted text; what a reader sees is kept.
import { sanitiseUntrustedText } from '../src/platform/untrusted-text.js';
import { createRedactor } from '../src/security/redact.js';

describe('untrusted text', () => {
  it('strips HTML comments, including an unterminated one', () => {
    expect(sanitiseUntrustedText('Do this.<!-- and secretly that -->\nThen <!-- rest')).toEqual({
      text: 'Do this.\nThen',
      removed: ['2 HTML comments'],
    });
  });

  it('strips invisible, bidi-control and tag characters, and controls', () => {
    const tags = [...'hi'].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('');
    const input = `pay\u200bload\u202e${tags}\u2066x\u2069\u0007\ufeff`;
    expect(sanitiseUntrustedText(input)).toEqual({
      text: 'payloadx',
      removed: ['8 invisible characters'],
    });
  });

  it('keeps visible text, emoji, accents and line structure', () => {
    const text = 'Café ✓ 👍🏽\n\n- item one\n- item two\n\n```js\nconst a = 1;\n```';
    expect(sanitiseUntrustedText(`${text}\r\n`)).toEqual({ text, removed: [] });
  });

  it('redacts every secret from outgoing text, longest first', () => {
    const redactor = createRedactor(
      ['ghs_secret123', 'ghs_secret123abc', 'no', ''].map((value) => ({
        value,
        kind: 'github-token',
      })),
    );
    expect(redactor.redact('token ghs_secret123abc and ghs_secret123, not no')).toBe(
      'token [redacted: github-token] and [redacted: github-token], not no',
    );
  });
});
