// `agentos demo`
import { runDemo } from '../../demo/demo.js';
import { parse, type Command } from '../command.js';

export const demoCommand: Command = {
  name: 'demo',
  help: `Usage: agentos demo [--dir DIR]

Creates a fresh agent repository (in a temporary folder, or DIR), enqueues the seed's task and
related ones, runs them all with the offline model, and prints what the agent did: per task the
tier, outcome and reward, the skills and world files it created or changed, and git log.

Options:
  -C, --dir DIR   where to create the repository (must not hold an agents.yaml yet)
  -h, --help      show this help`,
  async run(argv, io) {
    const { values } = parse('demo', argv, {
      dir: { type: 'string', short: 'C' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      io.stdout.write(`${this.help}\n`);
      return 0;
    }
    await runDemo({ out: io.stdout, ...(values.dir ? { dir: values.dir } : {}) });
    return 0;
  },
};
