// The hostile suite's harness: the action's own `run` in this process on a real repository (a dry
// run: commits stay in the workspace, comments are shown in the log and the job summary instead of
// posted), the CLI through its `main`, and the checks every hostile case makes — what was written
// where, which secrets leaked into any file, commit, comment, log, output or summary, and whether
// shell text in the input ran.
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { run } from '../../src/action/run.js';
import type { Git } from '../../src/git/git.js';
import { PROPOSALS_DIR } from '../../src/memory/layout.js';
import { issuePayload, OWNER, REPO, TOKEN } from './action.js';
import { tempDir } from './repo.js';

export interface HostileRun {
  /** The exit code the runner would see: 1 when the step failed. */
  code: number;
  /** Everything the step printed, without the runner's mask registrations. */
  log: string;
  outputs: string;
  summary: string;
}

// @actions/core keeps the first summary path it reads, so every run in this process writes the
// same summary file; it is emptied before each run.
const runnerTemp = tempDir('agentos-hostile-runner-');
const summaryPath = join(runnerTemp, 'summary.md');
const outputPath = join(runnerTemp, 'output.txt');
mkdirSync(join(runnerTemp, 'home'), { recursive: true });

/** The action's `run` on `payload` in `workspace`, as a dry run, with the inputs given. */
export async function runActionInProcess(input: {
  workspace: string;
  eventName: string;
  payload: unknown;
  inputs?: Record<string, string>;
}): Promise<HostileRun> {
  const eventPath = join(runnerTemp, 'event.json');
  writeFileSync(eventPath, JSON.stringify(input.payload));
  writeFileSync(outputPath, '');
  writeFileSync(summaryPath, '');
  const inputs = { 'github-token': TOKEN, 'dry-run': 'true', ...input.inputs };
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: join(runnerTemp, 'home'),
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: input.eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_WORKSPACE: input.workspace,
    GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
    GITHUB_API_URL: 'http://127.0.0.1:9',
    GITHUB_SERVER_URL: 'http://127.0.0.1:9',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_SHA: '0000000000000000000000000000000000000000',
    GITHUB_RUN_ID: '4242',
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    ...Object.fromEntries(
      Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
    ),
  };
  const saved = {
    GITHUB_OUTPUT: process.env.GITHUB_OUTPUT,
    GITHUB_STEP_SUMMARY: process.env.GITHUB_STEP_SUMMARY,
  };
  process.env.GITHUB_OUTPUT = outputPath;
  process.env.GITHUB_STEP_SUMMARY = summaryPath;
  const printed: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    printed.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write;
  const exitCode = process.exitCode;
  process.exitCode = undefined;
  let code: number;
  try {
    await run(env);
  } finally {
    process.stdout.write = write;
    code = process.exitCode === 1 ? 1 : 0;
    process.exitCode = exitCode;
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  return {
    code,
    log: printed
      .join('')
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n'),
    outputs: readFileSync(outputPath, 'utf8'),
    summary: readFileSync(summaryPath, 'utf8'),
  };
}

/** An `issues.opened` payload with the trigger label. */
export function openedIssue(issue: {
  number: number;
  title: string;
  body: string;
  author?: string;
  association?: string;
  labels?: string[];
}): Record<string, unknown> {
  return issuePayload('opened', { labels: ['agentos'], ...issue });
}

/** Every file of the working tree (not .git), with its text. */
export function workingTreeFiles(dir: string, prefix = ''): { path: string; text: string }[] {
  const files: { path: string; text: string }[] = [];
  for (const name of readdirSync(join(dir, prefix))) {
    if (prefix === '' && name === '.git') continue;
    const path = prefix === '' ? name : `${prefix}/${name}`;
    const stat = lstatSync(join(dir, path));
    if (stat.isSymbolicLink()) continue;
    if (stat.isDirectory()) files.push(...workingTreeFiles(dir, path));
    else files.push({ path, text: readFileSync(join(dir, path), 'utf8') });
  }
  return files;
}

/** Every commit of every ref, message and patch: what `git log -p --all` shows. */
export async function fullHistory(git: Git): Promise<string> {
  return (await git.exec(['log', '-p', '--all', '--format=%H%n%B'])).stdout;
}

/**
 * The paths changed since `before` (committed, staged, unstaged or untracked) outside the agent's
 * folder and the proposals folder: what a hostile input must never make the runtime write.
 */
export async function writesOutsideMemory(
  git: Git,
  before: string,
  agent: string,
): Promise<string[]> {
  const committed = (await git.exec(['diff', '--name-only', before, 'HEAD'])).stdout;
  const pending = (await git.exec(['status', '--porcelain', '--untracked-files=all'])).stdout
    .split('\n')
    .map((line) => line.slice(3));
  return [...committed.split('\n'), ...pending]
    .filter(Boolean)
    .filter(
      (path) => !path.startsWith(`agents/${agent}/`) && !path.startsWith(`${PROPOSALS_DIR}/`),
    );
}

/** A file shell text in a hostile input would create if anything ran it. */
export function shellCanary(): { path: string; payloads: string[]; fired(): boolean } {
  const path = join(tempDir('agentos-canary-'), 'ran');
  return {
    path,
    payloads: [`$(touch ${path})`, `\`touch ${path}\``, `; touch ${path}`, `| touch ${path}`],
    fired: () => existsSync(path),
  };
}
