// The task id and time of each record of a reward-log file, read without parsing the records: the
// metrics need whole records only inside the windows they report, and a long-lived log holds far
// more tasks than a dozen windows reach, so the rest are read for their id and time alone (which
// decide a task's last copy, the order, and the window each falls in). A file holding anything this
// reader does not read for certain (a hand-written YAML line, an odd key) is left to the full parser.

/** A file's records in file order, as their ids and times. */
export interface RecordTimes {
  ids: string[];
  ats: string[];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** The times the full reader accepts for certain: ISO dates with a time and a zone. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0d;
}

function skipSpaces(text: string, at: number, end: number): number {
  while (at < end && isSpace(text.charCodeAt(at))) at++;
  return at;
}

/** The position after the JSON string opening at `at`, or -1 when it does not close on the line. */
function stringEnd(text: string, at: number, end: number): number {
  let search = at + 1;
  for (;;) {
    const close = text.indexOf('"', search);
    if (close === -1 || close >= end) return -1;
    let slashes = 0;
    for (let i = close - 1; text.charCodeAt(i) === BACKSLASH; i--) slashes++;
    if (slashes % 2 === 0) return close + 1;
    search = close + 1;
  }
}

/** The position after the JSON value starting at `at` (any kind), or -1 when it is not one. */
function valueEnd(text: string, at: number, end: number): number {
  const first = text.charCodeAt(at);
  if (first === QUOTE) return stringEnd(text, at, end);
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0;
    for (let i = at; i < end; i++) {
      const code = text.charCodeAt(i);
      if (code === QUOTE) {
        const after = stringEnd(text, i, end);
        if (after === -1) return -1;
        i = after - 1;
      } else if (code === OPEN_BRACE || code === OPEN_BRACKET) depth++;
      else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    return -1;
  }
  // A number, true, false or null: up to the next separator.
  let i = at;
  while (i < end) {
    const code = text.charCodeAt(i);
    if (code === COMMA || code === CLOSE_BRACE || isSpace(code)) break;
    i++;
  }
  return i === at ? -1 : i;
}

/** A JSON string's value, or undefined when it is not one. */
function stringValue(text: string, from: number, to: number): string | undefined {
  if (text.charCodeAt(from) !== QUOTE) return undefined;
  const raw = text.slice(from + 1, to - 1);
  // A copy, not a slice: a slice keeps the whole file's text alive as long as the id or time is kept.
  if (!raw.includes('\\')) return (' ' + raw).slice(1);
  try {
    const value: unknown = JSON.parse(text.slice(from, to));
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The top-level `task_id` and `at` of the record on the line `text[start, end)`, which opens with
 * "- {". Reads the top level only as far as needed: past the last place either key can appear
 * (JSON keeps a key's last occurrence). Undefined when the line is not a JSON object as far as read.
 */
function lineTimes(
  text: string,
  start: number,
  end: number,
): { id: string; at: string } | undefined {
  let id: string | undefined;
  let at: string | undefined;
  let i = start + 3;
  for (;;) {
    i = skipSpaces(text, i, end);
    if (text.charCodeAt(i) === CLOSE_BRACE && id === undefined && at === undefined)
      return undefined;
    if (text.charCodeAt(i) !== QUOTE) return undefined;
    const keyEnd = stringEnd(text, i, end);
    if (keyEnd === -1) return undefined;
    const key = stringValue(text, i, keyEnd);
    i = skipSpaces(text, keyEnd, end);
    if (text.charCodeAt(i) !== COLON) return undefined;
    i = skipSpaces(text, i + 1, end);
    const after = valueEnd(text, i, end);
    if (after === -1) return undefined;
    if (key === 'task_id' || key === 'at') {
      const value = stringValue(text, i, after);
      if (value === undefined) return undefined;
      if (key === 'task_id') id = value;
      else at = value;
    }
    i = skipSpaces(text, after, end);
    const next = text.charCodeAt(i);
    if (next === CLOSE_BRACE) {
      if (skipSpaces(text, i + 1, end) !== end) return undefined;
      break;
    }
    if (next !== COMMA) return undefined;
    i++;
    // Both found, and neither key appears again on the line: the rest cannot change them.
    if (id !== undefined && at !== undefined) {
      const rest = text.slice(i, end);
      if (!rest.includes('"task_id"') && !rest.includes('"at"')) {
        let last = end - 1;
        while (last > i && isSpace(text.charCodeAt(last))) last--;
        if (text.charCodeAt(last) !== CLOSE_BRACE) return undefined;
        break;
      }
    }
  }
  if (id === undefined || at === undefined || id === '' || !ISO_TIME.test(at)) return undefined;
  if (Number.isNaN(Date.parse(at))) return undefined;
  return { id, at };
}

/**
 * The ids and times of a log file's records in file order, as parseRewardLines would count them
 * ("#" comments and blank lines are not records), or undefined when a line is not a record line
 * of the runtime's JSON form: the caller parses that file the full way, which also says what is wrong.
 */
export function scanRecordTimes(text: string): RecordTimes | undefined {
  const ids: string[] = [];
  const ats: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (text.startsWith('- {', start)) {
      const found = lineTimes(text, start, end);
      if (!found) return undefined;
      ids.push(found.id);
      ats.push(found.at);
    } else {
      const content = text.slice(start, end).trimEnd();
      if (content !== '' && !content.startsWith('#')) return undefined;
    }
    start = end + 1;
  }
  return { ids, ats };
}
