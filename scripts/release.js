// Tags a release of the action: the version README.md names (`uses: OWNER/NAME@vX.Y.Z`, where
// OWNER/NAME is package.json's repository) must be package.json's version, the working tree clean,
// dist/ the bundle of src/ (rebuilt, then compared with what is committed), and the tag new. Makes
// the annotated tag vX.Y.Z and moves the major tag vX to it, locally; pushes only with --push.
// Usage: node scripts/release.js [DIR] [--check] [--build CMD] [--push REMOTE]
//   --check        only check that README.md names package.json's version (no build, no tag)
//   --build CMD    the command that rebuilds dist/ (default: npm run build:dist)
//   --push REMOTE  push both tags to REMOTE after making them
// Exits 1 when a check fails (saying what to do), 2 on bad usage.
// eslint-disable-next-line no-restricted-imports -- a development script that runs git before lib/ (and so src/git/git.ts compiled) exists
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

class ReleaseError extends Error {}
class UsageError extends Error {}

function git(root, args) {
  const result = spawnSync('git', ['-C', root, ...args], { encoding: 'utf8' });
  if (result.status !== 0)
    throw new ReleaseError(`git ${args.join(' ')} failed: ${(result.stderr || '').trim()}`);
  return result.stdout;
}

/** OWNER/NAME from package.json's repository (`github:o/n`, a GitHub URL, or `o/n`). */
function actionRepository(manifest) {
  const url =
    typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
  const match = /(?:github(?:\.com[/:]|:)|^)([\w.-]+\/[\w.-]+?)(?:\.git)?$/.exec(url ?? '');
  if (!match) throw new ReleaseError('package.json: field "repository" names no GitHub repository');
  return match[1];
}

/** Checks that README.md names exactly `repository@tag` wherever it names the action's release. */
export function checkReadme(root, repository, tag) {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const escaped = repository.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const named = [...readme.matchAll(new RegExp(`${escaped}@([\\w.-]+)`, 'g'))].map((m) => m[1]);
  if (named.length === 0)
    throw new ReleaseError(
      `README.md does not name the action's release (${repository}@${tag}): say which tag to use`,
    );
  const other = named.filter((ref) => ref !== tag);
  if (other.length > 0)
    throw new ReleaseError(
      `README.md names ${repository}@${other[0]}, but package.json's version is ${tag.slice(1)}: make them agree`,
    );
}

export function release(root, options) {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(manifest.version ?? ''))
    throw new ReleaseError(`package.json: field "version" "${manifest.version}" is not X.Y.Z`);
  const tag = `v${manifest.version}`;
  const major = `v${manifest.version.split('.')[0]}`;
  const repository = actionRepository(manifest);
  checkReadme(root, repository, tag);
  if (options.check) return { tag, lines: [`README.md names ${repository}@${tag}`] };

  if (git(root, ['status', '--porcelain']).trim() !== '')
    throw new ReleaseError('the working tree has uncommitted changes: commit or stash them first');
  if (git(root, ['tag', '--list', tag]).trim() !== '')
    throw new ReleaseError(`the tag ${tag} already exists: raise the version in package.json`);
  const build = spawnSync(options.build, { cwd: root, shell: true, encoding: 'utf8' });
  if (build.status !== 0)
    throw new ReleaseError(
      `"${options.build}" failed (exit ${build.status}): ${(build.stderr || '').trim().split('\n').at(-1)}`,
    );
  const drift = git(root, ['status', '--porcelain', '--', 'dist/']).trim();
  if (drift !== '')
    throw new ReleaseError(
      `dist/ is not the bundle of src/ (${drift.split('\n').length} file(s) differ after "${options.build}"): commit the rebuilt dist/, then release`,
    );

  const head = git(root, ['rev-parse', 'HEAD']).trim();
  git(root, ['tag', '-a', tag, '-m', `AgentOS ${tag}`]);
  git(root, ['tag', '-f', '-a', major, '-m', `AgentOS ${tag} (latest ${major}.x)`]);
  const lines = [`tagged ${tag} and ${major} at ${head.slice(0, 7)} (${repository}@${tag})`];
  if (options.push) {
    git(root, ['push', options.push, `refs/tags/${tag}`]);
    git(root, ['push', '--force', options.push, `refs/tags/${major}`]);
    lines.push(`pushed ${tag} and ${major} to ${options.push}`);
  } else {
    lines.push(
      `nothing pushed; to publish: git push origin ${tag} && git push --force origin ${major}`,
    );
  }
  return { tag, lines };
}

function main(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        check: { type: 'boolean' },
        build: { type: 'string' },
        push: { type: 'string' },
      },
    });
    if (parsed.positionals.length > 1) throw new UsageError('takes at most one folder');
  } catch (error) {
    console.error(`release: ${error.message.split('\n')[0]}`);
    return 2;
  }
  const root = parsed.positionals[0] ?? join(dirname(fileURLToPath(import.meta.url)), '..');
  try {
    const { lines } = release(root, {
      check: parsed.values.check === true,
      build: parsed.values.build ?? 'npm run build:dist',
      push: parsed.values.push,
    });
    for (const line of lines) console.log(line);
    return 0;
  } catch (error) {
    if (!(error instanceof ReleaseError)) throw error;
    console.error(`release: ${error.message}`);
    return 1;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  process.exitCode = main(process.argv.slice(2));
