// The GitHub client's write spacing: GitHub's (1 s between writes, 3 s between writes that notify)
// unless a test sets a shorter one for a local stand-in; no setting shortens it for GitHub or GHES.
import { silentLogger } from '../src/log.js';
import {
  createGitHubClient,
  testWriteSpacing,
  WRITE_SPACING_VARIABLE,
} from '../src/platform/octokit.js';
import { startFakeGitHub, type FakeGitHub } from './helpers/fake-github.js';

const TOKEN = 'ghs_spacing_test_token';

describe('write spacing', () => {
  const saved = process.env[WRITE_SPACING_VARIABLE];
  afterEach(() => {
    if (saved === undefined) delete process.env[WRITE_SPACING_VARIABLE];
    else process.env[WRITE_SPACING_VARIABLE] = saved;
  });

  it('is shortened only for a loopback API root', () => {
    delete process.env[WRITE_SPACING_VARIABLE];
    expect(testWriteSpacing('http://127.0.0.1:4100', 0)).toBe(0);
    expect(testWriteSpacing('http://localhost:4100/api/v3', 25)).toBe(25);
    expect(testWriteSpacing('https://api.github.com', 0)).toBeUndefined();
    expect(testWriteSpacing('https://github.example.com/api/v3', 0)).toBeUndefined();
    expect(testWriteSpacing('http://127.0.0.1:4100', undefined)).toBeUndefined();
    process.env[WRITE_SPACING_VARIABLE] = '0';
    expect(testWriteSpacing('http://127.0.0.1:4100', undefined)).toBe(0);
    expect(testWriteSpacing('https://api.github.com', undefined)).toBeUndefined();
    process.env[WRITE_SPACING_VARIABLE] = 'soon';
    expect(testWriteSpacing('http://127.0.0.1:4100', undefined)).toBeUndefined();
  });

  async function twoComments(github: FakeGitHub, writeSpacingMs?: number): Promise<number> {
    const client = createGitHubClient({
      token: TOKEN,
      baseUrl: github.url,
      logger: silentLogger,
      ...(writeSpacingMs === undefined ? {} : { writeSpacingMs }),
    });
    const started = Date.now();
    for (const body of ['one', 'two'])
      await client.rest.issues.createComment({ owner: 'o', repo: 'r', issue_number: 1, body });
    return Date.now() - started;
  }

  it("keeps GitHub's 3 s between comments by default, and drops it when a test asks", async () => {
    delete process.env[WRITE_SPACING_VARIABLE];
    const github = await startFakeGitHub({ owner: 'o', repo: 'r', token: TOKEN });
    try {
      const spaced = await twoComments(github);
      expect(spaced).toBeGreaterThanOrEqual(2_900);
      const unspaced = await twoComments(github, 0);
      expect(unspaced).toBeLessThan(spaced - 2_000);
      expect(github.issue(1).comments.map((c) => c.body)).toEqual(['one', 'two', 'one', 'two']);
    } finally {
      await github.close();
    }
  });
});
