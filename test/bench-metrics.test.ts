// `agentos bench metrics`: a small generated repository of several agents and many commits, timed
// `agentos metrics --json` runs in fresh processes, and the documented keys.
import { execFile } from 'node:child_process';
import { cpSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { compiledSource, tempDir } from './helpers/repo.js';

const run = promisify(execFile);

describe('agentos bench metrics', () => {
  it('generates a repository, times agentos metrics --json and prints the documented keys', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'tiny.json'),
      JSON.stringify({
        agents: 3,
        records: 1_200,
        world_files: 90,
        commits: 40,
        proposals: 12,
        segments: 3,
        runs: 1,
      }),
    );
    // AgentOS installed (the CLI compiled from src/ in lib/, the packaged template beside it) and
    // run as a child process: the bench starts its metrics runs as processes of their own.
    const install = tempDir('agentos-install-');
    cpSync(compiledSource(), join(install, 'lib'), { recursive: true });
    cpSync('template', join(install, 'template'), { recursive: true });
    cpSync('package.json', join(install, 'package.json'));
    symlinkSync(resolve('node_modules'), join(install, 'node_modules'));
    const { stdout } = await run(
      process.execPath,
      [join(install, 'lib/cli/index.js'), 'bench', 'metrics', '--json', '--config', 'tiny.json'],
      { cwd: dir },
    ).finally(() => {
      rmSync(install, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    });
    const output = JSON.parse(stdout) as {
      bench: string;
      config: Record<string, number>;
      results: Record<string, unknown> & { targets_met: Record<string, boolean> };
    };
    expect(output.bench).toBe('metrics');
    expect(output.config).toMatchObject({ agents: 3, records: 1_200, commits: 40, seed: 1 });
    for (const key of [
      'seconds',
      'first_run_seconds',
      'cpu_seconds',
      'peak_rss_mb',
      'metrics_with_values',
      'generate_seconds',
    ])
      expect(typeof output.results[key]).toBe('number');
    expect(output.results.agents).toBe(3);
    expect(output.results.metrics_total).toBe(39);
    // The generated data feeds the metrics: most have values in the current window.
    expect(output.results.metrics_with_values).toBeGreaterThan(20);
    expect(Object.keys(output.results.targets_met).sort()).toEqual([
      'first_run_seconds',
      'peak_rss_mb',
      'seconds',
    ]);
  }, 120_000);
});
