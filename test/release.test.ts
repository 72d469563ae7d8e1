// scripts/release.js against temporary repositories: it tags the version README.md names only when
// package.json agrees, the tree is clean and dist/ is the bundle of src/; it never pushes unless
// asked. And this repository's README names the version package.json has.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Git } from '../src/git/git.js';
import { commitStaged } from './helpers/person.js';
import { tempDir } from './helpers/repo.js';

function release(args: string[]) {
  const result = spawnSync(process.execPath, ['scripts/release.js', ...args], {
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A repository shaped like the action's: package.json, README.md naming a release, dist/. */
async function actionRepository(readmeTag = 'v1.2.0'): Promise<{ dir: string; git: Git }> {
  const dir = tempDir('agentos-release-');
  const git = Git.create(dir);
  await git.init();
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'agentos', version: '1.2.0', repository: 'github:agentos/agentos' }),
  );
  writeFileSync(
    join(dir, 'README.md'),
    `# AgentOS\n\n\`\`\`yaml\n- uses: agentos/agentos@${readmeTag}\n\`\`\`\n`,
  );
  mkdirSync(join(dir, 'dist'));
  writeFileSync(join(dir, 'dist', 'index.js'), 'console.log("bundle");\n');
  await git.add(['package.json', 'README.md', 'dist/index.js']);
  await commitStaged(git, 'AgentOS 1.2.0');
  return { dir, git };
}

const tags = async (git: Git) =>
  (await git.exec(['tag', '--list'])).stdout.split('\n').filter(Boolean);
/** A build that leaves dist/ as committed, and one that changes it (src/ moved on). */
const SAME_BUILD = 'node -e "0"';
const NEW_BUILD = `node -e "require('fs').writeFileSync('dist/index.js', 'console.log(2);')"`;

describe('scripts/release.js', () => {
  it('tags vX.Y.Z and moves vX when all checks pass, and pushes nothing', async () => {
    const { dir, git } = await actionRepository();
    const remote = join(tempDir('agentos-release-remote-'), 'agentos.git');
    await git.exec(['init', '--quiet', '--bare', remote]);
    await git.exec(['remote', 'add', 'origin', remote]);
    const head = await git.headSha();

    const run = release([dir, '--build', SAME_BUILD]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `tagged v1.2.0 and v1 at ${head.slice(0, 7)} (agentos/agentos@v1.2.0)\n` +
        'nothing pushed; to publish: git push origin v1.2.0 && git push --force origin v1\n',
    );
    expect(await tags(git)).toEqual(['v1', 'v1.2.0']);
    expect((await git.exec(['rev-list', '-n', '1', 'v1.2.0'])).stdout.trim()).toBe(head);
    expect((await git.exec(['rev-list', '-n', '1', 'v1'])).stdout.trim()).toBe(head);
    expect(await tags(Git.create(remote))).toEqual([]);

    const again = release([dir, '--build', SAME_BUILD]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      'release: the tag v1.2.0 already exists: raise the version in package.json\n',
    );
  });

  it('refuses a README that names another version, a dirty tree and a stale dist/', async () => {
    const stale = await actionRepository('v1.1.0');
    const readme = release([stale.dir, '--build', SAME_BUILD]);
    expect(readme.code).toBe(1);
    expect(readme.stderr).toBe(
      "release: README.md names agentos/agentos@v1.1.0, but package.json's version is 1.2.0: make them agree\n",
    );

    const { dir, git } = await actionRepository();
    const dist = release([dir, '--build', NEW_BUILD]);
    expect(dist.code).toBe(1);
    expect(dist.stderr).toBe(
      `release: dist/ is not the bundle of src/ (1 file(s) differ after "${NEW_BUILD}"): commit the rebuilt dist/, then release\n`,
    );
    expect(await tags(git)).toEqual([]);

    // The rebuilt dist/ is left for a person to commit: the tree is now dirty.
    const dirty = release([dir, '--build', SAME_BUILD]);
    expect(dirty.code).toBe(1);
    expect(dirty.stderr).toBe(
      'release: the working tree has uncommitted changes: commit or stash them first\n',
    );
    expect(await tags(git)).toEqual([]);
    expect(release([dir, '--bogus']).code).toBe(2);
  });

  it('finds README.md naming this package’s version', () => {
    const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string })
      .version;
    const check = release(['.', '--check']);
    expect(check.stderr).toBe('');
    expect(check.stdout).toBe(`README.md names agentos/agentos@v${version}\n`);
    expect(check.code).toBe(0);
  });
});
