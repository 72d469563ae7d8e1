// `agentos feedback TASK_ID correctness=-1 note="..."`
import { UsageError } from '../../errors.js';
import { Git } from '../../git/git.js';
import { applyFeedback, parseFeedbackArguments } from '../../loop/feedback.js';
import { streamLogger } from '../../log.js';
import {
  parse,
  repositoryDir,
  REPOSITORY_HELP,
  REPOSITORY_OPTIONS,
  type Command,
} from '../command.js';

export const feedbackCommand: Command = {
  name: 'feedback',
  help: `Usage: agentos feedback [options] TASK_ID SCORE... [note="..."]

Records human feedback on a task that has a reward record: each SCORE is DIMENSION=VALUE with
DIMENSION one of correctness, efficiency, novelty, generality and VALUE one of -1, 0, +1.
Feedback overrides the self-assessment: the record is re-scored, and with correctness=-1 every
belief the task supported now has that task's word against it (what it contradicted is withdrawn),
and the counters of the skills it used move. One commit.

Example: agentos feedback issue-42 correctness=-1 note="wrong cursor field"

Options:
  --by NAME          who gives the feedback (default: cli)
${REPOSITORY_HELP}`,
  async run(argv, io) {
    const options = { ...REPOSITORY_OPTIONS, by: { type: 'string' } } as const;
    const { values, positionals } = parse('feedback', argv, options, true);
    if (values.help) {
      io.stdout.write(`${this.help}\n`);
      return 0;
    }
    const [taskId, ...rest] = positionals;
    if (taskId === undefined || rest.length === 0)
      throw new UsageError(
        'feedback: give a task id and at least one score, e.g. correctness=-1 (see "agentos feedback --help")',
      );
    const { scores, note } = parseFeedbackArguments(rest);
    const repoRoot = repositoryDir(io, values.dir);
    const result = await applyFeedback({
      repoRoot,
      git: Git.create(repoRoot),
      taskId,
      feedback: { by: values.by ?? 'cli', scores, note },
      logger: streamLogger(io.stderr, values.verbose),
      ...(values.agent !== undefined ? { agent: values.agent } : {}),
    });
    if (result.commit === undefined) {
      io.stdout.write(`The same feedback is already recorded on ${taskId}; nothing changed.\n`);
      return 0;
    }
    io.stdout.write(
      `Recorded feedback on ${taskId}: ${result.record.outcome} (reward ${result.record.reward > 0 ? '+' : ''}${result.record.reward}), ` +
        `${result.changed.length} file(s) changed, commit ${result.commit.slice(0, 7)}.\n`,
    );
    for (const t of result.transitions)
      io.stdout.write(`  ${t.kind === 'refute' ? 'refuted' : 'superseded'} ${t.path}\n`);
    return 0;
  },
};
