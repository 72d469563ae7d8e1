// Markdown files with YAML frontmatter: parsed with gray-matter (YAML through `yaml`), rendered back
// deterministically so that a rewrite changes only what changed.
import matter from 'gray-matter';
import { stringify, type Document } from 'yaml';
import type { z } from 'zod';
import { MemoryFileError } from '../errors.js';
import { fastFrontmatter } from './fast-frontmatter.js';
import { parseYaml, validateYaml, type YamlSource } from './yaml-source.js';

export interface MarkdownDocument<T> {
  data: T;
  body: string;
}

const FRONTMATTER_LANGUAGE = /^\uFEFF?---[ \t]*([^\s]*)/;

/** Parses a frontmatter document and validates its data; errors name the file, field and line. */
export function parseMarkdown<T>(
  file: string,
  text: string,
  schema: z.ZodType<T>,
): MarkdownDocument<T> {
  // Files as the runtime writes them are read without the full YAML parser; anything else, or data
  // that breaks the schema, takes the full path below, which names the field and line at fault.
  const fast = fastFrontmatter(text);
  if (fast) {
    const result = schema.safeParse(fast.data);
    if (result.success) return { data: result.data, body: fast.body };
  }
  return parseMarkdownFull(file, text, schema);
}

/** parseMarkdown through the full YAML parser, whatever the text (the reference for the fast way). */
export function parseMarkdownFull<T>(
  file: string,
  text: string,
  schema: z.ZodType<T>,
): MarkdownDocument<T> {
  let document: Document | undefined;
  let source: YamlSource = { file, text: '', firstLine: 2 };
  // gray-matter picks the parser from the opening line (`---js` evaluates JavaScript): only YAML
  // frontmatter is memory, anything else is refused before gray-matter sees it.
  const language = FRONTMATTER_LANGUAGE.exec(text)?.[1];
  if (language !== undefined && language !== '' && language.toLowerCase() !== 'yaml') {
    throw new MemoryFileError(
      file,
      `frontmatter must be YAML, not "${language}" (open it with a plain "---" line)`,
      undefined,
      1,
    );
  }
  const parsed = matter(text, {
    language: 'yaml',
    engines: {
      yaml: (frontmatter: string) => {
        // gray-matter hands over the text after the opening `---`, starting with its line break.
        source = { file, text: frontmatter, firstLine: frontmatter.startsWith('\n') ? 1 : 2 };
        const result = parseYaml(source);
        document = result.document;
        return (result.value ?? {}) as object;
      },
    },
  });
  const data = validateYaml(source, document, parsed.data, schema);
  return { data, body: parsed.content.replace(/^\n+/, '') };
}

/** Renders frontmatter plus body. Keys with undefined values are left out. */
export function renderMarkdown(data: object, body: string): string {
  const clean = Object.fromEntries(Object.entries(data).filter(([, value]) => value !== undefined));
  const yaml = stringify(clean, { lineWidth: 0 }).trimEnd();
  const text = body.trim();
  return `---\n${yaml}\n---\n${text ? `\n${text}\n` : ''}`;
}
