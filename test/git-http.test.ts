// The token reaches git only as an HTTP header configured through the environment: a real smart
// HTTP remote (git http-backend behind a local server) accepts the push with exactly that header,
// even when a checkout persisted another one, and the token is never on a command line. A 503 from
// the server is transient: the push is retried.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Git, safeDirectoryConfig, tokenAuthConfig } from '../src/git/git.js';
import { makeRemote, remoteLog } from './helpers/action.js';
import { tempDir } from './helpers/repo.js';
import { commitStaged } from './helpers/person.js';

const TOKEN = 'ghs_httpTestToken000000000000000000000';

interface GitServer {
  url: string;
  authorizations: string[][];
  failNextPush: number;
  close(): Promise<void>;
}

/** git http-backend as CGI behind node:http, requiring `expected` as the Authorization header. */
async function startGitServer(projectRoot: string, expected: string): Promise<GitServer> {
  const state = { authorizations: [] as string[][], failNextPush: 0 };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const auth: string[] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2)
      if (req.rawHeaders[i]?.toLowerCase() === 'authorization')
        auth.push(req.rawHeaders[i + 1] ?? '');
    state.authorizations.push(auth);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (auth.length !== 1 || auth[0] !== expected) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="git"' });
      return res.end('bad credentials');
    }
    if (
      req.method === 'POST' &&
      url.pathname.endsWith('/git-receive-pack') &&
      state.failNextPush > 0
    ) {
      state.failNextPush--;
      req.resume();
      res.writeHead(503);
      return res.end('unavailable');
    }
    const cgi = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: projectRoot,
        GIT_HTTP_EXPORT_ALL: '1',
        REMOTE_USER: 'x-access-token',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: url.pathname,
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'safe.directory',
        GIT_CONFIG_VALUE_0: '*',
      },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    req.pipe(cgi.stdin);
    const out: Buffer[] = [];
    cgi.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    cgi.on('close', () => {
      const raw = Buffer.concat(out);
      const split = raw.indexOf('\r\n\r\n');
      const head = raw.subarray(0, split).toString('utf8').split('\r\n');
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of head) {
        const [name = '', ...rest] = line.split(':');
        const value = rest.join(':').trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else if (name) headers[name] = value;
      }
      res.writeHead(status, headers);
      res.end(raw.subarray(split + 4));
    });
  };
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get authorizations() {
      return state.authorizations;
    },
    get failNextPush() {
      return state.failNextPush;
    },
    set failNextPush(n: number) {
      state.failNextPush = n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A `git` first on PATH that logs its command line, then runs the real git. */
function gitShim(): { path: string; log: string } {
  const dir = tempDir('agentos-shim-');
  const log = join(dir, 'argv.log');
  const real = spawnSyncWhich('git');
  writeFileSync(
    join(dir, 'git'),
    `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${real}' "$@"\n`,
  );
  chmodSync(join(dir, 'git'), 0o755);
  writeFileSync(log, '');
  return { path: `${dir}:${process.env.PATH ?? ''}`, log };
}

function spawnSyncWhich(command: string): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    try {
      readFileSync(join(dir, command));
      return join(dir, command);
    } catch {
      // not in this folder
    }
  }
  throw new Error(`${command} not found on PATH`);
}

it('pushes over HTTP with the token as a header from the environment, never on a command line', async () => {
  const bare = await makeRemote();
  const projectRoot = join(bare, '..');
  const secret = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');
  const server = await startGitServer(projectRoot, `basic ${secret}`);
  try {
    const shim = gitShim();
    const serverAuth = tokenAuthConfig(server.url, TOKEN);
    expect(serverAuth).toEqual({
      config: [
        [`http.${server.url}/.extraheader`, ''],
        [`http.${server.url}/.extraheader`, `AUTHORIZATION: basic ${secret}`],
      ],
      secret,
    });

    // The runner's checkout: a clone whose config still holds a header from an earlier token.
    const dir = join(tempDir('agentos-http-'), 'agents');
    mkdirSync(dir);
    const git = Git.create(dir, {
      env: { PATH: shim.path },
      config: [...safeDirectoryConfig(dir), ...serverAuth.config],
    });
    await git.exec(['clone', '--quiet', `${server.url}/agents.git`, '.']);
    await git.exec([
      'config',
      `http.${server.url}/.extraheader`,
      'AUTHORIZATION: basic c3RhbGU6dG9rZW4=',
    ]);

    writeFileSync(join(dir, 'note.md'), 'pushed over http\n');
    await git.add(['note.md']);
    const sha = await commitStaged(git, 'over http');
    server.failNextPush = 1;
    const result = await git.pushWithRebaseRetry({
      remote: 'origin',
      branch: 'main',
      sleep: async () => {},
    });
    expect(result).toMatchObject({ sha, attempts: 2, rebases: 0 });
    expect((await remoteLog(bare))[0]!.sha).toBe(sha);

    // Every request carried exactly one Authorization header: ours, not the stale one.
    expect(server.authorizations.length).toBeGreaterThan(2);
    for (const headers of server.authorizations) expect(headers).toEqual([`basic ${secret}`]);
    const argv = readFileSync(shim.log, 'utf8');
    expect(argv).toContain('push --porcelain origin HEAD:refs/heads/main');
    expect(argv).not.toContain(TOKEN);
    expect(argv).not.toContain(secret);
    expect(readFileSync(join(dir, '.git', 'config'), 'utf8')).not.toContain(secret);
  } finally {
    await server.close();
  }
});
