// The quorum rule (SPEC §8), pure: from a proposal's ballots, the eligible voters read from the
// base branch and agents.yaml's consensus policy, decide whether to merge, wait, stay blocked or
// expire — and say why, for the pull request and `agentos consensus --list`.
//
// The semantics (after Prow/Tide, bors-ng, Mergify and GitHub branch protection):
// - only the latest vote per voter counts; a dismissed review withdraws the person's vote;
// - eligible voters are the agents of agents.yaml and people with write permission, both as the
//   base branch says (the caller reads them there, never from the proposal branch);
// - the proposer's own vote never counts;
// - a yes counts only for the content it was cast on (the proposal digest): a push that changes
//   the claim voids it, an update that only brings in the base branch does not;
// - a veto (an agent's no, a person's "request changes") blocks until that voter withdraws it or
//   votes again, whatever was pushed since: an objection is never bypassed silently;
// - an expired proposal is closed, whatever its votes; a merged or closed one takes no votes.

export type BallotChoice = 'yes' | 'no' | 'abstain' | 'withdrawn';

export interface Ballot {
  voter: string;
  by: 'agent' | 'person';
  choice: BallotChoice;
  /** The proposal digest the ballot was cast on; undefined when it cannot be known (void). */
  digest: string | undefined;
  /** Order of casting: a later ballot of the same voter replaces an earlier one. */
  order: number;
}

/** `consensus.quorum` of agents.yaml: a count, or a fraction such as "2/3". */
export type QuorumSetting = number | string;

export interface ConsensusPolicy {
  quorum: QuorumSetting;
  human_approvals: number;
  expiry_days: number;
}

export type RiskLevel = 'low' | 'medium' | 'high' | 'critical';

export interface EvaluationInput {
  proposer: string;
  status: 'open' | 'merged' | 'closed';
  openedAt: string;
  /** The digest of the proposal as its current head has it. */
  digest: string;
  /** Agent names of agents.yaml on the base branch. */
  eligibleAgents: readonly string[];
  /** People allowed to vote (write permission or above), as the platform says. */
  eligiblePeople: readonly string[];
  /** The proposer's risk_level in agents.yaml on the base branch (undefined: not an agent there). */
  proposerRisk: RiskLevel | undefined;
  policy: ConsensusPolicy;
  ballots: readonly Ballot[];
  now: string;
}

export interface IgnoredBallot {
  voter: string;
  why: string;
}

export interface Tally {
  yes: string[];
  no: string[];
  abstain: string[];
  approvals: string[];
  vetoes: string[];
  ignored: IgnoredBallot[];
  requiredYes: number;
  requiredApprovals: number;
  /** Agents other than the proposer: who may still vote. */
  voters: string[];
}

export type Decision =
  | { action: 'ignore'; reason: string }
  | { action: 'expire'; reason: string; tally: Tally }
  | { action: 'blocked'; reason: string; tally: Tally }
  | { action: 'wait'; reason: string; tally: Tally }
  | { action: 'merge'; reason: string; tally: Tally };

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Yes votes needed from the agents other than the proposer. A count is taken as it is (a quorum of
 * 2 with one other agent can never be met, and --list says so). A fraction a/b of the `others`
 * agents needs ceil(a × others / b), and at least one: with 3 agents and "2/3", the 2 others need
 * ceil(4/3) = 2 yes; with 4 agents and "1/2", ceil(3/2) = 2; with 2 agents and "2/3", ceil(2/3) = 1.
 */
export function requiredYesVotes(quorum: QuorumSetting, others: number): number {
  if (typeof quorum === 'number') return quorum;
  const [top, bottom] = quorum.split('/').map((n) => Number.parseInt(n, 10));
  if (!top || !bottom) return Math.max(1, others);
  return Math.max(1, Math.ceil((top * others) / bottom));
}

/** Approving reviews people must give: `human_approvals`, and at least one for a risky proposer. */
export function requiredApprovals(policy: ConsensusPolicy, risk: RiskLevel | undefined): number {
  const risky = risk === 'high' || risk === 'critical';
  return Math.max(policy.human_approvals, risky ? 1 : 0);
}

export function expiresAt(openedAt: string, expiryDays: number): number {
  return Date.parse(openedAt) + expiryDays * DAY_MS;
}

/** Only the latest ballot of each voter, by casting order (a voter is agent or person by name). */
export function latestBallots(ballots: readonly Ballot[]): Ballot[] {
  const latest = new Map<string, Ballot>();
  for (const ballot of ballots) {
    const key = `${ballot.by}:${ballot.voter}`;
    const known = latest.get(key);
    if (!known || ballot.order >= known.order) latest.set(key, ballot);
  }
  return [...latest.values()].sort((a, b) => a.order - b.order);
}

export function tallyBallots(input: EvaluationInput): Tally {
  const voters = input.eligibleAgents.filter((a) => a !== input.proposer);
  const tally: Tally = {
    yes: [],
    no: [],
    abstain: [],
    approvals: [],
    vetoes: [],
    ignored: [],
    requiredYes: requiredYesVotes(input.policy.quorum, voters.length),
    requiredApprovals: requiredApprovals(input.policy, input.proposerRisk),
    voters,
  };
  for (const ballot of latestBallots(input.ballots)) {
    const name = ballot.by === 'person' ? `@${ballot.voter}` : ballot.voter;
    if (ballot.by === 'agent' && ballot.voter === input.proposer) {
      tally.ignored.push({ voter: name, why: 'the proposer’s own vote does not count' });
      continue;
    }
    if (ballot.by === 'agent' && !input.eligibleAgents.includes(ballot.voter)) {
      tally.ignored.push({ voter: name, why: 'not an agent of agents.yaml on the base branch' });
      continue;
    }
    if (ballot.by === 'person' && !input.eligiblePeople.includes(ballot.voter)) {
      tally.ignored.push({ voter: name, why: 'no write permission on the repository' });
      continue;
    }
    if (ballot.choice === 'withdrawn') continue;
    if (ballot.choice === 'no') {
      // A veto stands across pushes: only the voter takes it back.
      (ballot.by === 'agent' ? tally.no : tally.vetoes).push(name);
      continue;
    }
    if (ballot.digest !== input.digest) {
      tally.ignored.push({ voter: name, why: 'cast on an earlier version of the claim' });
      continue;
    }
    if (ballot.choice === 'abstain') tally.abstain.push(name);
    else if (ballot.by === 'agent') tally.yes.push(name);
    else tally.approvals.push(name);
  }
  return tally;
}

/** What to do with the proposal now. */
export function evaluateProposal(input: EvaluationInput): Decision {
  if (input.status !== 'open')
    return { action: 'ignore', reason: `the proposal is already ${input.status}` };
  const tally = tallyBallots(input);
  if (Date.parse(input.now) >= expiresAt(input.openedAt, input.policy.expiry_days)) {
    return {
      action: 'expire',
      reason: `no quorum within expiry_days (${input.policy.expiry_days}) of opening on ${input.openedAt.slice(0, 10)}`,
      tally,
    };
  }
  const vetoes = [...tally.no, ...tally.vetoes];
  if (vetoes.length > 0)
    return { action: 'blocked', reason: `vetoed by ${vetoes.join(', ')}`, tally };
  const needs = stillNeeded(tally);
  if (needs.length > 0) return { action: 'wait', reason: `needs ${needs.join(' and ')}`, tally };
  return {
    action: 'merge',
    reason: `quorum reached: ${describeSupport(tally)}`,
    tally,
  };
}

/** What the proposal still lacks, in words ("1 more agent yes (of iris, kai)"). */
export function stillNeeded(tally: Tally): string[] {
  const needs: string[] = [];
  const missingYes = tally.requiredYes - tally.yes.length;
  if (missingYes > 0) {
    const unreachable = tally.requiredYes > tally.voters.length;
    needs.push(
      unreachable
        ? `${tally.requiredYes} agent yes votes, but only ${tally.voters.length} agent(s) besides the proposer can vote`
        : `${missingYes} more agent yes vote${missingYes === 1 ? '' : 's'} (of ${tally.voters.join(', ')})`,
    );
  }
  const missingApprovals = tally.requiredApprovals - tally.approvals.length;
  if (missingApprovals > 0)
    needs.push(
      `${missingApprovals} more approving review${missingApprovals === 1 ? '' : 's'} by a person with write permission`,
    );
  return needs;
}

export function describeSupport(tally: Tally): string {
  const parts = [
    `${tally.yes.length}/${tally.requiredYes} agent yes (${tally.yes.join(', ') || 'none'})`,
  ];
  if (tally.requiredApprovals > 0 || tally.approvals.length > 0)
    parts.push(
      `${tally.approvals.length}/${tally.requiredApprovals} approvals (${tally.approvals.join(', ') || 'none'})`,
    );
  return parts.join(', ');
}
