// `agentos bench world`: one JSON object with the documented keys, and the default configuration
// meeting its targets on a seed.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { memoryWatch } from '../src/memory/memory-watch.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/repo.js';

const RESULT_KEYS = [
  'promotion_precision',
  'recall',
  'median_correction_observations',
  'corrections',
  'collapse_rate',
  'false_merges',
];

describe('agentos bench world', () => {
  it('prints {bench, config, results} for a small configuration file', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'small.json'),
      JSON.stringify({
        entities: 20,
        facts: 40,
        misconceptions: 20,
        tasks: 200,
        aliased_entities: 6,
        learn_every: 50,
      }),
    );
    const run = await runCli(
      ['bench', 'world', '--json', '--seed', '7', '--config', 'small.json'],
      { cwd: dir },
    );
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const output = JSON.parse(lines[0]!) as {
      bench: string;
      config: Record<string, unknown>;
      results: Record<string, unknown>;
    };
    expect(output.bench).toBe('world');
    expect(output.config).toMatchObject({
      seed: 7,
      entities: 20,
      tasks: 200,
      false_claim_rate: 0.2,
      alias_mention_rate: 0.1,
    });
    for (const key of RESULT_KEYS) expect(output.results).toHaveProperty(key);
    expect(output.results.learning_runs).toBe(4);
    expect(output.results.claims).toBeGreaterThanOrEqual(200);
    const precision = output.results.promotion_precision as number;
    expect(precision).toBeGreaterThanOrEqual(0);
    expect(precision).toBeLessThanOrEqual(1);

    const again = await runCli(
      ['bench', 'world', '--json', '--seed', '7', '--config', 'small.json'],
      { cwd: dir },
    );
    expect(again.stdout).toBe(run.stdout);
  });

  it('meets its targets with the default configuration', async () => {
    const run = await runCli(['bench', 'world', '--json', '--check', '--seed', '1']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { config, results } = JSON.parse(run.stdout) as {
      config: Record<string, unknown>;
      results: Record<string, number | object>;
    };
    expect(config).toMatchObject({ tasks: 2000, entities: 80, facts: 200, learn_every: 100 });
    expect(results.promotion_precision).toBeGreaterThanOrEqual(0.95);
    expect(results.recall).toBeGreaterThanOrEqual(0.8);
    expect(results.median_correction_observations).toBeLessThanOrEqual(3);
    expect(results.collapse_rate).toBeGreaterThanOrEqual(0.9);
    expect(results.false_merges).toBe(0);
    expect(results.true_facts).toBe(200);
  });

  it('refuses bad usage with a one-line reason', async () => {
    const unknown = await runCli(['bench', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe(
      'agentos bench: name one benchmark (world, longevity, metrics, routing, learning, context), not "nope"',
    );
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.yaml'), 'false_claim_rate: 2\n');
    const bad = await runCli(['bench', 'world', '--config', 'bad.yaml'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^agentos bench: bad\.yaml: field "false_claim_rate": /);
  });
});

describe('agentos bench longevity', () => {
  it('measures a small and a larger generated agent and prints the documented keys', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'tiny.json'),
      JSON.stringify({
        small: { files: 8, records: 30 },
        large: { files: 80, records: 450 },
        iterations: 1,
        rounds: 2,
      }),
    );
    const run = await runCli(['bench', 'longevity', '--json', '--config', 'tiny.json'], {
      cwd: dir,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const output = JSON.parse(run.stdout) as {
      bench: string;
      results: Record<string, Record<string, unknown>> & { growth: number };
    };
    expect(output.bench).toBe('longevity');
    for (const size of ['small', 'large']) {
      const result = output.results[size]!;
      for (const key of [
        'iteration_ms',
        'learn_ms',
        'read_rewards_ms',
        'peak_rss_mb',
        'largest_file_kb',
        'timings_ms',
      ])
        expect(result).toHaveProperty(key);
      // One measured iteration in each of the two rounds.
      expect(result.iterations_ms).toHaveLength(2);
    }
    // Every generated record is read back, the last ones from recent/, the others from shards.
    expect(output.results.small!.records_read).toBe(30);
    expect(output.results.large!.records_read).toBe(450);
    expect(output.results.growth).toBeGreaterThan(0);
    expect(output.results.growth_by_round).toHaveLength(2);
    expect(output.results.targets_met).toMatchObject({
      every_record_read: true,
      largest_file_kb: true,
    });
    // The iterations ran in this process (from sources) and let go of the memory watch they held.
    expect(memoryWatch(dir, ['agents/orion'], () => Promise.resolve(dir))).toBeUndefined();
  }, 120_000);
});
