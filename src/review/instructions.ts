// What a person is told about a change awaiting review on plain git: the branch is the review, so
// how to read it, accept it and reject it are three git commands.

export function reviewInstructions(branch: string, base: string): string[] {
  return [
    `The memory change awaits review on branch ${branch} (autonomy: assistant):`,
    `  git diff ${base}...${branch}     # what it changes`,
    `  git merge ${branch}              # accept it: the memory goes live, the task is done`,
    `  git branch -D ${branch}          # reject it: the next run marks the task rejected ("agentos retry" runs it again)`,
  ];
}
