// Exploration of the learned routing policy where successes are censored: a cluster that always
// started on the strongest tier learns nothing about a cheaper one, so exploration tries the
// cheaper start first; once it has been tried, its exact evidence decides.
import {
  addObservation,
  chooseRoute,
  emptyEvidence,
  MIN_EVIDENCE,
  type RouteRequest,
} from '../src/routing/learned-policy.js';

const TIERS = [
  { tier: 'cheap-fast', cost: 0.0012 },
  { tier: 'balanced', cost: 0.02 },
  { tier: 'strongest', cost: 0.016 },
];

function request(draws: number[]): RouteRequest {
  let n = 0;
  return {
    demand: 'novel',
    tags: ['ledger'],
    tiers: TIERS,
    budget: 'balanced',
    maxEscalations: 2,
    random: () => draws[n++] ?? 0.5,
  };
}

describe('routing exploration with censored successes', () => {
  it('tries an untried cheaper start within the exploration rate, and leaves it to the evidence once tried', () => {
    const evidence = emptyEvidence();
    for (let i = 0; i < 40; i++)
      addObservation(
        evidence,
        {
          demand: 'novel',
          tags: ['ledger'],
          attempts: [{ tier: 'strongest', success: true }],
          cost: 0.016,
        },
        ['cheap-fast', 'balanced', 'strongest'],
      );
    // Not exploring (a draw above the rate): the greedy start, the static route.
    const greedy = chooseRoute(evidence, request([0.99]));
    expect(greedy.tier).toBe('strongest');
    expect(greedy.explored).toBe(false);
    // Exploring: the cheapest start, which has never been tried here.
    const explored = chooseRoute(evidence, request([0]));
    expect(explored.tier).toBe('cheap-fast');
    expect(explored.explored).toBe(true);
    expect(explored.reason).toMatch(
      /^exploring cheap-fast \(fewer than 5 starts there yet, and it could cost less per success; /,
    );

    // Tried MIN_EVIDENCE times, all solved on the cheap tier: now the greedy choice starts there.
    for (let i = 0; i < MIN_EVIDENCE; i++)
      addObservation(
        evidence,
        {
          demand: 'novel',
          tags: ['ledger'],
          attempts: [{ tier: 'cheap-fast', success: true }],
          cost: 0.0012,
        },
        ['cheap-fast', 'balanced', 'strongest'],
      );
    const learned = chooseRoute(evidence, request([0.99]));
    expect(learned.tier).toBe('cheap-fast');
    expect(learned.explored).toBe(false);
    expect(chooseRoute(evidence, request([0])).reason).not.toMatch(/fewer than 5 starts/);
  });
});
