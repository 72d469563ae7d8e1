// Parsing YAML text into schema-checked values, with errors that name the file, field and line.
import { isNode, isScalar, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import { errorMessage, MemoryFileError } from '../errors.js';

/**
 * The most alias expansions one YAML text may make. Memory files have no use for aliases; the
 * limit keeps an alias bomb from taking the run's memory and time.
 */
export const MAX_YAML_ALIASES = 20;

/** Where a parsed YAML text sits in its file, so field errors can quote a file line. */
export interface YamlSource {
  file: string;
  text: string;
  /** Line of the file on which `text` starts (1-based). */
  firstLine: number;
}

/** Parses YAML (1.2 core schema: dates stay strings), throwing a MemoryFileError on a syntax error. */
export function parseYaml(source: YamlSource): { value: unknown; document: Document } {
  const document = parseDocument(source.text, { prettyErrors: false, uniqueKeys: true });
  const [first] = document.errors;
  if (first) {
    throw new MemoryFileError(
      source.file,
      `invalid YAML: ${first.message.split('\n')[0]}`,
      undefined,
      lineAt(source, first.pos[0]),
    );
  }
  refuseSmuggledKeys(source, document);
  try {
    return { value: document.toJS({ maxAliasCount: MAX_YAML_ALIASES }) as unknown, document };
  } catch (error) {
    // An alias bomb (a few lines that expand to billions of nodes) stops here, naming the file.
    throw new MemoryFileError(source.file, `invalid YAML: ${errorMessage(error).split('\n')[0]}`);
  }
}

/**
 * Keys that would reach past the data: `__proto__`, `constructor` and `prototype` (which reshape
 * objects in some readers) and YAML's merge key `<<` (which other YAML readers expand into fields
 * the file does not show). No memory file has a use for them.
 */
const SMUGGLING_KEYS = new Set(['__proto__', 'constructor', 'prototype', '<<']);

function refuseSmuggledKeys(source: YamlSource, document: Document): void {
  visit(document, {
    Pair(_, pair) {
      const key = isScalar(pair.key) ? pair.key.value : pair.key;
      if (typeof key !== 'string' || !SMUGGLING_KEYS.has(key)) return;
      throw new MemoryFileError(
        source.file,
        `the key "${key}" is not allowed in a memory file`,
        undefined,
        isScalar(pair.key) && pair.key.range ? lineAt(source, pair.key.range[0]) : undefined,
      );
    },
  });
}

/** Checks a value against a schema; the first problem is reported with its field path and line. */
export function validateYaml<T>(
  source: YamlSource,
  document: Document | undefined,
  value: unknown,
  schema: z.ZodType<T>,
  basePath: (string | number)[] = [],
): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const [issue, ...rest] = result.error.issues;
  const path = [
    ...basePath,
    ...(issue?.path ?? []).map((p) => (typeof p === 'number' ? p : String(p))),
  ];
  const more =
    rest.length > 0 ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
  throw new MemoryFileError(
    source.file,
    `${issue?.message ?? 'invalid'}${more}`,
    path.length > 0 ? path.join('.') : undefined,
    document ? lineOf(source, document, path) : undefined,
  );
}

/**
 * The file line of the deepest node on `path` that exists in the document; none for a missing
 * top-level field, where any line would mislead.
 */
function lineOf(
  source: YamlSource,
  document: Document,
  path: (string | number)[],
): number | undefined {
  for (let depth = path.length; depth >= 1; depth--) {
    const node = document.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return lineAt(source, node.range[0]);
  }
  return undefined;
}

function lineAt(source: YamlSource, offset: number): number {
  return source.firstLine + (source.text.slice(0, offset).match(/\n/g)?.length ?? 0);
}

/** Parses and validates YAML text in one step. */
export function readYaml<T>(source: YamlSource, schema: z.ZodType<T>): T {
  const { value, document } = parseYaml(source);
  return validateYaml(source, document, value, schema);
}
