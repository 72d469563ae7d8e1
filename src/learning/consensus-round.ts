// The consensus part of an agent's learning run (SPEC §7, §8): propose its promoted beliefs that
// qualify, vote on the other agents' open proposals from its world model, evaluate them (merge at
// quorum, close when expired), and report every voter's record, flagging rubber stamps.
import type { Git } from '../git/git.js';
import type { Logger } from '../log.js';
import {
  evaluateOpenProposals,
  proposePromotedBeliefs,
  voteOnOpenProposals,
  type AgentVote,
} from './agent-proposals.js';
import { listProposals, type OpenedProposal } from '../consensus/branches.js';
import { voterRecords, type VoterRecord } from '../consensus/grounding.js';
import type { SettleOutcome } from '../consensus/settle.js';

export interface ConsensusRound {
  opened: OpenedProposal[];
  votes: AgentVote[];
  outcomes: SettleOutcome[];
  voters: VoterRecord[];
  /** Lines for the learning run's summary and reflection. */
  lines: string[];
}

export interface ConsensusRoundInput {
  repoRoot: string;
  git: Git;
  agent: string;
  now?: () => Date;
  logger?: Logger;
  /** Publishes a new proposal branch (GitHub: push and open its pull request). */
  claimRemote?: (branch: string) => Promise<boolean>;
  /** Evaluates on plain git after voting (default); false when the caller evaluates on GitHub. */
  evaluate?: boolean;
}

export async function runConsensusRound(input: ConsensusRoundInput): Promise<ConsensusRound> {
  const repo = {
    repoRoot: input.repoRoot,
    git: input.git,
    ...(input.logger ? { logger: input.logger } : {}),
    ...(input.now ? { now: input.now } : {}),
  };
  // Vote and settle first: a claim that merges now is a segment, and is not proposed again below.
  const votes = (await voteOnOpenProposals(repo, input.agent)).filter((v) => v.result.cast);
  const outcomes = input.evaluate === false ? [] : await evaluateOpenProposals(repo);
  const opened = await proposePromotedBeliefs(
    repo,
    input.agent,
    input.claimRemote ? { claimRemote: input.claimRemote } : {},
  );
  const voters = voterRecords((await listProposals(input.git)).map((p) => p.data));
  return { opened, votes, outcomes, voters, lines: describeRound(opened, votes, outcomes, voters) };
}

function describeRound(
  opened: OpenedProposal[],
  votes: AgentVote[],
  outcomes: SettleOutcome[],
  voters: VoterRecord[],
): string[] {
  const lines = [
    ...opened.map((p) => `proposed ${p.data.proposal} (${p.data.subject}) on ${p.branch}`),
    ...votes.map((v) => `voted ${v.vote.vote} on ${v.proposal.data.proposal}: ${v.vote.reason}`),
    ...outcomes.flatMap((o) =>
      o.kind === 'merged'
        ? [`merged prop-${String(o.number).padStart(3, '0')}: ${o.decision.reason}`]
        : o.kind === 'expired'
          ? [`closed prop-${String(o.number).padStart(3, '0')}: ${o.reason}`]
          : [],
    ),
  ];
  for (const voter of voters.filter((v) => v.rubberStamp)) {
    lines.push(
      `rubber stamp: ${voter.voter} voted yes on ${Math.round(voter.yesRate * 100)}% of ${voter.votes} proposals, ${voter.ungroundedYes} of them with no grounding belief`,
    );
  }
  return lines;
}

/** Each voter's record in words, for the reflection. */
export function describeVoters(voters: readonly VoterRecord[]): string[] {
  return voters.map(
    (v) =>
      `${v.voter}: ${v.votes} vote(s), ${Math.round(v.yesRate * 100)}% yes, ${v.agreement === null ? 'no decided proposal yet' : `${Math.round(v.agreement * 100)}% agreement with the outcome`}${v.rubberStamp ? ' — flagged as a rubber stamp' : ''}`,
  );
}
