// `agentos metrics`: the thirteen learning metrics of each agent, from the repository alone, as a
// Markdown report with Mermaid charts or as versioned JSON.
import { resolve } from 'node:path';
import { Git } from '../../git/git.js';
import { writeFileAtomic } from '../../memory/files.js';
import { buildMetricsReport, METRICS_SCHEMA_VERSION, parseSince } from '../../metrics/report.js';
import { renderMetricsMarkdown } from '../../metrics/render.js';
import { DEFAULT_WINDOW, formatWindow, parseWindow } from '../../metrics/windows.js';
import {
  parse,
  repositoryDir,
  REPOSITORY_HELP,
  REPOSITORY_OPTIONS,
  type Command,
} from '../command.js';

export const metricsCommand: Command = {
  name: 'metrics',
  help: `Usage: agentos metrics [options]

Computes, from the repository alone (the reward log, world files, proposals and segments, the
history of routing.md), the thirteen learning metrics of every agent (or the one --agent names):
task success, context efficiency, reward trend, skill reuse, hypothesis promotion, contradiction
correction speed, duplicate collapse, cost per successful task, expensive calls, underpowered-call
failures, proposal acceptance, time to consensus and shared segment usefulness; each over the
window that ends at the agent's newest data, against the window before it. A metric without
enough data says so and why. Definitions: docs/metrics.md.

Options:
  --window W         7d (the last 7 days, the default) or 50tasks (the last 50 tasks): any
                     number of days (Nd) or tasks (Ntasks)
  --since DATE       leave out data before DATE (2026-11-01 or an ISO time)
  --json             print one JSON object (schema_version ${METRICS_SCHEMA_VERSION}, see docs/metrics.md)
  --out FILE         write the report to FILE instead of standard output
${REPOSITORY_HELP.replace('(default: the first in agents.yaml)', '(default: every agent)')}

Exit codes: 0 reported; 2 bad usage or bad input.`,
  async run(argv, io) {
    const { values } = parse('metrics', argv, {
      ...REPOSITORY_OPTIONS,
      window: { type: 'string' },
      since: { type: 'string' },
      json: { type: 'boolean' },
      out: { type: 'string' },
    });
    if (values.help) {
      io.stdout.write(`${this.help}\n`);
      return 0;
    }
    const window = values.window === undefined ? DEFAULT_WINDOW : parseWindow(values.window);
    const since = values.since === undefined ? undefined : parseSince(values.since);
    const repoRoot = repositoryDir(io, values.dir);
    const report = await buildMetricsReport({
      repoRoot,
      git: Git.create(repoRoot),
      ...(values.agent !== undefined ? { agent: values.agent } : {}),
      ...(since !== undefined ? { since } : {}),
      window,
    });
    const text = values.json
      ? `${JSON.stringify(report)}\n`
      : renderMetricsMarkdown(report, window);
    if (values.out !== undefined) {
      const file = resolve(io.cwd, values.out);
      writeFileAtomic(file, text);
      io.stdout.write(
        `wrote the metrics of ${report.agents.map((a) => a.agent).join(', ')} (${formatWindow(window)}) to ${values.out}\n`,
      );
    } else io.stdout.write(text);
    return 0;
  },
};
