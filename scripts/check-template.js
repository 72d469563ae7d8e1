// The root agents.yaml, agents/ and shared/iac/ (what GitHub's "Use this template" gives) must equal
// template/ (what `agentos init` writes) at every commit. This check compares them as committed at
// a revision (HEAD by default), by blob id, so uncommitted or ignored files (context.md) never
// matter. Prints every path that differs and exits 1; exits 2 on bad usage.
// Usage: node scripts/check-template.js [DIR] [--rev REV]
// eslint-disable-next-line no-restricted-imports -- a read-only `git ls-tree` in a development script that must run before lib/ (and so src/git/git.ts compiled) exists
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export const TEMPLATE_FOLDER = 'template';
export const TEMPLATE_ENTRIES = ['agents.yaml', 'agents', 'shared/iac'];

/** A problem the user fixes by pointing the check elsewhere: exit 2. */
class UsageError extends Error {}

/** Path (relative to `prefix`) → "mode blob" of every file under `entries` at `rev`. */
function committedFiles(dir, rev, entries, prefix = '') {
  let out;
  try {
    out = execFileSync(
      'git',
      ['-C', dir, 'ls-tree', '-r', '-z', '--full-tree', rev, '--', ...entries],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } catch (error) {
    const reason = String(error.stderr ?? error.message)
      .trim()
      .split('\n')[0];
    throw new UsageError(`cannot read revision "${rev}" of ${dir}: ${reason}`);
  }
  const files = new Map();
  for (const entry of out.split('\0').filter(Boolean)) {
    const tab = entry.indexOf('\t');
    const [mode, , blob] = entry.slice(0, tab).split(' ');
    files.set(entry.slice(tab + 1).slice(prefix.length), `${mode} ${blob}`);
  }
  return files;
}

/** Every difference between the root copies and template/ at `rev`, one line each, sorted. */
export function templateDrift(dir, rev = 'HEAD') {
  const root = committedFiles(dir, rev, TEMPLATE_ENTRIES);
  const template = committedFiles(
    dir,
    rev,
    TEMPLATE_ENTRIES.map((entry) => `${TEMPLATE_FOLDER}/${entry}`),
    `${TEMPLATE_FOLDER}/`,
  );
  if (template.size === 0)
    return { files: 0, problems: [`${TEMPLATE_FOLDER}/: missing at ${rev}`] };
  const problems = [];
  for (const path of new Set([...root.keys(), ...template.keys()])) {
    if (!template.has(path)) problems.push(`${path}: not in ${TEMPLATE_FOLDER}/`);
    else if (!root.has(path))
      problems.push(`${TEMPLATE_FOLDER}/${path}: missing from the root copy`);
    else if (root.get(path) !== template.get(path))
      problems.push(`${path}: differs from ${TEMPLATE_FOLDER}/${path}`);
  }
  return { files: template.size, problems: problems.sort() };
}

function main(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { rev: { type: 'string', default: 'HEAD' } },
    allowPositionals: true,
  });
  if (positionals.length > 1) throw new UsageError('takes at most one folder');
  const dir = positionals[0] ?? join(dirname(fileURLToPath(import.meta.url)), '..');
  const { files, problems } = templateDrift(dir, values.rev);
  if (problems.length === 0) {
    console.log(
      `template: agents.yaml, agents/ and shared/iac/ equal ${TEMPLATE_FOLDER}/ at ${values.rev} (${files} files)`,
    );
    return 0;
  }
  for (const problem of problems) console.error(problem);
  console.error(
    `template: the root agents.yaml, agents/ and shared/iac/ differ from ${TEMPLATE_FOLDER}/ at ${values.rev}. ` +
      `${TEMPLATE_FOLDER}/ is what "agentos init" writes and the root copies are what "Use this template" gives: ` +
      `change both alike and commit them together. (In a repository whose agents have run tasks, the root ` +
      `copies are learned memory and differ by design; the check guards the AgentOS project itself.)`,
  );
  return 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError) && !String(error.code).startsWith('ERR_PARSE_ARGS_'))
      throw error;
    console.error(`check-template: ${error.message}`);
    process.exitCode = 2;
  }
}
