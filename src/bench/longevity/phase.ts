// One measured phase of `agentos bench longevity` (reading the log, iterations, learning) on an
// already generated agent, run in a fresh Node process as a user's `agentos run` or `agentos learn`
// would be, so its peak memory is the phase's own and not the generator's or another phase's.
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Git } from '../../git/git.js';
import { runLearning } from '../../learning/run.js';
import type { Model } from '../../llm/model.js';
import { OfflineModel } from '../../llm/offline/offline-model.js';
import { runIteration } from '../../loop/iteration.js';
import { watchMemoryChanges } from '../../memory/memory-watch.js';
import { readRewardLog } from '../../memory/reward-log.js';
import { exitWithParent, runNodeForJson } from '../node-process.js';
import { Random } from '../random.js';
import { BENCH_AGENT, phrase } from './generate.js';

export type PhaseName = 'read' | 'iterations' | 'settle' | 'learn';

export interface PhaseInput {
  phase: PhaseName;
  dir: string;
  seed: number;
  iterations: number;
  /**
   * Which round of iterations this is (0 first): each round's tasks are new ones (their own ids
   * and texts), since a task already done is only looked up, not run again.
   */
  round?: number;
}

export interface PhaseResult {
  /** read: the read; iterations: each iteration after the first, model time left out; settle, learn: the run. */
  times_ms: number[];
  /** iterations: the first iteration; others: 0. */
  first_ms: number;
  records_read: number;
  /** The phase's process: its peak resident memory. */
  peak_rss_mb: number;
}

/** The model's own time is left out: it is the iteration around it that is measured. */
function timedModel(model: Model): Model & { spentMs: number } {
  const timed = {
    spentMs: 0,
    kind: model.kind,
    async solve(request: Parameters<Model['solve']>[0]) {
      const start = performance.now();
      try {
        return await model.solve(request);
      } finally {
        timed.spentMs += performance.now() - start;
      }
    },
  };
  return timed;
}

const rssMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

/** Runs the phase in this process. */
export async function runPhase(input: PhaseInput): Promise<PhaseResult> {
  const { dir } = input;
  const git = Git.create(dir);
  const times: number[] = [];
  let first = 0;
  let recordsRead = 0;
  if (input.phase === 'read') {
    // The whole log, as a learning run or a metrics report reads it, once per process.
    const began = performance.now();
    recordsRead = readRewardLog(dir, BENCH_AGENT).records.length;
    times.push(performance.now() - began);
  } else if (input.phase === 'iterations') {
    // Iterations one after another in one process, as `run --all` and the daemon run them (the
    // watch is let go after them: from TypeScript sources the phase runs in the bench's process).
    const release = watchMemoryChanges();
    try {
      const model = timedModel(new OfflineModel());
      const round = input.round ?? 0;
      const random = new Random(input.seed + 1 + round * 7919);
      for (let i = 0; i <= input.iterations; i++) {
        const text = `Fix the ${phrase(random, 3)} with ${phrase(random, 2)} and retry`;
        model.spentMs = 0;
        const began = performance.now();
        const ran = await runIteration(
          { repoRoot: dir, git, model },
          { id: `bench-${round}-${i}`, text, agent: BENCH_AGENT, source: 'cli' },
        );
        const spent = performance.now() - began - model.spentMs;
        // A task that was only looked up (already done) or stopped would time something else.
        if (ran.status !== 'done')
          throw new Error(`longevity bench: an iteration must run its task: ${ran.summary}`);
        // The first iteration warms the process (module loading, the JIT) and builds the memory
        // index, as an agent's first run after an upgrade does; the rest are what every run costs.
        if (i > 0) times.push(spent);
        else first = spent;
      }
    } finally {
      release();
    }
  } else if (input.phase === 'settle') {
    // A learning run that settles whatever the generated memory calls for (thousands of index
    // pages and promotions): the catch-up the measured run below must not include.
    const began = performance.now();
    await runLearning({ repoRoot: dir, git, agent: BENCH_AGENT });
    times.push(performance.now() - began);
  } else {
    // A learning run with nothing new to learn, in a fresh process as a nightly `agentos learn`.
    const began = performance.now();
    await runLearning({ repoRoot: dir, git, agent: BENCH_AGENT });
    times.push(performance.now() - began);
  }
  return { times_ms: times, first_ms: first, records_read: recordsRead, peak_rss_mb: rssMb() };
}

/** This file, compiled: absent when the bench runs from TypeScript sources (the tests). */
const PHASE_SCRIPT = fileURLToPath(import.meta.url);
/**
 * Only the compiled file of its own is the phase script. Inside a bundle (the action's
 * dist/index.js, which also serves `agentos daemon`) this module's URL is the bundle's, whose
 * arguments are a command, not a phase: there phases run in the bench's process.
 */
const IS_OWN_SCRIPT = basename(PHASE_SCRIPT) === 'phase.js';

/** Whether phases can run in their own process (the compiled product), or only in this one. */
export function phasesRunInChildProcess(): boolean {
  return IS_OWN_SCRIPT && existsSync(PHASE_SCRIPT);
}

/** Runs the phase in a fresh Node process and returns what it measured. */
export async function runPhaseInChild(input: PhaseInput): Promise<PhaseResult> {
  return (await runNodeForJson(
    [PHASE_SCRIPT, JSON.stringify(input)],
    `longevity ${input.phase} phase`,
  )) as PhaseResult;
}

// Run as a script: the phase named by the JSON argument, its result as JSON on standard output.
if (IS_OWN_SCRIPT && process.argv[1] === PHASE_SCRIPT && process.argv[2] !== undefined) {
  exitWithParent();
  const input = JSON.parse(process.argv[2]) as PhaseInput;
  process.stdout.write(JSON.stringify(await runPhase(input)));
}
