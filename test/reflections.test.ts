// reflections.md stays bounded however long an agent learns: once a learning run's entry would
// take it past 64 KiB, its oldest dated entries move to monthly archive files of at most 128 KiB
// (src/memory/reflections.ts), nothing lost and nothing reordered; the newest entry, a person's
// undated notes and the mark of what was reflected on stay in reflections.md.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  planReflectionAppend,
  REFLECTION_ARCHIVE_MAX_BYTES,
  REFLECTIONS_MAX_BYTES,
  reflectionsHeader,
} from '../src/memory/reflections.js';
import { runCli } from './helpers/cli.js';
import { makeRepo, type TestRepo } from './helpers/repo.js';

const REFLECTIONS = 'agents/orion/reflections.md';
const ARCHIVE = 'agents/orion/reflections';

/**
 * Daily entries of about 550 bytes, each ending with its reflected-through mark, from 2025-01-01:
 * `days` of them, or as many as stay under `bytes`.
 */
function dailyEntries(limit: { days?: number; bytes?: number }): {
  text: string;
  headings: string[];
} {
  const headings: string[] = [];
  let text = reflectionsHeader('orion');
  for (let day = 0; day < (limit.days ?? Infinity); day++) {
    const date = new Date(Date.UTC(2025, 0, 1 + day)).toISOString().slice(0, 10);
    const entry = `\n## ${date}\n\n120 task(s) since the last reflection: 101 succeeded, 9 partial, 10 failed (success 84%, mean reward +0.62).\nSuccesses by tier: cheap 40/45, balanced 50/60, strongest 11/15.\nFailed: sync-${day} (timeout on balanced), export-${day}, import-${day}.\n\nWhat this learning run changed:\n- promote 3 hypotheses\n- refute 1 hypothesis\n\nWorld model now: 120 entities, 340 relations, 210 open hypotheses.\nSkills: 44 active; the most reliable is "Sync incrementally" (95 of 97 uses succeeded).\n\n<!-- agentos:reflected-through ${date}T03:00:00Z -->\n`;
    if (limit.bytes !== undefined && Buffer.byteLength(text + entry) > limit.bytes) break;
    text += entry;
    headings.push(`## ${date}`);
  }
  return { text, headings };
}

/** Every `## ` heading of the agent's reflections, archives (oldest month first) then the file. */
function allHeadings(repo: TestRepo): string[] {
  const archives = readdirSync(join(repo.dir, ARCHIVE))
    .sort((a, b) =>
      a.replace(/\.md$/, '').localeCompare(b.replace(/\.md$/, ''), 'en', { numeric: true }),
    )
    .map((name) => repo.read(`${ARCHIVE}/${name}`));
  return [...archives, repo.read(REFLECTIONS)].flatMap((text) => text.match(/^## .*$/gm) ?? []);
}

describe('reflections.md, bounded', () => {
  let repo: TestRepo;
  beforeEach(async () => {
    repo = await makeRepo();
  });
  afterEach(() => repo.cleanup());

  it('moves the oldest dated entries to monthly archives; notes and the newest entry stay', () => {
    const { text, headings } = dailyEntries({ days: 170 });
    // A person's notes between the entries: not a dated entry, never moved.
    const existing = text.replace(
      '\n## 2025-01-03',
      '\n## Notes\n\nKeep an eye on the export job.\n\n## 2025-01-03',
    );
    const writes = planReflectionAppend({
      repoRoot: repo.dir,
      agent: 'orion',
      existing,
      date: '2025-05-01',
      text: 'A new entry.\n\n<!-- agentos:reflected-through 2025-05-01T03:00:00Z -->',
    });
    const file = writes.find((w) => w.path === REFLECTIONS)?.content ?? '';
    expect(Buffer.byteLength(file)).toBeLessThanOrEqual(REFLECTIONS_MAX_BYTES);
    expect(file.startsWith(reflectionsHeader('orion'))).toBe(true);
    expect(file).toContain('## Notes\n\nKeep an eye on the export job.');
    expect(
      file
        .trimEnd()
        .endsWith(
          '## 2025-05-01\n\nA new entry.\n\n<!-- agentos:reflected-through 2025-05-01T03:00:00Z -->',
        ),
    ).toBe(true);
    // The oldest entries moved, into a file per month, oldest first: nothing lost or reordered.
    const archives = writes.filter((w) => w.path !== REFLECTIONS);
    const moved = headings.filter((heading) => !file.includes(`${heading}\n`));
    expect(moved.length).toBeGreaterThan(31);
    expect(moved).toEqual(headings.slice(0, moved.length));
    expect(archives.map((w) => w.path)).toEqual([`${ARCHIVE}/2025-01.md`, `${ARCHIVE}/2025-02.md`]);
    expect(archives[0]?.content).toMatch(/^# Reflections — orion, 2025-01\n/);
    const after = [...archives.map((w) => w.content), file].flatMap(
      (t) => t.match(/^## \d.*$/gm) ?? [],
    );
    expect(after).toEqual([...headings, '## 2025-05-01']);
  });

  it("starts a month's next archive file when its last one is full", () => {
    const full = `# Reflections — orion, 2025-01\n\n${'## 2025-01-01\n\nold\n\n'.repeat(6_530)}`;
    expect(Buffer.byteLength(full)).toBeLessThanOrEqual(REFLECTION_ARCHIVE_MAX_BYTES);
    expect(Buffer.byteLength(full)).toBeGreaterThan(REFLECTION_ARCHIVE_MAX_BYTES - 500);
    repo.write(`${ARCHIVE}/2025-01.md`, full);
    const { text } = dailyEntries({ days: 170 });
    const writes = planReflectionAppend({
      repoRoot: repo.dir,
      agent: 'orion',
      existing: text,
      date: '2025-06-01',
      text: 'A new entry.',
    });
    expect(writes.map((w) => w.path)).toEqual([
      REFLECTIONS,
      `${ARCHIVE}/2025-01-2.md`,
      `${ARCHIVE}/2025-02.md`,
    ]);
    expect(writes[1]?.content).toMatch(
      /^# Reflections — orion, 2025-01\n\nOlder entries[^\n]*\n\n## 2025-01-01\n/,
    );
  });

  it('agentos learn keeps working after a year of daily reflections that filled the file', async () => {
    // Within 300 bytes of the 256 KiB write limit: the next entry used to be refused, and every
    // learning run after it failed.
    const { text, headings } = dailyEntries({ bytes: 256 * 1024 });
    expect(Buffer.byteLength(text)).toBeGreaterThan(256 * 1024 - 600);
    repo.write(REFLECTIONS, text);
    await repo.git.exec(['add', REFLECTIONS]);
    await repo.git.exec(['commit', '-q', '-m', 'a year of reflections']);
    expect((await runCli(['enqueue', '--dir', repo.dir, 'Summarise the retry policy.'])).code).toBe(
      0,
    );
    expect((await runCli(['run', '--dir', repo.dir])).code).toBe(0);

    const learn = await runCli(['learn', '--dir', repo.dir, '--agent', 'orion']);
    expect(learn.stderr).toBe('');
    expect(learn.code).toBe(0);
    expect(learn.stdout).toContain('reflection for');
    expect(statSync(join(repo.dir, REFLECTIONS)).size).toBeLessThanOrEqual(REFLECTIONS_MAX_BYTES);
    for (const name of readdirSync(join(repo.dir, ARCHIVE)))
      expect(statSync(join(repo.dir, ARCHIVE, name)).size).toBeLessThanOrEqual(
        REFLECTION_ARCHIVE_MAX_BYTES,
      );
    // Every entry once, in order; the new one last, covering only the task run since the last mark.
    const all = allHeadings(repo);
    expect(all.slice(0, -1)).toEqual(headings);
    expect(readFileSync(join(repo.dir, REFLECTIONS), 'utf8')).toMatch(
      /1 task\(s\) since the last reflection/,
    );
    // One commit, the archive files in it; nothing left over.
    const show = await repo.git.exec(['show', '--name-only', '--format=%s', 'HEAD~1']);
    expect(show.stdout).toContain('learn — reflection for');
    expect(show.stdout).toContain(`${ARCHIVE}/2025-01.md`);
    expect((await repo.git.exec(['status', '--porcelain'])).stdout).toBe('');
  });

  it('reads what was reflected on from the newest archive when reflections.md no longer says', async () => {
    expect((await runCli(['enqueue', '--dir', repo.dir, 'Summarise the retry policy.'])).code).toBe(
      0,
    );
    expect((await runCli(['run', '--dir', repo.dir])).code).toBe(0);
    // Every entry with a mark was moved; the one left is a consensus-only entry, with none.
    repo.write(
      `${ARCHIVE}/2099-01.md`,
      '# Reflections — orion, 2099-01\n\n## 2099-01-01\n\nAll of it.\n\n<!-- agentos:reflected-through 2099-01-01T00:00:00Z -->\n',
    );
    repo.write(
      REFLECTIONS,
      `${reflectionsHeader('orion')}\n## 2099-01-02\n\nConsensus:\n- nothing to vote on\n`,
    );
    await repo.git.exec(['add', '-A']);
    await repo.git.exec(['commit', '-q', '-m', 'reflections moved']);
    expect((await runCli(['learn', '--dir', repo.dir, '--agent', 'orion'])).code).toBe(0);
    // The task ran before the mark: nothing is counted again "since the start".
    expect(repo.read(REFLECTIONS)).not.toContain('since the start');
  });
});
