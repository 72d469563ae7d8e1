// What a person reads when reviewing a memory change as a pull request: the task, the answer, the
// reward, the files, and what merging or closing does. Pure: text in, Markdown out.

/** The longest answer excerpt a body quotes; the review branch's commit keeps the whole message. */
const MAX_ANSWER_CHARS = 3000;
const MAX_TASK_CHARS = 2000;

function excerpt(text: string, max: number): string {
  const trimmed = text.trim();
  return trimmed.length <= max
    ? trimmed
    : `${trimmed.slice(0, max)}\n… (cut; ${trimmed.length} characters in all)`;
}

/** Quoted as a Markdown block quote, so no line of the model's text becomes a heading or a command. */
function quote(text: string): string {
  return text
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

export function taskReviewTitle(agent: string, taskId: string): string {
  return `${agent}: memory change of ${taskId} awaiting review`;
}

export function taskReviewBody(input: {
  agent: string;
  taskId: string;
  task: string;
  answer: string | undefined;
  outcome: string;
  reward: number;
  model: string;
  files: readonly string[];
  base: string;
}): string {
  const reward = input.reward > 0 ? `+${input.reward}` : String(input.reward);
  return [
    `**${input.agent}** runs under \`autonomy: assistant\`: the memory it learned from task \`${input.taskId}\` lands only when this pull request is merged.`,
    '',
    '### Task',
    '',
    quote(excerpt(input.task, MAX_TASK_CHARS)),
    '',
    '### Answer',
    '',
    input.answer ? quote(excerpt(input.answer, MAX_ANSWER_CHARS)) : '_no answer text_',
    '',
    `**Outcome:** ${input.outcome} (reward ${reward}) on ${input.model}`,
    '',
    `### Files (${input.files.length})`,
    '',
    ...input.files.map((file) => `- \`${file}\``),
    '',
    '### What happens next',
    '',
    `- **Merge**: the memory goes live on \`${input.base}\`; the next run marks the task done.`,
    `- **Close without merging**: the next run marks the task rejected; \`agentos retry ${input.taskId}\` runs it again.`,
  ].join('\n');
}

export function promotionsReviewTitle(agent: string, branch: string): string {
  return `${agent}: promotions awaiting review (${branch.split('-').slice(-3).join('-')})`;
}

export function promotionsReviewBody(input: {
  agent: string;
  commits: readonly { subject: string; changed: readonly string[] }[];
  base: string;
}): string {
  const files = [...new Set(input.commits.flatMap((c) => c.changed))].sort();
  return [
    `**${input.agent}** learns under \`learning: constrained\`: its learning run promotes these hypotheses only when a person merges this pull request into \`${input.base}\`.`,
    '',
    '### Proposed',
    '',
    ...input.commits.map((c) => `- ${c.subject}`),
    '',
    `### Files (${files.length})`,
    '',
    ...files.map((file) => `- \`${file}\``),
  ].join('\n');
}
