// Memory files are read through the fast frontmatter reader when it is sure of them: for every file
// the product ships or writes, parseMarkdown gives exactly what the full YAML parser gives (data and
// body), most of them take the fast way, and errors still name the field and line.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { generateAgent } from '../src/bench/longevity/generate.js';
import { MemoryFileError } from '../src/errors.js';
import { fastFrontmatter } from '../src/memory/fast-frontmatter.js';
import { parseMarkdown, parseMarkdownFull } from '../src/memory/markdown.js';
import { renderSkill } from '../src/memory/skills.js';

const ANY = z.record(z.string(), z.unknown());

function markdownFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

describe('parseMarkdown through the fast frontmatter reader', () => {
  it('reads every frontmatter file the product ships or writes as the full parser does', async () => {
    // Memory as the runtime's own writers make it: skills, beliefs of every kind, index pages.
    const dir = mkdtempSync(join(tmpdir(), 'agentos-frontmatter-'));
    try {
      await generateAgent({ dir, files: 80, records: 5, seed: 3 });
      const files = ['template', 'examples', 'shared', join(dir, 'agents')]
        .flatMap((folder) => markdownFiles(folder))
        .map((path) => ({ path, text: readFileSync(path, 'utf8') }))
        .filter(({ text }) => text.startsWith('---'));
      expect(files.length).toBeGreaterThan(80);
      let fast = 0;
      for (const { path, text } of files) {
        if (fastFrontmatter(text)) fast++;
        expect({ path, read: parseMarkdown(path, text, ANY) }).toEqual({
          path,
          read: parseMarkdownFull(path, text, ANY),
        });
      }
      expect(fast).toBeGreaterThan(files.length * 0.9);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads skills the runtime writes, awkward text included, as the full parser does', () => {
    for (const text of ['plain', 'x: y', '#c', '- d', 'yes', '123', "it's", 'a #b', 'é', '~']) {
      const rendered = renderSkill({
        slug: 'case',
        path: 'agents/orion/skills/case.md',
        data: {
          title: `Skill ${text}`,
          tags: [text || 'x'],
          uses: 3,
          successes: 2,
          failures: 1,
          created: '2026-05-01T00:00:00Z',
          last_used: null,
          source_tasks: [`task ${text}`],
          status: 'active',
        },
        body: `## Procedure\n\n1. ${text}\n`,
      });
      expect(parseMarkdown('skill.md', rendered, ANY)).toEqual(
        parseMarkdownFull('skill.md', rendered, ANY),
      );
    }
  });

  it('still names the field and line of data that breaks the schema', () => {
    const text = '---\ntitle: A\nuses: many\n---\n\nBody.\n';
    const schema = z.object({ title: z.string(), uses: z.number() });
    expect(fastFrontmatter(text)).toBeDefined();
    let error: unknown;
    try {
      parseMarkdown('agents/orion/skills/a.md', text, schema);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MemoryFileError);
    expect((error as Error).message).toBe(
      'agents/orion/skills/a.md:3: field "uses": Invalid input: expected number, received string',
    );
  });
});
