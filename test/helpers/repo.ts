// Test fixtures: real temporary agent repositories made by the product's own `init`.
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  mkdirSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Git } from '../../src/git/git.js';
import { initRepository } from '../../src/scaffold/init.js';

export interface TestRepo {
  dir: string;
  git: Git;
  read(path: string): string;
  write(path: string, content: string): void;
  /** Subjects of the commits, newest first. */
  subjects(): Promise<string[]>;
  cleanup(): void;
}

export function tempDir(prefix = 'agentos-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

let template: Promise<string> | undefined;

/**
 * One repository made by the product's `init` per test file, copied for each test: a copy costs a
 * fraction of an `init` (several git processes and commits). Removed when the worker exits.
 */
function initializedTemplate(): Promise<string> {
  template ??= (async () => {
    const dir = tempDir('agentos-template-');
    await initRepository(dir, { git: Git.create(dir) });
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  })();
  return template;
}

export async function makeRepo(): Promise<TestRepo> {
  const dir = tempDir();
  const git = Git.create(dir);
  cpSync(await initializedTemplate(), dir, { recursive: true });
  // The copy's files have new times and inodes: refresh the index so that git's plumbing
  // (diff-files) sees a clean tree, as it does right after `init`.
  await git.exec(['update-index', '-q', '--refresh']);
  return {
    dir,
    git,
    read: (path) => readFileSync(join(dir, path), 'utf8'),
    write: (path, content) => {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    },
    subjects: async () =>
      (await git.exec(['log', '--format=%s'])).stdout.split('\n').filter(Boolean),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A fixed clock that advances one minute per call, so records get distinct, predictable times. */
export function steppingClock(start = '2026-05-01T09:00:00Z'): () => Date {
  let t = Date.parse(start);
  return () => {
    const now = new Date(t);
    t += 60_000;
    return now;
  };
}

/**
 * A file of src/ compiled to JavaScript (`action/index.js`), or the whole folder without a path:
 * made by jest's global setup (compile-source.ts), for tests that run the product as a child
 * process and must run what a developer changed.
 */
export function compiledSource(path = ''): string {
  const folder = process.env.AGENTOS_COMPILED_SOURCE;
  if (!folder || !existsSync(join(folder, path)))
    throw new Error('src/ is not compiled: run the tests through jest, whose global setup does it');
  return join(folder, path);
}
