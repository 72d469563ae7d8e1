// One loop iteration (SPEC §4): receive → assemble context → choose tier → solve → score → update
// skills and world → commit. Each step is a module of its own; this file only composes them.
import { runRedactor } from '../security/run-redactor.js';
import { assembleContext, renderContextMarkdown } from '../context/assemble.js';
import type { ContextScope } from '../context/scope.js';
import { PathRefusedError } from '../errors.js';
import type { Git } from '../git/git.js';
import type { RunBudget } from '../llm/budget.js';
import { ModelFailure, type Model, type SolveResult } from '../llm/model.js';
import { silentLogger, type Logger } from '../log.js';
import { agentPaths } from '../memory/layout.js';
import { planQueueWrites } from '../memory/queue-archive.js';
import { entryField, loadQueue, setEntryFields, withoutEntryFields } from '../memory/queue.js';
import { writeRewardRecord } from '../memory/reward-log.js';
import type { RewardRecord } from '../memory/rewards.js';
import { planAnswerProposal } from '../consensus/answer-proposal.js';
import { openProposal } from '../consensus/branches.js';
import { landChange } from '../memory/change.js';
import { isoSeconds } from '../memory/schema-parts.js';
import { MemoryWriter } from '../memory/writer.js';
import { estimateDemand } from '../routing/demand.js';
import type { RoutingPolicy } from '../routing/policy.js';
import { privacyPatterns, redactPrivate, redactPrivateDeep } from '../policy/privacy.js';
import { describePolicyStop, decideTaskPolicy } from '../policy/task-policy.js';
import { formatCommitMessage } from '../git/message.js';
import { archiveDir } from '../memory/queue-archive.js';
import { taskReviewBranch } from '../review/branches.js';
import { landForReview } from '../review/land-review.js';
import { localReviewState, REVIEW_BRANCH_FIELD, REVIEW_REJECTED_FIELD } from '../review/settle.js';
import { chooseTier } from './route-choice.js';
import type { Refusal } from '../world/observe.js';
import { readAgentMemory, saveMemoryIndex, type AgentMemory } from './agent-memory.js';
import { formatReward, iterationCommitMessage } from './commit-message.js';
import { landPolicyStop, type PolicyStop } from './policy-stop.js';
import { checkConstraints, failureRecord, oneLine, scoreTask } from './score.js';
import { taskProvenance, type Task } from './task.js';
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
  /** Publishes a proposal branch the answer opened (GitHub: push it and open its pull request). */
  claimProposal?: (branch: string) => Promise<boolean>;
  /**
   * What the context may draw on (context/scope.ts): the ranked selection when absent; the
   * baselines of `agentos bench learning` pass persona and constraints only, or everything.
   */
  contextScope?: ContextScope;
}

export interface IterationResult {
  /**
   * "failed": the model gave no usable answer; the task stays pending and is retried later.
   * "refused" and "awaiting-approval": constraints.md stopped the task before the model (`policy`).
   */
  status: 'done' | 'already-processed' | 'failed' | 'refused' | 'awaiting-approval';
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
  /** The rule that stopped the task, when status is "refused" or "awaiting-approval". */
  policy?: PolicyStop;
  /** The shared proposal the answer opened (prop-NNN on its branch), or why it was refused. */
  proposal?: { id: string; branch: string } | { refused: string };
  /**
   * `autonomy: assistant`: the memory change awaits review on this branch (its commit there);
   * `commit` is then only the queue's bookkeeping on the working branch.
   */
  review?: { branch: string; commit: string | undefined; files: string[] };
}

export async function runIteration(
  deps: IterationDeps,
  received: Task,
  loaded?: AgentMemory,
): Promise<IterationResult> {
  const logger = deps.logger ?? silentLogger;
  const now = deps.now ?? (() => new Date());
  // The index is saved once the context has derived its terms (below).
  const memory =
    loaded ??
    (await readAgentMemory(deps.repoRoot, deps.git, received.agent, { saveIndex: false }));
  const agent = memory.agent.name;
  const paths = agentPaths(agent);
  // Privacy patterns of constraints.md never reach the context, the model, the answer or a record.
  const privacy = privacyPatterns(memory.human.constraints.privacy).patterns;
  const task: Task = { ...received, text: redactPrivate(received.text, privacy) };

  // A record with an error is a failed attempt, not a processed task: the task runs again, and its
  // new record replaces the failed one, so there is still one record per task.
  if (memory.rewardIndex.status(task.id) === 'done') {
    const summary = `${agent} ${task.id}: already processed (a reward record exists); nothing to do`;
    return { status: 'already-processed', task, summary, created: [], updated: [], refused: [] };
  }

  // `autonomy: assistant`: the memory change goes to a review branch (src/review/); while that
  // review is open the task is not run again.
  const reviewBranch =
    memory.agent.autonomy === 'assistant' ? taskReviewBranch(agent, task.id) : undefined;
  if (reviewBranch && (await deps.git.resolveRef(`refs/heads/${reviewBranch}`)))
    if ((await localReviewState(deps.git, reviewBranch)) === 'open') {
      const summary = `${agent} ${task.id}: awaiting review on ${reviewBranch}; not run again`;
      return { status: 'already-processed', task, summary, created: [], updated: [], refused: [] };
    }
  const at = isoSeconds(now());
  const policy = decideTaskPolicy({
    task: received.text,
    constraints: memory.human.constraints,
    agent: memory.agent,
    approvedBy: task.approvedBy,
  });
  if (policy.kind !== 'proceed') {
    const commit = await landPolicyStop({
      repoRoot: deps.repoRoot,
      git: deps.git,
      logger,
      queue: memory.queue,
      task,
      stop: policy,
      at,
    });
    const summary = `${agent} ${task.id}: ${describePolicyStop(policy)}`;
    logger.info(summary);
    const status = policy.kind === 'refused' ? 'refused' : 'awaiting-approval';
    return { status, task, summary, commit, created: [], updated: [], refused: [], policy };
  }

  const context = assembleContext({
    taskId: task.id,
    task: task.text,
    sources: { ...memory, agent },
    budget: memory.registry.context.token_budget,
    ...(deps.contextScope ? { scope: deps.contextScope } : {}),
  });
  // Before the plan below changes any loaded value: the index keeps the objects it served.
  saveMemoryIndex(memory);
  new MemoryWriter(deps.repoRoot, agent, logger).writeEphemeral(
    paths.context,
    renderContextMarkdown(context, at),
  );

  const estimate = estimateDemand(context);
  const { choice, route } = chooseTier(deps, memory, estimate, context, task.id, logger);
  logger.debug(
    `${task.id}: ${estimate.demand} demand (${estimate.reason}) → ${choice.tier} (${choice.reason})`,
  );

  const change = {
    repoRoot: deps.repoRoot,
    git: deps.git,
    agent,
    label: `${agent} ${task.id}`,
    logger,
    // The agent's privacy patterns join the run's redactor for every file and message this lands.
    redactor: runRedactor().withPatterns(
      privacy.map((rule) => ({
        kind: rule.name.replaceAll(' ', '-').toLowerCase(),
        pattern: rule.regex,
      })),
    ),
  };
  let result: SolveResult;
  try {
    result = await deps.model.solve({
      taskId: task.id,
      task: task.text,
      agent: memory.agent,
      tier: choice.tier,
      ...(choice.escalation ? { escalation: choice.escalation } : {}),
      demand: estimate.demand,
      context,
      constraints: memory.human.constraints,
      ...(deps.budget ? { budget: deps.budget } : {}),
      maxEscalations: memory.registry.llm.max_escalations,
      verify: (output) => checkConstraints(output.answer, memory.human.constraints),
    });
    result = { ...result, output: redactPrivateDeep(result.output, privacy) };
  } catch (error) {
    if (!(error instanceof ModelFailure)) throw error;
    // No answer: no memory file changes. Only the record of the attempt and the queue's count.
    const record = failureRecord({
      task,
      at,
      failure: error,
      demand: estimate.demand,
      context,
      ...(route ? { route } : {}),
    });
    const { commit } = await landChange(change, async (writer) => {
      const sealed = writeRewardRecord(writer, deps.repoRoot, memory.rewardIndex, record);
      writeQueueAttempt(writer, deps.repoRoot, task, at, {
        last_error: record.error ?? '',
      });
      const message = iterationCommitMessage({
        task,
        record,
        created: [],
        updated: [],
        refused: [],
        sealed,
      });
      return { message, value: undefined };
    });
    const summary =
      `${agent} ${task.id}: failed on ${record.model_used} [${record.model_name}] — ${record.error}; ` +
      `the task stays pending, commit ${commit?.slice(0, 7) ?? 'none'}`;
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
    source: taskProvenance(task),
  });

  const landAnswer = async (writer: MemoryWriter) => {
    const refused = [...plan.refused];
    const created: string[] = [];
    const updated: string[] = [];
    // The journal learns of every file the answer writes, the queue's too, in one durable append.
    writer.journalAhead([...plan.writes.map((write) => write.path), paths.queue]);
    for (const write of plan.writes) {
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
      ...(route ? { route } : {}),
    });
    const sealed = writeRewardRecord(writer, deps.repoRoot, memory.rewardIndex, record);
    writeQueueAttempt(
      writer,
      deps.repoRoot,
      task,
      at,
      reviewBranch
        ? { status: 'review', [REVIEW_BRANCH_FIELD]: reviewBranch }
        : { status: 'done', done_at: at },
    );
    const message = iterationCommitMessage({
      task,
      record,
      created,
      updated,
      refused,
      transitions: plan.transitions,
      answer: result.output.answer,
      sealed,
    });
    return { message, value: { record, created, updated, refused } };
  };
  const landed = reviewBranch
    ? await landForReview(
        {
          ...change,
          branch: reviewBranch,
          isBookkeeping: (path) => path === paths.queue || path.startsWith(`${archiveDir(agent)}/`),
        },
        async (writer) => {
          const made = await landAnswer(writer);
          const bookkeepingMessage = formatCommitMessage({
            subject: `${agent}: ${task.id} awaits review on ${reviewBranch}`,
            body: [
              `autonomy: assistant — the memory change lands when a person merges ${reviewBranch}.`,
            ],
            trailers: [
              ['AgentOS-Agent', agent],
              ['AgentOS-Review', reviewBranch],
            ],
          });
          return { ...made, bookkeepingMessage };
        },
      )
    : await landChange(change, landAnswer);
  const { record, created, updated, refused } = landed.value;
  const commit = landed.commit;
  const reviewCommit = 'reviewCommit' in landed ? landed.reviewCommit : undefined;
  const review =
    reviewBranch && 'reviewed' in landed
      ? { branch: reviewBranch, commit: reviewCommit, files: landed.reviewed }
      : undefined;
  const proposal = await openAnswerProposal(
    deps,
    agent,
    task.id,
    review ? reviewCommit : commit,
    result.output,
  );
  const summary =
    `${agent} ${task.id}: ${record.outcome} (${formatReward(record.reward)}) on ${record.model_used} ` +
    `[${record.model_name}], ${created.length} created, ${updated.length} updated` +
    (refused.length > 0 ? `, ${refused.length} refused` : '') +
    (review
      ? `, awaiting review on ${review.branch} (commit ${reviewCommit?.slice(0, 7) ?? 'none'})`
      : `, commit ${commit?.slice(0, 7) ?? 'none'}`);
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
    ...(proposal ? { proposal } : {}),
    ...(review ? { review } : {}),
  };
}

/** The answer's shared proposal, validated, as a proposal branch of its own (consensus/). */
async function openAnswerProposal(
  deps: IterationDeps,
  agent: string,
  taskId: string,
  commit: string | undefined,
  output: SolveResult['output'],
): Promise<IterationResult['proposal']> {
  const shared = output.memory.shared_proposal;
  if (!shared) return undefined;
  const plan = planAnswerProposal({ agent, taskId, commit, proposal: shared });
  if (!plan.ok) {
    deps.logger?.warn(`${taskId}: shared proposal refused: ${plan.reason}`);
    return { refused: plan.reason };
  }
  const opened = await openProposal(
    deps,
    plan.draft,
    deps.claimProposal ? { claimRemote: deps.claimProposal } : {},
  );
  return { id: opened.data.proposal, branch: opened.branch };
}

/**
 * Sets fields of the task's queue entry, counting attempts once a task has failed before. A done
 * entry (and any done or failed one an older runtime left) moves from queue.md to the archive.
 */
function writeQueueAttempt(
  writer: MemoryWriter,
  repoRoot: string,
  task: Task,
  at: string,
  fields: Record<string, string>,
): void {
  // Read afresh, not as the iteration began: a person (or a script feeding the daemon) may have
  // appended a task while the model answered, and rewriting an older copy would lose it.
  const queue = loadQueue(repoRoot, task.agent);
  const entry = queue.entries.find((e) => e.id === task.id && e.problem === undefined);
  if (task.source !== 'queue' || !entry) return;
  const set: Record<string, string> = { ...fields };
  const failed = fields.last_error !== undefined;
  if (failed) set.last_error = oneLine(fields.last_error ?? '');
  const attempts = Number(entryField(entry, 'attempts') ?? 0) || 0;
  if (failed || attempts > 0) set.attempts = String(attempts + 1);
  const withFields = setEntryFields(queue, task.id, set);
  // A task that succeeds leaves no stale `last_error` behind: its attempts keep the history.
  const updated = failed
    ? withFields
    : {
        ...withFields,
        entries: withFields.entries.map((e) =>
          e.id === task.id && e.problem === undefined
            ? withoutEntryFields(e, ['last_error', REVIEW_REJECTED_FIELD])
            : e,
        ),
      };
  for (const write of planQueueWrites(repoRoot, task.agent, updated, at))
    writer.write(write.path, write.content);
}
