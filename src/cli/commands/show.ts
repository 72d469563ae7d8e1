// `agentos show TASK_ID`: a task read back from git — its text and where it came from, its answer,
// its reward record, what memory it changed, and the commit that holds it.
import { stringify } from 'yaml';
import { InputError, UsageError } from '../../errors.js';
import { Git } from '../../git/git.js';
import { loadQueue } from '../../memory/queue.js';
import { findAgent, loadRegistry } from '../../memory/registry.js';
import type { RewardRecord } from '../../memory/rewards.js';
import { KEPT_TEXT_BYTES } from '../../loop/commit-message.js';
import { readTaskHistory, type TaskHistory } from '../../loop/task-history.js';
import type { TaskSource } from '../../loop/task.js';
import {
  parse,
  repositoryDir,
  REPOSITORY_HELP,
  REPOSITORY_OPTIONS,
  type Command,
} from '../command.js';

/** Everything `show` tells about a task, as `--json` prints it. */
export interface TaskView {
  agent: string;
  task_id: string;
  task: {
    text: string | null;
    /** queue, cli (an ad-hoc `run --text`), issue, dispatch; null when no commit says. */
    source: TaskSource | null;
    issue: number | null;
    /** False when the commit kept only the first KEPT_TEXT_BYTES of the text. */
    complete: boolean;
  };
  /** null for a failed attempt (see `error`), or a commit made before answers were kept. */
  answer: string | null;
  answer_complete: boolean;
  error: string | null;
  record: RewardRecord | null;
  memory: { created: string[]; updated: string[] };
  /** The latest iteration commit of the task. */
  commit: string | null;
  /** Every iteration commit of the task, newest first. */
  attempts: string[];
}

export const showCommand: Command = {
  name: 'show',
  help: `Usage: agentos show [options] TASK_ID

Prints what git keeps of a task: its text and where it came from (queue.md, an ad-hoc --text,
an issue), the model's answer (kept in the body of the task's commit, the first
${KEPT_TEXT_BYTES / 1024} KiB of it), its reward record, the memory files the task created or
updated, and the commit. A task retried after a failed attempt shows its latest attempt.

Options:
  --json             print one JSON object instead
${REPOSITORY_HELP}

Exit codes: 0 shown; 2 bad usage, or no such task for the agent.`,
  async run(argv, io) {
    const options = { ...REPOSITORY_OPTIONS, json: { type: 'boolean' } } as const;
    const { values, positionals } = parse('show', argv, options, true);
    if (values.help) {
      io.stdout.write(`${this.help}\n`);
      return 0;
    }
    const [taskId, ...extra] = positionals;
    if (taskId === undefined || extra.length > 0)
      throw new UsageError('show: give one task id (see "agentos show --help")');
    const repoRoot = repositoryDir(io, values.dir);
    const agent = findAgent(loadRegistry(repoRoot), values.agent).name;
    const history = await readTaskHistory({ repoRoot, git: Git.create(repoRoot), agent, taskId });
    const queued = loadQueue(repoRoot, agent).entries.find((entry) => entry.id === taskId);
    if (history.commits.length === 0 && !history.record) {
      throw new InputError(
        queued
          ? `task "${taskId}" of agent ${agent} has not run yet (it is pending in agents/${agent}/queue.md): run it with "agentos run --task-id ${taskId}"`
          : `no task "${taskId}" for agent ${agent}: no iteration commit and no reward record name it`,
      );
    }
    const view = taskView(history, queued?.task);
    io.stdout.write(
      values.json ? `${JSON.stringify(view, null, 2)}\n` : `${renderTaskView(view)}\n`,
    );
    return 0;
  },
};

/** What `show` tells, from the task's history (and its queue entry's text, if it has one). */
export function taskView(history: TaskHistory, queuedText?: string): TaskView {
  const latest = history.commits[0];
  const record = history.record ?? null;
  const text = latest?.taskText ?? record?.task ?? queuedText ?? null;
  return {
    agent: history.agent,
    task_id: history.taskId,
    task: {
      text,
      source: latest?.source ?? (queuedText !== undefined ? 'queue' : null),
      issue: latest?.issueNumber ?? null,
      complete: latest ? latest.taskTextComplete || latest.taskText === undefined : true,
    },
    answer: latest?.answer ?? null,
    answer_complete: latest?.answerComplete ?? false,
    error: record?.error ?? latest?.error ?? null,
    record,
    memory: { created: latest?.created ?? [], updated: latest?.updated ?? [] },
    commit: latest?.sha ?? null,
    attempts: history.commits.map((commit) => commit.sha),
  };
}

const SOURCE_WORDS: Record<TaskSource, string> = {
  queue: 'from queue.md',
  cli: 'ad hoc (agentos run --text)',
  issue: 'from an issue',
  dispatch: 'dispatched (workflow_dispatch)',
};

export function renderTaskView(view: TaskView): string {
  const from =
    view.task.source === null
      ? 'source not recorded'
      : view.task.source === 'issue' && view.task.issue !== null
        ? `from issue #${view.task.issue}`
        : SOURCE_WORDS[view.task.source];
  const lines = [`Task ${view.task_id} of ${view.agent}, ${from}:`];
  lines.push(...indented(view.task.text ?? '(its text is not kept)'));
  if (!view.task.complete) lines.push(`  [only the first ${KEPT_TEXT_BYTES} bytes are kept]`);

  lines.push('');
  if (view.answer !== null) {
    lines.push('Answer:', ...indented(view.answer));
    if (!view.answer_complete) lines.push(`  [only the first ${KEPT_TEXT_BYTES} bytes are kept]`);
  } else if (view.error !== null) {
    lines.push(`Answer: none. The model gave no usable answer: ${view.error}`);
    lines.push(`  Run it again with "agentos retry ${view.task_id}".`);
  } else {
    lines.push('Answer: not kept (the commit predates answers in commit messages).');
  }

  lines.push('');
  if (view.record) {
    lines.push('Reward record:', ...indented(stringify(view.record, { lineWidth: 0 }).trimEnd()));
  } else lines.push('Reward record: none.');

  lines.push('');
  const changes = [
    ...view.memory.created.map((path) => `created ${path}`),
    ...view.memory.updated.map((path) => `updated ${path}`),
  ];
  if (changes.length > 0) lines.push('Memory changed:', ...indented(changes.join('\n')));
  else lines.push('Memory changed: nothing.');

  lines.push('');
  if (view.commit === null) lines.push('Commit: none found for this task.');
  else {
    const earlier = view.attempts.length - 1;
    lines.push(
      `Commit: ${view.commit}` +
        (earlier > 0
          ? ` (the latest attempt; ${earlier} earlier: ${view.attempts.slice(1).join(', ')})`
          : ''),
    );
  }
  return lines.join('\n');
}

function indented(text: string): string[] {
  return text.split('\n').map((line) => (line === '' ? '' : `  ${line}`));
}
