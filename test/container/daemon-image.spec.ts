// The same image as the action, run as the seed's long-lived container: `agentos daemon` on an
// agent repository mounted at /data (owned by another user, as a host's folder is), polling every
// POLL_INTERVAL seconds; a task appended to queue.md on the host is answered and committed, and
// `podman stop` (SIGTERM) ends it cleanly. Run by test/container/run.sh, which builds the image.
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo } from '../helpers/repo.js';

const IMAGE = process.env.AGENTOS_CONTAINER_IMAGE;
const RUNTIME = process.env.AGENTOS_CONTAINER_RUNTIME ?? '/usr/sbin/runc';

function podman(args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = spawn('podman', ['--runtime', RUNTIME, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('close', (code) =>
      resolve({
        code: code ?? 1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

it('runs as agentos daemon on a mounted /data: answers a task appended to queue.md, stops on SIGTERM', async () => {
  if (!IMAGE) throw new Error('AGENTOS_CONTAINER_IMAGE is not set: run test/container/run.sh');
  const repo = await makeRepo();
  try {
    const before = await repo.subjects();
    // A host folder is not root's: git refuses it unless the daemon marks it safe.
    const chown = (owner: string) =>
      new Promise((done) => spawn('chown', ['-R', owner, repo.dir]).on('close', done));
    await chown('1001:1001');
    const name = `agentos-daemon-test-${process.pid}`;
    const started = await podman([
      'run',
      '-d',
      '--name',
      name,
      '--network',
      'none',
      '--ulimit',
      'nofile=1024:1024',
      '--ulimit',
      'nproc=1000:1000',
      '-e',
      'POLL_INTERVAL=1',
      '-e',
      'AGENTOS_LEARN_HOUR=off',
      '-v',
      `${repo.dir}:/data`,
      IMAGE,
      'daemon',
    ]);
    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    try {
      const logs = async () => (await podman(['logs', name])).stdout;
      const waitFor = async (what: string, pattern: RegExp) => {
        const deadline = Date.now() + 30_000;
        while (!pattern.test(await logs())) {
          if (Date.now() > deadline)
            throw new Error(`timed out waiting for ${what}:\n${await logs()}`);
          await new Promise((done) => setTimeout(done, 250));
        }
      };
      await waitFor('the daemon to start', / daemon started: agents orion, iris; not pushing;/);
      appendFileSync(
        join(repo.dir, 'agents/orion/queue.md'),
        '\n## sync-vendor-api\ntask: Build a Python sync process for a paginated API with rate limits.\npriority: high\ncreated: 2026-04-30T10:00:00Z\n',
      );
      await waitFor(
        'the task',
        / orion sync-vendor-api: success \(\+1\) \S+ \[offline-rules\] .* commit [0-9a-f]{7}$/m,
      );
      const stopped = await podman(['stop', '-t', '30', name]);
      expect(stopped.code).toBe(0);
      const exit = await podman(['inspect', '--format', '{{.State.ExitCode}}', name]);
      expect(exit.stdout.trim()).toBe('0');
      expect(await logs()).toMatch(/ daemon stopped: 1 done, 0 failed\n$/);
    } finally {
      await podman(['rm', '-f', name]);
      await chown('0:0');
    }
    const subjects = await repo.subjects();
    expect(subjects).toHaveLength(before.length + 1);
    expect(subjects[0]).toContain('(sync-vendor-api)');
    const status = await repo.git.exec(['status', '--porcelain']);
    expect(status.stdout).toBe('');
  } finally {
    repo.cleanup();
  }
});
