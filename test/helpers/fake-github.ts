// A local stand-in for GitHub's REST API (127.0.0.1, port 0) for the calls the action makes:
// issue comments, labels (the repository's and each issue's), reactions and collaborator permissions. It keeps issue state, records
// every request, checks the token, and can fail requests on demand to exercise retries.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

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
}

export interface FakeGitHub {
  url: string;
  owner: string;
  repo: string;
  requests: RecordedRequest[];
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
  close(): Promise<void>;
}

export interface RepositoryLabel {
  name: string;
  color: string;
  description: string | null;
}

/** A repository AgentOS already ran in has its labels; a test of a fresh one passes `labels: []`. */
const SET_UP_LABELS = ['agentos', 'agentos:running', 'agentos:done', 'agentos:failed'];

const BOT = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };

function label(name: string, id: number) {
  return {
    id,
    node_id: `LA_${id}`,
    url: `https://api.github.com/repos/o/r/labels/${encodeURIComponent(name)}`,
    name,
    color: 'ededed',
    default: false,
    description: null,
  };
}

export async function startFakeGitHub(options: {
  owner: string;
  repo: string;
  token: string;
  /** The repository's labels at the start (default: AgentOS's, as after a first run). */
  labels?: string[];
}): Promise<FakeGitHub> {
  const { owner, repo, token } = options;
  const repositoryLabels = new Map<string, RepositoryLabel>(
    (options.labels ?? SET_UP_LABELS).map((name) => [
      name,
      { name, color: 'ededed', description: null },
    ]),
  );
  const issues = new Map<number, IssueState>();
  const permissions = new Map<string, string>();
  const requests: RecordedRequest[] = [];
  const reactions: { commentId: number; content: string }[] = [];
  const failures: Failure[] = [];
  let nextId = 1000;
  let url = '';

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
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const notFound = (res: ServerResponse) =>
    send(res, 404, {
      message: 'Not Found',
      documentation_url: 'https://docs.github.com/rest',
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

    const failure = failures.find((f) => f.times > 0 && f.method === method && f.path.test(path));
    if (failure) {
      failure.times--;
      return send(res, failure.status, { message: 'Server Error' });
    }
    if (req.headers.authorization !== `token ${token}`)
      return send(res, 401, { message: 'Bad credentials', status: '401' });

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
          state.comments.map((c) => ({
            id: c.id,
            node_id: `IC_${c.id}`,
            body: c.body,
            user: c.user,
            html_url: `${url}/${owner}/${repo}/issues/${match?.[1]}#issuecomment-${c.id}`,
            author_association: 'NONE',
          })),
        );
      }
      if (method === 'POST') {
        if (typeof input.body !== 'string' || input.body === '')
          return send(res, 422, { message: 'Validation Failed' });
        const comment = {
          id: nextId++,
          body: input.body,
          user: { login: BOT.login, type: BOT.type },
        };
        state.comments.push(comment);
        return send(res, 201, {
          id: comment.id,
          node_id: `IC_${comment.id}`,
          url: `${url}/repos/${owner}/${repo}/issues/comments/${comment.id}`,
          html_url: `${url}/${owner}/${repo}/issues/${match[1]}#issuecomment-${comment.id}`,
          issue_url: `${url}/repos/${owner}/${repo}/issues/${match[1]}`,
          body: comment.body,
          user: BOT,
          author_association: 'NONE',
          created_at: new Date().toISOString(),
          updated_at: new Date().toISOString(),
        });
      }
    }
    if ((match = /^\/labels\/(.+)$/.exec(rest)) && method === 'GET') {
      const found = repositoryLabels.get(match[1] ?? '');
      if (!found) return notFound(res);
      return send(res, 200, { ...label(found.name, 1), ...found });
    }
    if (rest === '/labels' && method === 'POST') {
      const name = input.name ?? '';
      if (name === '' || repositoryLabels.has(name))
        return send(res, 422, {
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
      return send(res, 201, { ...label(name, nextId++), ...created });
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
        state.labels.map((name, i) => label(name, i + 1)),
      );
    }
    if ((match = /^\/issues\/(\d+)\/labels\/(.+)$/.exec(rest)) && method === 'DELETE') {
      const state = issueState(Number(match[1]));
      const name = match[2] ?? '';
      if (!state.labels.includes(name))
        return send(res, 404, { message: 'Label does not exist', status: '404' });
      state.labels = state.labels.filter((l) => l !== name);
      return send(
        res,
        200,
        state.labels.map((n, i) => label(n, i + 1)),
      );
    }
    if ((match = /^\/issues\/comments\/(\d+)\/reactions$/.exec(rest)) && method === 'POST') {
      reactions.push({ commentId: Number(match[1]), content: input.content ?? '' });
      return send(res, 201, {
        id: nextId++,
        node_id: 'REA_1',
        user: BOT,
        content: input.content,
        created_at: new Date().toISOString(),
      });
    }
    if ((match = /^\/collaborators\/([^/]+)\/permission$/.exec(rest)) && method === 'GET') {
      const user = match[1] ?? '';
      const role = permissions.get(user) ?? 'read';
      const permission = role === 'maintain' ? 'write' : role === 'triage' ? 'read' : role;
      return send(res, 200, { permission, role_name: role, user: { login: user, type: 'User' } });
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

  return {
    url,
    owner,
    repo,
    requests,
    writes: () => requests.filter((r) => r.method !== 'GET'),
    issue: issueState,
    seedIssue: (number, labels) => {
      issueState(number).labels = [...labels];
    },
    repositoryLabels: () => [...repositoryLabels.values()],
    setPermission: (user, permission) => permissions.set(user, permission),
    reactions,
    failNext: (failure) => failures.push({ ...failure }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
