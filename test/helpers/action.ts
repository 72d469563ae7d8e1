// Running the action the way the Actions runner runs a step: a child process with INPUT_* and
// GITHUB_* variables, an event file, an outputs file and a step summary. The child runs the action's
// entry compiled from src/ by jest's global setup, so the tests see what a developer changed; the
// committed bundle (dist/) is checked by .ci/run and run by the container test.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Git } from '../../src/git/git.js';
import { WRITE_SPACING_VARIABLE } from '../../src/platform/octokit.js';
import { initRepository } from '../../src/scaffold/init.js';
import { compiledSource, tempDir } from './repo.js';

export const TOKEN = 'ghs_test0000000000000000000000000000000';
export const OWNER = 'octo-org';
export const REPO = 'agents';

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

type Examples = { name: string; examples: Record<string, unknown>[] }[];
const require = createRequire(import.meta.url);

/** A deep copy of a real webhook payload from @octokit/webhooks-examples. */
export function examplePayload(event: string, action?: string): Record<string, unknown> {
  const all = require('@octokit/webhooks-examples/api.github.com/index.json') as Examples;
  const examples = all.find((e) => e.name === event)?.examples ?? [];
  const example = examples.find((e) => action === undefined || e.action === action);
  if (!example) throw new Error(`no ${event}.${action ?? ''} example payload`);
  return structuredClone(example);
}

/** Parses the GITHUB_OUTPUT file format (`name<<DELIMITER` … `DELIMITER`). */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? '');
    if (heredoc) {
      const [, name = '', delimiter] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '');
      outputs[name] = value.join('\n');
    } else if (lines[i]?.includes('=')) {
      const [name = '', ...rest] = (lines[i] ?? '').split('=');
      outputs[name] = rest.join('=');
    }
  }
  return outputs;
}

export interface Workspace {
  /** The bare repository playing the GitHub remote. */
  remote: string;
  /** A clone of it: the runner's checkout. */
  dir: string;
  git: Git;
}

/** A bare remote holding a fresh agent repository. */
export async function makeRemote(): Promise<string> {
  const seed = join(tempDir('agentos-seed-'), 'repo');
  await initRepository(seed);
  const remote = join(tempDir('agentos-remote-'), 'agents.git');
  await Git.create(seed).exec(['clone', '--quiet', '--bare', seed, remote]);
  return remote;
}

/** A checkout of `remote`, as actions/checkout leaves it. */
export async function cloneWorkspace(remote: string): Promise<Workspace> {
  const dir = join(tempDir('agentos-workspace-'), 'agents');
  await Git.create(tempDir()).exec(['clone', '--quiet', remote, dir]);
  return { remote, dir, git: Git.create(dir) };
}

/** The remote's commits on main, newest first: subject and full message. */
export async function remoteLog(remote: string): Promise<{ sha: string; message: string }[]> {
  const out = await Git.create(remote).exec(['log', '--format=%H%x00%B%x01', 'main']);
  return out.stdout
    .split('\x01')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [sha = '', message = ''] = entry.split('\x00');
      return { sha, message };
    });
}

export async function remoteFile(remote: string, path: string): Promise<string> {
  return (await Git.create(remote).exec(['show', `main:${path}`])).stdout;
}

export async function runAction(options: {
  workspace: string;
  apiUrl: string;
  eventName: string;
  payload: unknown;
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  ref?: string;
}): Promise<ActionRun> {
  const runnerTemp = tempDir('agentos-runner-');
  const eventPath = join(runnerTemp, 'event.json');
  const outputPath = join(runnerTemp, 'output.txt');
  const summaryPath = join(runnerTemp, 'summary.md');
  mkdirSync(join(runnerTemp, 'home'));
  writeFileSync(eventPath, JSON.stringify(options.payload));
  writeFileSync(outputPath, '');
  writeFileSync(summaryPath, '');
  const inputs = { 'github-token': TOKEN, ...options.inputs };
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: join(runnerTemp, 'home'),
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: options.eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
    GITHUB_API_URL: options.apiUrl,
    GITHUB_SERVER_URL: options.apiUrl,
    GITHUB_REF: options.ref ?? 'refs/heads/main',
    GITHUB_SHA: '0000000000000000000000000000000000000000',
    GITHUB_RUN_ID: '4242',
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    // The stand-in is local: no spacing between writes (against GitHub the product keeps its own).
    [WRITE_SPACING_VARIABLE]: '0',
    ...Object.fromEntries(
      Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
    ),
    ...options.env,
  };
  const child = spawn(process.execPath, [compiledSource('action/index.js')], {
    cwd: options.workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  return {
    code,
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
    outputs: parseOutputs(readFileSync(outputPath, 'utf8')),
    summary: readFileSync(summaryPath, 'utf8'),
  };
}

/** A real issues payload for this repository's issue `number`, with the fields a test sets. */
export function issuePayload(
  action: 'opened' | 'labeled',
  issue: {
    number: number;
    title: string;
    body: string;
    labels: string[];
    author?: string;
    association?: string;
    labelAdded?: string;
    sender?: string;
  },
): Record<string, unknown> {
  const payload = examplePayload('issues', action);
  const raw = payload.issue as Record<string, unknown>;
  const labelTemplate = (raw.labels as Record<string, unknown>[])[0] ?? {};
  const author = issue.author ?? 'Codertocat';
  Object.assign(raw, {
    number: issue.number,
    title: issue.title,
    body: issue.body,
    author_association: issue.association ?? 'OWNER',
    labels: issue.labels.map((name) => ({ ...labelTemplate, name })),
    user: { ...(raw.user as object), login: author },
  });
  if (action === 'labeled')
    payload.label = { ...labelTemplate, name: issue.labelAdded ?? issue.labels[0] };
  payload.sender = { ...(payload.sender as object), login: issue.sender ?? author };
  payload.repository = {
    ...(payload.repository as object),
    full_name: `${OWNER}/${REPO}`,
    default_branch: 'main',
  };
  return payload;
}

/** A real issue_comment.created payload for a comment on issue `number`. */
export function commentPayload(input: {
  number: number;
  body: string;
  labels?: string[];
  author?: string;
  association?: string;
  commentId?: number;
  userType?: string;
  /** The commented issue's own title and body (the task text, for `/agentos retry`). */
  issue?: { title: string; body: string };
}): Record<string, unknown> {
  const payload = examplePayload('issue_comment', 'created');
  const issue = payload.issue as Record<string, unknown>;
  const labelTemplate = (issue.labels as Record<string, unknown>[])[0] ?? {};
  issue.number = input.number;
  if (input.issue) Object.assign(issue, input.issue);
  issue.labels = (input.labels ?? ['agentos']).map((name) => ({ ...labelTemplate, name }));
  const comment = payload.comment as Record<string, unknown>;
  Object.assign(comment, {
    id: input.commentId ?? 5550001,
    body: input.body,
    author_association: input.association ?? 'OWNER',
    user: {
      ...(comment.user as object),
      login: input.author ?? 'Codertocat',
      type: input.userType ?? 'User',
    },
  });
  return payload;
}
