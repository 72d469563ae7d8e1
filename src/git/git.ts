// The one place the runtime runs git. Every git command goes through `Git.exec`; `try*` methods
// return booleans for expected refusals, everything else throws with git's own words. Settings that
// must never appear on a command line (the token's header, safe.directory) reach git through the
// environment (GIT_CONFIG_COUNT), and pushes retry what is transient and rebase what was rejected.
// What an iteration asks most often is answered without a process where the format is plain: HEAD
// from its files (ref-files.ts), the index's entries from its file (index-file.ts), and a commit's
// objects written in-process (in-process-commit.ts, objects.ts).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { AgentOSError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import { InProcessCommits, type BuiltCommit } from './in-process-commit.js';
import {
  indexEntryCount,
  readIndexEntries,
  readIndexFile,
  statChangedPaths,
} from './index-file.js';
import { gitDirFiles, headFromFiles, readHeadFile } from './ref-files.js';

export interface GitIdentity {
  name: string;
  email: string;
}

export const DEFAULT_IDENTITY: GitIdentity = {
  name: 'AgentOS',
  email: 'agentos@users.noreply.github.com',
};

export interface GitResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * The private index of the runtime's last commit is kept as `.git/agentos/commit-index-<commit>`:
 * named by the commit whose tree it holds, so it is used only while HEAD is that commit, and a
 * crash can never leave an index paired with the wrong commit.
 */
const COMMIT_INDEX_PREFIX = 'commit-index-';

/** Up to this many indexed memory files, their stat data is checked in-process (see indexedFiles). */
const IN_PROCESS_STAT_LIMIT = 1_000;

/**
 * Removes the private indexes kept for the next commit (`keepCommitIndex`), all stale once HEAD
 * has moved past their commits. They are kept for speed only: one that cannot be removed costs
 * only space.
 */
function removeCommitIndexes(scratch: string): void {
  try {
    for (const name of readdirSync(scratch))
      if (name.startsWith(COMMIT_INDEX_PREFIX)) rmSync(join(scratch, name), { force: true });
  } catch {
    // No scratch folder yet, or a read-only git directory.
  }
}

/** Copies `from` to `to`; false when `from` does not exist (or cannot be copied). */
function copiedIfExists(from: string, to: string): boolean {
  try {
    copyFileSync(from, to);
    return true;
  } catch {
    return false;
  }
}

/**
 * Keeps `indexFile` (the private index just committed as `commit`) for the next commit and drops
 * the ones kept before. Best effort: without it the next commit reads HEAD's tree.
 */
function keepCommitIndex(scratch: string, indexFile: string, commit: string): boolean {
  try {
    renameSync(indexFile, join(scratch, `${COMMIT_INDEX_PREFIX}${commit}`));
  } catch {
    return false;
  }
  try {
    for (const name of readdirSync(scratch)) {
      if (name.startsWith(COMMIT_INDEX_PREFIX) && name !== `${COMMIT_INDEX_PREFIX}${commit}`)
        rmSync(join(scratch, name), { force: true });
    }
  } catch {
    // Another process removed them first.
  }
  return true;
}

export class GitError extends AgentOSError {
  override name = 'GitError';
  constructor(
    readonly args: string[],
    readonly result: GitResult,
  ) {
    super(
      `git ${args[0] ?? ''} failed (exit ${result.exitCode}): ${result.stderr.trim() || result.stdout.trim()}`,
    );
  }
}

/** A rebase that stopped on conflicting changes; the rebase was aborted, the work tree is clean. */
export class RebaseConflictError extends AgentOSError {
  override name = 'RebaseConflictError';
  constructor(
    readonly upstream: string,
    readonly files: string[],
  ) {
    super(
      `rebasing onto ${upstream.slice(0, 7)} stopped on conflicting changes in ${files.join(', ') || 'unknown files'}`,
    );
  }
}

/** A push that did not land after every allowed attempt. */
export class PushFailedError extends AgentOSError {
  override name = 'PushFailedError';
  constructor(
    readonly target: string,
    readonly attempts: number,
    readonly lastReason: string,
  ) {
    super(`push to ${target} failed after ${attempts} attempts: ${lastReason}`);
  }
}

/** One `git config` entry handed to git through the environment, so it is never on a command line. */
export type GitConfigEntry = readonly [key: string, value: string];

/** Lets git work in a repository owned by another user (a container's mounted workspace). */
export function safeDirectoryConfig(directory: string): GitConfigEntry[] {
  return [['safe.directory', directory]];
}

/**
 * The token as an HTTP Authorization header for `serverUrl` only (what actions/checkout does). The
 * empty entry first clears headers configured before (a checkout that persisted its credentials), so
 * git never sends two. `secret` is the encoded credential, to be masked in logs like the token.
 */
export function tokenAuthConfig(
  serverUrl: string,
  token: string,
): { config: GitConfigEntry[]; secret: string } {
  const secret = Buffer.from(`x-access-token:${token}`, 'utf8').toString('base64');
  const key = `http.${new URL(serverUrl).origin}/.extraheader`;
  return {
    config: [
      [key, ''],
      [key, `AUTHORIZATION: basic ${secret}`],
    ],
    secret,
  };
}

/** The environment that hands `entries` to git after any entries the environment already has. */
function configEnvironment(
  env: NodeJS.ProcessEnv,
  entries: readonly GitConfigEntry[],
): NodeJS.ProcessEnv {
  if (entries.length === 0) return {};
  const start = Number.parseInt(env.GIT_CONFIG_COUNT ?? '0', 10) || 0;
  const out: NodeJS.ProcessEnv = { GIT_CONFIG_COUNT: String(start + entries.length) };
  entries.forEach(([key, value], index) => {
    out[`GIT_CONFIG_KEY_${start + index}`] = key;
    out[`GIT_CONFIG_VALUE_${start + index}`] = value;
  });
  return out;
}

export type PushFailureKind = 'rejected' | 'transient' | 'fatal';

// The remote moved on: fetch, put the work on top, push again. A ref-lock race on the remote is the
// same situation seen from the server's side.
const REJECTED =
  /\[rejected\]|non-fast-forward|fetch first|updates were rejected|stale info|cannot lock ref|failed to update ref|incorrect old value/i;
// The network or the server failed: the same push may well succeed in a moment.
const TRANSIENT =
  /returned error: (?:5\d\d|429)|\bHTTP (?:5\d\d|429)\b|RPC failed|early EOF|remote end hung up|connection (?:reset|refused|timed out)|could not resolve host|operation timed out|failed to connect|timed out|TLS|SSL_ERROR|gnutls|internal server error|service unavailable|bad gateway|gateway time-?out|temporarily unavailable/i;

/** What a failed push's output says: rejected (rebase and retry), transient (retry) or fatal. */
export function classifyPushFailure(output: string): PushFailureKind {
  // A hook or branch protection declining the push is final, whatever else the output says.
  if (/\[remote rejected\].*(?:declined|protected|hook)/i.test(output)) return 'fatal';
  if (REJECTED.test(output)) return 'rejected';
  if (TRANSIENT.test(output)) return 'transient';
  return 'fatal';
}

export interface PushOptions {
  remote: string;
  branch: string;
  /** Pushes tried in all, the first one included. */
  attempts?: number;
  /** The first wait; it doubles with each attempt up to `maxBackoffMs`, with jitter. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /**
   * Puts the local work on top of `upstream` (the fetched remote head) after a rejected push.
   * Default: `git rebase upstream`, which throws RebaseConflictError on conflicts.
   */
  rebase?: (upstream: string) => Promise<void>;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  logger?: Logger;
}

export interface PushResult {
  /** The commit the remote branch now points at. */
  sha: string;
  attempts: number;
  rebases: number;
}

export const DEFAULT_PUSH_ATTEMPTS = 10;
const DEFAULT_BACKOFF_MS = 500;
const DEFAULT_MAX_BACKOFF_MS = 10_000;

/** Exponential backoff with "equal jitter": at least half the step, so retries never stampede. */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number,
): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + (random() * step) / 2);
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The git operations a person may leave under way, each known by the file git keeps while it is,
 * with how to finish or abort it. Git refuses a commit of chosen paths during a merge ("cannot do a
 * partial commit during a merge"); the runtime's commits are of chosen paths too.
 */
const GIT_OPERATIONS = [
  { file: 'MERGE_HEAD', name: 'a merge', settle: '`git commit` or `git merge --abort`' },
  { file: 'rebase-merge', name: 'a rebase', settle: '`git rebase --continue` or `--abort`' },
  { file: 'rebase-apply', name: 'a rebase', settle: '`git rebase --continue` or `--abort`' },
  {
    file: 'CHERRY_PICK_HEAD',
    name: 'a cherry-pick',
    settle: '`git cherry-pick --continue` or `--abort`',
  },
  { file: 'REVERT_HEAD', name: 'a revert', settle: '`git revert --continue` or `--abort`' },
] as const;

/**
 * What a commit, a lock check and the memory's reads ask `gitPath` about in nearly every process:
 * the first question asks about these too, in the same git process (a fresh `agentos run` asked
 * git one name at a time, eight processes of some 3 ms each).
 */
const USUAL_GIT_PATHS = [
  'index',
  'index.lock',
  'HEAD',
  'HEAD.lock',
  'objects',
  'info/attributes',
  'packed-refs',
  'hooks',
  'logs/HEAD',
  'agentos',
  // The runtime's own: the change journal of every commit, the memory watch's barrier cookies
  // (asked first by a process's second read, a process of its own then).
  'agentos/change-journal.jsonl',
  'agentos/watch-cookies',
  // A person's merge, rebase, cherry-pick or revert under way (operationInProgress).
  ...GIT_OPERATIONS.map((operation) => operation.file),
];

/** The ref, lock and log files of the branch a git path names; none for other paths. */
function branchFiles(name: string): string[] {
  const branch = /^(?:logs\/)?refs\/heads\/(.+?)(?:\.lock)?$/.exec(name)?.[1];
  return branch === undefined
    ? []
    : [`refs/heads/${branch}`, `refs/heads/${branch}.lock`, `logs/refs/heads/${branch}`];
}

export class Git {
  /** Answers of `gitPath`, by name; forgotten when `init` makes a repository here. */
  private readonly gitPaths = new Map<string, string>();
  /** The tree of the last commit `commitPaths` made (a commit's tree never changes). */
  private lastCommitTree: { commit: string; tree: string } | undefined;
  /** HEAD read from the git directory's files instead of a `git rev-parse` process. */
  private readonly files = gitDirFiles((name) => this.gitPath(name));
  /** Commits built without a git process, where the repository allows (in-process-commit.ts). */
  private readonly inProcess = new InProcessCommits(this);

  private constructor(
    readonly workdir: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /**
   * A wrapper for the repository at `workdir`; commits carry `identity`; `config` entries reach git
   * through the environment (never argv).
   */
  static create(
    workdir: string,
    options: {
      identity?: GitIdentity;
      env?: NodeJS.ProcessEnv;
      config?: readonly GitConfigEntry[];
    } = {},
  ): Git {
    const identity = options.identity ?? DEFAULT_IDENTITY;
    const base = { ...process.env, ...options.env };
    return new Git(workdir, {
      ...base,
      ...configEnvironment(base, options.config ?? []),
      GIT_AUTHOR_NAME: identity.name,
      GIT_AUTHOR_EMAIL: identity.email,
      GIT_COMMITTER_NAME: identity.name,
      GIT_COMMITTER_EMAIL: identity.email,
      GIT_TERMINAL_PROMPT: '0',
    });
  }

  exec(
    args: string[],
    options: { input?: string; allowFailure?: boolean; env?: NodeJS.ProcessEnv } = {},
  ): Promise<GitResult> {
    return this.run(args, options).then((result) => {
      const text = { ...result, stdout: result.stdout.toString('utf8') };
      if (text.exitCode !== 0 && !options.allowFailure) throw new GitError(args, text);
      return text;
    });
  }

  /** Runs git and returns its standard output as bytes (object contents); throws when it fails. */
  async execBytes(args: string[], input: string): Promise<Buffer> {
    const result = await this.run(args, { input });
    if (result.exitCode !== 0)
      throw new GitError(args, { ...result, stdout: result.stdout.toString('utf8') });
    return result.stdout;
  }

  /** A variable of the environment git runs with. */
  environment(name: string): string | undefined {
    return this.env[name];
  }

  private run(
    args: string[],
    options: { input?: string; env?: NodeJS.ProcessEnv },
  ): Promise<Omit<GitResult, 'stdout'> & { stdout: Buffer }> {
    return new Promise((resolve, reject) => {
      const stdin = options.input === undefined ? 'ignore' : 'pipe';
      const child = spawn('git', args, {
        cwd: this.workdir,
        env: options.env ? { ...this.env, ...options.env } : this.env,
        stdio: [stdin, 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
      child.on('error', reject);
      child.on('close', (code) => {
        resolve({
          exitCode: code ?? 1,
          stdout: Buffer.concat(out),
          stderr: Buffer.concat(err).toString('utf8'),
        });
      });
      if (child.stdin) {
        // git may exit before reading its input; its exit code tells what went wrong, not EPIPE.
        child.stdin.on('error', () => {});
        child.stdin.end(options.input);
      }
    });
  }

  async init(defaultBranch = 'main'): Promise<void> {
    this.gitPaths.clear();
    this.inProcess.forget();
    await this.exec(['init', '--quiet', `--initial-branch=${defaultBranch}`]);
  }

  async isRepository(): Promise<boolean> {
    const result = await this.exec(['rev-parse', '--is-inside-work-tree'], { allowFailure: true });
    return result.exitCode === 0 && result.stdout.trim() === 'true';
  }

  /** Stages exactly these paths in the user's index (additions, changes and deletions). */
  async add(paths: string[]): Promise<void> {
    if (paths.length > 0) await this.exec(['add', '--all', '--', ...paths]);
  }

  /**
   * Commits exactly `paths`, as they are in the working tree (added, changed or deleted), on top of
   * HEAD, and returns the new commit; undefined when they already match HEAD. The commit is built in
   * a private index (GIT_INDEX_FILE) and HEAD moves by compare-and-swap, so whatever else a person
   * has staged or changed is neither committed nor touched; afterwards the person's index holds the
   * committed version of these paths and of nothing else. With `mergeParent`, the commit is a
   * merge of that commit into HEAD whose tree is HEAD's plus `paths` (the caller has written the
   * merge's result of every path the merged branch changed).
   */
  async commitPaths(
    paths: string[],
    message: string,
    options: { mergeParent?: string } = {},
  ): Promise<string | undefined> {
    const head = await this.headShaIfAny();
    const parents = [
      ...(head ? [head] : []),
      ...(options.mergeParent ? [options.mergeParent] : []),
    ];
    const inProcess = await this.inProcess.build(paths, message, head, parents);
    const built = inProcess ?? (await this.buildCommitInIndex(paths, message, head, parents));
    const { commit, indexFile } = { indexFile: undefined, ...built };
    let moved = false;
    try {
      if (commit === undefined) return undefined;
      const reflog = `agentos: ${message.split('\n')[0] ?? ''}`;
      const movedInProcess =
        inProcess !== undefined &&
        head !== undefined &&
        (await this.inProcess.moveHead(head, commit, reflog));
      if (!movedInProcess)
        await this.exec(['update-ref', '-m', reflog, 'HEAD', commit, head ?? '']);
      moved = true;
      // Built in-process: an index kept for a commit git built, by this process or another (10,000
      // entries, a megabyte), now names a commit that is not HEAD, and nothing would ever use it
      // again. Where they are was asked with the build's first questions, so nothing here can
      // fail a commit that landed; the folder holds a handful of files.
      const scratch = this.gitPaths.get('agentos');
      if (inProcess !== undefined && scratch !== undefined) removeCommitIndexes(scratch);
      this.lastCommitTree = { commit, tree: built.tree };
    } finally {
      if (indexFile !== undefined) this.settleCommitIndex(indexFile, moved ? commit : undefined);
    }
    if (paths.length > 0) await this.stageCommittedPaths(commit, paths, built);
    return commit;
  }

  /**
   * The commit of `paths` on `parents` built with git's own commands in a private index
   * (GIT_INDEX_FILE), for a repository whose settings the in-process build leaves to git. The
   * index file is returned with the commit: `settleCommitIndex` keeps it for the next commit once
   * HEAD has moved.
   */
  private async buildCommitInIndex(
    paths: string[],
    message: string,
    head: string | undefined,
    parents: readonly string[],
  ): Promise<BuiltCommit & { indexFile: string }> {
    const scratch = await this.gitPath('agentos');
    mkdirSync(scratch, { recursive: true });
    const indexFile = join(scratch, `index-${process.pid}-${randomBytes(4).toString('hex')}`);
    const env = { GIT_INDEX_FILE: indexFile };
    try {
      // The index of the runtime's last commit, when HEAD is still that commit: a copy of it is
      // HEAD's tree without reading the whole tree again (10,000 entries in a long-lived agent).
      const last = head ? join(scratch, `${COMMIT_INDEX_PREFIX}${head}`) : undefined;
      if (last && copiedIfExists(last, indexFile)) {
        // Nothing to do: the copy holds HEAD's tree.
      } else if (head) await this.exec(['read-tree', head], { env });
      else await this.exec(['read-tree', '--empty'], { env });
      // What the files hold as they are committed: read again after the person's index is
      // staged, so a file changed in between is noticed without asking git (stageCommittedPaths).
      const committed = new Map(paths.map((path) => [path, this.fileBytes(path)]));
      if (paths.length > 0) {
        await this.exec(['update-index', '--add', '--remove', '-z', '--stdin'], {
          env,
          input: `${paths.join('\0')}\0`,
        });
      }
      const tree = (await this.writeTree(env)).stdout.trim();
      // A merge commit is made even when the tree is HEAD's: it records that the branch merged.
      if (parents.length < 2 && head && tree === (await this.treeOfHead(head)))
        return { commit: undefined, tree, committed, indexFile };
      const commit = (
        await this.exec(['commit-tree', tree, ...parents.flatMap((p) => ['-p', p]), '-F', '-'], {
          input: message,
        })
      ).stdout.trim();
      return { commit, tree, committed, indexFile };
    } catch (error) {
      this.settleCommitIndex(indexFile, undefined);
      throw error;
    }
  }

  /** Keeps a private index as the index of `commit` (HEAD now), or removes it. */
  private settleCommitIndex(indexFile: string, commit: string | undefined): void {
    const kept = commit !== undefined && keepCommitIndex(dirname(indexFile), indexFile, commit);
    if (!kept) rmSync(indexFile, { force: true });
    rmSync(`${indexFile}.lock`, { force: true });
  }

  /**
   * After `commitPaths`: the user's index entries of `paths` become their version in `commit`. The
   * working tree holds that version, so they are staged from the files, which records their stat
   * data too; a reset would also refresh every other entry of the index, which at 10,000 files is
   * most of the cost of a commit. A file changed since the commit is reset to the commit's version.
   * A commit built in-process is staged in-process where the index allows (index-write.ts).
   */
  private async stageCommittedPaths(
    commit: string,
    paths: string[],
    built: Pick<BuiltCommit, 'committed' | 'files'>,
  ): Promise<void> {
    if (built.files !== undefined) {
      const indexFile = this.gitPaths.get('index') ?? (await this.gitPath('index'));
      if (await this.inProcess.stageInIndex(indexFile, built.files)) return;
    }
    const { committed } = built;
    const updated = await this.exec(['update-index', '--add', '--remove', '-z', '--stdin'], {
      input: `${paths.join('\0')}\0`,
      allowFailure: true,
    });
    if (updated.exitCode !== 0) return this.resetIndexPaths(commit, paths);
    // A file whose bytes moved between the two reads may have been staged in another version than
    // the commit's: its entry is reset to the commit's (when in doubt, reset; it is always right).
    const changed = paths.filter((path) => !sameBytes(committed.get(path), this.fileBytes(path)));
    if (changed.length > 0) await this.resetIndexPaths(commit, changed);
  }

  /** A working-tree file's bytes; null when it does not exist. */
  private fileBytes(path: string): Buffer | null {
    try {
      return readFileSync(join(this.workdir, path));
    } catch {
      return null;
    }
  }

  /** HEAD's tree: known when HEAD is the last commit made here, else asked of git. */
  private async treeOfHead(head: string): Promise<string> {
    if (this.lastCommitTree?.commit === head) return this.lastCommitTree.tree;
    return (await this.exec(['rev-parse', `${head}^{tree}`])).stdout.trim();
  }

  /**
   * Makes a commit on `branch` without checking it out or touching the working tree or the user's
   * index: `parent`'s tree with `files` written and `removals` deleted, built in-process (or, where
   * the repository's settings leave it to git, in a private index).
   * The branch moves by compare-and-swap from `expected` (undefined: the branch must not exist
   * yet); returns undefined when someone else moved or created it first, so the caller can re-read
   * and try again.
   */
  async commitFilesOnBranch(options: {
    branch: string;
    parent: string;
    expected: string | undefined;
    files: readonly { path: string; content: string }[];
    /** Paths the commit deletes (a path `parent` does not have is ignored). */
    removals?: readonly string[];
    message: string;
  }): Promise<string | undefined> {
    const built = await this.inProcess.buildFromContents({
      parent: options.parent,
      files: options.files,
      removals: options.removals ?? [],
      message: options.message,
    });
    if (built !== undefined)
      return (await this.tryUpdateRef(`refs/heads/${options.branch}`, built, options.expected))
        ? built
        : undefined;
    const scratch = await this.gitPath('agentos');
    mkdirSync(scratch, { recursive: true });
    const indexFile = join(scratch, `index-${process.pid}-${randomBytes(4).toString('hex')}`);
    const env = { GIT_INDEX_FILE: indexFile };
    try {
      await this.exec(['read-tree', options.parent], { env });
      for (const file of options.files) {
        const blob = (
          await this.exec(['hash-object', '-w', '--stdin'], { input: file.content })
        ).stdout.trim();
        await this.exec(['update-index', '--add', '--cacheinfo', `100644,${blob},${file.path}`], {
          env,
        });
      }
      const removals = options.removals ?? [];
      if (removals.length > 0)
        await this.exec(['update-index', '--force-remove', '-z', '--stdin'], {
          env,
          input: `${removals.join('\0')}\0`,
        });
      const tree = (await this.writeTree(env)).stdout.trim();
      const commit = (
        await this.exec(['commit-tree', tree, '-p', options.parent, '-F', '-'], {
          input: options.message,
        })
      ).stdout.trim();
      const moved = await this.tryUpdateRef(
        `refs/heads/${options.branch}`,
        commit,
        options.expected,
      );
      return moved ? commit : undefined;
    } finally {
      rmSync(indexFile, { force: true });
      rmSync(`${indexFile}.lock`, { force: true });
    }
  }

  /**
   * `git gc --auto` in the foreground: packs loose objects once there are many (gc.auto, 6,700 by
   * default) and does nothing otherwise. False when git failed.
   */
  async packLooseObjects(): Promise<boolean> {
    const args = ['-c', 'gc.autoDetach=false', 'gc', '--auto', '--quiet'];
    return (await this.exec(args, { allowFailure: true })).exitCode === 0;
  }

  /** Moves `ref` to `sha` if it is at `expected` (undefined: only if it does not exist). */
  async tryUpdateRef(ref: string, sha: string, expected: string | undefined): Promise<boolean> {
    const result = await this.exec(
      ['update-ref', '-m', 'agentos: consensus', ref, sha, expected ?? '0'.repeat(40)],
      { allowFailure: true },
    );
    return result.exitCode === 0;
  }

  /** The tree of a commit. */
  async treeOf(revision: string): Promise<string> {
    return (await this.exec(['rev-parse', `${revision}^{tree}`])).stdout.trim();
  }

  /** Pushes a local branch to the same name on `remote`, replacing what is there (a branch the runtime owns). */
  async forcePushBranch(remote: string, branch: string): Promise<void> {
    await this.exec(['push', '--quiet', remote, `+refs/heads/${branch}:refs/heads/${branch}`]);
  }

  /** Deletes a local branch if it is at `expected`; false when it moved or is gone. */
  async tryDeleteBranch(branch: string, expected: string): Promise<boolean> {
    const result = await this.exec(['update-ref', '-d', `refs/heads/${branch}`, expected], {
      allowFailure: true,
    });
    return result.exitCode === 0;
  }

  /** A file's content at a commit or branch; undefined when it does not have the file. */
  async fileAt(revision: string, path: string): Promise<string | undefined> {
    const result = await this.exec(['show', `${revision}:${path}`], { allowFailure: true });
    return result.exitCode === 0 ? result.stdout : undefined;
  }

  /** The names of the files directly in `dir` at a commit or branch (none when it has no `dir`). */
  async namesAt(revision: string, dir: string): Promise<string[]> {
    const result = await this.exec(['ls-tree', '-z', '--name-only', revision, '--', `${dir}/`], {
      allowFailure: true,
    });
    if (result.exitCode !== 0) return [];
    return result.stdout
      .split('\0')
      .filter(Boolean)
      .map((path) => path.slice(path.lastIndexOf('/') + 1));
  }

  /** A ref's commit; undefined when it does not exist. */
  async resolveRef(ref: string): Promise<string | undefined> {
    const result = await this.exec(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
      allowFailure: true,
    });
    return result.exitCode === 0 ? result.stdout.trim() : undefined;
  }

  /** Short names of the refs under `prefix` (e.g. "refs/heads/agentos/"). */
  async refsUnder(prefix: string): Promise<string[]> {
    const result = await this.exec(['for-each-ref', '--format=%(refname)', prefix]);
    return result.stdout.split('\n').filter(Boolean);
  }

  /** The best common ancestor of two commits; undefined when they share none. */
  async mergeBase(a: string, b: string): Promise<string | undefined> {
    const result = await this.exec(['merge-base', a, b], { allowFailure: true });
    return result.exitCode === 0 ? result.stdout.trim() : undefined;
  }

  /** Sets the user's index entries of `paths` to their version in `commit`; nothing else changes. */
  async resetIndexPaths(commit: string, paths: string[]): Promise<void> {
    await this.exec(['reset', '--quiet', commit, '--pathspec-from-file=-', '--pathspec-file-nul'], {
      input: `${paths.join('\0')}\0`,
    });
  }

  /**
   * Puts `paths` back as they are in `source`, in the working tree and the user's index: a path
   * `source` does not have is removed. Nothing outside `paths` changes.
   */
  async restorePaths(source: string, paths: string[]): Promise<void> {
    if (paths.length === 0) return;
    await this.exec(
      [
        'restore',
        `--source=${source}`,
        '--staged',
        '--worktree',
        '--pathspec-from-file=-',
        '--pathspec-file-nul',
      ],
      { input: `${paths.join('\0')}\0` },
    );
  }

  /** Paths that differ between two commits. */
  async changedPaths(from: string, to: string): Promise<string[]> {
    const result = await this.exec(['diff', '--name-only', '--no-renames', '-z', from, to]);
    return result.stdout.split('\0').filter(Boolean);
  }

  /** Moves HEAD (its branch) to `sha` without touching the index or the working tree. */
  async moveHead(sha: string, expected: string): Promise<void> {
    await this.exec([
      'update-ref',
      '-m',
      'agentos: move to the remote head',
      'HEAD',
      sha,
      expected,
    ]);
  }

  /** The absolute path of `name` inside the repository's git directory (`git rev-parse --git-path`). */
  async gitPath(name: string): Promise<string> {
    // Where the git directory keeps a file does not change while the repository exists: asked once
    // per name, since each question is a process (a large one forks slowly) on every iteration.
    return (await this.gitPathsOf([name]))[0] ?? '';
  }

  /** `gitPath` of several names, the ones not yet known asked of git in one process. */
  async gitPathsOf(names: readonly string[]): Promise<string[]> {
    const wanted = [
      ...names,
      ...(this.gitPaths.size === 0 ? USUAL_GIT_PATHS : []),
      // A branch's ref, its lock and its log are asked about together, by a commit moving it.
      ...names.flatMap(branchFiles),
    ];
    const missing = [...new Set(wanted.filter((name) => !this.gitPaths.has(name)))];
    if (missing.length > 0) {
      const args = ['rev-parse', ...missing.flatMap((name) => ['--git-path', name])];
      const lines = (await this.exec(args)).stdout.split('\n');
      missing.forEach((name, i) => {
        const path = lines[i]?.trim() ?? '';
        this.gitPaths.set(name, isAbsolute(path) ? path : join(this.workdir, path));
      });
    }
    return names.map((name) => this.gitPaths.get(name) ?? '');
  }

  /**
   * The git operation a person left under way in this working tree (a merge, a rebase, a
   * cherry-pick, a revert), with how to settle it; undefined when there is none.
   */
  async operationInProgress(): Promise<{ name: string; file: string; settle: string } | undefined> {
    const files = await this.gitPathsOf(GIT_OPERATIONS.map((operation) => operation.file));
    const at = files.findIndex((file) => existsSync(file));
    const operation = GIT_OPERATIONS[at];
    return operation && { name: operation.name, file: files[at] ?? '', settle: operation.settle };
  }

  /** HEAD's commit, or undefined in a repository with no commit yet. */
  async headShaIfAny(): Promise<string | undefined> {
    // The files answer most of the time; an unborn branch or an unusual ref store asks git.
    const fromFiles = await headFromFiles(this.files);
    if (fromFiles !== undefined) return fromFiles;
    const result = await this.exec(['rev-parse', '--verify', '--quiet', 'HEAD'], {
      allowFailure: true,
    });
    return result.exitCode === 0 ? result.stdout.trim() : undefined;
  }

  async headSha(): Promise<string> {
    return (await this.exec(['rev-parse', 'HEAD'])).stdout.trim();
  }

  async isIgnored(path: string): Promise<boolean> {
    return (
      (await this.exec(['check-ignore', '--quiet', '--', path], { allowFailure: true }))
        .exitCode === 0
    );
  }

  async isTracked(path: string): Promise<boolean> {
    const result = await this.exec(['ls-files', '--error-unmatch', '--', path], {
      allowFailure: true,
    });
    return result.exitCode === 0;
  }

  async logOneline(limit?: number): Promise<string[]> {
    const args = ['log', '--oneline', '--no-decorate', ...(limit ? [`-${limit}`] : [])];
    return (await this.exec(args)).stdout.split('\n').filter(Boolean);
  }

  /** Fetches `branch` of `remote` into its remote-tracking ref; returns the fetched commit. */
  async fetchBranch(remote: string, branch: string): Promise<string> {
    const tracking = `refs/remotes/${remote}/${branch}`;
    await this.exec(['fetch', '--quiet', '--no-tags', remote, `+refs/heads/${branch}:${tracking}`]);
    return (await this.exec(['rev-parse', tracking])).stdout.trim();
  }

  async hasRemote(name: string): Promise<boolean> {
    const result = await this.exec(['remote', 'get-url', name], { allowFailure: true });
    return result.exitCode === 0;
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const result = await this.exec(['merge-base', '--is-ancestor', ancestor, descendant], {
      allowFailure: true,
    });
    return result.exitCode === 0;
  }

  /**
   * Brings HEAD up to the remote branch when that is a fast-forward; returns false (and changes
   * nothing) when local commits have diverged from it.
   */
  async fastForwardTo(remote: string, branch: string): Promise<boolean> {
    const upstream = await this.fetchBranch(remote, branch);
    if (!(await this.isAncestor('HEAD', upstream))) return false;
    await this.exec(['merge', '--quiet', '--ff-only', upstream]);
    return true;
  }

  /** Replays the local commits onto `upstream`; on conflicts aborts and throws RebaseConflictError. */
  async rebase(upstream: string): Promise<void> {
    const result = await this.exec(['rebase', '--quiet', upstream], { allowFailure: true });
    if (result.exitCode === 0) return;
    const conflicts = await this.exec(['diff', '--name-only', '--diff-filter=U'], {
      allowFailure: true,
    });
    const aborted = await this.exec(['rebase', '--abort'], { allowFailure: true });
    if (aborted.exitCode !== 0 && conflicts.stdout.trim() === '')
      throw new GitError(['rebase'], result);
    throw new RebaseConflictError(upstream, conflicts.stdout.split('\n').filter(Boolean));
  }

  /** The checked-out branch, or undefined on a detached HEAD. */
  async currentBranch(): Promise<string | undefined> {
    const head = await readHeadFile(this.files);
    if (head?.kind === 'detached') return undefined;
    if (head?.kind === 'branch') return head.ref.slice('refs/heads/'.length);
    const result = await this.exec(['symbolic-ref', '--quiet', '--short', 'HEAD'], {
      allowFailure: true,
    });
    return result.exitCode === 0 ? result.stdout.trim() : undefined;
  }

  async branchExists(branch: string): Promise<boolean> {
    const result = await this.exec(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], {
      allowFailure: true,
    });
    return result.exitCode === 0;
  }

  /** Pushes a local branch to the same name on `remote` (a new branch: no rebase needed). */
  async pushBranch(remote: string, branch: string): Promise<void> {
    await this.exec(['push', '--quiet', remote, `refs/heads/${branch}:refs/heads/${branch}`]);
  }

  /** Checks out a branch; `create` makes it at the current commit first. */
  async checkout(branch: string, options: { create?: boolean } = {}): Promise<void> {
    await this.exec(['checkout', '--quiet', ...(options.create ? ['-b'] : []), branch]);
  }

  /** True when no tracked file differs from HEAD (untracked and ignored files do not count). */
  async isClean(): Promise<boolean> {
    const result = await this.exec(['status', '--porcelain', '--untracked-files=no']);
    return result.stdout.trim() === '';
  }

  /**
   * Pushes HEAD to `branch` of `remote`, so that concurrent writers never lose a commit: a rejected
   * push (the remote moved on) fetches, puts the work on top (`options.rebase`) and tries again;
   * a transient failure (network, 5xx, 429) waits and tries again; anything else is thrown as is.
   * Attempts are bounded and spaced by exponential backoff with jitter.
   */
  async pushWithRebaseRetry(options: PushOptions): Promise<PushResult> {
    const attempts = options.attempts ?? DEFAULT_PUSH_ATTEMPTS;
    const sleep = options.sleep ?? sleepFor;
    const random = options.random ?? Math.random;
    const logger = options.logger ?? silentLogger;
    const target = `${options.remote}/${options.branch}`;
    const rebase = options.rebase ?? ((upstream: string) => this.rebase(upstream));
    let rebases = 0;
    let lastReason = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const args = ['push', '--porcelain', options.remote, `HEAD:refs/heads/${options.branch}`];
      const result = await this.exec(args, { allowFailure: true });
      if (result.exitCode === 0) return { sha: await this.headSha(), attempts: attempt, rebases };
      const output = `${result.stdout}\n${result.stderr}`;
      const kind = classifyPushFailure(output);
      if (kind === 'fatal') throw new GitError(args, result);
      lastReason = `${kind}: ${firstMeaningfulLine(output)}`;
      if (attempt === attempts) break;
      const delay = backoffDelay(
        attempt,
        options.backoffMs ?? DEFAULT_BACKOFF_MS,
        options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS,
        random,
      );
      logger.info(
        `push to ${target} ${kind === 'rejected' ? 'rejected: the remote moved on' : 'failed transiently'} (attempt ${attempt}/${attempts}); retrying in ${delay} ms`,
      );
      await sleep(delay);
      if (kind === 'rejected') {
        let upstream: string;
        try {
          upstream = await this.fetchBranch(options.remote, options.branch);
        } catch (error) {
          if (!(error instanceof GitError)) throw error;
          const fetchOutput = `${error.result.stdout}\n${error.result.stderr}`;
          if (classifyPushFailure(fetchOutput) !== 'transient') throw error;
          lastReason = `fetch failed transiently: ${firstMeaningfulLine(fetchOutput)}`;
          continue;
        }
        await rebase(upstream);
        rebases++;
      }
    }
    throw new PushFailedError(target, attempts, lastReason);
  }

  /**
   * `write-tree` of the index `env` names, with the fastest zlib level for the objects it writes: a
   * long-lived agent's folders hold thousands of files, so every commit writes tree objects of
   * 100 KB or more, which compress in about half the time at level 1 for some 7% more bytes (mostly
   * object ids, which do not compress). Only these loose objects: `git gc` packs them with the
   * repository's own settings.
   */
  private writeTree(env: NodeJS.ProcessEnv): Promise<GitResult> {
    const fast = configEnvironment(this.env, [['core.looseCompression', '1']]);
    return this.exec(['write-tree'], { env: { ...env, ...fast } });
  }

  /**
   * What git's index holds under `paths`: each file's blob id (stage 0 only: a path in a merge
   * conflict has no single content and is left out), and the paths whose working-tree file may
   * differ from its entry (changed, deleted, or with stale stat data), as `git diff-files` lists
   * them. The index file is read in-process; git answers for an index the reader leaves to it.
   * A small memory's stat data is checked in-process too, a large one by git: a process costs a
   * fixed few milliseconds (more from a large Node process, which forks slowly), and git checks a
   * file in about half the time Node's `lstat` takes, so the two cross near 2,000 files (as measured
   * when this was written); IN_PROCESS_STAT_LIMIT stays below that, at 1,000.
   */
  async indexedFiles(
    paths: readonly string[],
  ): Promise<{ blobs: Map<string, string>; changed: string[] }> {
    // Where the index is, without waiting when it is already known: a caller may go on with its
    // own work while git checks the stat data, which starts before this returns its promise.
    const index = readIndexFile(this.gitPaths.get('index') ?? (await this.gitPath('index')));
    // A large index (its header's count of every entry) has git check the stat data: started
    // first, so that git works while the entries are read here.
    const large = index === undefined || indexEntryCount(index.bytes) > IN_PROCESS_STAT_LIMIT;
    const byGit = large ? this.changedInWorkTree(paths) : undefined;
    const entries = index && readIndexEntries(index.bytes, paths);
    if (index && entries) {
      if (byGit === undefined || entries.stats.size <= IN_PROCESS_STAT_LIMIT) {
        // A small memory is checked here; git's answer, if it was asked, is not waited for.
        byGit?.catch(() => {});
        const changed = statChangedPaths(index.bytes, entries, index.modifiedNs, this.workdir);
        return { blobs: entries.blobs, changed };
      }
      return { blobs: entries.blobs, changed: await byGit };
    }
    const [blobs, changed] = await Promise.all([
      this.listIndexedBlobs(paths),
      byGit ?? this.changedInWorkTree(paths),
    ]);
    return { blobs, changed };
  }

  /** `git ls-files --stage` of `paths`: blob ids by path (stage 0 only). */
  private async listIndexedBlobs(paths: readonly string[]): Promise<Map<string, string>> {
    const result = await this.exec(['ls-files', '--stage', '-z', '--', ...paths]);
    const blobs = new Map<string, string>();
    const out = result.stdout;
    // Records "<mode> <blob> <stage>\t<path>\0", read in place: 10,000 records come back on every
    // iteration, and splitting each into parts cost more than git's own listing.
    for (let start = 0; start < out.length;) {
      const end = out.indexOf('\0', start);
      const stop = end < 0 ? out.length : end;
      const tab = out.indexOf('\t', start);
      const blobAt = out.indexOf(' ', start) + 1;
      const stageAt = out.indexOf(' ', blobAt) + 1;
      if (tab > 0 && tab < stop && blobAt > 0 && stageAt > blobAt && stageAt < tab) {
        if (out.slice(stageAt, tab) === '0')
          blobs.set(out.slice(tab + 1, stop), out.slice(blobAt, stageAt - 1));
      }
      start = stop + 1;
    }
    return blobs;
  }

  /**
   * Refreshes the stat data of the index's entries whose files are unchanged (`update-index
   * --refresh`): staged content is not changed. Best effort: a busy index is left as it is.
   */
  async refreshIndex(): Promise<void> {
    await this.exec(['update-index', '-q', '--refresh'], { allowFailure: true });
  }

  /**
   * Paths under `paths` whose working-tree file may differ from the index (changed, deleted, or
   * with stale stat data), as git sees it without touching the index.
   */
  private async changedInWorkTree(paths: readonly string[]): Promise<string[]> {
    const result = await this.exec(['diff-files', '--name-only', '-z', '--', ...paths]);
    return result.stdout.split('\0').filter(Boolean);
  }
}

function firstMeaningfulLine(output: string): string {
  const lines = output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && line !== 'Done' && !line.startsWith('To '));
  return lines.find((line) => /rejected|error|fatal/i.test(line)) ?? lines[0] ?? 'no output';
}

function sameBytes(a: Buffer | null | undefined, b: Buffer | null): boolean {
  if (a === undefined) return false;
  if (a === null || b === null) return a === b;
  return a.equals(b);
}
