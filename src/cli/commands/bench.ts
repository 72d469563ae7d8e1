// `agentos bench <name>`
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { BENCHES } from '../../bench/benches.js';
import { InputError, UsageError } from '../../errors.js';
import { readTextIfExists } from '../../memory/files.js';
import { parse, type Command } from '../command.js';

export const benchCommand: Command = {
  name: 'bench',
  help: `Usage: agentos bench <name> [--json] [--seed N] [--config FILE] [--check]

Benchmarks:
${BENCHES.map((b) => `  ${b.name.padEnd(8)} ${b.summary}`).join('\n')}

Prints {bench, config, results}: with --json as one JSON object, else as readable lines.
The keys are documented in bench/README.md.

Options:
  --json          print one JSON object
  --seed N        the seed (overrides the config file)
  --files N       memory items to generate (bench context; overrides the config file)
  --config FILE   a JSON or YAML file of configuration keys; missing keys take their defaults
  --check         exit 1 when a target of the benchmark is missed
  -h, --help      show this help`,
  async run(argv, io) {
    const { values, positionals } = parse(
      'bench',
      argv,
      {
        json: { type: 'boolean' },
        seed: { type: 'string' },
        files: { type: 'string' },
        config: { type: 'string' },
        check: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      true,
    );
    if (values.help) {
      io.stdout.write(`${this.help}\n`);
      return 0;
    }
    const [name, ...extra] = positionals;
    const bench = BENCHES.find((b) => b.name === name);
    if (!bench || extra.length > 0)
      throw new UsageError(
        `bench: name one benchmark (${BENCHES.map((b) => b.name).join(', ')}), not "${positionals.join(' ')}"`,
      );
    let raw: Record<string, unknown> = {};
    if (values.config !== undefined) {
      const file = resolve(io.cwd, values.config);
      const text = readTextIfExists(file);
      if (text === undefined) throw new InputError(`--config: ${values.config} does not exist`);
      let parsed: unknown;
      try {
        parsed = parseYaml(text);
      } catch (error) {
        throw new InputError(`--config: ${values.config} is not JSON or YAML: ${String(error)}`);
      }
      if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed)))
        throw new InputError(
          `--config: ${values.config} must hold an object of configuration keys`,
        );
      raw = (parsed ?? {}) as Record<string, unknown>;
    }
    if (values.seed !== undefined) {
      if (!/^-?\d+$/.test(values.seed))
        throw new UsageError(`bench: --seed must be a whole number, not "${values.seed}"`);
      raw = { ...raw, seed: Number(values.seed) };
    }
    if (values.files !== undefined) {
      if (!/^\d+$/.test(values.files))
        throw new UsageError(`bench: --files must be a whole number, not "${values.files}"`);
      raw = { ...raw, files: Number(values.files) };
    }
    const checked = bench.schema.safeParse(raw);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new InputError(
        `${values.config ?? (values.files !== undefined ? '--files' : '--seed')}: field "${issue?.path.join('.') ?? ''}": ${issue?.message ?? 'invalid'}`,
      );
    }
    const config = checked.data;
    const results = await bench.run(config);
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ bench: bench.name, config, results })}\n`);
    } else {
      io.stdout.write(`bench ${bench.name} (seed ${config.seed})\n`);
      for (const [key, value] of Object.entries(results)) {
        if (key === 'targets') continue;
        io.stdout.write(`  ${key.padEnd(32)} ${JSON.stringify(value)}\n`);
      }
    }
    const missed = Object.entries(results.targets_met ?? {}).filter(([, met]) => !met);
    if (values.check && missed.length > 0) {
      io.stderr.write(
        `agentos bench ${bench.name}: targets missed: ${missed.map(([key]) => key).join(', ')}\n`,
      );
      return 1;
    }
    return 0;
  },
};
