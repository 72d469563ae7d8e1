// Hand-made or hostile memory files: bytes that are not UTF-8, YAML alias bombs, duplicate keys,
// files and frontmatter over the read limit, frontmatter that smuggles keys or code, symbolic
// links and control characters in names. Each run exits 2 with one line naming the file; nothing
// is written and HEAD does not move.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runCli } from './helpers/cli.js';
import { commitStaged } from './helpers/person.js';
import { makeRepo, type TestRepo } from './helpers/repo.js';

const HYPOTHESIS = 'agents/orion/world/hypotheses/cursor-pagination-requires-oauth-token.md';

/** The hypothesis file with its frontmatter's `name:` line replaced by `lines`. */
function hypothesisWith(repo: TestRepo, lines: string): string {
  return repo
    .read(HYPOTHESIS)
    .replace(/^name: .*$/m, `${lines}\nname: Cursor pagination requires auth scopes`);
}

const ALIAS_BOMB = [
  'bomb_a: &a [x, x, x, x, x, x, x, x, x]',
  'bomb_b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
  'bomb_c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
  'bomb_d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
  'bomb_e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
  'bomb_f: [*e, *e, *e, *e, *e, *e, *e, *e, *e]',
].join('\n');

interface Case {
  name: string;
  /** Plants the hostile file; returns the path the error must name. */
  plant(repo: TestRepo): string;
  /** The one line on stderr, after `agentos run: <path>`. */
  says: RegExp;
  /** Run the queue rather than an ad-hoc task. */
  queue?: boolean;
}

function bytes(repo: TestRepo, path: string, content: Buffer): void {
  mkdirSync(dirname(join(repo.dir, path)), { recursive: true });
  writeFileSync(join(repo.dir, path), content);
}

const NOT_UTF8 = Buffer.from([0x66, 0x6f, 0x6f, 0xff, 0xfe, 0x20]);

const CASES: Case[] = [
  {
    name: 'a belief with bytes that are not UTF-8',
    plant: (repo) => {
      bytes(repo, HYPOTHESIS, Buffer.concat([Buffer.from(repo.read(HYPOTHESIS)), NOT_UTF8]));
      return HYPOTHESIS;
    },
    says: /^: is not valid UTF-8 \(first bad byte at offset \d+\): save it as UTF-8$/,
  },
  {
    name: 'persona.md with Latin-1 bytes',
    plant: (repo) => {
      const path = 'agents/orion/persona.md';
      bytes(
        repo,
        path,
        Buffer.concat([Buffer.from(repo.read(path)), Buffer.from('caf\xe9', 'latin1')]),
      );
      return path;
    },
    says: /^: is not valid UTF-8 \(first bad byte at offset \d+\): save it as UTF-8$/,
  },
  {
    name: 'queue.md with bytes that are not UTF-8',
    queue: true,
    plant: (repo) => {
      const path = 'agents/orion/queue.md';
      bytes(
        repo,
        path,
        Buffer.concat([Buffer.from(`${repo.read(path)}\n## sync-1\ntask: Sync `), NOT_UTF8]),
      );
      return path;
    },
    says: /^: is not valid UTF-8/,
  },
  {
    name: 'agents.yaml with bytes that are not UTF-8',
    plant: (repo) => {
      bytes(repo, 'agents.yaml', Buffer.concat([Buffer.from(repo.read('agents.yaml')), NOT_UTF8]));
      return 'agents.yaml';
    },
    says: /^: is not valid UTF-8/,
  },
  {
    name: 'a YAML alias bomb in a belief',
    plant: (repo) => {
      repo.write(HYPOTHESIS, hypothesisWith(repo, ALIAS_BOMB));
      return HYPOTHESIS;
    },
    says: /^: invalid YAML: Excessive alias count/,
  },
  {
    name: 'a YAML alias bomb in agents.yaml',
    plant: (repo) => {
      repo.write('agents.yaml', `${repo.read('agents.yaml')}${ALIAS_BOMB}\n`);
      return 'agents.yaml';
    },
    says: /^: invalid YAML: Excessive alias count/,
  },
  {
    name: 'a duplicate key in a belief',
    plant: (repo) => {
      repo.write(HYPOTHESIS, hypothesisWith(repo, 'confidence: 1'));
      return HYPOTHESIS;
    },
    says: /^:\d+: invalid YAML: Map keys must be unique/,
  },
  {
    name: 'a file over the 1 MiB read limit',
    plant: (repo) => {
      repo.write(HYPOTHESIS, `${repo.read(HYPOTHESIS)}${'padding '.repeat(160_000)}\n`);
      return HYPOTHESIS;
    },
    says: /^: is \d+ bytes, over the 1048576 byte \(1 MiB\) limit for a memory file$/,
  },
  {
    name: 'a 10 MB frontmatter',
    plant: (repo) => {
      repo.write(HYPOTHESIS, hypothesisWith(repo, `notes: "${'x'.repeat(10_000_000)}"`));
      return HYPOTHESIS;
    },
    says: /^: is \d+ bytes, over the 1048576 byte \(1 MiB\) limit for a memory file$/,
  },
  {
    name: 'frontmatter that smuggles JavaScript',
    plant: (repo) => {
      const path = 'agents/orion/world/entities/smuggled.md';
      repo.write(
        path,
        "---js\n{ kind: (globalThis.agentosHostileRan = 'yes', 'entity'), name: 'x' }\n---\n",
      );
      return path;
    },
    says: /^:1: frontmatter must be YAML, not "js" \(open it with a plain "---" line\)$/,
  },
  {
    name: 'frontmatter that smuggles __proto__',
    plant: (repo) => {
      repo.write(HYPOTHESIS, hypothesisWith(repo, '__proto__: { polluted: "yes" }'));
      return HYPOTHESIS;
    },
    says: /^:3: the key "__proto__" is not allowed in a memory file$/,
  },
  {
    name: 'frontmatter that smuggles a merge key',
    plant: (repo) => {
      repo.write(HYPOTHESIS, hypothesisWith(repo, '<<: { status: promoted, confidence: 1 }'));
      return HYPOTHESIS;
    },
    says: /^:3: the key "<<" is not allowed in a memory file$/,
  },
  {
    name: 'a symbolic link to a file outside the repository',
    plant: (repo) => {
      const path = 'agents/orion/world/entities/passwd.md';
      mkdirSync(dirname(join(repo.dir, path)), { recursive: true });
      symlinkSync('/etc/passwd', join(repo.dir, path));
      return path;
    },
    says: /^: is a symbolic link: memory files and folders must be plain files and folders in the repository$/,
  },
  {
    name: 'a symbolic link to a folder',
    plant: (repo) => {
      const path = 'agents/orion/world/relations';
      mkdirSync(join(repo.dir, 'elsewhere'), { recursive: true });
      writeFileSync(join(repo.dir, 'elsewhere', 'x.md'), '---\nkind: relation\n---\n');
      symlinkSync(join(repo.dir, 'elsewhere'), join(repo.dir, path));
      return path;
    },
    says: /^: is a symbolic link/,
  },
  {
    name: 'a file name with a control character',
    plant: (repo) => {
      const path = 'agents/orion/world/entities/evil\u001b[2Jname.md';
      repo.write(path, '---\nkind: entity\n---\n');
      return JSON.stringify(path);
    },
    says: /^: the name holds a control character: rename it/,
  },
];

describe('hostile memory files', () => {
  let repo: TestRepo;
  beforeEach(async () => {
    repo = await makeRepo();
  });
  afterEach(() => repo.cleanup());

  it.each(CASES.map((c) => [c.name, c] as const))(
    'refuses %s with exit 2, naming the file, and writes nothing',
    async (_name, hostile) => {
      const named = hostile.plant(repo);
      await repo.git.exec(['add', '--all']);
      await commitStaged(repo.git, 'A hand edit');
      const head = await repo.git.headSha();

      const args = hostile.queue ? ['run'] : ['run', '--text', 'Sync a paginated API.'];
      const run = await runCli([...args, '--dir', repo.dir]);
      expect(run.code).toBe(2);
      const lines = run.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      const prefix = `agentos run: ${named}`;
      expect(lines[0]!.startsWith(prefix)).toBe(true);
      expect(lines[0]!.slice(prefix.length)).toMatch(hostile.says);
      expect(run.stdout).toBe('');
      expect(await repo.git.headSha()).toBe(head);
      expect((await repo.git.exec(['status', '--porcelain'])).stdout).toBe('');
      expect((globalThis as { agentosHostileRan?: string }).agentosHostileRan).toBeUndefined();
      expect(({} as { polluted?: string }).polluted).toBeUndefined();
    },
  );
});
