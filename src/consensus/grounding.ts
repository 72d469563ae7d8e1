// Agents' side of consensus, pure: which of an agent's beliefs it may propose as a shared truth,
// how it votes on another's proposal from its own world model (a matching promoted belief: yes; a
// contradicting one: no; nothing known: abstain), and whether a voter rubber-stamps.
import { isTrusted } from '../world/provenance.js';
import { terms } from '../context/text.js';
import { slugify } from '../memory/layout.js';
import type { Segment } from './segments.js';
import { tripleOf, type Belief } from '../world/beliefs.js';
import { tallyEvidence } from '../world/confidence.js';
import type { ProposalData, VoteChoice } from './proposal.js';

/** A promoted belief is proposed once this many distinct tasks support it (the seed's "3 tasks"). */
export const PROPOSAL_MIN_TASKS = 3;

/** What a belief claims, in one sentence for a proposal. */
export function claimOf(belief: Belief): string {
  const triple = tripleOf(belief);
  const lead = (belief.body.split(/\n\s*\n/)[0] ?? '').trim();
  if (lead) return lead;
  if (triple) return `${triple.subject} ${triple.predicate} ${triple.object}`;
  return belief.data.name;
}

/** The segment a belief's claim belongs to: its first tag, else its own name. */
export function topicOf(belief: Belief): string {
  return slugify(belief.data.tags[0] ?? belief.data.name) || 'shared-knowledge';
}

/**
 * The one rule for which promoted beliefs may be proposed as shared truths. A belief qualifies when
 * it is an active entity or relation promoted from a hypothesis, with at least PROPOSAL_MIN_TASKS
 * distinct supporting tasks, and trusted support (isTrusted: evidence from people with write access,
 * the CLI, the schedule or feedback): a belief backed only by untrusted evidence is never proposed.
 */
export function mayPropose(belief: Belief): boolean {
  const data = belief.data as Belief['data'] & { promoted_from?: unknown };
  if (data.kind === 'hypothesis' || data.status !== 'active') return false;
  if (typeof data.promoted_from !== 'string') return false;
  if (!isTrusted(belief)) return false;
  return tallyEvidence(data).supporting >= PROPOSAL_MIN_TASKS;
}

/** Beliefs to propose now: those mayPropose admits whose claim is neither a segment nor proposed. */
export function proposableBeliefs(
  world: readonly Belief[],
  known: { segments: readonly Segment[]; proposals: readonly ProposalData[] },
): Belief[] {
  const proposed = new Set(known.proposals.map((p) => p.belief).filter(Boolean));
  return world.filter((belief) => {
    if (!mayPropose(belief) || proposed.has(belief.path)) return false;
    // The same claim, proposed by another agent or already agreed, is not proposed again: it is
    // what this agent would vote yes on.
    const name = belief.data.name.toLowerCase();
    const claim = terms(`${belief.data.name} ${claimOf(belief)}`);
    const same = (text: string) => matchScore(terms(text), claim) >= GROUNDING_MATCH;
    if (
      known.proposals.some(
        (p) => p.subject.toLowerCase() === name || same(`${p.subject} ${p.claim}`),
      )
    )
      return false;
    return !known.segments.some((s) => same(s.body));
  });
}

/** Share of the smaller side's distinct terms the other side has too; 0 below two shared terms. */
export function matchScore(a: readonly string[], b: readonly string[]): number {
  const left = new Set(a);
  const right = new Set(b);
  let shared = 0;
  for (const term of left) if (right.has(term)) shared++;
  if (shared < 2) return 0;
  return shared / Math.min(left.size, right.size);
}

/** How closely a belief and a claim must match for the belief to decide a vote. */
export const GROUNDING_MATCH = 0.6;

export interface VoteDecision {
  vote: VoteChoice;
  reason: string;
  /** The belief that decided, when one did. */
  grounding: string | null;
}

function beliefTerms(belief: Belief): string[] {
  const triple = tripleOf(belief);
  return terms(
    [
      belief.data.name,
      ...belief.data.aliases,
      triple ? `${triple.subject} ${triple.predicate} ${triple.object}` : '',
      claimOf(belief),
    ].join(' '),
  );
}

/**
 * An agent's vote from its own world model: a contradicting belief (refuted, superseded or
 * retired) that matches the claim is a no; a matching active entity or relation is a yes; else it
 * abstains. A model may help find matches; this rule decides.
 */
export function decideVote(
  proposal: Pick<ProposalData, 'subject' | 'claim' | 'tags'>,
  world: readonly Belief[],
): VoteDecision {
  const claim = terms(`${proposal.subject} ${proposal.claim} ${proposal.tags.join(' ')}`);
  const matches = world
    .filter((b) => !b.data.merged_into)
    .map((belief) => ({ belief, score: matchScore(beliefTerms(belief), claim) }))
    .filter((m) => m.score >= GROUNDING_MATCH)
    .sort((a, b) => b.score - a.score);
  const against = matches.find(({ belief }) =>
    ['refuted', 'superseded', 'retired'].includes(belief.data.status),
  );
  if (against) {
    return {
      vote: 'no',
      reason: `my world model ${against.belief.data.status === 'refuted' ? 'refuted' : 'no longer holds'} "${against.belief.data.name}" (${against.belief.path})`,
      grounding: against.belief.path,
    };
  }
  const support = matches.find(
    ({ belief }) => belief.data.kind !== 'hypothesis' && belief.data.status === 'active',
  );
  if (support) {
    const tally = tallyEvidence(support.belief.data);
    return {
      vote: 'yes',
      reason: `matches my belief "${support.belief.data.name}" (${support.belief.path}, confidence ${support.belief.data.confidence.toFixed(2)}, ${tally.supporting} supporting task${tally.supporting === 1 ? '' : 's'})`,
      grounding: support.belief.path,
    };
  }
  const open = matches.find(({ belief }) => belief.data.status === 'open');
  return {
    vote: 'abstain',
    reason: open
      ? `only an open hypothesis of mine matches ("${open.belief.data.name}"): not enough to agree`
      : 'nothing in my world model speaks to this claim',
    grounding: null,
  };
}

export interface VoterRecord {
  voter: string;
  votes: number;
  yes: number;
  /** Votes on decided proposals that matched the outcome (yes and merged, no and not merged). */
  agreed: number;
  decided: number;
  ungroundedYes: number;
  yesRate: number;
  agreement: number | null;
  rubberStamp: boolean;
}

/** A voter that says yes this often, with no belief behind it, is flagged. */
export const RUBBER_STAMP = { minVotes: 5, yesRate: 0.95 } as const;

/** Each agent's voting record over proposals (their latest vote per proposal). */
export function voterRecords(proposals: readonly ProposalData[]): VoterRecord[] {
  const byVoter = new Map<string, VoterRecord>();
  for (const proposal of proposals) {
    const latest = new Map<string, ProposalData['votes'][number]>();
    for (const vote of proposal.votes) if (vote.by === 'agent') latest.set(vote.voter, vote);
    for (const vote of latest.values()) {
      const r = byVoter.get(vote.voter) ?? {
        voter: vote.voter,
        votes: 0,
        yes: 0,
        agreed: 0,
        decided: 0,
        ungroundedYes: 0,
        yesRate: 0,
        agreement: null,
        rubberStamp: false,
      };
      r.votes++;
      if (vote.vote === 'yes') {
        r.yes++;
        if (!vote.grounding) r.ungroundedYes++;
      }
      if (proposal.status !== 'open' && vote.vote !== 'abstain') {
        r.decided++;
        if ((vote.vote === 'yes') === (proposal.status === 'merged')) r.agreed++;
      }
      byVoter.set(vote.voter, r);
    }
  }
  return [...byVoter.values()].map((r) => {
    const yesRate = r.votes > 0 ? r.yes / r.votes : 0;
    return {
      ...r,
      yesRate,
      agreement: r.decided > 0 ? r.agreed / r.decided : null,
      rubberStamp:
        r.votes >= RUBBER_STAMP.minVotes &&
        yesRate >= RUBBER_STAMP.yesRate &&
        r.ungroundedYes >= r.yes * RUBBER_STAMP.yesRate,
    };
  });
}
