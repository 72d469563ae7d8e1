// README's inputs and outputs tables, generated from action.yml (the source of truth). `--check`
// fails when README.md differs from what action.yml says; without it, README.md is rewritten.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const START = '<!-- action-docs:start (generated from action.yml by `npm run docs`) -->';
const END = '<!-- action-docs:end -->';

function cell(text) {
  return String(text ?? '')
    .replace(/\s+/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();
}

/** The Markdown tables for action.yml's inputs and outputs. */
export function renderActionDocs(actionYaml) {
  const action = parse(actionYaml);
  const inputs = Object.entries(action.inputs ?? {});
  const outputs = Object.entries(action.outputs ?? {});
  return [
    '| input | default | description |',
    '|---|---|---|',
    ...inputs.map(([name, input]) => {
      const fallback =
        input.default === undefined || input.default === '' ? '' : `\`${cell(input.default)}\``;
      return `| \`${name}\` | ${fallback} | ${cell(input.description)} |`;
    }),
    '',
    '| output | description |',
    '|---|---|',
    ...outputs.map(([name, output]) => `| \`${name}\` | ${cell(output.description)} |`),
  ].join('\n');
}

/** README's text with the generated section replaced; throws when the markers are missing. */
export function updateReadme(readme, actionYaml) {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no "${START}" … "${END}" section`);
  return `${readme.slice(0, start + START.length)}\n${renderActionDocs(actionYaml)}\n${readme.slice(end)}`;
}

function main(argv) {
  const root =
    argv.find((arg) => !arg.startsWith('--')) ??
    join(dirname(fileURLToPath(import.meta.url)), '..');
  const readmePath = join(root, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const expected = updateReadme(readme, readFileSync(join(root, 'action.yml'), 'utf8'));
  if (argv.includes('--check')) {
    if (expected !== readme) {
      console.error(
        'README.md: the inputs/outputs tables differ from action.yml; run "npm run docs"',
      );
      return 1;
    }
    return 0;
  }
  if (expected !== readme) writeFileSync(readmePath, expected);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  process.exitCode = main(process.argv.slice(2));
