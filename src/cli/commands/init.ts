// `agentos init [DIR]`
import { resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { initRepository } from '../../scaffold/init.js';
import { parse, type Command } from '../command.js';

export const initCommand: Command = {
  name: 'init',
  summary: 'create a new agent repository from the template',
  help: `Usage: agentos init [DIR]

Creates DIR (default: the current folder) as a git repository holding agents.yaml, the template
agents (orion, iris) with their starting files, shared/iac/, .gitignore and .gitattributes, and
commits them. Refuses a folder that already has an agents.yaml.

Options:
  -h, --help   show this help`,
  async run(argv, io) {
    const { values, positionals } = parse(
      'init',
      argv,
      { help: { type: 'boolean', short: 'h' } },
      true,
    );
    if (values.help) {
      io.stdout.write(`${this.help}\n`);
      return 0;
    }
    if (positionals.length > 1)
      throw new UsageError('init: takes at most one folder (see "agentos init --help")');
    const dir = resolve(io.cwd, positionals[0] ?? '.');
    const result = await initRepository(dir);
    io.stdout.write(
      `Initialised an AgentOS agent repository in ${dir} (commit ${result.commit.slice(0, 7)}).\n`,
    );
    io.stdout.write(`Next: agentos enqueue --dir ${dir} "your task" && agentos run --dir ${dir}\n`);
    return 0;
  },
};
