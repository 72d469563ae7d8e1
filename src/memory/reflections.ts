// reflections.md: dated reflections written by learning runs, newest last. Bounded by design: once
// an entry would take the file past REFLECTIONS_MAX_BYTES, its oldest dated entries move to
// monthly archive files (`reflections/<YYYY-MM>.md`, then `<YYYY-MM>-2.md`, …, each at most
// REFLECTION_ARCHIVE_MAX_BYTES), so a daily or hourly learning run never makes a file too big to
// write. Whatever stands before the first entry, and any section whose heading is not a date (a
// person's notes), stays where it is.
import { join } from 'node:path';
import { readTextIfExists } from './files.js';
import { agentPaths } from './layout.js';
import { listMonthlyFiles, monthlyPath } from './monthly-files.js';

/** reflections.md holds the newest entries up to this size (64 KiB)… */
export const REFLECTIONS_MAX_BYTES = 64 * 1024;
/** …and each archive file at most this much (128 KiB). */
export const REFLECTION_ARCHIVE_MAX_BYTES = 128 * 1024;

export function reflectionsHeader(agent: string): string {
  return `# Reflections — ${agent}\n\nDated reflections written by AgentOS learning runs.\n`;
}

function reflectionsArchiveDir(agent: string): string {
  return `${agentPaths(agent).root}/reflections`;
}

/** The text before the first `## ` heading, and each section from its heading on. */
function sections(text: string): { head: string; entries: string[] } {
  const starts = [...text.matchAll(/^## /gm)].map((match) => match.index);
  if (starts.length === 0) return { head: text, entries: [] };
  const entries = starts.map((start, i) => text.slice(start, starts[i + 1] ?? text.length));
  return { head: text.slice(0, starts[0]), entries };
}

/** The month (`YYYY-MM`) of a section headed by a date, or undefined for any other section. */
function monthOf(entry: string): string | undefined {
  return /^## (\d{4}-\d{2})-\d{2}\b/.exec(entry)?.[1];
}

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** The file's text with one dated entry appended (no archive move). */
function appendReflectionText(
  existing: string | undefined,
  agent: string,
  date: string,
  text: string,
): string {
  const base = existing ?? reflectionsHeader(agent);
  return `${base.trimEnd()}\n\n## ${date}\n\n${text.trim()}\n`;
}

/**
 * The writes that append one dated entry: reflections.md, and the archive files its oldest entries
 * move to when it would pass REFLECTIONS_MAX_BYTES. The newest entry always stays in reflections.md.
 */
export function planReflectionAppend(input: {
  repoRoot: string;
  agent: string;
  existing: string | undefined;
  date: string;
  text: string;
}): { path: string; content: string }[] {
  const appended = appendReflectionText(input.existing, input.agent, input.date, input.text);
  if (bytes(appended) <= REFLECTIONS_MAX_BYTES) {
    return [{ path: agentPaths(input.agent).reflections, content: appended }];
  }
  const { head, entries } = sections(appended);
  const kept = [...entries];
  const moved: { month: string; entry: string }[] = [];
  let size = bytes(appended);
  // Oldest first, never the newest entry: it is the one this run wrote.
  for (let i = 0; i < kept.length - 1 && size > REFLECTIONS_MAX_BYTES;) {
    const entry = kept[i] as string;
    const month = monthOf(entry);
    if (month === undefined) {
      i++;
      continue;
    }
    kept.splice(i, 1);
    moved.push({ month, entry });
    size -= bytes(entry);
  }
  const writes = archiveWrites(input.repoRoot, input.agent, moved);
  const content = `${head}${kept.join('')}`;
  return [{ path: agentPaths(input.agent).reflections, content }, ...writes];
}

/** Each month's newest archive file's part number. */
function archiveParts(repoRoot: string, agent: string): Map<string, number> {
  const parts = new Map<string, number>();
  // Newest first: a month's first file met is its last part.
  for (const file of listMonthlyFiles(repoRoot, reflectionsArchiveDir(agent)))
    if (!parts.has(file.month)) parts.set(file.month, file.part);
  return parts;
}

function archivePath(agent: string, month: string, part: number): string {
  return monthlyPath(reflectionsArchiveDir(agent), month, part);
}

/** The archive files `moved` (oldest first) go to: each month's newest file while it has room. */
function archiveWrites(
  repoRoot: string,
  agent: string,
  moved: readonly { month: string; entry: string }[],
): { path: string; content: string }[] {
  const parts = archiveParts(repoRoot, agent);
  const files = new Map<string, string>();
  for (const { month, entry } of moved) {
    let part = parts.get(month) ?? 1;
    let path = archivePath(agent, month, part);
    let text = files.get(path) ?? readTextIfExists(join(repoRoot, path));
    if (text !== undefined && bytes(text) + bytes(entry) + 1 > REFLECTION_ARCHIVE_MAX_BYTES) {
      part++;
      path = archivePath(agent, month, part);
      text = undefined;
    }
    files.set(path, `${(text ?? archiveHeader(agent, month)).trimEnd()}\n\n${entry.trimEnd()}\n`);
    parts.set(month, part);
  }
  return [...files].map(([path, content]) => ({ path, content }));
}

function archiveHeader(agent: string, month: string): string {
  return `# Reflections — ${agent}, ${month}\n\nOlder entries of reflections.md, oldest first (written by AgentOS; at most ${REFLECTION_ARCHIVE_MAX_BYTES / 1024} KiB per file).\n`;
}

/** The text of the newest archive file of reflections, for what reflections.md no longer holds. */
export function newestReflectionArchive(repoRoot: string, agent: string): string | undefined {
  const newest = listMonthlyFiles(repoRoot, reflectionsArchiveDir(agent))[0];
  return newest && readTextIfExists(join(repoRoot, newest.path));
}
