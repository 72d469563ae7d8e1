// A local stand-in for GitHub's REST API (127.0.0.1, port 0) for the calls the action makes:
// issue comments, labels (the repository's and each issue's), reactions, collaborator permissions,
// and pull requests (create, list, get, close, reviews, merge pinned to a sha with 405 and 409
// answers, merging for real in a bare git remote). It keeps state, records every request, checks
// the token, and can fail requests on demand to exercise retries. Every request body it receives
// and every answer it sends is checked against GitHub's REST description (./github-openapi.ts); a
// mismatch fails the running test (./shape-check.ts).
import { execFileSync } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { requestMismatch, responseMismatch } from './github-openapi.js';
import {
  BOT_LOGIN,
  botJson,
  commentJson,
  labelJson,
  pullJson as pullShape,
  reviewJson,
  userJson,
  type Site,
} from './github-shapes.js';
import { reportShapeViolation } from './shape-violations.js';

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
  authorization: string | undefined;
  /** The status the stand-in answered with. */
  status?: number;
}

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: string };
}

interface IssueState {
  labels: string[];
  comments: FakeComment[];
}

interface Failure {
  method: string;
  path: RegExp;
  status: number;
  times: number;
  /** The answer's message (default "Server Error"), e.g. "Base branch was modified…". */
  message?: string;
}

export interface FakeReview {
  id: number;
  user: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED';
  commit_id: string;
}

export interface FakePull {
  number: number;
  head: string;
  base: string;
  title: string;
  body: string;
  state: 'open' | 'closed';
  merged: boolean;
  merged_at: string | null;
  closed_at: string | null;
  created_at: string;
  merge_commit_sha: string | null;
  reviews: FakeReview[];
}

export interface FakeGitHub {
  url: string;
  owner: string;
  repo: string;
  requests: RecordedRequest[];
  /** Requests and answers that did not match GitHub's REST description (each also fails the test). */
  violations: string[];
  /** Requests that changed something (not GETs). */
  writes(): RecordedRequest[];
  issue(number: number): IssueState;
  /** Starts an issue with these labels (what the event payload says it has). */
  seedIssue(number: number, labels: string[]): void;
  /** The repository's labels, as created (by the action, or by GitHub when first added). */
  repositoryLabels(): RepositoryLabel[];
  setPermission(user: string, permission: 'admin' | 'maintain' | 'write' | 'triage' | 'read'): void;
  reactions: { commentId: number; content: string }[];
  /** The next `times` requests matching method and path get `status`. */
  failNext(failure: Failure): void;
  pulls: Map<number, FakePull>;
  /** A person's review of the pull request's current head (or of `commitId`). */
  review(pull: number, user: string, state: FakeReview['state'], commitId?: string): FakeReview;
  /** Dismisses the user's latest review, as a maintainer would. */
  dismiss(pull: number, user: string): void;
  close(): Promise<void>;
}

export interface RepositoryLabel {
  name: string;
  color: string;
  description: string | null;
}

/** A repository AgentOS already ran in has its labels; a test of a fresh one passes `labels: []`. */
const SET_UP_LABELS = ['agentos', 'agentos:running', 'agentos:done', 'agentos:failed'];

/** What GitHub's error answers link to. */
const DOCS = 'https://docs.github.com/rest';

export async function startFakeGitHub(options: {
  owner: string;
  repo: string;
  token: string;
  /** The repository's labels at the start (default: AgentOS's, as after a first run). */
  labels?: string[];
  /** The bare repository standing in for GitHub's: heads are read from it, merges made in it. */
  gitDir?: string;
}): Promise<FakeGitHub> {
  const { owner, repo, token } = options;
  const repositoryLabels = new Map<string, RepositoryLabel>(
    (options.labels ?? SET_UP_LABELS).map((name) => [
      name,
      { name, color: 'ededed', description: null },
    ]),
  );
  const pulls = new Map<number, FakePull>();
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: options.gitDir,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'GitHub',
        GIT_AUTHOR_EMAIL: 'noreply@github.com',
        GIT_COMMITTER_NAME: 'GitHub',
        GIT_COMMITTER_EMAIL: 'noreply@github.com',
      },
    }).trim();
  const headOf = (pull: FakePull) => {
    try {
      return git('rev-parse', `refs/heads/${pull.head}`);
    } catch {
      return '0'.repeat(40); // the branch was deleted
    }
  };
  const pullJson = (pull: FakePull, full = true) =>
    pullShape(
      site,
      pull,
      { head: headOf(pull), base: git('rev-parse', `refs/heads/${pull.base}`) },
      full,
    );
  const issues = new Map<number, IssueState>();
  const permissions = new Map<string, string>();
  const requests: RecordedRequest[] = [];
  const violations: string[] = [];
  const violation = (text: string) => {
    violations.push(text);
    reportShapeViolation(text);
  };
  /** The request being answered (handle() answers synchronously). */
  let current = { method: 'GET', rawPath: '/' };
  const reactions: { commentId: number; content: string }[] = [];
  const failures: Failure[] = [];
  let nextId = 1000;
  let url = '';
  const site: Site = { url: '', owner, repo };
  const createdAt = new Map<number, string>();

  const issueState = (number: number): IssueState => {
    let state = issues.get(number);
    if (!state) {
      state = { labels: [], comments: [] };
      issues.set(number, state);
    }
    return state;
  };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    const last = requests[requests.length - 1];
    if (last) last.status = status;
    const mismatch = responseMismatch(current.method, current.rawPath, status, body);
    if (mismatch) violation(mismatch);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const notFound = (res: ServerResponse) =>
    send(res, 404, {
      message: 'Not Found',
      documentation_url: DOCS,
      status: '404',
    });

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const method = req.method ?? 'GET';
    const parsed = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = decodeURIComponent(parsed.pathname);
    let body: unknown = undefined;
    try {
      body = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      body = raw;
    }
    requests.push({ method, path, body, authorization: req.headers.authorization });
    current = { method, rawPath: parsed.pathname };
    const mismatch = requestMismatch(method, parsed.pathname, body);
    if (mismatch) violation(mismatch.text);
    // As GitHub does, a body its schema refuses is answered 422 and changes nothing.
    if (mismatch?.kind === 'body')
      return send(res, 422, {
        documentation_url: DOCS,
        message: `Invalid request: ${mismatch.text}`,
      });

    const failure = failures.find((f) => f.times > 0 && f.method === method && f.path.test(path));
    if (failure) {
      failure.times--;
      return send(res, failure.status, {
        documentation_url: DOCS,
        message: failure.message ?? 'Server Error',
      });
    }
    if (req.headers.authorization !== `token ${token}`)
      return send(res, 401, { documentation_url: DOCS, message: 'Bad credentials', status: '401' });

    const prefix = `/repos/${owner}/${repo}`;
    if (!path.startsWith(`${prefix}/`)) return notFound(res);
    const rest = path.slice(prefix.length);
    const input = (body ?? {}) as {
      body?: string;
      labels?: string[];
      content?: string;
      name?: string;
      color?: string;
      description?: string;
    };
    let match: RegExpExecArray | null;

    if ((match = /^\/issues\/(\d+)\/comments$/.exec(rest))) {
      const state = issueState(Number(match[1]));
      if (method === 'GET') {
        return send(
          res,
          200,
          state.comments.map((c) =>
            commentJson(site, Number(match?.[1]), {
              ...c,
              created_at: createdAt.get(c.id) ?? '2026-01-01T00:00:00Z',
            }),
          ),
        );
      }
      if (method === 'POST') {
        if (typeof input.body !== 'string' || input.body === '')
          return send(res, 422, { documentation_url: DOCS, message: 'Validation Failed' });
        const comment = {
          id: nextId++,
          body: input.body,
          user: { login: BOT_LOGIN, type: 'Bot' },
        };
        state.comments.push(comment);
        createdAt.set(comment.id, new Date().toISOString());
        return send(
          res,
          201,
          commentJson(site, Number(match[1]), {
            ...comment,
            created_at: createdAt.get(comment.id) ?? '',
          }),
        );
      }
    }
    if ((match = /^\/labels\/(.+)$/.exec(rest)) && method === 'GET') {
      const found = repositoryLabels.get(match[1] ?? '');
      if (!found) return notFound(res);
      return send(res, 200, labelJson(site, found.name, 1, found));
    }
    if (rest === '/labels' && method === 'POST') {
      const name = input.name ?? '';
      if (name === '' || repositoryLabels.has(name))
        return send(res, 422, {
          documentation_url: DOCS,
          message: 'Validation Failed',
          errors: [
            {
              resource: 'Label',
              code: name === '' ? 'missing_field' : 'already_exists',
              field: 'name',
            },
          ],
        });
      const created = {
        name,
        color: input.color ?? 'ededed',
        description: input.description ?? null,
      };
      repositoryLabels.set(name, created);
      return send(res, 201, labelJson(site, name, nextId++, created));
    }
    if ((match = /^\/issues\/(\d+)\/labels$/.exec(rest)) && method === 'POST') {
      const state = issueState(Number(match[1]));
      for (const name of input.labels ?? [])
        if (!state.labels.includes(name)) state.labels.push(name);
      // As GitHub does, a label added to an issue that the repository lacks is created, plain.
      for (const name of input.labels ?? [])
        if (!repositoryLabels.has(name))
          repositoryLabels.set(name, { name, color: 'ededed', description: null });
      return send(
        res,
        200,
        state.labels.map((name, i) => labelJson(site, name, i + 1, repositoryLabels.get(name))),
      );
    }
    if ((match = /^\/issues\/(\d+)\/labels\/(.+)$/.exec(rest)) && method === 'DELETE') {
      const state = issueState(Number(match[1]));
      const name = match[2] ?? '';
      if (!state.labels.includes(name))
        return send(res, 404, {
          documentation_url: DOCS,
          message: 'Label does not exist',
          status: '404',
        });
      state.labels = state.labels.filter((l) => l !== name);
      return send(
        res,
        200,
        state.labels.map((n, i) => labelJson(site, n, i + 1, repositoryLabels.get(n))),
      );
    }
    if ((match = /^\/issues\/comments\/(\d+)\/reactions$/.exec(rest)) && method === 'POST') {
      reactions.push({ commentId: Number(match[1]), content: input.content ?? '' });
      return send(res, 201, {
        id: nextId++,
        node_id: 'REA_1',
        user: botJson(site),
        content: input.content,
        created_at: new Date().toISOString(),
      });
    }
    const pullInput = (body ?? {}) as {
      head?: string;
      base?: string;
      title?: string;
      body?: string;
      state?: string;
      sha?: string;
      commit_title?: string;
      commit_message?: string;
    };
    if (rest === '/pulls' && method === 'POST') {
      const { head, base, title } = pullInput;
      if (!head || !base || !title)
        return send(res, 422, { documentation_url: DOCS, message: 'Validation Failed' });
      if ([...pulls.values()].some((p) => p.head === head && p.state === 'open'))
        return send(res, 422, {
          documentation_url: DOCS,
          message: `A pull request already exists for ${owner}:${head}.`,
        });
      const pull: FakePull = {
        number: nextId++,
        head,
        base,
        title,
        body: pullInput.body ?? '',
        state: 'open',
        merged: false,
        merged_at: null,
        closed_at: null,
        created_at: new Date().toISOString(),
        merge_commit_sha: null,
        reviews: [],
      };
      pulls.set(pull.number, pull);
      return send(res, 201, pullJson(pull));
    }
    if (rest === '/pulls' && method === 'GET') {
      const state = parsed.searchParams.get('state') ?? 'open';
      const list = [...pulls.values()]
        .filter((p) => state === 'all' || p.state === state)
        .sort((a, b) => b.number - a.number);
      return send(
        res,
        200,
        list.map((pull) => pullJson(pull, false)),
      );
    }
    if ((match = /^\/pulls\/(\d+)$/.exec(rest))) {
      const pull = pulls.get(Number(match[1]));
      if (!pull) return notFound(res);
      if (method === 'GET') return send(res, 200, pullJson(pull));
      if (method === 'PATCH') {
        if (pullInput.state === 'closed' && pull.state === 'open') {
          pull.state = 'closed';
          pull.closed_at = new Date().toISOString();
        }
        return send(res, 200, pullJson(pull));
      }
    }
    if ((match = /^\/pulls\/(\d+)\/reviews$/.exec(rest)) && method === 'GET') {
      const pull = pulls.get(Number(match[1]));
      if (!pull) return notFound(res);
      return send(
        res,
        200,
        pull.reviews.map((r) => reviewJson(site, pull.number, r)),
      );
    }
    if ((match = /^\/pulls\/(\d+)\/merge$/.exec(rest)) && method === 'PUT') {
      const pull = pulls.get(Number(match[1]));
      if (!pull) return notFound(res);
      if (pull.merged || pull.state !== 'open')
        return send(res, 405, {
          documentation_url: DOCS,
          message: 'Pull Request is not mergeable',
        });
      const head = headOf(pull);
      if (pullInput.sha && pullInput.sha !== head)
        return send(res, 409, {
          documentation_url: DOCS,
          message: 'Head branch was modified. Review and try the merge again.',
        });
      const base = git('rev-parse', `refs/heads/${pull.base}`);
      const tree = git('merge-tree', '--write-tree', base, head);
      const message = `${pullInput.commit_title ?? `Merge pull request #${pull.number}`}\n\n${pullInput.commit_message ?? ''}`;
      const commit = git('commit-tree', tree, '-p', base, '-p', head, '-m', message);
      git('update-ref', `refs/heads/${pull.base}`, commit, base);
      pull.merged = true;
      pull.state = 'closed';
      pull.merged_at = pull.closed_at = new Date().toISOString();
      pull.merge_commit_sha = commit;
      return send(res, 200, {
        sha: commit,
        merged: true,
        message: 'Pull Request successfully merged',
      });
    }
    if ((match = /^\/collaborators\/([^/]+)\/permission$/.exec(rest)) && method === 'GET') {
      const user = match[1] ?? '';
      const role = permissions.get(user) ?? 'read';
      const permission = role === 'maintain' ? 'write' : role === 'triage' ? 'read' : role;
      return send(res, 200, {
        permission,
        role_name: role,
        user: { ...userJson(site, user), role_name: role },
      });
    }
    return notFound(res);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  site.url = url;

  return {
    url,
    owner,
    repo,
    requests,
    violations,
    writes: () => requests.filter((r) => r.method !== 'GET'),
    issue: issueState,
    seedIssue: (number, labels) => {
      issueState(number).labels = [...labels];
    },
    repositoryLabels: () => [...repositoryLabels.values()],
    setPermission: (user, permission) => permissions.set(user, permission),
    reactions,
    failNext: (failure) => failures.push({ ...failure }),
    pulls,
    review: (number, user, state, commitId) => {
      const pull = pulls.get(number);
      if (!pull) throw new Error(`no pull request #${number}`);
      const review: FakeReview = { id: nextId++, user, state, commit_id: commitId ?? headOf(pull) };
      pull.reviews.push(review);
      return review;
    },
    dismiss: (number, user) => {
      const review = pulls
        .get(number)
        ?.reviews.filter((r) => r.user === user && r.state !== 'COMMENTED')
        .at(-1);
      if (review) review.state = 'DISMISSED';
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
