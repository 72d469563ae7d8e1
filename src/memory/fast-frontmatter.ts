// A fast reader for frontmatter as the runtime writes it (renderMarkdown: block maps, block lists,
// plain and simply quoted scalars), read line by line instead of through the full YAML parser, which
// costs most of a first read of 10,000 memory files. It reads a strict subset only: anything it does
// not know for certain means what the YAML 1.2 core schema says (flow collections, block scalars,
// anchors, tags, escapes, comments, numbers it does not write, odd keys) makes it give up, and the
// caller parses the file the full way (parseMarkdown does), which also names any error's line.
/** Gave up: the text holds something this reader does not read with certainty. */
const UNSURE = Symbol('unsure');
export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

interface Line {
  indent: number;
  text: string;
}

const KEY_LINE = /^([A-Za-z_][A-Za-z0-9_]*):(?: (.*))?$/;
const REFUSED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
// YAML 1.2 core schema (as `yaml` resolves plain scalars): anything matching these that the
// simple forms below do not cover is left to the full parser.
const CORE_SPECIAL = [
  /^(?:~|[Nn]ull|NULL)?$/,
  /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
  /^0o[0-7]+$/,
  /^[-+]?[0-9]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
];
/** Only a text starting with one of these, or one of the words below, can match CORE_SPECIAL. */
const CORE_SPECIAL_START = /^[-+.0-9~]/;
const CORE_SPECIAL_WORDS = new Set([
  '',
  'Null',
  'NULL',
  'null',
  'True',
  'TRUE',
  'true',
  'False',
  'FALSE',
  'false',
]);
const SIMPLE_INT = /^-?(?:0|[1-9][0-9]{0,14})$/;
const SIMPLE_FLOAT = /^-?(?:0|[1-9][0-9]{0,14})\.[0-9]{1,17}$/;
/** A double-quoted scalar whose escapes mean the same in JSON (raw control characters: JSON.parse throws). */
const JSON_STRING = /^"(?:[^"\\]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"$/;
const SINGLE_QUOTED = /^'(?:[^']|'')*'$/;
/** First characters that make a plain scalar something else (or that the writer quotes). */
const PLAIN_REFUSED_START = /^[-?:,[\]{}#&*!|>'"%@`\s]/;

function isCoreSpecial(text: string): boolean {
  if (!CORE_SPECIAL_START.test(text) && !CORE_SPECIAL_WORDS.has(text)) return false;
  return CORE_SPECIAL.some((pattern) => pattern.test(text));
}

function scalar(text: string): Value | typeof UNSURE {
  if (text === '[]') return [];
  if (text === '{}') return {};
  if (text.startsWith('"')) {
    if (!JSON_STRING.test(text)) return UNSURE;
    try {
      return JSON.parse(text) as string;
    } catch {
      return UNSURE;
    }
  }
  if (text.startsWith("'"))
    return SINGLE_QUOTED.test(text) ? text.slice(1, -1).replaceAll("''", "'") : UNSURE;
  if (/^-?[0-9]/.test(text)) {
    if (SIMPLE_INT.test(text) || SIMPLE_FLOAT.test(text)) return Number(text);
  }
  if (text === 'null') return null;
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (isCoreSpecial(text)) return UNSURE;
  if (PLAIN_REFUSED_START.test(text) || /[[\]{}\t]| #|: |:$|\s$/.test(text)) return UNSURE;
  return text;
}

class Reader {
  position = 0;
  constructor(private readonly lines: Line[]) {}

  private peek(): Line | undefined {
    return this.lines[this.position];
  }

  /** A block map whose keys sit at `indent`. */
  map(indent: number): Value | typeof UNSURE {
    const result: { [key: string]: Value } = {};
    for (let line = this.peek(); line && line.indent >= indent; line = this.peek()) {
      if (line.indent > indent) return UNSURE;
      const match = KEY_LINE.exec(line.text);
      if (!match) return UNSURE;
      const key = match[1] ?? '';
      if (REFUSED_KEYS.has(key) || Object.hasOwn(result, key) || isCoreSpecial(key)) return UNSURE;
      this.position++;
      const inline = match[2];
      let value: Value | typeof UNSURE;
      if (inline !== undefined && inline !== '') value = scalar(inline);
      else {
        const next = this.peek();
        if (!next || next.indent < indent) return UNSURE;
        if (next.text.startsWith('- ')) value = this.list(next.indent);
        else if (next.indent > indent) value = this.map(next.indent);
        else return UNSURE;
      }
      if (value === UNSURE) return UNSURE;
      result[key] = value;
    }
    return result;
  }

  /** A block list whose dashes sit at `indent`. */
  list(indent: number): Value | typeof UNSURE {
    const result: Value[] = [];
    for (let line = this.peek(); line && line.indent >= indent; line = this.peek()) {
      if (line.indent > indent || !line.text.startsWith('- ')) return UNSURE;
      const content = line.text.slice(2);
      let value: Value | typeof UNSURE;
      if (KEY_LINE.test(content)) {
        // "- key: value" opens a map whose keys sit two columns in.
        this.lines[this.position] = { indent: indent + 2, text: content };
        value = this.map(indent + 2);
      } else {
        this.position++;
        value = scalar(content);
      }
      if (value === UNSURE) return UNSURE;
      result.push(value);
    }
    return result;
  }
}

/** The frontmatter of `text` as gray-matter cuts it (up to the first "\n---"), or undefined. */
function frontmatterLines(text: string): Line[] | undefined {
  if (!text.startsWith('---\n') || text.includes('\r')) return undefined;
  const close = text.indexOf('\n---', 3);
  if (close === -1) return undefined;
  const block = text.slice(4, close);
  if (block === '') return undefined;
  const lines: Line[] = [];
  for (const raw of block.split('\n')) {
    const text = raw.trimStart();
    const indent = raw.length - text.length;
    if (text === '' || raw.slice(0, indent).includes('\t')) return undefined;
    lines.push({ indent, text });
  }
  return lines;
}

/**
 * The frontmatter data and body of `text`, as parseMarkdown reads them (gray-matter's cut, leading
 * blank lines of the body dropped), or undefined when the text is not in the subset this reader is
 * sure of: parse it the full way then.
 */
export function fastFrontmatter(
  text: string,
): { data: { [key: string]: Value }; body: string } | undefined {
  const lines = frontmatterLines(text);
  if (!lines || lines[0]?.indent !== 0) return undefined;
  const reader = new Reader(lines);
  const value = reader.map(0);
  if (value === UNSURE || reader.position !== lines.length) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const close = text.indexOf('\n---', 3);
  return { data: value, body: text.slice(close + '\n---'.length).replace(/^\n+/, '') };
}
