// Markdown files with YAML frontmatter: parsed with gray-matter (YAML through `yaml`), rendered back
// deterministically so that a rewrite changes only what changed.
import matter from 'gray-matter';
import { stringify, type Document } from 'yaml';
import type { z } from 'zod';
import { MemoryFileError } from '../errors.js';
import { fastFrontmatter } from './fast-frontmatter.js';
import { RecentlyUsed } from './recently-used.js';
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
  const text = body.trim();
  return `---\n${renderFrontmatter(clean)}\n---\n${text ? `\n${text}\n` : ''}`;
}

/**
 * One line per scalar, however long; an object met twice is written twice, never as a YAML alias
 * (a file of aliases is one a reader must expand, and memory files refuse alias bombs).
 */
const YAML_OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false } as const;

/** Lists of maps at least this long are rendered item by item (see renderFrontmatter). */
const ITEM_BY_ITEM_FROM = 16;
/** Stands in for such a list while the rest is rendered; no value the runtime writes looks like it. */
const LIST_MARK = 'agentos-rendered-list-4f1c9e-';
/**
 * The text of list items rendered lately, by their content as JSON: a belief's file is read again
 * after each write (new objects), but its items are the same content.
 */
const renderedItems = new RecentlyUsed<string, string>(8_192);

/**
 * The YAML of the frontmatter, as `stringify` writes it. A long list of maps (a belief's evidence,
 * up to 300 items) is rendered one item at a time, and an item rendered lately is not rendered
 * again: a belief is rewritten whenever a task gives its word, and rendering its whole evidence
 * again cost more than the rest of the iteration.
 */
function renderFrontmatter(data: Record<string, unknown>): string {
  const lists: { mark: string; items: readonly object[] }[] = [];
  const marked: Record<string, unknown> = { ...data };
  for (const [key, value] of Object.entries(data)) {
    if (!Array.isArray(value) || value.length < ITEM_BY_ITEM_FROM || !value.every(isPlainMap))
      continue;
    const mark = `${LIST_MARK}${lists.length}x`;
    lists.push({ mark, items: value as object[] });
    marked[key] = mark;
  }
  if (lists.length === 0) return stringify(data, YAML_OPTIONS).trimEnd();
  let yaml = stringify(marked, YAML_OPTIONS).trimEnd();
  for (const { mark, items } of lists) {
    // The mark once, as the value of its key (a mark ends in "x": none is a prefix of another).
    const at = yaml.indexOf(`: ${mark}`);
    if (at < 0 || yaml.indexOf(mark) !== at + 2 || yaml.lastIndexOf(mark) !== at + 2)
      return stringify(data, YAML_OPTIONS).trimEnd();
    const block = items.map(renderItem).join('').trimEnd();
    yaml = `${yaml.slice(0, at)}:\n${block}${yaml.slice(at + 2 + mark.length)}`;
  }
  return yaml;
}

/** One item of a list under a top-level key, as `stringify` writes it there: indented by two. */
function renderItem(item: object): string {
  const key = contentKey(item);
  const kept = key === undefined ? undefined : renderedItems.peek(key);
  if (kept !== undefined) return renderedItems.use(key as string, kept);
  const text = stringify([item], YAML_OPTIONS)
    .split('\n')
    .map((line) => (line === '' ? line : `  ${line}`))
    .join('\n');
  if (key !== undefined) renderedItems.use(key, text);
  return text;
}

/**
 * The item as JSON, when JSON tells apart every value YAML writes differently (plain maps and
 * lists, strings, booleans, null and finite numbers other than -0); undefined otherwise.
 */
function contentKey(item: object): string | undefined {
  let exact = true;
  let key: string;
  try {
    key = JSON.stringify(item, function (this: unknown, _name: string, value: unknown) {
      if (value === undefined) exact = exact && !Array.isArray(this);
      else if (typeof value === 'number')
        exact = exact && Number.isFinite(value) && !Object.is(value, -0);
      else if (typeof value === 'object' && value !== null && !Array.isArray(value))
        exact = exact && isPlainMap(value);
      else if (typeof value !== 'string' && typeof value !== 'boolean' && value !== null)
        exact = false;
      return value;
    });
  } catch {
    return undefined; // a BigInt, or a cycle
  }
  return exact ? key : undefined;
}

function isPlainMap(value: unknown): value is object {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
