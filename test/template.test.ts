// The packaged template: `agentos init` writes template/ even in a clone of this project whose own
// agents have learned, and scripts/check-template.js holds the root copies (what "Use this
// template" gives) equal to template/ as committed. Nothing here reads this project's agents/.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
  mkdirSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { Git } from '../src/git/git.js';
import { TEMPLATE_ENTRIES, TEMPLATE_FOLDER, templateRoot } from '../src/scaffold/template.js';
import { runCli } from './helpers/cli.js';
import { compiledSource, tempDir } from './helpers/repo.js';
import { commitStaged } from './helpers/person.js';

/** Every file under `root`'s template entries, relative to `root`, sorted. */
function templateFiles(root: string): string[] {
  const walk = (path: string): string[] =>
    readdirSync(join(root, path), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(path, entry.name)) : [join(path, entry.name)],
    );
  return TEMPLATE_ENTRIES.flatMap((entry) =>
    entry.endsWith('.yaml') ? [entry] : walk(entry),
  ).sort();
}

/**
 * A clone of this project as a user who clicked "Use this template" has it, installed: the
 * packaged template/, the root copies equal to it, and the CLI compiled from src/ in lib/.
 */
async function makeProject(): Promise<{ dir: string; git: Git; first: string }> {
  const dir = tempDir('agentos-project-');
  const template = templateRoot();
  cpSync(template, join(dir, TEMPLATE_FOLDER), { recursive: true });
  for (const entry of TEMPLATE_ENTRIES)
    cpSync(join(template, entry), join(dir, entry), { recursive: true });
  cpSync('package.json', join(dir, 'package.json'));
  cpSync(compiledSource(), join(dir, 'lib'), { recursive: true });
  symlinkSync(resolve('node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, '.gitignore'), 'node_modules\nlib/\ncontext.md\n');
  const git = Git.create(dir);
  await git.init();
  await git.add(['.gitignore', 'package.json', TEMPLATE_FOLDER, ...TEMPLATE_ENTRIES]);
  const first = await commitStaged(git, 'A project made from the AgentOS template');
  return { dir, git, first };
}

function checkTemplate(dir: string, ...args: string[]) {
  const result = spawnSync(process.execPath, ['scripts/check-template.js', dir, ...args], {
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the packaged template', () => {
  it('is what agentos init writes, even in a clone whose agents have run tasks and committed', async () => {
    const project = await makeProject();
    for (const text of [
      'Build a Python sync process for a paginated API with rate limits.',
      "Sync invoices from the billing vendor's paginated API, pausing when the rate limit is near.",
    ])
      expect((await runCli(['enqueue', '--dir', project.dir, text])).code).toBe(0);
    const ran = await runCli(['run', '--dir', project.dir, '--all']);
    expect(ran.code).toBe(0);
    const learned = (
      await project.git.exec(['diff', '--name-only', project.first, 'HEAD', '--', 'agents'])
    ).stdout
      .split('\n')
      .filter(Boolean);
    // The clone's agents did learn: beliefs, a skill, reward records, a moved queue.
    expect(learned.some((path) => path.includes('/world/'))).toBe(true);
    expect(learned.some((path) => path.includes('/skills/'))).toBe(true);
    expect(learned.some((path) => path.startsWith('agents/orion/queue/archive/'))).toBe(true);
    expect(learned.some((path) => path.startsWith('agents/orion/rewards/'))).toBe(true);

    const fresh = join(tempDir(), 'fresh');
    // The clone's own installed CLI, so that the template is found from the clone's package.
    const init = spawnSync(
      process.execPath,
      [join(project.dir, 'lib/cli/index.js'), 'init', fresh],
      {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: tempDir('agentos-home-') },
      },
    );
    expect(init.stderr).toBe('');
    expect(init.status).toBe(0);

    const template = join(project.dir, TEMPLATE_FOLDER);
    expect(readdirSync(fresh).sort()).toEqual([
      '.git',
      '.gitattributes',
      '.gitignore',
      'agents',
      'agents.yaml',
      'shared',
    ]);
    expect(templateFiles(fresh)).toEqual(templateFiles(template));
    for (const file of templateFiles(template))
      expect([file, readFileSync(join(fresh, file), 'utf8')]).toEqual([
        file,
        readFileSync(join(template, file), 'utf8'),
      ]);
    // No skill, no learned belief, no reward record, and the template's queue.
    expect(existsSync(join(fresh, 'agents/orion/skills'))).toBe(false);
    for (const path of learned)
      if (existsSync(join(fresh, path)))
        expect(readFileSync(join(fresh, path), 'utf8')).toBe(
          readFileSync(join(template, path), 'utf8'),
        );
    expect((await Git.create(fresh).exec(['log', '--format=%s'])).stdout.trim()).toBe(
      'Initialise AgentOS agent repository',
    );

    // Here the root copies are learned memory: the check names what the tasks changed.
    const check = checkTemplate(project.dir);
    expect(check.code).toBe(1);
    expect(check.stdout).toBe('');
    const lines = check.stderr.trim().split('\n');
    for (const path of learned)
      expect(lines).toContainEqual(
        existsSync(join(template, path))
          ? `${path}: differs from template/${path}`
          : `${path}: not in template/`,
      );
    expect(lines.at(-1)).toMatch(
      /^template: the root agents.yaml, agents\/ and shared\/iac\/ differ from template\/ at HEAD\. .*the root copies are learned memory and differ by design/,
    );
  });

  it('check-template passes when the committed root copies equal template/, and names each difference', async () => {
    const project = await makeProject();
    const count = templateFiles(join(project.dir, TEMPLATE_FOLDER)).length;
    const equal = checkTemplate(project.dir);
    expect(equal).toEqual({
      code: 0,
      stdout: `template: agents.yaml, agents/ and shared/iac/ equal template/ at HEAD (${count} files)\n`,
      stderr: '',
    });

    // The working tree does not count (context.md, a person's edit in progress): only commits do.
    writeFileSync(join(project.dir, 'agents/orion/persona.md'), 'A persona in progress.\n');
    writeFileSync(join(project.dir, 'agents/orion/context.md'), 'The context of a task.\n');
    expect(checkTemplate(project.dir).code).toBe(0);

    await project.git.add(['agents/orion/persona.md']);
    mkdirSync(join(project.dir, TEMPLATE_FOLDER, 'agents/iris/skills'), { recursive: true });
    writeFileSync(join(project.dir, TEMPLATE_FOLDER, 'agents/iris/skills/new.md'), 'new\n');
    await project.git.add([`${TEMPLATE_FOLDER}/agents/iris/skills/new.md`]);
    await commitStaged(project.git, 'Drift both ways');
    const drift = checkTemplate(project.dir);
    expect(drift.code).toBe(1);
    expect(drift.stdout).toBe('');
    expect(drift.stderr.trim().split('\n').slice(0, -1)).toEqual([
      'agents/orion/persona.md: differs from template/agents/orion/persona.md',
      'template/agents/iris/skills/new.md: missing from the root copy',
    ]);
    // An earlier commit is checked with --rev.
    expect(checkTemplate(project.dir, '--rev', project.first).code).toBe(0);

    const unknown = checkTemplate(project.dir, '--rev', 'no-such-rev');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      `check-template: cannot read revision "no-such-rev" of ${project.dir}: fatal: Not a valid object name no-such-rev\n`,
    );
  });
});
