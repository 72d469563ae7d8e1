// The memory index: files parsed once and served by blob id, never trusted over the files, and
// the generated files (indexes, context.md) bounded however large memory grows.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assembleContext, renderContextMarkdown } from '../src/context/assemble.js';
import { MemoryFileError } from '../src/errors.js';
import { agentPaths } from '../src/memory/layout.js';
import {
  blobId,
  forgetShardsInMemory,
  MemoryIndex,
  MEMORY_INDEX_DIR,
} from '../src/memory/memory-index.js';
import { MAX_MEMORY_FILE_BYTES } from '../src/memory/path-guard.js';
import { renderSkill, renderSkillsIndexPages } from '../src/memory/skills.js';
import { loadAgentMemory, readAgentMemory } from '../src/loop/agent-memory.js';
import { readBeliefFacts } from '../src/metrics/read.js';
import { renderBelief, renderWorldIndexPages, type Belief } from '../src/world/beliefs.js';
import { makeRepo, type TestRepo } from './helpers/repo.js';
import { commitStaged } from './helpers/person.js';
import { commitSkills, retrySkill } from './helpers/skills.js';
import { humanFilesFixture } from './helpers/human.js';

const AT = '2026-05-01T09:00:00Z';
const paths = agentPaths('orion');

function entity(slug: string, words: string): Belief {
  const path = paths.world('entity', slug);
  return {
    slug,
    path,
    body: `${words} — a thing the agent has met in its tasks, with a note long enough to count.`,
    data: {
      kind: 'entity',
      name: words,
      aliases: [],
      tags: words.split(' ').slice(0, 2),
      confidence: 0.6,
      evidence: [{ task: `task-${slug}`, supports: true, at: AT, note: null }],
      created: AT,
      valid_at: AT,
      invalid_at: null,
      superseded_by: null,
      status: 'active',
    },
  };
}

describe('memory index', () => {
  let repo: TestRepo;
  beforeEach(async () => {
    repo = await makeRepo();
    await commitSkills(repo, ['poll-the-queue', 'page-through-results']);
  });
  afterEach(() => repo.cleanup());

  const titles = async () =>
    (await readAgentMemory(repo.dir, repo.git, 'orion')).skills.map((s) => s.data.title);

  it('parses each file once, then serves it from .git/agentos/ until the file changes', async () => {
    const first = await MemoryIndex.open(repo.dir, repo.git);
    loadAgentMemory(repo.dir, 'orion', first);
    expect(first.stats.hits).toBe(0);
    first.save();
    expect(readdirSync(join(repo.dir, '.git', MEMORY_INDEX_DIR)).length).toBeGreaterThan(0);

    const second = await MemoryIndex.open(repo.dir, repo.git);
    const memory = loadAgentMemory(repo.dir, 'orion', second);
    expect(second.stats.misses).toBe(0);
    expect(second.stats.hits).toBeGreaterThanOrEqual(2);
    // The reward index is a reader object (functions over the log): compared by what it reads.
    const { cache: _served, rewardIndex: servedLog, ...served } = memory;
    const {
      cache: _parsed,
      rewardIndex: parsedLog,
      ...parsed
    } = loadAgentMemory(repo.dir, 'orion');
    expect(served).toEqual(parsed);
    expect([...servedLog.taskIds()]).toEqual([...parsedLog.taskIds()]);
    expect(servedLog.recentRecords).toEqual(parsedLog.recentRecords);
    expect((await repo.git.exec(['status', '--porcelain'])).stdout).toBe('');
  });

  it('sees a hand edit, committed or not, and a deleted file on the next read', async () => {
    await titles();
    repo.write(
      paths.skill('poll-the-queue'),
      renderSkill(retrySkill('poll-the-queue', 'Poll the queue (edited, uncommitted)')),
    );
    expect(await titles()).toContain('Poll the queue (edited, uncommitted)');

    repo.write(
      paths.skill('poll-the-queue'),
      renderSkill(retrySkill('poll-the-queue', 'Poll the queue (edited, committed)')),
    );
    await repo.git.add([paths.skill('poll-the-queue')]);
    await commitStaged(repo.git, 'edit a skill by hand\n');
    expect(await titles()).toContain('Poll the queue (edited, committed)');

    repo.write(
      paths.skill('new-one'),
      renderSkill(retrySkill('new-one', 'A new, untracked skill')),
    );
    expect(await titles()).toContain('A new, untracked skill');

    rmSync(join(repo.dir, paths.skill('page-through-results')));
    expect(await titles()).toEqual([
      'A new, untracked skill',
      'Poll the queue (edited, committed)',
    ]);
  });

  it('serves the unchanged files of a folder as the same values read to read, a changed one anew', async () => {
    const skillsOf = async () =>
      new Map((await readAgentMemory(repo.dir, repo.git, 'orion')).skills.map((s) => [s.slug, s]));
    const first = await skillsOf();
    const second = await skillsOf();
    // The process's last read of the folder serves both files: the very same frozen values.
    expect(second.get('poll-the-queue')).toBe(first.get('poll-the-queue'));
    expect(second.get('page-through-results')).toBe(first.get('page-through-results'));

    // Edited and committed: a new blob id, read from the file; the other file is still served.
    repo.write(paths.skill('poll-the-queue'), renderSkill(retrySkill('poll-the-queue', 'Polled')));
    await repo.git.add([paths.skill('poll-the-queue')]);
    await commitStaged(repo.git, 'edit a skill by hand\n');
    const third = await skillsOf();
    expect(third.get('poll-the-queue')?.data.title).toBe('Polled');
    expect(third.get('page-through-results')).toBe(first.get('page-through-results'));

    // Edited back to what it held first, uncommitted: git no longer vouches for it, so it is read.
    repo.write(paths.skill('poll-the-queue'), renderSkill(retrySkill('poll-the-queue')));
    expect((await skillsOf()).get('poll-the-queue')?.data.title).toBe('Skill poll-the-queue');
  });

  it("keeps the reports' values in shards of their own, which a run's read never opens", async () => {
    const belief = entity('billing-cache', 'Billing cache');
    repo.write(belief.path, renderBelief(belief));
    await repo.git.add([belief.path]);
    await commitStaged(repo.git, 'add a belief\n');
    const index = await MemoryIndex.open(repo.dir, repo.git);
    loadAgentMemory(repo.dir, 'orion', index);
    expect(readBeliefFacts(repo.dir, 'orion', index).map((facts) => facts.path)).toContain(
      belief.path,
    );
    index.save();

    const folder = join(repo.dir, '.git', MEMORY_INDEX_DIR);
    const kindsIn = (names: string[]) =>
      new Set(
        names.flatMap((name) => {
          const stored = JSON.parse(readFileSync(join(folder, name), 'utf8')) as {
            entries: Record<string, { values: Record<string, unknown> }>;
          };
          return Object.values(stored.entries).flatMap((entry) => Object.keys(entry.values));
        }),
      );
    const names = readdirSync(folder);
    const reports = names.filter((name) => name.startsWith('metrics-'));
    const runs = names.filter((name) => !name.startsWith('metrics-'));
    expect([...kindsIn(reports)]).toEqual(['metrics-belief@2']);
    expect([...kindsIn(runs)].filter((kind) => kind.startsWith('metrics-'))).toEqual([]);
    expect(kindsIn(runs)).toContain('skill@2');

    // A new process: the report's values are served from their own shards.
    forgetShardsInMemory();
    const again = await MemoryIndex.open(repo.dir, repo.git);
    readBeliefFacts(repo.dir, 'orion', again);
    loadAgentMemory(repo.dir, 'orion', again);
    expect(again.stats.misses).toBe(0);
  });

  // A shard is written from each entry's JSON made once: a value added later for the same
  // content (another parser) is written too, and the file's change replaces its entry.
  it('writes every value a file has, however many saves it took to parse them', async () => {
    const path = paths.skill('poll-the-queue');
    const first = await MemoryIndex.open(repo.dir, repo.git);
    expect(first.parse(path, 'lines@1', (text) => text.split('\n').length)).toBeGreaterThan(3);
    first.save();
    const second = await MemoryIndex.open(repo.dir, repo.git);
    expect(second.parse(path, 'title@1', (text) => /^title: (.*)$/m.exec(text)?.[1])).toBe(
      'Skill poll-the-queue',
    );
    second.save();
    repo.write(path, repo.read(path).replace(/^title: .*$/m, 'title: Polled'));
    const third = await MemoryIndex.open(repo.dir, repo.git);
    expect(third.parse(path, 'title@1', (text) => /^title: (.*)$/m.exec(text)?.[1])).toBe('Polled');
    third.save();

    // A new process: the file as it is now, with the value parsed last, and the other value of
    // its earlier content gone with it.
    forgetShardsInMemory();
    const fresh = await MemoryIndex.open(repo.dir, repo.git);
    const never = () => {
      throw new Error('parsed again');
    };
    expect(fresh.parse(path, 'title@1', never)).toBe('Polled');
    expect(fresh.parse(path, 'lines@1', (text) => text.split('\n').length)).toBeGreaterThan(3);
    expect(fresh.stats).toEqual({ hits: 1, misses: 1 });
  });

  it('rebuilds a corrupt or missing index from the files', async () => {
    await titles();
    const folder = join(repo.dir, '.git', MEMORY_INDEX_DIR);
    for (const name of readdirSync(folder)) writeFileSync(join(folder, name), '{"format":1,"entr');
    // A new process: this one holds the shards it wrote, and would not read them from disk again.
    forgetShardsInMemory();
    const index = await MemoryIndex.open(repo.dir, repo.git);
    expect(loadAgentMemory(repo.dir, 'orion', index).skills).toHaveLength(2);
    expect(index.stats.hits).toBe(0);
    index.save();
    const again = await MemoryIndex.open(repo.dir, repo.git);
    loadAgentMemory(repo.dir, 'orion', again);
    expect(again.stats.misses).toBe(0);

    rmSync(join(repo.dir, '.git', 'agentos'), { recursive: true });
    expect(await titles()).toHaveLength(2);
  });

  it('still fails on a file that breaks its schema, naming it, after an older version was cached', async () => {
    await titles();
    const path = paths.skill('poll-the-queue');
    repo.write(path, repo.read(path).replace(/^uses: 1$/m, 'uses: many'));
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await readAgentMemory(repo.dir, repo.git, 'orion').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MemoryFileError);
      expect((error as Error).message).toContain(path);
      expect((error as Error).message).toContain('uses');
    }
    // Committed broken, it is still refused.
    await repo.git.add([path]);
    await commitStaged(repo.git, 'break a skill\n');
    await expect(readAgentMemory(repo.dir, repo.git, 'orion')).rejects.toThrow(path);
  });

  it('reads every file when the folder is not a git repository', async () => {
    rmSync(join(repo.dir, '.git'), { recursive: true });
    expect(await titles()).toEqual(['Skill page-through-results', 'Skill poll-the-queue']);
  });

  it('names a file by the id git gives its content', async () => {
    const content = repo.read(paths.skill('poll-the-queue'));
    const stored = (
      await repo.git.exec(['rev-parse', `HEAD:${paths.skill('poll-the-queue')}`])
    ).stdout.trim();
    expect(blobId(Buffer.from(content))).toBe(stored);
  });
});

describe('generated files at 10,000 items', () => {
  const VOCABULARY =
    'api auth token cursor pagination retry backoff webhook queue cache schema migration shard lease quota vendor invoice ledger tenant region cluster deploy canary metric alert incident contract audit policy secret'.split(
      ' ',
    );
  const words = (i: number) =>
    `${VOCABULARY[i % VOCABULARY.length]} ${VOCABULARY[(i * 7) % VOCABULARY.length]} ${i}`;
  const beliefs = Array.from({ length: 10_000 }, (_, i) =>
    entity(words(i).replaceAll(' ', '-'), words(i)),
  );
  const skills = Array.from({ length: 10_000 }, (_, i) =>
    retrySkill(`skill-${words(i).replaceAll(' ', '-')}`),
  );
  const bytes = (text: string) => Buffer.byteLength(text);

  it('keeps world/index.md and every page under the limit, each row on exactly one page', () => {
    const pages = renderWorldIndexPages('orion', beliefs);
    expect(pages[0]?.path).toBe('agents/orion/world/index.md');
    for (const page of pages) expect(bytes(page.content)).toBeLessThan(MAX_MEMORY_FILE_BYTES);
    expect(bytes(pages[0]!.content)).toBeLessThan(32 * 1024);
    const rows = pages
      .slice(1)
      .flatMap((p) => p.content.match(/^\| \[.*\]\(\.\.\/entities\//gm) ?? []);
    expect(rows).toHaveLength(10_000);
    expect(pages[0]!.content).toContain('10000 entities: 10000 active.');
    expect(pages[0]!.content).toMatch(/\[a\]\(index\/entities-a\.md\) \(\d+\)/);
    expect(pages.map((p) => p.path)).toContain('agents/orion/world/index/entities-a-2.md');
  });

  it('keeps skills.md and every page under the limit', () => {
    const pages = renderSkillsIndexPages('orion', skills);
    for (const page of pages) expect(bytes(page.content)).toBeLessThan(MAX_MEMORY_FILE_BYTES);
    expect(pages[0]?.content).toContain('10000 skills: 10000 active, 0 archived.');
    expect(pages.slice(1).every((p) => p.path.startsWith('agents/orion/skills/index/'))).toBe(true);
  });

  it('keeps context.md under the limit, counting what it excluded and naming the best ten', () => {
    const context = assembleContext({
      taskId: 'big',
      task: 'Retry the vendor webhook with backoff and cursor pagination',
      budget: 4000,
      sources: {
        agent: 'orion',
        human: humanFilesFixture('orion', 'A persona.'),
        skills,
        world: beliefs,
        segments: [],
        rewards: [],
      },
    });
    const text = renderContextMarkdown(context, AT);
    expect(bytes(text)).toBeLessThan(MAX_MEMORY_FILE_BYTES);
    const excluded = text.split('## Excluded\n\n')[1]!.split('\n## Content')[0]!;
    expect(excluded.match(/^- /gm)).toHaveLength(10);
    expect(excluded).toContain(`${context.excluded.length} items excluded in all`);
    expect(excluded).toMatch(/^\| reason \| entity \| skill \| total \|$/m);
    expect(context.excluded.length + context.included.length).toBe(20_000);
  });
});
