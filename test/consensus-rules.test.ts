// The pure rules of consensus on plain data: the quorum arithmetic the README documents, the
// proposal file's round trip and digest, and a voter's record with the rubber-stamp flag.
import { voterRecords } from '../src/consensus/grounding.js';
import {
  parseProposal,
  proposalDigest,
  renderProposal,
  type ProposalData,
} from '../src/consensus/proposal.js';
import { requiredApprovals, requiredYesVotes } from '../src/consensus/quorum.js';

const AT = '2026-05-01T09:00:00Z';

function proposal(n: number, overrides: Partial<ProposalData> = {}): ProposalData {
  return {
    proposal: `prop-${String(n).padStart(3, '0')}`,
    subject: `Claim ${n}`,
    topic: 'api-knowledge',
    proposer: 'orion',
    claim: `Claim number ${n} holds.`,
    tags: [],
    evidence: [{ task: `t${n}`, commit: null, note: null }],
    source: 'cli',
    belief: null,
    status: 'open',
    opened_at: AT,
    merged_at: null,
    closed_at: null,
    outcome: null,
    close_reason: null,
    votes: [],
    ...overrides,
  };
}

describe('quorum arithmetic (README, "Proposals, votes and quorum")', () => {
  it.each([
    [2, 2, 2],
    [2, 1, 2], // a count is taken as it is: unreachable with one other agent
    ['2/3', 2, 2],
    ['1/2', 3, 2],
    ['2/3', 1, 1],
    ['1/1', 3, 3],
    ['1/3', 0, 1],
  ])('quorum %p with %p other agents needs %p yes votes', (quorum, others, needed) => {
    expect(requiredYesVotes(quorum, others)).toBe(needed);
  });

  it('a risky proposer needs at least one approving review', () => {
    const policy = { quorum: 1, human_approvals: 0, expiry_days: 14 };
    expect(requiredApprovals(policy, 'medium')).toBe(0);
    expect(requiredApprovals(policy, 'high')).toBe(1);
    expect(requiredApprovals(policy, 'critical')).toBe(1);
    expect(requiredApprovals({ ...policy, human_approvals: 2 }, 'high')).toBe(2);
  });
});

describe('the proposal file', () => {
  it('renders in the seed’s shape and reads back the same record', () => {
    const data = proposal(1, {
      votes: [
        {
          voter: 'iris',
          by: 'agent',
          vote: 'yes',
          reason: 'matches my belief',
          at: AT,
          digest: 'abc',
          grounding: null,
        },
      ],
    });
    const text = renderProposal(data);
    expect(text).toContain('Subject: Claim 1\nProposer: orion\n\nClaim:\n\nClaim number 1 holds.');
    expect(text).toContain('Votes:\n\n- iris: yes — matches my belief (2026-05-01)');
    expect(parseProposal('shared/iac/proposals/prop-001.md', text).data).toEqual(data);
  });

  it('the digest follows the claim, not the votes or the status', () => {
    const base = proposal(1);
    const voted = proposal(1, { status: 'merged', votes: [] });
    expect(proposalDigest(voted)).toBe(proposalDigest(base));
    expect(proposalDigest(proposal(1, { claim: 'Something else.' }))).not.toBe(
      proposalDigest(base),
    );
  });
});

describe('voter health', () => {
  const vote = (grounding: string | null, choice: 'yes' | 'no' = 'yes') => ({
    voter: 'kai',
    by: 'agent' as const,
    vote: choice,
    reason: '',
    at: AT,
    digest: 'd',
    grounding,
  });

  it('flags a voter that says yes on 95%+ of 5+ proposals with no grounding belief', () => {
    const proposals = [1, 2, 3, 4, 5].map((n) =>
      proposal(n, { status: n < 3 ? 'closed' : 'merged', votes: [vote(null)] }),
    );
    const [kai] = voterRecords(proposals);
    expect(kai).toMatchObject({ voter: 'kai', votes: 5, yes: 5, yesRate: 1, rubberStamp: true });
    expect(kai?.agreement).toBeCloseTo(3 / 5);
  });

  it('does not flag grounded yes votes, nor a voter who sometimes says no', () => {
    const grounded = [1, 2, 3, 4, 5].map((n) =>
      proposal(n, { votes: [vote('agents/kai/world/entities/x.md')] }),
    );
    expect(voterRecords(grounded)[0]?.rubberStamp).toBe(false);
    const mixed = [1, 2, 3, 4, 5].map((n) =>
      proposal(n, { votes: [vote(null, n === 3 ? 'no' : 'yes')] }),
    );
    expect(voterRecords(mixed)[0]?.rubberStamp).toBe(false);
  });
});
