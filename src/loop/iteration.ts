// One loop iteration (SPEC §4): receive → assemble context → choose tier → solve → score → update
// skills and world → commit. Each step is a module of its own; this file only composes them.
import { join } from 'node:path';
import { assembleContext, renderContextMarkdown } from '../context/assemble.js';
import { PathRefusedError } from '../errors.js';
import type { Git } from '../git/git.js';
import type { RunBudget } from '../llm/budget.js';
import { ModelFailure, type Model, type SolveResult } from '../llm/model.js';
import { silentLogger, type Logger } from '../log.js';
import { readTextIfExists } from '../memory/files.js';
import { existingIndexPages, isUnchangedOnDisk } from '../memory/index-pages.js';
import { agentPaths } from '../memory/layout.js';
import { entryField, renderQueue, setEntryFields, type Queue } from '../memory/queue.js';
import { appendRewardText, replaceRewardText, type RewardRecord } from '../memory/rewards.js';
import { MemoryWriter } from '../memory/writer.js';
import { estimateDemand } from '../routing/demand.js';
import { staticRoutingPolicy, type RoutingPolicy } from '../routing/policy.js';
import type { Refusal } from '../world/observe.js';
import { readAgentMemory, saveMemoryIndex, type AgentMemory } from './agent-memory.js';
import { formatReward, iterationCommitMessage } from './commit-message.js';
import { checkConstraints, failureRecord, oneLine, scoreTask } from './score.js';
import type { Task } from './task.js';
import { planMemoryUpdate } from './update.js';

export interface IterationDeps {
  repoRoot: string;
  git: Git;
  model: Model;
  routing?: RoutingPolicy;
  /** The run's token and cost budget, shared by every iteration of the run. */
  budget?: RunBudget;
  now?: () => Date;
  logger?: Logger;
}

export interface IterationResult {
  /** "failed": the model gave no usable answer; the task stays pending and is retried later. */
  status: 'done' | 'already-processed' | 'failed';
  task: Task;
  /** One line for people: what happened. */
  summary: string;
  record?: RewardRecord;
  answer?: string;
  commit?: string;
  created: string[];
  updated: string[];
  refused: Refusal[];
  /** Why the model failed, when status is "failed". */
  failure?: ModelFailure;
}

export async function runIteration(
  deps: IterationDeps,
  task: Task,
  loaded?: AgentMemory,
): Promise<IterationResult> {
  const logger = deps.logger ?? silentLogger;
  const now = deps.now ?? (() => new Date());
  const memory = loaded ?? (await readAgentMemory(deps.repoRoot, deps.git, task.agent));
  const agent = memory.agent.name;
  const paths = agentPaths(agent);

  // A record with an error is a failed attempt, not a processed task: the task runs again, and its
  // new record replaces the failed one, so there is still one record per task.
  const previous = memory.rewards.filter((record) => record.task_id === task.id);
  if (previous.some((record) => record.error === undefined)) {
    const summary = `${agent} ${task.id}: already processed (a reward record exists); nothing to do`;
    return { status: 'already-processed', task, summary, created: [], updated: [], refused: [] };
  }

  const at = now()
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
  const writer = new MemoryWriter(deps.repoRoot, agent, logger);
  const context = assembleContext({
    taskId: task.id,
    task: task.text,
    sources: { ...memory, agent },
    budget: memory.registry.context.token_budget,
  });
  // Before the plan below changes any loaded value: the index keeps the objects it served.
  saveMemoryIndex(memory);
  writer.writeEphemeral(paths.context, renderContextMarkdown(context, at));

  const estimate = estimateDemand(context);
  const choice = (deps.routing ?? staticRoutingPolicy).choose({
    demand: estimate.demand,
    tags: context.learnedTags,
  });
  logger.debug(
    `${task.id}: ${estimate.demand} demand (${estimate.reason}) → ${choice.tier} (${choice.reason})`,
  );

  const retry = previous.length > 0;
  let result: SolveResult;
  try {
    result = await deps.model.solve({
      taskId: task.id,
      task: task.text,
      agent: memory.agent,
      tier: choice.tier,
      demand: estimate.demand,
      context,
      constraints: memory.human.constraints,
      ...(deps.budget ? { budget: deps.budget } : {}),
    });
  } catch (error) {
    if (!(error instanceof ModelFailure)) throw error;
    // No answer: no memory file changes. Only the record of the attempt and the queue's count.
    const record = failureRecord({ task, at, failure: error, demand: estimate.demand, context });
    writeReward(writer, deps.repoRoot, agent, record, retry);
    writeQueueAttempt(writer, memory.queue, agent, task, { last_error: record.error ?? '' });
    await deps.git.add(writer.written);
    const commit = await deps.git.commit(
      iterationCommitMessage({ task, record, created: [], updated: [], refused: [] }),
    );
    const summary =
      `${agent} ${task.id}: failed on ${record.model_used} [${record.model_name}] — ${record.error}; ` +
      `the task stays pending, commit ${commit.slice(0, 7)}`;
    logger.info(summary);
    return {
      status: 'failed',
      task,
      summary,
      record,
      commit,
      created: [],
      updated: [],
      refused: [],
      failure: error,
    };
  }

  const violations = checkConstraints(result.output.answer, memory.human.constraints);
  const outcome = violations.length > 0 ? 'failure' : result.output.outcome;
  const plan = planMemoryUpdate({
    agent: memory.agent,
    taskId: task.id,
    at,
    output: result.output,
    outcome,
    verified: violations.length === 0,
    skills: memory.skills,
    world: memory.world,
    indexPages: existingIndexPages(deps.repoRoot, agent),
  });

  const refused = [...plan.refused];
  const created: string[] = [];
  const updated: string[] = [];
  for (const write of plan.writes) {
    // An index page the plan renders unchanged is left alone: only changed pages are rewritten.
    if (!plan.created.includes(write.path) && !plan.updated.includes(write.path))
      if (isUnchangedOnDisk(deps.repoRoot, write)) continue;
    try {
      writer.write(write.path, write.content);
      if (plan.created.includes(write.path)) created.push(write.path);
      else if (plan.updated.includes(write.path)) updated.push(write.path);
    } catch (error) {
      if (!(error instanceof PathRefusedError)) throw error;
      refused.push({ item: write.path, reason: error.reason });
    }
  }
  for (const refusal of refused)
    logger.warn(`${task.id}: refused ${refusal.item}: ${refusal.reason}`);

  const record = scoreTask({
    task,
    at,
    result,
    demand: estimate.demand,
    context,
    violations,
    worldUpdates: plan.worldUpdates.filter(
      (p) => created.includes(`${paths.root}/${p}`) || updated.includes(`${paths.root}/${p}`),
    ),
    skillsUsed: plan.skillsUsed,
  });
  writeReward(writer, deps.repoRoot, agent, record, retry);
  writeQueueAttempt(writer, memory.queue, agent, task, { status: 'done', done_at: at });

  await deps.git.add(writer.written);
  const commit = await deps.git.commit(
    iterationCommitMessage({
      task,
      record,
      created,
      updated,
      refused,
      transitions: plan.transitions,
    }),
  );
  const summary =
    `${agent} ${task.id}: ${record.outcome} (${formatReward(record.reward)}) on ${record.model_used} ` +
    `[${record.model_name}], ${created.length} created, ${updated.length} updated` +
    (refused.length > 0 ? `, ${refused.length} refused` : '') +
    `, commit ${commit.slice(0, 7)}`;
  logger.info(summary);
  return {
    status: 'done',
    task,
    summary,
    record,
    answer: result.output.answer,
    commit,
    created,
    updated,
    refused,
  };
}

/** Appends the task's record, or replaces the record of its earlier failed attempt. */
function writeReward(
  writer: MemoryWriter,
  repoRoot: string,
  agent: string,
  record: RewardRecord,
  replace: boolean,
): void {
  const path = agentPaths(agent).rewards;
  const text = readTextIfExists(join(repoRoot, path));
  writer.write(
    path,
    replace && text !== undefined
      ? replaceRewardText(path, text, record)
      : appendRewardText(text, agent, record),
  );
}

/** Sets fields of the task's queue entry, counting attempts once a task has failed before. */
function writeQueueAttempt(
  writer: MemoryWriter,
  queue: Queue,
  agent: string,
  task: Task,
  fields: Record<string, string>,
): void {
  const entry = queue.entries.find((e) => e.id === task.id);
  if (task.source !== 'queue' || !entry) return;
  const set: Record<string, string> = { ...fields };
  const failed = fields.last_error !== undefined;
  if (failed) set.last_error = oneLine(fields.last_error ?? '');
  const attempts = Number(entryField(entry, 'attempts') ?? 0) || 0;
  if (failed || attempts > 0) set.attempts = String(attempts + 1);
  const updated = setEntryFields(queue, task.id, set);
  writer.write(agentPaths(agent).queue, renderQueue(updated));
}
