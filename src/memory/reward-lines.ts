// The line format of the reward log: one record per line, a YAML sequence of flow maps written as
// JSON (`- {"task": …}`), so `cat` shows one task per line and a reader parses it with JSON.parse.
import { MemoryFileError } from '../errors.js';
import { rewardRecordOrIssues, type RewardRecord } from './rewards.js';
import { parseYaml } from './yaml-source.js';

const ITEM_PREFIX = '- ';

/** One record as one line (no newline): a YAML flow map that is also JSON. */
export function renderRewardLine(record: RewardRecord): string {
  return `${ITEM_PREFIX}${flowJson(record)}`;
}

/** JSON with a space after each `:` and `,`, so a line reads like the YAML a person would write. */
function flowJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(flowJson).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const fields = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${fields.map(([k, v]) => `${JSON.stringify(k)}: ${flowJson(v)}`).join(', ')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A file of the log: a one-line `#` header, then one record per line. */
export function renderRewardFile(header: string, lines: readonly string[]): string {
  return `# ${header}\n${lines.map((line) => `${line}\n`).join('')}`;
}

/**
 * The records of one log file, in file order. `#` lines are comments, blank lines are skipped.
 * A line is read as JSON; one that is not (a person's edit in YAML flow style) is read as YAML.
 * Throws a MemoryFileError naming the file, line and field of the first invalid record.
 */
export function parseRewardLines(file: string, text: string): RewardRecord[] {
  const records: RewardRecord[] = [];
  let start = 0;
  for (let line = 1; start < text.length; line++) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    // What the runtime writes ("- {…}" as JSON): parsed straight from the text, without copying the
    // line twice first. JSON.parse skips the trailing whitespace the general path trims.
    const fast = text.startsWith(ITEM_PREFIX, start)
      ? jsonOrUndefined(text, start, end)
      : undefined;
    if (fast !== undefined) {
      start = end + 1;
      records.push(validateRecord(file, line, fast));
      continue;
    }
    const content = text.slice(start, end).trimEnd();
    start = end + 1;
    if (content === '' || content.startsWith('#')) continue;
    records.push(validateRecord(file, line, parseItem(file, line, content)));
  }
  return records;
}

/** The item of the line `text[start, end)` ("- " then JSON), or undefined when it is not JSON. */
function jsonOrUndefined(text: string, start: number, end: number): unknown {
  try {
    return JSON.parse(text.slice(start + ITEM_PREFIX.length, end)) as unknown;
  } catch {
    return undefined;
  }
}

function parseItem(file: string, line: number, content: string): unknown {
  if (!content.startsWith(ITEM_PREFIX)) {
    throw new MemoryFileError(
      file,
      'a reward line must be a list item "- {…}" (one record per line), a "#" comment or blank',
      undefined,
      line,
    );
  }
  try {
    return JSON.parse(content.slice(ITEM_PREFIX.length)) as unknown;
  } catch {
    // Not JSON: a hand edit in YAML flow style, which is still a valid record line.
  }
  const { value } = parseYaml({ file, text: content, firstLine: line });
  if (!Array.isArray(value) || value.length !== 1) {
    throw new MemoryFileError(file, 'a reward line holds exactly one record', undefined, line);
  }
  return value[0] as unknown;
}

function validateRecord(file: string, line: number, value: unknown): RewardRecord {
  const result = rewardRecordOrIssues(value);
  if (result.ok) return result.record;
  const [issue, ...rest] = result.issues;
  const field = issue?.path.map(String).join('.');
  const more =
    rest.length > 0 ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
  throw new MemoryFileError(
    file,
    `${issue?.message ?? 'invalid reward record'}${more}`,
    field === '' ? undefined : field,
    line,
  );
}

/**
 * The file's text with the line of `record.task_id` replaced (the last one, which is the one a
 * reader keeps); every other line, comments included, stays byte for byte.
 */
export function replaceRewardLine(file: string, text: string, record: RewardRecord): string {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const content = (lines[i] ?? '').trimEnd();
    if (content === '' || content.startsWith('#')) continue;
    if (taskIdOf(parseItem(file, i + 1, content)) !== record.task_id) continue;
    lines[i] = renderRewardLine(record);
    return lines.join('\n');
  }
  throw new MemoryFileError(file, `no reward record for task "${record.task_id}"`);
}

function taskIdOf(value: unknown): unknown {
  return value !== null && typeof value === 'object'
    ? (value as { task_id?: unknown }).task_id
    : undefined;
}
