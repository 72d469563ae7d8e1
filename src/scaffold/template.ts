// The template `agentos init` writes: the `template/` folder shipped inside the package
// (agents.yaml, agents/, shared/iac/), never the memory of the repository `init` runs in.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentOSError } from '../errors.js';
import { REGISTRY_FILE } from '../memory/layout.js';

/** The template's folder, relative to the package root (listed in package.json `files`). */
export const TEMPLATE_FOLDER = 'template';

/** What the template holds, relative to its folder and to the agent repository it makes. */
export const TEMPLATE_ENTRIES = [REGISTRY_FILE, 'agents', 'shared/iac'] as const;

/**
 * The installed package's root. This file sits two levels below it both as source
 * (src/scaffold/template.ts) and installed (lib/scaffold/template.js), so the path is fixed: a
 * search upwards could land on a clone's root agents.yaml, which is live, learned memory. (Not
 * `new URL('../../', import.meta.url)`: a bundler takes that for an asset to copy.)
 */
export function packageRoot(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

/** The packaged template folder. */
export function templateRoot(): string {
  const folder = join(packageRoot(), TEMPLATE_FOLDER);
  if (!existsSync(join(folder, REGISTRY_FILE)))
    throw new AgentOSError(
      `the AgentOS template is missing from this installation: ${join(folder, REGISTRY_FILE)} does not exist (reinstall agentos)`,
    );
  return folder;
}

export const REPOSITORY_GITIGNORE = `# The assembled context is rebuilt for every task and never committed.
context.md
`;

export const REPOSITORY_GITATTRIBUTES = `# Agent memory merges with plain git and needs no merge driver: each new reward record is a file
# of its own (agents/*/rewards/recent/), and sealed shards are named by their content.
`;
