// The GitHub stand-in is held to GitHub's REST description: a request body GitHub would refuse and an
// answer GitHub would never send are reported with the route, the status and the JSON path, and
// fail the test during which they happened; the stand-in's own answers to the product's calls pass.
import { requestMismatch, responseMismatch, routeOf } from './helpers/github-openapi.js';
import { startFakeGitHub } from './helpers/fake-github.js';
import { takeShapeViolations } from './helpers/shape-violations.js';
import { createGitHubClient } from '../src/platform/octokit.js';
import { silentLogger } from '../src/log.js';

const TOKEN = 'ghs_openapi_test_token';

describe("GitHub's REST description as a check on the stand-in", () => {
  it('maps a request path to its operation, the most literal template first', () => {
    expect(routeOf('get', '/repos/o/r/pulls/7')).toBe(
      'GET /repos/{owner}/{repo}/pulls/{pull_number}',
    );
    expect(routeOf('POST', '/repos/o/r/issues/comments/5/reactions')).toBe(
      'POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions',
    );
    expect(routeOf('GET', '/not/github')).toBeUndefined();
  });

  it('names the route and the JSON path of a request body GitHub refuses', () => {
    expect(
      requestMismatch('POST', '/repos/o/r/pulls', { head: 'x', base: 'main', title: 'T' })?.text,
    ).toBeUndefined();
    expect(
      requestMismatch('POST', '/repos/o/r/pulls', { head: 'x', base: 'main', title: 7 })?.text,
    ).toBe('POST /repos/{owner}/{repo}/pulls: request body/title must be string');
    expect(
      requestMismatch('PUT', '/repos/o/r/pulls/3/merge', { merge_method: 'octopus' })?.text,
    ).toMatch(
      /^PUT \/repos\/\{owner\}\/\{repo\}\/pulls\/\{pull_number\}\/merge: request body\/merge_method must be equal to one of the allowed values \["merge","squash","rebase"\]/,
    );
    expect(requestMismatch('POST', '/repos/o/r/issues/1/comments', {})?.text).toBe(
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments: request body lacks required body',
    );
    expect(
      requestMismatch('DELETE', '/repos/o/r/branches/main/protection', undefined)?.text,
    ).toMatch(/a GitHub route the stand-in does not serve/);
    expect(requestMismatch('GET', '/nowhere', undefined)?.text).toBe(
      "GET /nowhere: not a route of GitHub's REST API",
    );
  });

  it('names the route, the status and the JSON path of an answer GitHub never sends', () => {
    expect(
      responseMismatch('PUT', '/repos/o/r/pulls/3/merge', 200, {
        sha: 'abc',
        merged: true,
        message: 'ok',
      }),
    ).toBeUndefined();
    expect(
      responseMismatch('PUT', '/repos/o/r/pulls/3/merge', 200, { sha: 'abc', merged: 'yes' }),
    ).toBe(
      'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge → 200: response/merged must be boolean; response lacks required message',
    );
    expect(responseMismatch('PUT', '/repos/o/r/pulls/3/merge', 201, {})).toBe(
      'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge → 201: GitHub documents 200, 403, 404, 405, 409, 422',
    );
    // nullable (OpenAPI 3.0): null passes where the description allows it, and only there.
    const label = {
      id: 1,
      node_id: 'L',
      url: 'https://x/l',
      name: 'a',
      color: 'ededed',
      default: false,
    };
    expect(
      responseMismatch('GET', '/repos/o/r/labels/a', 200, { ...label, description: null }),
    ).toBeUndefined();
    expect(
      responseMismatch('GET', '/repos/o/r/labels/a', 200, {
        ...label,
        description: null,
        name: null,
      }),
    ).toBe('GET /repos/{owner}/{repo}/labels/{name} → 200: response/name must be string');
    // An injected failure GitHub does not document per operation is not the stand-in's shape.
    expect(
      responseMismatch('GET', '/repos/o/r/labels/a', 502, { message: 'Server Error' }),
    ).toBeUndefined();
  });

  it('fails the running test when the product sends what GitHub refuses', async () => {
    const github = await startFakeGitHub({ owner: 'o', repo: 'r', token: TOKEN });
    try {
      const client = createGitHubClient({
        token: TOKEN,
        baseUrl: github.url,
        logger: silentLogger,
      });
      await client.rest.issues.createComment({
        owner: 'o',
        repo: 'r',
        issue_number: 1,
        body: 'fine',
      });
      expect(github.violations).toEqual([]);
      await client
        .request('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', {
          owner: 'o',
          repo: 'r',
          issue_number: 1,
          labels: JSON.parse('[3]') as string[],
        })
        .catch(() => undefined);
      // Refused as GitHub refuses it (422), nothing changed, and reported with route and path.
      expect(github.requests.at(-1)?.status).toBe(422);
      expect(github.issue(1).labels).toEqual([]);
      expect(github.violations).toHaveLength(1);
      expect(github.violations[0]).toMatch(
        /^POST \/repos\/\{owner\}\/\{repo\}\/issues\/\{issue_number\}\/labels: request .*body\/labels\/0 must be string/,
      );
      // What the afterEach hook (test/helpers/shape-check.ts) would have thrown, taken here instead.
      expect(takeShapeViolations()).toEqual(github.violations);
    } finally {
      await github.close();
    }
  });
});
