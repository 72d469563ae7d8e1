// `agentos new-agent`: a purpose-built agent from the seed's questionnaire (flags, an answers file,
// or questions on a terminal), or a clone of an existing agent (`--from orion --name vega`).
import { resolve } from 'node:path';
import { InputError, UsageError } from '../../errors.js';
import { Git } from '../../git/git.js';
import { readTextIfExists } from '../../memory/files.js';
import { isoSeconds } from '../../memory/schema-parts.js';
import {
  answersFromFlags,
  readAnswersFile,
  validateAnswers,
} from '../../scaffold/answers-source.js';
import { planClone } from '../../scaffold/clone-agent.js';
import { askMissing } from '../../scaffold/ask-answers.js';
import { planNewAgent } from '../../scaffold/new-agent-plan.js';
import { checkNewAgentName, writeNewAgent } from '../../scaffold/new-agent.js';
import {
  missingFields,
  mergeAnswers,
  QUESTION_FIELDS,
  type RawAnswers,
} from '../../scaffold/questionnaire.js';
import { parse, repositoryDir, type CliIo, type Command } from '../command.js';
import { isTerminal } from '../iteration-report.js';

const FIELD_OPTIONS = Object.fromEntries(
  QUESTION_FIELDS.map((field) => [
    field.flag,
    field.kind === 'list' || field.kind === 'data-sources' || field.kind === 'review-points'
      ? ({ type: 'string', multiple: true } as const)
      : ({ type: 'string' } as const),
  ]),
);

const OPTIONS = {
  ...FIELD_OPTIONS,
  'data-sources-forbidden': { type: 'string', multiple: true },
  answers: { type: 'string' },
  from: { type: 'string' },
  name: { type: 'string' },
  dir: { type: 'string', short: 'C' },
  help: { type: 'boolean', short: 'h' },
} as const;

const FIELD_HELP = QUESTION_FIELDS.map(
  (field) =>
    `  --${field.flag.padEnd(22)} ${field.choices ? field.choices.join(' | ') : field.kind === 'yes-no' ? 'yes | no' : field.kind === 'text' ? 'text' : 'repeat for each item'}${field.required ? '' : ' (optional)'}`,
).join('\n');

export const newAgentCommand: Command = {
  name: 'new-agent',
  help: `Usage: agentos new-agent --answers FILE [flags]
       agentos new-agent --agent-name NAME --primary-purpose TEXT … (every field as a flag)
       agentos new-agent --from AGENT --name NAME

Adds an agent to the repository from the questionnaire of the seed (SPEC §11) and commits it:
its agents.yaml entry (risk_level, autonomy, learning and budget derived from the answers),
persona.md, constraints.md (tools, data sources, privacy, human review points: each a rule the
runtime checks), goals.md (from the success metrics), hints from the task examples as
low-confidence hypotheses, and the task examples in queue.md. Only the files the answers call
for. It prints what each answer changed and how a broad or vague purpose was narrowed.

Answers come from --answers FILE (YAML, keys as below in capitals: AGENT_NAME: …), then flags
(which win). On a terminal it asks for what is missing; elsewhere it exits 2 listing the missing
fields. DATA_SOURCES may be a list (allowed) or {allowed: […], forbidden: […]}; a human review
point may be {point: …, when: [words]}. Examples: examples/*.yaml.

With --from AGENT --name NAME it clones AGENT instead: persona, constraints, goals, skills and
promoted beliefs (each with forked_from: naming the source), and fresh rewards, queue,
hypotheses, reflections and routing.

Fields:
${FIELD_HELP}
  --data-sources-forbidden   repeat for each data source a task may not name (optional)

Options:
  --answers FILE     the answers file (YAML)
  --from AGENT       clone this agent (with --name)
  --name NAME        the clone's name (or AGENT_NAME for a new agent)
  -C, --dir DIR      the agent repository (default: $DATA_DIR, else the current folder)
  -h, --help         show this help`,
  async run(argv, io) {
    const { values } = parse('new-agent', argv, OPTIONS);
    if (values.help) {
      io.stdout.write(`${this.help}\n`);
      return 0;
    }
    const repoRoot = repositoryDir(io, values.dir);
    const git = Git.create(repoRoot);
    const at = isoSeconds(new Date());
    if (values.from !== undefined)
      return cloneAgent(io, { repoRoot, git, at, from: values.from, name: values.name });

    const flags = answersFromFlags(values);
    if (values.name !== undefined) flags.AGENT_NAME = values.name;
    const file = values.answers === undefined ? undefined : readAnswers(io, values.answers);
    let asked: RawAnswers = {};
    const missing = missingFields(mergeAnswers(file?.raw ?? {}, flags));
    if (missing.length > 0) {
      if (!io.stdin || !isTerminal(io.stdout) || !(io.stdin as { isTTY?: boolean }).isTTY)
        throw new UsageError(
          `missing answers: ${missing.map((f) => `${f.key} (--${f.flag})`).join(', ')}; give them as flags or in --answers FILE`,
        );
      asked = await askMissing(missing, io);
    }
    const answers = validateAnswers({ ...(file ? { file } : {}), flags, asked });
    checkNewAgentName(repoRoot, answers.AGENT_NAME);
    const plan = planNewAgent(answers, at);
    const written = await writeNewAgent({
      repoRoot,
      git,
      entry: plan.entry,
      files: plan.files,
      subject: `Add agent ${answers.AGENT_NAME}: ${plan.entry.domain}`,
      body: [
        'Made by agentos new-agent from the questionnaire. What each answer changed:',
        '',
        ...plan.changes.map((line) => `- ${line}`),
        ...(plan.narrowed ? ['', `Narrowed: ${plan.narrowed}.`] : []),
      ],
    });
    io.stdout.write(
      `Added agent "${answers.AGENT_NAME}" (commit ${written.commit.slice(0, 7)}):\n`,
    );
    for (const path of written.paths) io.stdout.write(`  ${path}\n`);
    io.stdout.write('\nWhat each answer changed:\n');
    for (const line of plan.changes) io.stdout.write(`  - ${line}\n`);
    if (plan.narrowed) io.stdout.write(`\nNarrowed: ${plan.narrowed}.\n`);
    if (plan.warnings.length > 0) {
      io.stdout.write('\nWarnings:\n');
      for (const warning of plan.warnings) io.stdout.write(`  - ${warning}\n`);
    }
    io.stdout.write(`\nNext: agentos run --dir ${repoRoot} --agent ${answers.AGENT_NAME} --all\n`);
    return 0;
  },
};

function readAnswers(io: CliIo, path: string) {
  const text = readTextIfExists(resolve(io.cwd, path));
  if (text === undefined) throw new InputError(`--answers: ${path} does not exist`);
  return readAnswersFile({ file: path, text, firstLine: 1 });
}

async function cloneAgent(
  io: CliIo,
  input: { repoRoot: string; git: Git; at: string; from: string; name: string | undefined },
): Promise<number> {
  if (input.name === undefined) throw new UsageError('--from needs --name NAME for the clone');
  checkNewAgentName(input.repoRoot, input.name);
  const plan = planClone({
    repoRoot: input.repoRoot,
    from: input.from,
    name: input.name,
    at: input.at,
  });
  const written = await writeNewAgent({
    repoRoot: input.repoRoot,
    git: input.git,
    entry: plan.entry,
    files: plan.files,
    subject: `Add agent ${input.name}, cloned from ${input.from}`,
    body: plan.lines.map((line) => `- ${line}`),
  });
  io.stdout.write(
    `Added agent "${input.name}", cloned from ${input.from} (commit ${written.commit.slice(0, 7)}):\n`,
  );
  for (const line of plan.lines) io.stdout.write(`  - ${line}\n`);
  return 0;
}
