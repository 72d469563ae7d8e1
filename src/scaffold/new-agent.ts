// Writing a new agent into a repository (`agentos new-agent`, SPEC §11): the planned files, its
// entry appended to agents.yaml with the file's comments and layout kept, one commit of exactly
// those paths. Like `agentos init`, it acts for the person who runs it, so it may write the
// human-owned files (persona.md, constraints.md, goals.md) that the runtime itself never edits.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isMap, isSeq, parseDocument } from 'yaml';
import { InputError } from '../errors.js';
import type { Git } from '../git/git.js';
import { formatCommitMessage } from '../git/message.js';
import { agentPaths, REGISTRY_FILE } from '../memory/layout.js';
import { loadRegistry, RegistrySchema } from '../memory/registry.js';
import { readTextIfExists } from '../memory/files.js';
import { readYaml } from '../memory/yaml-source.js';
import type { AgentEntry, PlannedFile } from './new-agent-plan.js';

export interface WrittenAgent {
  commit: string;
  /** Every repository path the commit holds, agents.yaml last. */
  paths: string[];
}

/** agents.yaml's text with `entry` appended to its agents, validated as the runtime will read it. */
export function registryWithAgent(text: string, entry: AgentEntry): string {
  const document = parseDocument(text);
  const agents = document.get('agents');
  if (!isSeq(agents))
    throw new InputError(`${REGISTRY_FILE}: "agents" is not a list; fix it before adding an agent`);
  const node = document.createNode(entry);
  // Short lists on one line, as the template writes them.
  if (isMap(node))
    for (const key of ['goals', 'hints']) {
      const list = node.get(key, true);
      if (isSeq(list)) list.flow = true;
    }
  agents.add(node);
  const updated = document.toString({ lineWidth: 0 });
  readYaml({ file: REGISTRY_FILE, text: updated, firstLine: 1 }, RegistrySchema);
  return updated;
}

/** Refuses a name agents.yaml already has, or a folder already there (a person's files). */
export function checkNewAgentName(repoRoot: string, name: string): void {
  const registry = loadRegistry(repoRoot);
  if (registry.agents.some((agent) => agent.name === name))
    throw new InputError(
      `${REGISTRY_FILE} already defines an agent "${name}": choose another AGENT_NAME`,
    );
  const folder = agentPaths(name).root;
  if (existsSync(join(repoRoot, folder)))
    throw new InputError(
      `${folder}/ already exists: choose another AGENT_NAME, or remove the folder`,
    );
}

export async function writeNewAgent(input: {
  repoRoot: string;
  git: Git;
  entry: AgentEntry;
  files: readonly PlannedFile[];
  subject: string;
  body: string[];
}): Promise<WrittenAgent> {
  const { repoRoot, entry } = input;
  checkNewAgentName(repoRoot, entry.name);
  const registryText = readTextIfExists(join(repoRoot, REGISTRY_FILE)) ?? '';
  // Everything is checked before the first write: a refused agent leaves no file behind.
  const registry = registryWithAgent(registryText, entry);
  for (const file of input.files) {
    mkdirSync(dirname(join(repoRoot, file.path)), { recursive: true });
    writeFileSync(join(repoRoot, file.path), file.content);
  }
  writeFileSync(join(repoRoot, REGISTRY_FILE), registry);
  const paths = [...input.files.map((file) => file.path), REGISTRY_FILE];
  const commit = await input.git.commitPaths(
    paths,
    formatCommitMessage({
      subject: input.subject,
      body: input.body,
      trailers: [['AgentOS-Agent', entry.name]],
    }),
  );
  if (commit === undefined)
    throw new InputError(`the files of agent "${entry.name}" are already committed: nothing to do`);
  return { commit, paths };
}
