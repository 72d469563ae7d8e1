// GitHub's REST description (@octokit/openapi, api.github.com) as a checker for the local GitHub
// stand-in: each request body the product sends is checked against its operation's request schema,
// and each answer the stand-in sends against the operation's response schema for that status.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/**
 * The operations the stand-in serves: only these (and the schemas they reach) are kept from the
 * 13 MB description, once, in a cache file, so a test file pays a few milliseconds, not a second.
 * A request to any other route of GitHub's is reported as one the stand-in does not serve.
 */
export const SERVED_ROUTES = [
  'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
  'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
  'POST /repos/{owner}/{repo}/issues/{issue_number}/labels',
  'DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}',
  'GET /repos/{owner}/{repo}/labels/{name}',
  'POST /repos/{owner}/{repo}/labels',
  'POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions',
  'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
  'GET /repos/{owner}/{repo}/pulls',
  'POST /repos/{owner}/{repo}/pulls',
  'GET /repos/{owner}/{repo}/pulls/{pull_number}',
  'PATCH /repos/{owner}/{repo}/pulls/{pull_number}',
  'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews',
  'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge',
] as const;

interface Description {
  /** Every path template of GitHub's REST API (to tell "not served" from "not GitHub's"). */
  templates: string[];
  /** The served operations and the components they reach, `nullable` already rewritten. */
  document: JsonObject;
}

const DOCUMENT_ID = 'https://api.github.com/openapi.json';
const require = createRequire(import.meta.url);

function descriptionFile(): string {
  return require.resolve('@octokit/openapi/generated/api.github.com.json');
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follows `#/a/b` inside the document. */
function pointerGet(document: JsonObject, pointer: string): Json | undefined {
  let node: Json | undefined = document;
  for (const part of pointer.replace(/^#\//, '').split('/')) {
    if (!isObject(node)) return undefined;
    node = node[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

function pointerSet(target: JsonObject, pointer: string, value: Json): void {
  const parts = pointer
    .replace(/^#\//, '')
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    node = isObject(next) ? next : (node[part] = {});
  }
  node[parts.at(-1) ?? ''] = value;
}

/**
 * OpenAPI 3.0's `nullable: true` is not JSON Schema: a nullable schema `S` becomes
 * `{anyOf: [{type: 'null'}, S]}`, which is right whatever `S` holds (a `type`, an `enum` without
 * null, an `allOf` of references); Ajv's own `nullable` support needs a `type` beside it.
 */
function rewriteNullable(node: Json): Json {
  if (Array.isArray(node)) return node.map(rewriteNullable);
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable' || key === 'example' || key === 'examples') continue;
    out[key] = rewriteNullable(value);
  }
  return node.nullable === true ? { anyOf: [{ type: 'null' }, out] } : out;
}

/** The served operations of the full description, plus every component they reach. */
function prune(full: JsonObject): Description {
  const paths = isObject(full.paths) ? full.paths : {};
  const document: JsonObject = {};
  const copied = new Set<string>();
  const copyRefs = (node: Json | undefined): void => {
    if (Array.isArray(node)) return node.forEach(copyRefs);
    if (!isObject(node)) return;
    const ref = node.$ref;
    if (typeof ref === 'string' && ref.startsWith('#/') && !copied.has(ref)) {
      copied.add(ref);
      const target = pointerGet(full, ref);
      if (target !== undefined) {
        pointerSet(document, ref, rewriteNullable(target));
        copyRefs(target);
      }
    }
    for (const [key, value] of Object.entries(node)) if (key !== '$ref') copyRefs(value);
  };
  for (const route of SERVED_ROUTES) {
    const [method = '', template = ''] = route.split(' ');
    const operation = isObject(paths[template]) ? paths[template][method.toLowerCase()] : undefined;
    if (!isObject(operation)) throw new Error(`GitHub's description has no ${route}`);
    const kept: JsonObject = {};
    if (operation.requestBody !== undefined) kept.requestBody = operation.requestBody;
    if (operation.responses !== undefined) kept.responses = operation.responses;
    pointerSet(document, `#/paths/${template.replace(/\//g, '~1')}/${method.toLowerCase()}`, {
      operationId: operation.operationId ?? route,
      ...(rewriteNullable(kept) as JsonObject),
    });
    copyRefs(kept);
  }
  return { templates: Object.keys(paths), document };
}

let loaded: Description | undefined;

/** The pruned description, built from the package on first use and kept under node_modules/.cache. */
function description(): Description {
  if (loaded) return loaded;
  const file = descriptionFile();
  const version = (
    JSON.parse(readFileSync(join(dirname(file), '..', 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  const key = createHash('sha256')
    .update(
      `${version}\n${SERVED_ROUTES.join('\n')}\n${readFileSync(fileURLToPath(import.meta.url))}`,
    )
    .digest('hex')
    .slice(0, 16);
  const cache = resolve('node_modules/.cache/agentos', `github-openapi-${key}.json`);
  if (existsSync(cache)) {
    loaded = JSON.parse(readFileSync(cache, 'utf8')) as Description;
    return loaded;
  }
  loaded = prune(JSON.parse(readFileSync(file, 'utf8')) as JsonObject);
  mkdirSync(dirname(cache), { recursive: true });
  // Written aside and renamed: two jest workers may build it at once.
  const temporary = `${cache}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(loaded));
  renameSync(temporary, cache);
  return loaded;
}

function formatsIn(node: Json, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((item) => formatsIn(item, found));
  else if (isObject(node))
    for (const [key, value] of Object.entries(node))
      if (key === 'format' && typeof value === 'string') found.add(value);
      else formatsIn(value, found);
  return found;
}

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction | null>();

function validatorAt(pointer: string): ValidateFunction | null {
  const known = compiled.get(pointer);
  if (known !== undefined) return known;
  const { document } = description();
  if (!ajv) {
    // Not strict: the description carries OpenAPI's own keywords (discriminator, x-github…).
    ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    ajv.addFormat(
      'date-time',
      (value: string) => !Number.isNaN(Date.parse(value)) && /T/.test(value),
    );
    ajv.addFormat('uri', (value: string) => URL.canParse(value));
    // Other formats (int64, email, uri-template…) are not checked, only declared.
    for (const format of formatsIn(document))
      if (format !== 'date-time' && format !== 'uri') ajv.addFormat(format, true);
    ajv.addSchema(document, DOCUMENT_ID);
  }
  const validate =
    pointerGet(document, pointer) === undefined
      ? null
      : ajv.compile({ $ref: `${DOCUMENT_ID}${pointer}` });
  compiled.set(pointer, validate);
  return validate;
}

/** An operation's path template for a request path, e.g. `/repos/o/r/pulls/7` → `/repos/{owner}/{repo}/pulls/{pull_number}`. */
export function routeOf(method: string, rawPath: string): string | undefined {
  const segments = rawPath.split('/');
  const { templates } = description();
  let best: { template: string; literals: number } | undefined;
  for (const template of templates) {
    const parts = template.split('/');
    if (parts.length !== segments.length) continue;
    let literals = 0;
    const fits = parts.every((part, i) => {
      if (/^\{[^}]+\}$/.test(part)) return segments[i] !== '';
      literals++;
      return part === segments[i];
    });
    if (fits && (!best || literals > best.literals)) best = { template, literals };
  }
  return best && `${method.toUpperCase()} ${best.template}`;
}

function operationPointer(route: string): string {
  const [method = '', template = ''] = route.split(' ');
  return `#/paths/${template.replace(/~/g, '~0').replace(/\//g, '~1')}/${method.toLowerCase()}`;
}

/** Follows a `$ref` to a shared response or request body. */
function resolvedPointer(pointer: string): string {
  const { document } = description();
  const node = pointerGet(document, pointer);
  return isObject(node) && typeof node.$ref === 'string' ? node.$ref : pointer;
}

/**
 * Ajv's errors as one line: each JSON path with what is wrong there, the missing properties of an
 * object gathered, and the "or null" branch of a nullable schema left out when the value was not null.
 */
function describe(errors: ErrorObject[] | null | undefined, what: string): string {
  const all = errors ?? [];
  const meaningful = all.filter(
    (e) => e.keyword !== 'anyOf' && !(e.keyword === 'type' && e.params.type === 'null'),
  );
  const missing = new Map<string, string[]>();
  const lines: string[] = [];
  for (const e of meaningful.length > 0 ? meaningful : all) {
    const where = `${what}${e.instancePath}`;
    if (e.keyword === 'required') {
      const list = missing.get(where) ?? [];
      if (list.length === 0) missing.set(where, list);
      list.push(String(e.params.missingProperty));
      continue;
    }
    const extra = e.keyword === 'enum' ? ` ${JSON.stringify(e.params.allowedValues)}` : '';
    lines.push(`${where} ${e.message ?? e.keyword}${extra}`);
  }
  for (const [where, names] of missing) lines.push(`${where} lacks required ${names.join(', ')}`);
  return [...new Set(lines)].join('; ');
}

/** Why a request the product sent is not one GitHub accepts (undefined: it is). */
export function requestMismatch(
  method: string,
  rawPath: string,
  body: unknown,
): { kind: 'route' | 'body'; text: string } | undefined {
  const route = routeOf(method, rawPath);
  if (!route)
    return { kind: 'route', text: `${method} ${rawPath}: not a route of GitHub's REST API` };
  if (!(SERVED_ROUTES as readonly string[]).includes(route))
    return {
      kind: 'route',
      text: `${route}: a GitHub route the stand-in does not serve (add it to SERVED_ROUTES and the stand-in)`,
    };
  const operation = operationPointer(route);
  const requestBody = resolvedPointer(`${operation}/requestBody`);
  const validate = validatorAt(`${requestBody}/content/application~1json/schema`);
  if (!validate) {
    const empty =
      body === undefined || (isObject(body as Json) && Object.keys(body as object).length === 0);
    return empty
      ? undefined
      : { kind: 'body', text: `${route}: sends a body where GitHub takes none` };
  }
  if (body === undefined) {
    const required = pointerGet(description().document, `${requestBody}/required`);
    return required === true
      ? { kind: 'body', text: `${route}: the request body is missing` }
      : undefined;
  }
  return validate(body)
    ? undefined
    : { kind: 'body', text: `${route}: request ${describe(validate.errors, 'body')}` };
}

/** Why an answer the stand-in sent is not one GitHub sends (undefined: it is). */
export function responseMismatch(
  method: string,
  rawPath: string,
  status: number,
  body: unknown,
): string | undefined {
  const route = routeOf(method, rawPath);
  if (!route || !(SERVED_ROUTES as readonly string[]).includes(route)) return undefined;
  const responses = pointerGet(description().document, `${operationPointer(route)}/responses`);
  const documented = isObject(responses) && responses[String(status)] !== undefined;
  if (!documented) {
    // Failures a test injects (500, 502, a secondary rate limit) are GitHub's too, undocumented
    // per operation; an undocumented success is the stand-in's invention.
    return status < 300
      ? `${route} → ${status}: GitHub documents ${Object.keys(isObject(responses) ? responses : {}).join(', ')}`
      : undefined;
  }
  const response = resolvedPointer(`${operationPointer(route)}/responses/${status}`);
  const validate = validatorAt(`${response}/content/application~1json/schema`);
  if (!validate) return undefined; // documented without a body (204, 304…)
  return validate(body)
    ? undefined
    : `${route} → ${status}: ${describe(validate.errors, 'response')}`;
}
