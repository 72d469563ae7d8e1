// `agentos init`: a new agent repository from the packaged template, committed as one commit.
import { cpSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { InputError } from '../errors.js';
import { Git } from '../git/git.js';
import { formatCommitMessage } from '../git/message.js';
import { REGISTRY_FILE } from '../memory/layout.js';
import {
  REPOSITORY_GITATTRIBUTES,
  REPOSITORY_GITIGNORE,
  TEMPLATE_ENTRIES,
  templateRoot,
} from './template.js';

/** Repository paths of the files under `entry` (a file or a folder) of `dir`, sorted. */
function filesUnder(dir: string, entry: string): string[] {
  if (!statSync(join(dir, entry)).isDirectory()) return [entry];
  return readdirSync(join(dir, entry), { recursive: true, withFileTypes: true })
    .filter((found) => found.isFile())
    .map((found) => relative(dir, join(found.parentPath, found.name)).split(sep).join('/'))
    .sort();
}

export interface InitResult {
  dir: string;
  commit: string;
  files: string[];
}

export async function initRepository(
  dir: string,
  options: {
    git?: Git;
    /** Extra files to write and commit with the template (e.g. the GitHub workflow), by path. */
    extraFiles?: Readonly<Record<string, string>>;
  } = {},
): Promise<InitResult> {
  if (existsSync(join(dir, REGISTRY_FILE))) {
    throw new InputError(
      `${join(dir, REGISTRY_FILE)} already exists: ${dir} is already an agent repository`,
    );
  }
  mkdirSync(dir, { recursive: true });
  const source = templateRoot();
  for (const entry of TEMPLATE_ENTRIES) {
    cpSync(join(source, entry), join(dir, entry), {
      recursive: true,
      // The template's ephemeral context files are never copied.
      filter: (path) => !path.endsWith('/context.md'),
    });
  }
  for (const [name, content] of [
    ['.gitignore', REPOSITORY_GITIGNORE],
    ['.gitattributes', REPOSITORY_GITATTRIBUTES],
  ] as const) {
    if (!existsSync(join(dir, name))) writeFileSync(join(dir, name), content);
  }
  const extraFiles = Object.entries(options.extraFiles ?? {});
  for (const [path, content] of extraFiles) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  const git = options.git ?? Git.create(dir);
  // The agent repository is a repository of its own, even when `dir` sits inside another one.
  if (!existsSync(join(dir, '.git'))) await git.init();
  const files = [
    '.gitignore',
    '.gitattributes',
    ...TEMPLATE_ENTRIES.flatMap((entry) => filesUnder(dir, entry)),
    ...extraFiles.map(([path]) => path),
  ];
  const agents = readdirSync(join(dir, 'agents')).sort().join(', ');
  const commit = await git.commitPaths(
    files,
    formatCommitMessage({
      subject: 'Initialise AgentOS agent repository',
      body: [
        `Agents: ${agents}. Each agent's mind lives under agents/<name>/;`,
        'shared truths under shared/iac/.',
      ],
      trailers: [['AgentOS-Init', 'template']],
    }),
  );
  if (commit === undefined)
    throw new InputError(`${dir} already holds the template's files, committed: nothing to do`);
  return { dir, commit, files };
}
