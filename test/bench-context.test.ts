// `agentos bench context`: one JSON object with every policy's recall and token share, the same
// output for the same seed, and the flags it takes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/repo.js';

interface PolicyResult {
  recall: number;
  token_share: number;
  tokens_median: number;
}

interface ContextOutput {
  bench: string;
  config: Record<string, unknown>;
  results: {
    policies: Record<string, PolicyResult>;
    tokenizer: string;
    memory_items: Record<string, number>;
    tasks: number;
    targets_met: Record<string, boolean>;
  };
}

describe('agentos bench context', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'small.json'), JSON.stringify({ tasks: 20, history: 100 }));
  const bench = (seed: string) =>
    runCli(
      ['bench', 'context', '--json', '--seed', seed, '--files', '300', '--config', 'small.json'],
      { cwd: dir },
    );

  it('prints every policy with recall and token share, the same for the same seed', async () => {
    const run = await bench('3');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const output = JSON.parse(lines[0]!) as ContextOutput;
    expect(output.bench).toBe('context');
    expect(output.config).toMatchObject({ seed: 3, files: 300, tasks: 20, token_budget: 4000 });
    const { policies } = output.results;
    expect(Object.keys(policies)).toEqual(['load-everything', 'tags-only', 'bm25-only', 'agentos']);
    expect(policies['load-everything']).toMatchObject({ recall: 1, token_share: 1 });
    for (const policy of Object.values(policies)) {
      expect(policy.recall).toBeGreaterThanOrEqual(0);
      expect(policy.recall).toBeLessThanOrEqual(1);
      expect(policy.token_share).toBeGreaterThan(0);
      expect(policy.token_share).toBeLessThanOrEqual(1);
    }
    // The baselines get no more tokens than the product used.
    for (const baseline of ['tags-only', 'bm25-only'])
      expect(policies[baseline]!.tokens_median).toBeLessThanOrEqual(
        policies.agentos!.tokens_median,
      );
    expect(output.results.tokenizer).toBe('o200k_base');
    const items = Object.values(output.results.memory_items).reduce((sum, n) => sum + n, 0);
    expect(items).toBe(300);
    expect(output.results.tasks).toBe(20);

    const again = await bench('3');
    expect(again.stdout).toBe(run.stdout);
    const other = await bench('4');
    expect(other.code).toBe(0);
    expect(other.stdout).not.toBe(run.stdout);
  });

  it('refuses a bad --files with a one-line reason', async () => {
    const bad = await runCli(['bench', 'context', '--files', 'many']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('agentos bench: --files must be a whole number, not "many"');
    const small = await runCli(['bench', 'context', '--files', '10']);
    expect(small.code).toBe(2);
    expect(small.stderr).toMatch(/^agentos bench: --files: field "files": /);
  });
});
