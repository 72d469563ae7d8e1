// The quorum machinery against a small reference model of SPEC §8's rules: random interleavings of
// agent votes, reviews, dismissals, pushes, base updates, voters added on either branch, closes,
// expiry and concurrent evaluations (with pushes racing the merge call, 405s and already-merged
// answers). Every merge the machinery makes must be one the model allows at that moment, and every
// evaluation that finds the model satisfied must merge.
import fc from 'fast-check';
import {
  ballotsFromReviews,
  ballotsFromVotes,
  type ReviewRecord,
} from '../src/consensus/ballots.js';
import type { RecordedVote } from '../src/consensus/proposal.js';
import type { ConsensusPolicy, RiskLevel } from '../src/consensus/quorum.js';
import {
  settleProposal,
  type MergeAnswer,
  type ProposalHost,
  type ProposalSnapshot,
} from '../src/consensus/settle.js';

const AGENTS = ['orion', 'iris', 'kai', 'lyra'] as const;
const PEOPLE = ['ada', 'bob', 'eve'] as const; // eve has read permission only
const DAY = 86_400_000;
const OPENED = Date.parse('2026-05-01T00:00:00Z');

type Event =
  | { t: 'vote'; voter: string; choice: 'yes' | 'no' | 'abstain' }
  | { t: 'review'; user: string; state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' }
  | { t: 'dismiss'; user: string }
  | { t: 'push' }
  | { t: 'base-update' }
  | { t: 'add-agent'; where: 'base' | 'branch'; name: string }
  | { t: 'advance'; days: number }
  | { t: 'close' }
  | { t: 'evaluate'; race: Event | undefined; baseModified: number; twice: boolean };

interface World {
  status: 'open' | 'merged' | 'closed';
  head: number;
  version: number; // the claim's content version: what a digest names
  baseAgents: string[];
  branchAgents: string[];
  votes: RecordedVote[];
  reviews: ReviewRecord[];
  reviewVersion: Map<number, number>; // review id -> content version at its commit
  heads: Map<number, number>; // head -> content version
  now: number;
  baseModified: number;
  locked: boolean;
  wrongMerges: string[];
}

interface Config {
  policy: ConsensusPolicy;
  proposer: string;
  risk: RiskLevel;
}

// ---- the reference model: the rules read straight from the issue, over the raw history ----

function referenceRequired(quorum: number | string, others: number): number {
  if (typeof quorum === 'number') return quorum;
  const [a, b] = quorum.split('/').map(Number) as [number, number];
  return Math.max(1, Math.ceil((a * others) / b));
}

function modelAllowsMerge(w: World, c: Config): boolean {
  if (w.status !== 'open') return false;
  if (w.now >= OPENED + c.policy.expiry_days * DAY) return false;
  const voters = w.baseAgents.filter((a) => a !== c.proposer);
  let yes = 0;
  for (const agent of voters) {
    const last = [...w.votes].reverse().find((v) => v.voter === agent);
    if (!last) continue;
    if (last.vote === 'no') return false;
    if (last.vote === 'yes' && last.digest === `v${w.version}`) yes++;
  }
  let approvals = 0;
  for (const person of ['ada', 'bob']) {
    const last = [...w.reviews].reverse().find((r) => r.user === person && r.state !== 'COMMENTED');
    if (!last) continue;
    if (last.state === 'CHANGES_REQUESTED') return false;
    if (last.state === 'APPROVED' && w.reviewVersion.get(last.id) === w.version) approvals++;
  }
  const humans = Math.max(
    c.policy.human_approvals,
    c.risk === 'high' || c.risk === 'critical' ? 1 : 0,
  );
  return yes >= referenceRequired(c.policy.quorum, voters.length) && approvals >= humans;
}

function modelExpired(w: World, c: Config): boolean {
  return w.status === 'open' && w.now >= OPENED + c.policy.expiry_days * DAY;
}

// ---- the world's transitions (what people, agents and git do) ----

let reviewIds = 1;
function apply(w: World, e: Event, c: Config): void {
  switch (e.t) {
    case 'vote':
      // An agent's vote is a commit on the proposal branch: the head moves, the claim does not.
      w.head++;
      w.heads.set(w.head, w.version);
      w.votes.push({
        voter: e.voter,
        by: 'agent',
        vote: e.choice,
        reason: '',
        at: new Date(w.now).toISOString(),
        digest: `v${w.version}`,
        grounding: null,
      });
      return;
    case 'review': {
      const id = reviewIds++;
      w.reviews.push({ id, user: e.user, state: e.state, commitId: `h${w.head}` });
      w.reviewVersion.set(id, w.version);
      return;
    }
    case 'dismiss': {
      const last = [...w.reviews]
        .reverse()
        .find((r) => r.user === e.user && r.state !== 'COMMENTED');
      if (last) last.state = 'DISMISSED';
      return;
    }
    case 'push':
      w.head++;
      w.version++;
      w.heads.set(w.head, w.version);
      return;
    case 'base-update':
      w.head++;
      w.heads.set(w.head, w.version);
      return;
    case 'add-agent':
      if (e.where === 'base' && !w.baseAgents.includes(e.name)) w.baseAgents.push(e.name);
      if (!w.branchAgents.includes(e.name)) w.branchAgents.push(e.name);
      return;
    case 'advance':
      w.now += e.days * DAY;
      return;
    case 'close':
      if (w.status === 'open') w.status = 'closed';
      return;
    case 'evaluate':
      void c;
      return;
  }
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

function memoryHost(w: World, c: Config, race: { event: Event | undefined }): ProposalHost {
  return {
    async read(number): Promise<ProposalSnapshot> {
      await tick();
      return {
        number,
        status: w.status,
        head: `h${w.head}`,
        digest: `v${w.version}`,
        proposer: c.proposer,
        openedAt: new Date(OPENED).toISOString(),
        ballots: [
          ...ballotsFromVotes(w.votes),
          ...ballotsFromReviews(w.reviews, (commit) => {
            const version = w.heads.get(Number(commit.slice(1)));
            return version === undefined ? undefined : `v${version}`;
          }),
        ],
        // The base branch's list: an agent added only on the proposal branch is not here.
        eligibleAgents: [...w.baseAgents],
        eligiblePeople: ['ada', 'bob'],
        proposerRisk: c.risk,
        policy: c.policy,
      };
    },
    async merge(snapshot): Promise<MergeAnswer> {
      await tick();
      if (race.event) {
        apply(w, race.event, c);
        race.event = undefined;
      }
      if (w.status === 'merged') return 'already-merged';
      if (w.status === 'closed') return 'closed';
      if (snapshot.head !== `h${w.head}`) return 'head-changed';
      if (w.baseModified > 0) {
        w.baseModified--;
        return 'base-modified';
      }
      if (!modelAllowsMerge(w, c)) w.wrongMerges.push(`merged at head ${w.head}`);
      w.status = 'merged';
      return 'merged';
    },
    async close() {
      await tick();
      if (w.status === 'open') w.status = 'closed';
    },
    async lock() {
      if (w.locked) return undefined;
      w.locked = true;
      return async () => {
        w.locked = false;
      };
    },
  };
}

// ---- generators ----

const agent = fc.constantFrom(...AGENTS, 'nova');
const person = fc.constantFrom(...PEOPLE);
const voteChoice = fc.constantFrom(
  ...(['yes', 'yes', 'yes', 'yes', 'yes', 'yes', 'yes', 'yes', 'no', 'abstain'] as const),
);
const reviewState = fc.constantFrom(
  ...(['APPROVED', 'APPROVED', 'APPROVED', 'APPROVED', 'CHANGES_REQUESTED', 'COMMENTED'] as const),
);
const plainEvent: fc.Arbitrary<Event> = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.record({ t: fc.constant('vote' as const), voter: agent, choice: voteChoice }),
  },
  {
    weight: 8,
    arbitrary: fc.record({ t: fc.constant('review' as const), user: person, state: reviewState }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('dismiss' as const), user: person }) },
  { weight: 4, arbitrary: fc.constant({ t: 'push' as const }) },
  { weight: 4, arbitrary: fc.constant({ t: 'base-update' as const }) },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('add-agent' as const),
      where: fc.constantFrom('base' as const, 'branch' as const),
      name: fc.constantFrom('kai', 'lyra', 'nova'),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('advance' as const),
      days: fc.integer({ min: 1, max: 6 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ t: 'close' as const }) },
);
// What can land between an evaluation's fresh read and its merge call: anything that moves the
// head (the pinned sha catches it) or closes the proposal. A review or a clock tick in that gap is
// a race no host can close (GitHub merges then too), so it is not generated there.
const racingEvent: fc.Arbitrary<Event> = fc.oneof(
  fc.record({
    t: fc.constant('vote' as const),
    voter: agent,
    choice: fc.constantFrom('yes' as const, 'no' as const),
  }),
  fc.constant({ t: 'push' as const }),
  fc.constant({ t: 'base-update' as const }),
  fc.constant({ t: 'close' as const }),
);
const event: fc.Arbitrary<Event> = fc.oneof(
  { weight: 5, arbitrary: plainEvent },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('evaluate' as const),
      race: fc.option(racingEvent, { nil: undefined, freq: 3 }),
      baseModified: fc.integer({ min: 0, max: 3 }),
      twice: fc.boolean(),
    }),
  },
);
const config: fc.Arbitrary<Config> = fc.record({
  policy: fc.record({
    quorum: fc.constantFrom<number | string>(1, 2, 3, '1/2', '2/3', '1/1'),
    human_approvals: fc.constantFrom(0, 0, 1),
    expiry_days: fc.constantFrom(3, 14, 14),
  }),
  proposer: fc.constantFrom('orion', 'iris'),
  risk: fc.constantFrom<RiskLevel>('low', 'medium', 'high'),
});

test('1,000+ random interleavings: no wrong merge, no missed merge', async () => {
  let merges = 0;
  let expiries = 0;
  await fc.assert(
    fc.asyncProperty(
      config,
      fc.array(event, { minLength: 12, maxLength: 40 }),
      async (c, events) => {
        const w: World = {
          status: 'open',
          head: 1,
          version: 1,
          baseAgents: ['orion', 'iris', 'kai'],
          branchAgents: ['orion', 'iris', 'kai'],
          votes: [],
          reviews: [],
          reviewVersion: new Map(),
          heads: new Map([[1, 1]]),
          now: OPENED,
          baseModified: 0,
          locked: false,
          wrongMerges: [],
        };
        const settle = (race: { event: Event | undefined }) =>
          settleProposal(memoryHost(w, c, race), 1, {
            now: () => new Date(w.now).toISOString(),
            sleep: async () => {},
            baseRetries: 4,
          });
        for (const e of [
          ...events,
          { t: 'evaluate', race: undefined, baseModified: 0, twice: false } as const,
        ]) {
          if (e.t !== 'evaluate') {
            apply(w, e, c);
            continue;
          }
          const allowedBefore = modelAllowsMerge(w, c);
          const expiredBefore = modelExpired(w, c);
          w.baseModified = e.baseModified;
          const race = { event: e.race };
          const outcomes = await Promise.all(
            e.twice ? [settle(race), settle(race)] : [settle(race)],
          );
          if (e.twice) expect(outcomes.filter((o) => o.kind === 'busy')).toHaveLength(1);
          expect(w.wrongMerges).toEqual([]);
          if (expiredBefore) expect(w.status).toBe('closed');
          // Nothing raced the merge and the base settled within the retries: it must have merged.
          if (allowedBefore && e.race === undefined && e.baseModified <= 4)
            expect(w.status).toBe('merged');
          if (outcomes.some((o) => o.kind === 'merged')) merges++;
          if (outcomes.some((o) => o.kind === 'expired')) expiries++;
        }
        // Quiescent at the end: whatever the model allows has merged.
        expect(modelAllowsMerge(w, c)).toBe(false);
      },
    ),
    { numRuns: 1200, seed: Number(process.env.CONSENSUS_MODEL_SEED ?? 20261126) },
  );
  // The generators reach both ends, so the property is not vacuous.
  expect(merges).toBeGreaterThan(100);
  expect(expiries).toBeGreaterThan(20);
});
