// What agents do with proposals on a repository: propose a promoted belief, vote on the others'
// proposals from their own world model, and evaluate every open proposal — the steps `agentos
// consensus` and the learning run share, over the plain-git host (consensus/branches.ts).
import { InputError } from '../errors.js';
import type { Git } from '../git/git.js';
import { readAgentMemory } from '../loop/agent-memory.js';
import { agentRelative } from '../memory/layout.js';
import { tallyEvidence } from '../world/confidence.js';
import type { Belief } from '../world/beliefs.js';
import {
  castVote,
  listProposals,
  localProposalHost,
  openProposal,
  type BranchProposal,
  type ConsensusRepo,
  type OpenedProposal,
  type VoteResult,
} from '../consensus/branches.js';
import {
  claimOf,
  decideVote,
  mayPropose,
  proposableBeliefs,
  topicOf,
  PROPOSAL_MIN_TASKS,
} from '../consensus/grounding.js';
import type { ProposalEvidence } from '../consensus/proposal.js';
import { settleProposal, type SettleOutcome } from '../consensus/settle.js';
import { isoSeconds } from '../memory/schema-parts.js';

/** A proposal lists the newest this many supporting tasks of its belief, with their commits. */
export const PROPOSAL_EVIDENCE_TASKS = 10;

/**
 * The commit that recorded each task (its `AgentOS-Task` trailer; the newest, when a retry
 * recorded it again), found in one pass over the history.
 */
async function taskCommits(git: Git, tasks: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (tasks.length === 0) return found;
  const result = await git.exec(
    [
      'log',
      '--fixed-strings',
      ...tasks.map((task) => `--grep=AgentOS-Task: ${task}`),
      '--format=%H%x00%(trailers:key=AgentOS-Task,valueonly,separator=%x00)',
    ],
    { allowFailure: true },
  );
  const wanted = new Set(tasks);
  for (const line of result.stdout.split('\n')) {
    const [commit, ...named] = line.split('\0');
    for (const task of named.map((t) => t.trim()))
      if (commit && wanted.has(task) && !found.has(task)) found.set(task, commit);
  }
  return found;
}

/** The newest supporting tasks of a belief, and the commits that recorded them. */
async function evidenceOf(git: Git, belief: Belief): Promise<ProposalEvidence[]> {
  const tasks = tallyEvidence(belief.data).supportingTasks.slice(-PROPOSAL_EVIDENCE_TASKS);
  const commits = await taskCommits(git, tasks);
  return tasks.map((task) => ({
    task,
    commit: commits.get(task) ?? null,
    note: 'supported the belief',
  }));
}

/** Finds a belief by repository path, agent-relative path, slug or name. */
export function findBelief(world: readonly Belief[], agent: string, ref: string): Belief {
  const wanted = ref.replace(/\.md$/, '');
  const belief = world.find(
    (b) =>
      b.path.replace(/\.md$/, '') === wanted ||
      agentRelative(agent, b.path).replace(/\.md$/, '') === wanted ||
      b.slug === wanted ||
      b.data.name.toLowerCase() === ref.toLowerCase(),
  );
  if (!belief)
    throw new InputError(
      `--propose: ${agent} has no belief "${ref}" (give a path such as world/entities/rate-limiter.md, a slug or a name)`,
    );
  return belief;
}

/** Opens a proposal for one of `agent`'s beliefs, which must pass the proposing rule. */
export async function proposeBelief(
  repo: ConsensusRepo,
  agent: string,
  belief: Belief,
  options: { claimRemote?: (branch: string) => Promise<boolean> } = {},
): Promise<OpenedProposal> {
  if (!mayPropose(belief))
    throw new InputError(
      `--propose: ${belief.path} cannot be proposed: only an active entity or relation promoted from a hypothesis, supported by at least ${PROPOSAL_MIN_TASKS} distinct tasks, becomes a shared truth`,
    );
  return openProposal(
    repo,
    {
      proposer: agent,
      subject: belief.data.name,
      topic: topicOf(belief),
      claim: claimOf(belief),
      tags: belief.data.tags,
      evidence: await evidenceOf(repo.git, belief),
      source: 'belief',
      belief: belief.path,
    },
    options,
  );
}

/** The beliefs `agent` would propose now, and the proposals it opens for them. */
export async function proposePromotedBeliefs(
  repo: ConsensusRepo,
  agent: string,
  options: { claimRemote?: (branch: string) => Promise<boolean> } = {},
): Promise<OpenedProposal[]> {
  const memory = await readAgentMemory(repo.repoRoot, repo.git, agent);
  const proposals = (await listProposals(repo.git)).map((p) => p.data);
  const opened: OpenedProposal[] = [];
  for (const belief of proposableBeliefs(memory.world, { segments: memory.segments, proposals }))
    opened.push(await proposeBelief(repo, agent, belief, options));
  return opened;
}

export interface AgentVote {
  proposal: BranchProposal;
  vote: ReturnType<typeof decideVote>;
  result: VoteResult;
}

/** `agent` votes on every open proposal it did not make, from its own world model. */
export async function voteOnOpenProposals(
  repo: ConsensusRepo,
  agent: string,
  only?: number,
): Promise<AgentVote[]> {
  const memory = await readAgentMemory(repo.repoRoot, repo.git, agent);
  const votes: AgentVote[] = [];
  for (const proposal of await listProposals(repo.git)) {
    if (only !== undefined && proposal.number !== only) continue;
    if (proposal.data.status !== 'open' || proposal.data.proposer === agent) continue;
    const vote = decideVote(proposal.data, memory.world);
    const result = await castVote(repo, proposal.number, { voter: agent, by: 'agent', ...vote });
    votes.push({ proposal, vote, result });
  }
  return votes;
}

/** Evaluates every open proposal (or one), merging those at quorum and closing expired ones. */
export async function evaluateOpenProposals(
  repo: ConsensusRepo,
  only?: number,
): Promise<SettleOutcome[]> {
  const host = localProposalHost(repo);
  const outcomes: SettleOutcome[] = [];
  for (const proposal of await listProposals(repo.git)) {
    if (only !== undefined && proposal.number !== only) continue;
    if (proposal.data.status !== 'open') continue;
    outcomes.push(
      await settleProposal(host, proposal.number, {
        now: () => isoSeconds((repo.now ?? (() => new Date()))()),
        logger: repo.logger,
      }),
    );
  }
  return outcomes;
}
