// Parsing YAML text into schema-checked values, with errors that name the file, field and line.
import { isNode, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { MemoryFileError } from '../errors.js';

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
  return { value: document.toJS() as unknown, document };
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
