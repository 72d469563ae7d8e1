// What a person does by hand in a test repository: commit what they staged, with git itself.
import type { Git } from '../../src/git/git.js';

/** `git commit` of the person's staged changes; returns the new commit. */
export async function commitStaged(git: Git, message: string): Promise<string> {
  await git.exec(['commit', '--quiet', '--file=-'], { input: message });
  return git.headSha();
}
