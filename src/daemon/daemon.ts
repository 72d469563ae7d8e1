// `agentos daemon`, the seed's container mode: polls queue.md of every agent of the repository,
// runs their tasks one at a time through the same iteration as `agentos run`, runs the learning run
// once a day at the configured hour, pushes each piece of work when a remote is configured, and
// keeps a health file. A stop request is honoured between two pieces of work, never inside one:
// an iteration either lands whole (commit, then push) or, if the process is killed, is rolled back
// by the change journal at the next start, its task still pending.
import { AgentOSError, errorMessage, InputError } from '../errors.js';
import { Git, safeDirectoryConfig } from '../git/git.js';
import { PackingSchedule } from '../git/housekeeping.js';
import { BudgetExhaustedError, budgetLimits, RunBudget } from '../llm/budget.js';
import { createModel } from '../llm/create-model.js';
import { rememberingModel } from '../llm/remembering-model.js';
import { runLearning, type LearningResult } from '../learning/run.js';
import { silentLogger, type Logger } from '../log.js';
import { readAgentMemory } from '../loop/agent-memory.js';
import { runIteration, type IterationResult } from '../loop/iteration.js';
import { ensureNothingUnpushed, publishWork, type PublishTarget } from '../loop/publish.js';
import { queueNeedsRepair, repairQueue } from '../loop/queue-repair.js';
import { taskFromQueue, type Task } from '../loop/task.js';
import { ChangeInProgressError, recoverInterruptedChange } from '../memory/journal.js';
import { loadRegistry } from '../memory/registry.js';
import { watchMemoryChanges } from '../memory/memory-watch.js';
import { settleReviews } from '../review/settle.js';
import { HealthFile, readHealth } from './health.js';
import { isLearningDue, utcDay } from './schedule.js';
import type { DaemonSettings } from './settings.js';

/** What the daemon reports as it goes; the CLI turns each into one log line. */
export type DaemonEvent =
  | { kind: 'started'; agents: string[]; target: PublishTarget | undefined; healthFile: string }
  | { kind: 'task'; result: IterationResult; pushed: boolean }
  | { kind: 'learning'; result: LearningResult; pushed: boolean }
  | { kind: 'error'; message: string }
  | { kind: 'stopping'; reason: string }
  | { kind: 'stopped'; done: number; failed: number };

export interface DaemonDeps {
  settings: DaemonSettings;
  /** The environment the model settings are read from (LLM_API_KEY, LLM_BASE_URL, LLM_MODEL). */
  env: NodeJS.ProcessEnv;
  /** Aborted when the daemon should stop (SIGTERM): the work in hand finishes first. */
  stop: AbortSignal;
  report: (event: DaemonEvent) => void;
  logger?: Logger;
  now?: () => Date;
}

export interface DaemonSummary {
  done: number;
  failed: number;
  learningRuns: number;
}

/** Waits `ms`, or less when `stop` is aborted. */
function pause(ms: number, stop: AbortSignal): Promise<void> {
  if (stop.aborted) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(finish, ms);
    function finish(): void {
      clearTimeout(timer);
      stop.removeEventListener('abort', finish);
      done();
    }
    stop.addEventListener('abort', finish, { once: true });
  });
}

/** The remote memory is pushed to, on the branch checked out; undefined when none is configured. */
async function pushTarget(
  git: Git,
  remote: string | undefined,
): Promise<PublishTarget | undefined> {
  if (remote === undefined) return undefined;
  const name = remote === 'auto' ? 'origin' : remote;
  if (!(await git.hasRemote(name))) {
    if (remote === 'auto') return undefined;
    throw new InputError(
      `--remote/AGENTOS_REMOTE names "${name}", which is not a remote of the repository (git remote -v)`,
    );
  }
  const branch = await git.currentBranch();
  if (!branch)
    throw new InputError(
      `the repository's HEAD is detached: check out the branch the daemon should commit to before pushing to "${name}"`,
    );
  return { remote: name, branch };
}

export async function runDaemon(deps: DaemonDeps): Promise<DaemonSummary> {
  // Task after task reads the same memory: each read hears what changed since the last one.
  const release = watchMemoryChanges();
  try {
    return await serve(deps);
  } finally {
    release();
  }
}

async function serve(deps: DaemonDeps): Promise<DaemonSummary> {
  const { settings, stop, report } = deps;
  const logger = deps.logger ?? silentLogger;
  const now = deps.now ?? (() => new Date());
  const repoRoot = settings.dataDir;
  // A mounted data directory usually belongs to another user than the container's: mark it safe.
  const git = Git.create(repoRoot, { config: safeDirectoryConfig(repoRoot) });
  if (!(await git.isRepository()))
    throw new InputError(
      `${repoRoot} (DATA_DIR or --dir) is not a git repository: create it with "agentos init ${repoRoot}"`,
    );
  const agents = () => loadRegistry(repoRoot).agents.map((agent) => agent.name);
  agents();
  // A daemon killed earlier may have left a change half-made: repair it before reading memory.
  await recoverInterruptedChange({ repoRoot, git, logger });
  const target = await pushTarget(git, settings.remote);
  const healthPath = settings.healthFile ?? (await git.gitPath('agentos/daemon-health.json'));
  const started = now().toISOString();
  const health = new HealthFile(
    healthPath,
    {
      state: 'starting',
      pid: process.pid,
      started_at: started,
      updated_at: started,
      data_dir: repoRoot,
      poll_interval_seconds: settings.pollIntervalSeconds,
      current_task: null,
      tasks_done: 0,
      tasks_failed: 0,
      last_task: null,
      last_learning_day: readHealth(healthPath)?.last_learning_day ?? null,
      push_target: target ? `${target.remote}/${target.branch}` : null,
      last_error: null,
    },
    now,
  );
  health.update({});
  report({ kind: 'started', agents: agents(), target, healthFile: healthPath });

  const summary: DaemonSummary = { done: 0, failed: 0, learningRuns: 0 };
  // Failed tasks stay pending in queue.md (for `agentos retry`); the daemon does not retry them
  // on its own, so a task the model cannot answer does not spend the budget every poll.
  const failedTasks = new Set<string>();
  const key = (task: Pick<Task, 'agent' | 'id'>) => `${task.agent}/${task.id}`;
  /** The problem last reported for each agent whose memory cannot be read, so it is said once. */
  const agentProblems = new Map<string, string>();

  const publish = <T>(work: () => Promise<T>) => publishWork<T>({ git, target, logger, work });

  const learnIfDue = async (): Promise<void> => {
    const at = now();
    if (!isLearningDue(at, settings.learnHourUtc, health.current.last_learning_day ?? undefined))
      return;
    health.update({ state: 'learning' });
    for (const agent of agents()) {
      if (stop.aborted) return;
      const { value, push } = await publish(() =>
        runLearning({ repoRoot, git, agent, now, logger }),
      );
      if (value.proposalBranch && target) await git.pushBranch(target.remote, value.proposalBranch);
      summary.learningRuns++;
      report({ kind: 'learning', result: value, pushed: push !== undefined });
    }
    health.update({ last_learning_day: utcDay(at) });
  };

  /** The next pending task of any agent, in agents.yaml order; queues are repaired on the way. */
  const nextTask = async (): Promise<Task | undefined> => {
    for (const agent of agents()) {
      let memory;
      try {
        memory = await readAgentMemory(repoRoot, git, agent);
        if (queueNeedsRepair(memory.queue, memory.rewardIndex)) {
          await publish(() => repairQueue({ repoRoot, git, agent, now, logger }));
          memory = await readAgentMemory(repoRoot, git, agent);
        }
        // An assistant's reviews merged since the last poll make their tasks done; rejected
        // ones (a review branch deleted unmerged) wait for `agentos retry`.
        if (memory.queue.entries.some((entry) => entry.status === 'review')) {
          const settled = await publish(() => settleReviews({ repoRoot, git, agent, now, logger }));
          if (settled.value.commit) memory = await readAgentMemory(repoRoot, git, agent);
        }
        agentProblems.delete(agent);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        // One agent's broken file (a conflict left in its queue.md) does not stop the others.
        const message = errorMessage(error);
        if (agentProblems.get(agent) !== message) report({ kind: 'error', message });
        agentProblems.set(agent, message);
        continue;
      }
      const passOver = new Set(
        [...failedTasks]
          .filter((k) => k.startsWith(`${agent}/`))
          .map((k) => k.slice(agent.length + 1)),
      );
      const task = taskFromQueue(agent, memory.queue, undefined, passOver);
      if (task) return task;
    }
    return undefined;
  };

  const runTask = async (task: Task): Promise<void> => {
    health.update({ state: 'working', current_task: key(task) });
    // One model per task, remembering its answer: a push rejected by a concurrent run replays the
    // task on the newer memory without asking the model again.
    const model = rememberingModel(createModel(loadRegistry(repoRoot), deps.env, { logger }));
    const budget = new RunBudget(budgetLimits({}, deps.env));
    let result: IterationResult;
    let pushed = false;
    try {
      const published = await publish(() =>
        runIteration({ repoRoot, git, model, budget, now, logger }, task),
      );
      result = published.value;
      pushed = published.push !== undefined;
      // An assistant's memory change waits on its review branch: the remote gets it too.
      if (result.review && target) await git.forcePushBranch(target.remote, result.review.branch);
    } catch (error) {
      if (!(error instanceof BudgetExhaustedError)) throw error;
      failedTasks.add(key(task));
      summary.failed++;
      health.update({ current_task: null, tasks_failed: summary.failed });
      report({ kind: 'error', message: `${key(task)} stopped by the budget: ${error.message}` });
      return;
    }
    if (result.status === 'failed') {
      failedTasks.add(key(task));
      summary.failed++;
    } else if (result.status === 'done') summary.done++;
    health.update({
      current_task: null,
      tasks_done: summary.done,
      tasks_failed: summary.failed,
      last_task: {
        task: key(task),
        outcome: result.status === 'done' ? (result.record?.outcome ?? 'done') : result.status,
        at: now().toISOString(),
        commit: result.commit ?? null,
      },
    });
    report({ kind: 'task', result, pushed });
  };

  let tasksRun = 0;
  // The daily learning run packs loose objects too; a busy day's tasks do not wait for it.
  const packing = new PackingSchedule(git, logger);
  const stopReason = (): string | undefined => {
    if (stop.aborted) return 'stop requested';
    if (settings.maxTasks !== undefined && tasksRun >= settings.maxTasks)
      return `ran ${tasksRun} task(s) (--max-tasks)`;
    return undefined;
  };
  // The work in hand goes on; the health file says the daemon is on its way out.
  const onStop = (): void => health.update({ state: 'stopping' });
  stop.addEventListener('abort', onStop, { once: true });
  // An error that comes back every poll (an unreachable remote) is reported once, not every poll.
  let lastError: string | undefined;
  for (;;) {
    const reason = stopReason();
    if (reason) {
      report({ kind: 'stopping', reason });
      break;
    }
    let task: Task | undefined;
    try {
      // Start from the remote's newest memory (tasks enqueued there too); a checkout holding
      // commits the remote lacks is reported, and nothing is pushed until a person settles it.
      if (target) await ensureNothingUnpushed(git, target);
      await learnIfDue();
      if (stop.aborted) continue;
      task = await nextTask();
      if (task) {
        tasksRun++;
        await runTask(task);
        await packing.taskDone();
        lastError = undefined;
        continue;
      }
      lastError = undefined;
    } catch (error) {
      if (!(error instanceof AgentOSError)) throw error;
      // A problem a person can fix (a broken file, an unreachable remote): report it, keep polling.
      const message = errorMessage(error);
      health.update({ current_task: null, last_error: { at: now().toISOString(), message } });
      if (message !== lastError) report({ kind: 'error', message });
      lastError = message;
      // A task that failed this way is not picked again (it would fail every poll), unless another
      // run was merely changing the repository at the time.
      if (task && !(error instanceof ChangeInProgressError)) failedTasks.add(key(task));
    }
    if (settings.once && !task) {
      report({ kind: 'stopping', reason: 'nothing is pending (--once)' });
      break;
    }
    if (!stop.aborted) health.update({ state: 'idle' });
    await pause(settings.pollIntervalSeconds * 1000, stop);
  }
  stop.removeEventListener('abort', onStop);
  health.update({ state: 'stopped', current_task: null });
  report({ kind: 'stopped', done: summary.done, failed: summary.failed });
  return summary;
}
