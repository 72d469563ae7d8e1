// The one place the runtime runs git. Every git command goes through `Git.exec`; `try*` methods
// return booleans for expected refusals, everything else throws with git's own words.
import { spawn } from 'node:child_process';
import { AgentOSError } from '../errors.js';

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

export class Git {
  private constructor(
    readonly workdir: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** A wrapper for the repository at `workdir`; commits carry `identity`. */
  static create(
    workdir: string,
    options: { identity?: GitIdentity; env?: NodeJS.ProcessEnv } = {},
  ): Git {
    const identity = options.identity ?? DEFAULT_IDENTITY;
    return new Git(workdir, {
      ...process.env,
      ...options.env,
      GIT_AUTHOR_NAME: identity.name,
      GIT_AUTHOR_EMAIL: identity.email,
      GIT_COMMITTER_NAME: identity.name,
      GIT_COMMITTER_EMAIL: identity.email,
      GIT_TERMINAL_PROMPT: '0',
    });
  }

  exec(
    args: string[],
    options: { input?: string; allowFailure?: boolean } = {},
  ): Promise<GitResult> {
    return new Promise((resolve, reject) => {
      const stdin = options.input === undefined ? 'ignore' : 'pipe';
      const child = spawn('git', args, {
        cwd: this.workdir,
        env: this.env,
        stdio: [stdin, 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
      child.on('error', reject);
      child.on('close', (code) => {
        const result = {
          exitCode: code ?? 1,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
        };
        if (result.exitCode !== 0 && !options.allowFailure) reject(new GitError(args, result));
        else resolve(result);
      });
      if (child.stdin) {
        // git may exit before reading its input; its exit code tells what went wrong, not EPIPE.
        child.stdin.on('error', () => {});
        child.stdin.end(options.input);
      }
    });
  }

  async init(defaultBranch = 'main'): Promise<void> {
    await this.exec(['init', '--quiet', `--initial-branch=${defaultBranch}`]);
  }

  async isRepository(): Promise<boolean> {
    const result = await this.exec(['rev-parse', '--is-inside-work-tree'], { allowFailure: true });
    return result.exitCode === 0 && result.stdout.trim() === 'true';
  }

  /** Stages exactly these paths (additions, changes and deletions). */
  async add(paths: string[]): Promise<void> {
    if (paths.length > 0) await this.exec(['add', '--all', '--', ...paths]);
  }

  async hasStagedChanges(): Promise<boolean> {
    const result = await this.exec(['diff', '--cached', '--quiet'], { allowFailure: true });
    return result.exitCode === 1;
  }

  /** Commits what is staged with the message from stdin; returns the new commit's sha. */
  async commit(message: string): Promise<string> {
    await this.exec(['commit', '--quiet', '--file=-'], { input: message });
    return this.headSha();
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

  /** The checked-out branch, or undefined on a detached HEAD. */
  async currentBranch(): Promise<string | undefined> {
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

  /** Checks out a branch; `create` makes it at the current commit first. */
  async checkout(branch: string, options: { create?: boolean } = {}): Promise<void> {
    await this.exec(['checkout', '--quiet', ...(options.create ? ['-b'] : []), branch]);
  }

  /** True when no tracked file differs from HEAD (untracked and ignored files do not count). */
  async isClean(): Promise<boolean> {
    const result = await this.exec(['status', '--porcelain', '--untracked-files=no']);
    return result.stdout.trim() === '';
  }
}
