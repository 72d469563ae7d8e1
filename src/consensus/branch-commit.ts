// A commit on a proposal branch, made without the working tree: like every other write of the
// runtime, its files and message pass the run's redactor first (landChange does the same).
import type { Git } from '../git/git.js';
import { redactMemoryFile } from '../memory/redact-file.js';
import { runRedactor } from '../security/run-redactor.js';

export async function commitOnBranch(
  git: Git,
  options: Parameters<Git['commitFilesOnBranch']>[0],
): Promise<string | undefined> {
  const redactor = runRedactor();
  return git.commitFilesOnBranch({
    ...options,
    files: options.files.map((file) => ({
      path: file.path,
      content: redactMemoryFile(file.path, file.content, redactor),
    })),
    message: redactor.redact(options.message).replaceAll('\0', '\\0'),
  });
}
