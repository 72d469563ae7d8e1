// The workflow `agentos init --github` writes: AgentOS's own `.github/workflows/agentos.yml`, shipped
// in the package, with every `uses: ./` (the action in this repository) pinned to the action's
// release, so a new repository gets the same jobs, permissions, concurrency groups and nightly
// schedule, and a job added to the shipped workflow reaches new repositories with no second copy.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './template.js';
import { parse } from 'yaml';
import { AgentOSError } from '../errors.js';

/** Where the workflow sits, in this repository, in the package and in a new agent repository. */
export const WORKFLOW_PATH = '.github/workflows/agentos.yml';

/** The action's repository on GitHub and the release tag a new repository pins. */
export interface ActionRelease {
  /** `owner/name`, e.g. `agentos/agentos`. */
  repository: string;
  /** `v` and the package's version, e.g. `v0.1.0`: the tag `scripts/release.js` makes. */
  tag: string;
}

/** `uses: ./` as a step of the shipped workflow writes it (with or without the list dash). */
const LOCAL_ACTION = /^(\s*(?:-\s+)?uses:\s*)\.\/?\s*(#.*)?$/gm;

/** The release of the installed package: its `repository` (GitHub) and `v<version>`. */
export function installedRelease(): ActionRelease {
  const file = join(packageRoot(), 'package.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as {
    version?: string;
    repository?: string | { url?: string };
  };
  const url =
    typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
  const repository = /github(?:\.com[/:]|:)([\w.-]+\/[\w.-]+?)(?:\.git)?$/.exec(url ?? '')?.[1];
  if (!repository || !manifest.version)
    throw new AgentOSError(
      `${file} names no GitHub repository or version: the workflow cannot be pinned to a release (reinstall agentos)`,
    );
  return { repository, tag: `v${manifest.version}` };
}

/** The shipped workflow's text. */
export function shippedWorkflow(): string {
  const file = join(packageRoot(), WORKFLOW_PATH);
  if (!existsSync(file))
    throw new AgentOSError(
      `the AgentOS workflow is missing from this installation: ${file} does not exist (reinstall agentos)`,
    );
  return readFileSync(file, 'utf8');
}

/**
 * The shipped workflow for an agent repository: a header that says where it came from, and each
 * `uses: ./` pinned to `repository@tag`. Throws when the shipped text has no local action step
 * (its shape changed and this transform would ship a workflow that runs nothing).
 */
export function workflowForAgentRepository(shipped: string, release: ActionRelease): string {
  const pinned = `${release.repository}@${release.tag}`;
  let steps = 0;
  const body = shipped.replace(LOCAL_ACTION, (_line, prefix: string) => {
    steps++;
    return `${prefix}${pinned}`;
  });
  if (steps === 0)
    throw new AgentOSError(
      `${WORKFLOW_PATH} of this installation has no "uses: ./" step to pin to ${pinned}`,
    );
  // Its own header replaces the shipped one, which speaks of AgentOS's repository.
  const lines = body.split('\n');
  const firstCode = lines.findIndex((line) => line.trim() !== '' && !line.startsWith('#'));
  const header = [
    `# AgentOS (${pinned}): agents answer issues labelled "agentos", take feedback from comment`,
    '# commands, learn every night and weigh proposals when people review them. Written by',
    `# "agentos init --github" from the workflow AgentOS ships; to upgrade, change ${release.tag} in`,
    '# every "uses:" below to a newer release tag. Each job asks for the least it needs.',
  ];
  const text = [...header, ...lines.slice(firstCode)].join('\n');
  parse(text);
  return text;
}
