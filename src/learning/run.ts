// The learning run (SPEC §7), `agentos learn` and the action's `learn` mode: settle contradicted
// beliefs, collapse duplicates, promote hypotheses, decay unused confidence, archive stale skills,
// regenerate the indexes and write a dated reflection — each step its own commit, and only when
// it changed something, so a second run with nothing new commits nothing. Under
// `learning: constrained` promotions are proposed on a branch for review instead of committed to
// the current one; under `learning: none` no belief or skill changes.
import { join } from 'node:path';
import type { Git } from '../git/git.js';
import { silentLogger, type Logger } from '../log.js';
import { readAgentMemory, saveMemoryIndex } from '../loop/agent-memory.js';
import { formatCommitMessage } from '../git/message.js';
import { packLooseObjects } from '../git/housekeeping.js';
import { landChange } from '../memory/change.js';
import { readTextIfExists } from '../memory/files.js';
import { recoverInterruptedChange } from '../memory/journal.js';
import { isoSeconds } from '../memory/schema-parts.js';
import { agentPaths } from '../memory/layout.js';
import { newestReflectionArchive, planReflectionAppend } from '../memory/reflections.js';
import { readRewardLog, readRewardsChangedSince } from '../memory/reward-log.js';
import type { AgentSpec } from '../memory/registry.js';
import { renderSkill, renderSkillsIndexPages } from '../memory/skills.js';
import { renderBelief, renderWorldIndexPages } from '../world/beliefs.js';
import type { Transition } from '../world/lifecycle.js';
import { agentMetricsFile } from '../metrics/agent-file.js';
import { promotionsBranch } from '../review/branches.js';
import { commitForReview } from '../review/land-review.js';
import { composeReflection, reflectedThrough } from './reflection.js';
import { beliefUses } from './belief-outcomes.js';
import { planRoutingUpdate } from './routing-step.js';
import {
  describeVoters,
  runConsensusRound,
  type ConsensusRound,
  type ConsensusRoundInput,
} from './consensus-round.js';
import {
  applyOutcome,
  isEmpty,
  LEARNING_STEPS,
  MAX_LEARNING_ROUNDS,
  type LearningState,
  type LearningStepName,
  type StepOutcome,
} from './steps.js';

/** At most this many change lines in one commit body; the rest are counted. */
const MAX_BODY_LINES = 200;

export interface LearningRunInput {
  /** The agent repository. */
  repoRoot: string;
  git: Git;
  /** The agent to learn for (default: the first in agents.yaml). */
  agent?: string;
  now?: () => Date;
  logger?: Logger;
  /** Proposals, votes and quorum after the steps (default on); false leaves them out. */
  consensus?: false | Pick<ConsensusRoundInput, 'claimRemote' | 'evaluate'>;
}

export interface LearningCommit {
  step: LearningStepName | 'indexes' | 'reflection' | 'routing' | 'metrics';
  /** The commit's subject line. */
  subject: string;
  sha: string;
  /** The branch it landed on: the current one, or the promotions branch under `constrained`. */
  branch: string | undefined;
  /** Repository paths the commit changed. */
  changed: string[];
}

export interface LearningResult {
  agent: string;
  learning: AgentSpec['learning'];
  /** Every commit made, in order (including one on the promotions branch, if any). */
  commits: LearningCommit[];
  /** Every status change: promotions, refutations, supersessions, merges, reopenings. */
  transitions: Transition[];
  /** Under `constrained`: the branch that holds promotions awaiting review (new or not). */
  proposalBranch?: string;
  /** What the run proposed, voted and merged (learning/consensus-round.ts). */
  consensus?: ConsensusRound;
  /** One line for people: what the run did. */
  summary: string;
  /**
   * The agent's metrics report (Markdown with charts), as committed to agents/<name>/metrics.md;
   * absent when the agent has no data to measure yet.
   */
  metrics?: string;
}

export async function runLearning(input: LearningRunInput): Promise<LearningResult> {
  const logger = input.logger ?? silentLogger;
  await recoverInterruptedChange(input);
  // The index is saved once the changed records are read too (below).
  const memory = await readAgentMemory(input.repoRoot, input.git, input.agent, {
    saveIndex: false,
  });
  const agent = memory.agent.name;
  const learning = memory.agent.learning;
  const paths = agentPaths(agent);
  const now = isoSeconds((input.now ?? (() => new Date()))());
  const context = {
    agent,
    now,
    learning,
    // What tasks did with the beliefs they used: the discredit step's evidence.
    uses:
      learning === 'none'
        ? new Map()
        : beliefUses(readRewardLog(input.repoRoot, agent, memory.cache).records),
  };
  const branch = await input.git.currentBranch();

  const commits: LearningCommit[] = [];
  const outcomes: StepOutcome[] = [];
  let state: LearningState = { world: memory.world, skills: memory.skills };
  let proposalBranch: string | undefined;

  const commit = async (
    step: LearningCommit['step'],
    subject: string,
    body: string[],
    writes: { path: string; content: string }[],
  ): Promise<string | undefined> => {
    const landed = await landChange(
      { repoRoot: input.repoRoot, git: input.git, agent, label: `${agent} ${step}`, logger },
      async (writer) => {
        for (const write of writes) {
          if (readTextIfExists(join(input.repoRoot, write.path)) !== write.content)
            writer.write(write.path, write.content);
        }
        const message = formatCommitMessage({
          subject: `${agent}: ${subject}`,
          body,
          trailers: [
            ['AgentOS-Agent', agent],
            ['AgentOS-Learning-Step', step],
          ],
        });
        return { message, value: undefined };
      },
    );
    const sha = landed.commit;
    if (sha === undefined) return undefined;
    commits.push({ step, subject, sha, branch, changed: landed.written });
    logger.info(`${agent}: ${subject} (${sha.slice(0, 7)})`);
    return sha;
  };

  // A step's commit holds the files it changed; the indexes are brought up to date once, last.
  const stepWrites = (result: StepOutcome) => [
    ...[...result.beliefs.values()].map((b) => ({ path: b.path, content: renderBelief(b) })),
    ...[...result.skills.values()].map((s) => ({ path: s.path, content: renderSkill(s) })),
  ];

  const stepBody = (result: StepOutcome) => [
    result.rule,
    '',
    // Paths inside the agent's folder read shorter without it; the trailer names the agent.
    ...result.lines
      .slice(0, MAX_BODY_LINES)
      .map((line) => `- ${line.replaceAll(`${paths.root}/`, '')}`),
    ...(result.lines.length > MAX_BODY_LINES
      ? [`- … and ${result.lines.length - MAX_BODY_LINES} more`]
      : []),
  ];

  if (learning !== 'none') {
    for (let round = 0; round < MAX_LEARNING_ROUNDS; round++) {
      let changed = false;
      for (const step of LEARNING_STEPS) {
        const proposeOnly = step.name === 'promote' && learning === 'constrained';
        if (proposeOnly && round > 0) continue;
        const result = step.run(state, context);
        if (isEmpty(result)) continue;
        const after = applyOutcome(state, result);
        if (proposeOnly) {
          // The review path of src/review/: a commit on the day's promotions branch, made without a
          // checkout, so the working tree and the person's index are never touched.
          proposalBranch = promotionsBranch(agent, now);
          const subject = `propose: ${result.title}`;
          const writes = stepWrites(result);
          const sha = await commitForReview(input.git, {
            agent,
            branch: proposalBranch,
            files: writes,
            message: formatCommitMessage({
              subject: `${agent}: ${subject}`,
              body: [
                'learning: constrained — promotions wait for a person to review and merge this branch.',
                '',
                ...stepBody(result),
              ],
              trailers: [
                ['AgentOS-Agent', agent],
                ['AgentOS-Learning-Step', step.name],
              ],
            }),
            mode: 'stack',
          });
          if (sha !== undefined) {
            commits.push({
              step: step.name,
              subject,
              sha,
              branch: proposalBranch,
              changed: writes.map((w) => w.path),
            });
            logger.info(`${agent}: ${subject} on ${proposalBranch} (${sha.slice(0, 7)})`);
          }
          // Proposed before and unchanged: nothing new to reflect on.
          if (sha !== undefined) outcomes.push(result);
          continue;
        }
        outcomes.push(result);
        await commit(step.name, `learn — ${result.title}`, stepBody(result), stepWrites(result));
        state = after;
        changed = true;
      }
      if (!changed) break;
    }
  }

  // The one writer of the generated indexes: tasks, feedback and review branches leave them alone,
  // so that two branches that each ran tasks merge without a conflict in them.
  await commit(
    'indexes',
    'learn — bring skills.md and world/index.md up to date',
    [
      'The generated indexes now list the skill and belief files as they are: what tasks, feedback,',
      'merges, hand edits and the steps above changed since the last learning run.',
    ],
    [...renderWorldIndexPages(agent, state.world), ...renderSkillsIndexPages(agent, state.skills)],
  );

  const routing = planRoutingUpdate(input.repoRoot, memory);
  if (routing) {
    await commit(
      'routing',
      'learn — routing policy from the reward log',
      [
        'routing.md rewritten from every reward record (feedback wins over self-assessment).',
        '',
        ...(routing.lines.length > 0
          ? routing.lines
          : ['- evidence updated; every cluster keeps its tier']),
      ],
      [{ path: routing.path, content: routing.content }],
    );
  }
  const round =
    input.consensus === false
      ? undefined
      : await runConsensusRound({
          repoRoot: input.repoRoot,
          git: input.git,
          agent,
          ...(input.now ? { now: input.now } : {}),
          logger,
          ...(input.consensus ?? {}),
        });

  const reflectionsText = readTextIfExists(join(input.repoRoot, paths.reflections));
  // Older entries move to reflections/ (reflections.ts): the newest mark is there when the file
  // holds none any more.
  const previous =
    reflectedThrough(reflectionsText) ??
    reflectedThrough(newestReflectionArchive(input.repoRoot, agent));
  // The reflection covers every record since the last one: only the files changed since are read.
  const records = readRewardsChangedSince(input.repoRoot, agent, previous, memory.cache);
  saveMemoryIndex(memory);
  const reflection = composeReflection({
    records,
    previous,
    outcomes,
    world: state.world,
    skills: state.skills,
    ...(proposalBranch && outcomes.some((o) => o.step === 'promote') ? { proposalBranch } : {}),
  });
  const consensusText =
    round && round.lines.length > 0
      ? [
          '',
          'Consensus:',
          ...round.lines.map((line) => `- ${line}`),
          ...describeVoters(round.voters).map((line) => `- voting record of ${line}`),
        ].join('\n')
      : '';
  const reflectionText = reflection ? `${reflection.text}${consensusText}` : consensusText.trim();
  if (reflectionText) {
    const flagged = round?.lines.filter((line) => line.startsWith('rubber stamp:')) ?? [];
    await commit(
      'reflection',
      `learn — reflection for ${now.slice(0, 10)}`,
      [
        'A dated reflection from the reward log and this run’s changes.',
        ...flagged.map((line) => `Flagged: ${line}`),
      ],
      planReflectionAppend({
        repoRoot: input.repoRoot,
        agent,
        existing: reflectionsText,
        date: now.slice(0, 10),
        text: reflectionText,
      }),
    );
  }

  // Last, so the report sees what this run changed; committed only when it differs from the last.
  const metrics = await agentMetricsFile({ repoRoot: input.repoRoot, git: input.git, agent });
  if (metrics)
    await commit(
      'metrics',
      'learn — metrics report',
      ['The learning metrics from the repository alone (docs/metrics.md of AgentOS).'],
      [{ path: metrics.path, content: metrics.content }],
    );

  // The runtime's objects are written loose, as git's own commands leave them (housekeeping.ts).
  await packLooseObjects(input.git, logger);

  const transitions = outcomes.flatMap((o) => o.transitions);
  const here = commits.filter((c) => c.branch === branch);
  const summary =
    commits.length === 0
      ? `${agent}: nothing new to learn (learning: ${learning})${proposalBranch ? `; promotions await review on ${proposalBranch}` : ''}`
      : `${agent}: ${here.length} learning commit(s)${proposalBranch ? `, promotions proposed on ${proposalBranch}` : ''}: ${commits.map((c) => c.subject.replace(/^learn — /, '')).join('; ')}`;
  return {
    agent,
    learning,
    commits,
    transitions,
    ...(proposalBranch ? { proposalBranch } : {}),
    ...(round ? { consensus: round } : {}),
    summary:
      round && round.lines.length > 0
        ? `${summary}; consensus: ${round.lines.join('; ')}`
        : summary,
    ...(metrics ? { metrics: metrics.content } : {}),
  };
}
