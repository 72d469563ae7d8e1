// `agentos bench metrics`: how long `agentos metrics --json` takes, and how much memory it needs,
// on a long-lived repository (by default 100,000 reward records and 10,000 world files across 3
// agents, 5,000 commits). Each run is a fresh process, as a person or a workflow runs the CLI: the
// first builds the memory index (as a fresh clone would, every file read), the later ones reuse it.
// A fresh Node process per run, not git: its wall time and peak RSS are what a user of the CLI sees.
// eslint-disable-next-line no-restricted-imports
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { METRIC_IDS } from '../../metrics/definitions.js';
import { MetricsReportSchema } from '../../metrics/json-schema.js';
import { generateMetricsRepository } from './generate.js';
import { benchScratchDir } from '../scratch.js';

export const MetricsBenchConfigSchema = z.strictObject({
  seed: z.number().int().default(1),
  agents: z.number().int().min(1).max(6).default(3),
  records: z.number().int().min(1).default(100_000),
  world_files: z.number().int().min(1).default(10_000),
  commits: z.number().int().min(2).default(5_000),
  proposals: z.number().int().min(0).default(150),
  segments: z.number().int().min(0).default(20),
  /** Timed runs after the first (which builds the memory index); the median is reported. */
  runs: z.number().int().min(1).max(20).default(3),
});
export type MetricsBenchConfig = z.infer<typeof MetricsBenchConfigSchema>;

export const METRICS_TARGETS = { seconds: 3, peak_rss_mb: 400 };

// This file sits in lib/bench/metrics/ (src/ in the tests); the CLI two levels up.
const CLI_MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'cli', 'main.js');

/**
 * One `agentos metrics --json` in a fresh Node process: its wall time (start-up included), its
 * peak RSS, and the JSON it printed, checked against the schema.
 */
function runMetricsProcess(
  dir: string,
): Promise<{ seconds: number; cpuSeconds: number; rssMb: number; json: string }> {
  const script = `
    import { main } from ${JSON.stringify(CLI_MAIN)};
    import { Writable } from 'node:stream';
    const chunks = [];
    const stdout = new Writable({ write(chunk, _e, done) { chunks.push(chunk); done(); } });
    const code = await main(['metrics', '--json', '--dir', ${JSON.stringify(dir)}], { stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env });
    const usage = process.resourceUsage();
    process.stdout.write(JSON.stringify({ code, rss: usage.maxRSS, cpu: (usage.userCPUTime + usage.systemCPUTime) / 1e6, json: Buffer.concat(chunks).toString('utf8') }));
  `;
  return new Promise((resolve, reject) => {
    const began = performance.now();
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - began) / 1000;
      try {
        const result = JSON.parse(Buffer.concat(out).toString('utf8')) as {
          code: number;
          rss: number;
          cpu: number;
          json: string;
        };
        if (code !== 0 || result.code !== 0) throw new Error(`exit ${result.code}`);
        resolve({
          seconds,
          cpuSeconds: result.cpu,
          rssMb: Math.round(result.rss / 1024),
          json: result.json,
        });
      } catch (error) {
        reject(
          new Error(
            `agentos metrics --json failed (${String(error)}): ${Buffer.concat(err).toString('utf8').slice(0, 2000)}`,
          ),
        );
      }
    });
  });
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

export async function runMetricsBench(config: MetricsBenchConfig) {
  const dir = benchScratchDir('metrics', tmpdir());
  try {
    const start = performance.now();
    const { agents } = await generateMetricsRepository(dir, config, config.seed);
    const generateSeconds = (performance.now() - start) / 1000;

    const first = await runMetricsProcess(dir);
    const runs = [];
    for (let i = 0; i < config.runs; i++) runs.push(await runMetricsProcess(dir));
    const report = MetricsReportSchema.parse(JSON.parse(first.json));
    const seconds =
      [...runs.map((r) => r.seconds)].sort((a, b) => a - b)[Math.floor(runs.length / 2)] ?? 0;
    const peak = Math.max(first.rssMb, ...runs.map((r) => r.rssMb));
    const computed = report.agents.reduce(
      (n, agent) => n + agent.metrics.filter((m) => m.current.status === 'ok').length,
      0,
    );
    return {
      seconds: round2(seconds),
      first_run_seconds: round2(first.seconds),
      runs_seconds: runs.map((r) => round2(r.seconds)),
      // CPU time (user + system) of the timed runs: on a shared machine, wall time also counts
      // the time other processes held the cores.
      cpu_seconds: round2(
        [...runs.map((r) => r.cpuSeconds)].sort((a, b) => a - b)[Math.floor(runs.length / 2)] ?? 0,
      ),
      first_run_cpu_seconds: round2(first.cpuSeconds),
      peak_rss_mb: peak,
      agents: agents.length,
      metrics_with_values: computed,
      metrics_total: report.agents.length * METRIC_IDS.length,
      generate_seconds: round2(generateSeconds),
      targets: METRICS_TARGETS,
      targets_met: {
        seconds: seconds < METRICS_TARGETS.seconds,
        first_run_seconds: first.seconds < METRICS_TARGETS.seconds,
        peak_rss_mb: peak <= METRICS_TARGETS.peak_rss_mb,
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
