// Ballots from what the hosts store, pure: the votes recorded in a proposal file (agents, and people
// on plain git) and the reviews of a pull request (people on GitHub: approve is yes, request changes
// is a veto, a dismissed review is withdrawn, a comment is no vote).
import type { RecordedVote } from './proposal.js';
import type { Ballot } from './quorum.js';

/** A pull request review as the REST API lists it, in the order it lists them (oldest first). */
export interface ReviewRecord {
  id: number;
  user: string;
  state: string;
  /** The head commit the review was given on. */
  commitId: string | undefined;
}

export function ballotsFromVotes(votes: readonly RecordedVote[]): Ballot[] {
  return votes.map((vote, index) => ({
    voter: vote.voter,
    by: vote.by,
    choice: vote.vote,
    digest: vote.digest,
    order: index,
  }));
}

const REVIEW_CHOICE: Record<string, Ballot['choice']> = {
  APPROVED: 'yes',
  CHANGES_REQUESTED: 'no',
  DISMISSED: 'withdrawn',
};

/**
 * People's ballots from reviews. `digestAt` gives the proposal digest at a review's commit
 * (undefined when that commit is unknown: the ballot is then void for a yes). Reviews come after
 * every recorded vote in order, which only matters within one voter, and people and agents never
 * share a ballot key.
 */
export function ballotsFromReviews(
  reviews: readonly ReviewRecord[],
  digestAt: (commit: string) => string | undefined,
  firstOrder = 1_000_000,
): Ballot[] {
  const ballots: Ballot[] = [];
  reviews.forEach((review, index) => {
    const choice = REVIEW_CHOICE[review.state.toUpperCase()];
    if (!choice) return; // COMMENTED and PENDING are not votes
    ballots.push({
      voter: review.user,
      by: 'person',
      choice,
      digest: review.commitId ? digestAt(review.commitId) : undefined,
      order: firstOrder + index,
    });
  });
  return ballots;
}
