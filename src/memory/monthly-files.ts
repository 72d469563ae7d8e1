// History cut into bounded files by month: `<YYYY-MM>.md`, then `<YYYY-MM>-2.md`, … once a part is
// full. The queue's archive (queue-archive.ts) and the reflections' (reflections.ts) are kept so.
import { listMarkdown } from './files.js';

export interface MonthlyFile {
  /** Repository-relative path. */
  path: string;
  /** `YYYY-MM`. */
  month: string;
  /** 1 for `<month>.md`, n for `<month>-n.md`. */
  part: number;
}

const MONTHLY_NAME = /^(\d{4}-\d{2})(?:-(\d+))?\.md$/;

/** The path of `folder`'s file for `month`, part `part`. */
export function monthlyPath(folder: string, month: string, part: number): string {
  return `${folder}/${part === 1 ? month : `${month}-${part}`}.md`;
}

/** `folder`'s monthly files, newest first (the latest month, its last part first). */
export function listMonthlyFiles(repoRoot: string, folder: string): MonthlyFile[] {
  const files: MonthlyFile[] = [];
  for (const name of listMarkdown(repoRoot, folder)) {
    const match = MONTHLY_NAME.exec(name);
    if (!match) continue;
    const month = match[1] ?? '';
    const part = Number(match[2] ?? 1);
    files.push({ path: monthlyPath(folder, month, part), month, part });
  }
  return files.sort((a, b) => b.month.localeCompare(a.month) || b.part - a.part);
}
