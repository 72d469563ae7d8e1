// `agentos learn`
import { Git } from '../../git/git.js';
import { runLearning } from '../../learning/run.js';
import { streamLogger } from '../../log.js';
import { findAgent, loadRegistry } from '../../memory/registry.js';
import {
  parse,
  repositoryDir,
  REPOSITORY_HELP,
  REPOSITORY_OPTIONS,
  type Command,
} from '../command.js';

export const learnCommand: Command = {
  name: 'learn',
  help: `Usage: agentos learn [options]

Runs a learning run for every agent in agents.yaml (or the one --agent names): settles
contradicted beliefs, collapses duplicate concepts, promotes hypotheses with enough independent
support, decays unused confidence, archives stale skills, regenerates skills.md and
world/index.md, and writes a dated reflection in reflections.md. Each step is its own commit, made
only when it changed something: a second run with nothing new commits nothing.

learning: constrained proposes promotions on a branch agentos/promotions-<agent>-<date> for
review instead; learning: none changes no belief or skill (the reflection is still written).

Options:
${REPOSITORY_HELP.replace('(default: the first in agents.yaml)', '(default: every agent)')}`,
  async run(argv, io) {
    const { values } = parse('learn', argv, REPOSITORY_OPTIONS);
    if (values.help) {
      io.stdout.write(`${this.help}\n`);
      return 0;
    }
    const repoRoot = repositoryDir(io, values.dir);
    const registry = loadRegistry(repoRoot);
    const agents =
      values.agent !== undefined
        ? [findAgent(registry, values.agent).name]
        : registry.agents.map((agent) => agent.name);
    const git = Git.create(repoRoot);
    const logger = streamLogger(io.stderr, values.verbose);
    for (const agent of agents) {
      const result = await runLearning({
        repoRoot,
        git,
        agent,
        logger: { ...logger, info: () => {} },
      });
      io.stdout.write(`${result.summary}\n`);
      for (const commit of result.commits) {
        const where = commit.branch ? ` on ${commit.branch}` : '';
        io.stdout.write(`  ${commit.sha.slice(0, 7)}${where}  ${commit.subject}\n`);
      }
    }
    return 0;
  },
};
