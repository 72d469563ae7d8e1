// The template agent repository: the product repository's own agents.yaml, agents/ and shared/iac/
// are the template that `agentos init` copies (SPEC §2).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentOSError } from '../errors.js';

export const TEMPLATE_ENTRIES = ['agents.yaml', 'agents', 'shared/iac'] as const;

/** The folder holding the template: the package root, found from this file upwards. */
export function templateRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(folder, 'agents.yaml')) && existsSync(join(folder, 'package.json')))
      return folder;
    folder = dirname(folder);
  }
  throw new AgentOSError(
    'the AgentOS template (agents.yaml, agents/) is missing from this installation',
  );
}

export const REPOSITORY_GITIGNORE = `# The assembled context is rebuilt for every task and never committed.
context.md
`;

export const REPOSITORY_GITATTRIBUTES = `# Agent memory merges with plain git and needs no merge driver: each new reward record is a file
# of its own (agents/*/rewards/recent/), and sealed shards are named by their content.
`;
