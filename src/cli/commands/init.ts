// `agentos init [DIR]`
import { resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import {
  installedRelease,
  shippedWorkflow,
  WORKFLOW_PATH,
  workflowForAgentRepository,
  type ActionRelease,
} from '../../scaffold/github-workflow.js';
import { initRepository } from '../../scaffold/init.js';
import { parse, type Command } from '../command.js';

export const initCommand: Command = {
  name: 'init',
  help: `Usage: agentos init [DIR]

Creates DIR (default: the current folder) as a git repository holding agents.yaml, the template
agents (orion, iris) with their starting files, shared/iac/, .gitignore and .gitattributes, and
commits them. Refuses a folder that already has an agents.yaml.

Options:
  --github          also write .github/workflows/agentos.yml: the workflow AgentOS ships (issues,
                    comment commands, reviews, the nightly learning run, manual runs; least
                    permissions, one concurrency group per issue, proposal and agent), with the
                    action pinned to this version's release tag
  --action REF      pin the workflow to REF (OWNER/NAME@TAG, e.g. a fork's release) instead
  -h, --help        show this help

After --github: push the repository to GitHub, set the LLM_API_KEY secret, and see README.md,
"Set it up on GitHub", for the label, permissions and branch protection.`,
  async run(argv, io) {
    const { values, positionals } = parse(
      'init',
      argv,
      {
        github: { type: 'boolean' },
        action: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      true,
    );
    if (values.help) {
      io.stdout.write(`${this.help}\n`);
      return 0;
    }
    if (positionals.length > 1)
      throw new UsageError('init: takes at most one folder (see "agentos init --help")');
    const dir = resolve(io.cwd, positionals[0] ?? '.');
    if (values.action !== undefined && !values.github)
      throw new UsageError('--action pins the workflow --github writes: add --github');
    const release = values.github ? actionRelease(values.action) : undefined;
    const workflow = release && workflowForAgentRepository(shippedWorkflow(), release);
    const result = await initRepository(dir, {
      ...(workflow !== undefined ? { extraFiles: { [WORKFLOW_PATH]: workflow } } : {}),
    });
    io.stdout.write(
      `Initialised an AgentOS agent repository in ${dir} (commit ${result.commit.slice(0, 7)}).\n`,
    );
    if (release)
      io.stdout.write(
        `Wrote ${WORKFLOW_PATH}, pinned to ${release.repository}@${release.tag}; on GitHub, follow README.md, "Set it up on GitHub".\n`,
      );
    io.stdout.write(`Next: agentos enqueue --dir ${dir} "your task" && agentos run --dir ${dir}\n`);
    return 0;
  },
};

/** The release the workflow pins: --action OWNER/NAME@TAG, else this installation's own. */
function actionRelease(flag: string | undefined): ActionRelease {
  if (flag === undefined) return installedRelease();
  const match = /^([\w.-]+\/[\w.-]+)@([\w./-]+)$/.exec(flag.trim());
  if (!match)
    throw new UsageError(`--action "${flag}" is not OWNER/NAME@TAG (e.g. agentos/agentos@v1.2.0)`);
  return { repository: match[1]!, tag: match[2]! };
}
