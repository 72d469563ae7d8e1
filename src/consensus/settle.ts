// Settling one proposal: read its state fresh, decide by the quorum rule, and merge pinned to the
// evaluated head, close it when expired, or leave it open — under a per-proposal lock. The same
// steps run on GitHub (pull requests) and on plain git (branches): each is a ProposalHost.
import { silentLogger, type Logger } from '../log.js';
import { proposalId } from './proposal.js';
import {
  evaluateProposal,
  type Ballot,
  type ConsensusPolicy,
  type Decision,
  type RiskLevel,
} from './quorum.js';

/** A proposal as its host sees it right now. */
export interface ProposalSnapshot {
  number: number;
  status: 'open' | 'merged' | 'closed';
  /** The head commit the decision is about; the merge is pinned to it. */
  head: string;
  digest: string;
  proposer: string;
  openedAt: string;
  ballots: Ballot[];
  /** Read from the base branch. */
  eligibleAgents: string[];
  eligiblePeople: string[];
  proposerRisk: RiskLevel | undefined;
  policy: ConsensusPolicy;
}

/**
 * How a merge call ended: merged now; already merged (by an earlier evaluation); the head moved
 * since it was read (GitHub's 409: decide again); the base moved (GitHub's 405 "Base branch was
 * modified": try again shortly); or the proposal was closed meanwhile.
 */
export type MergeAnswer = 'merged' | 'already-merged' | 'head-changed' | 'base-modified' | 'closed';

export interface ProposalHost {
  read(number: number): Promise<ProposalSnapshot>;
  merge(snapshot: ProposalSnapshot, decision: Decision & { action: 'merge' }): Promise<MergeAnswer>;
  close(snapshot: ProposalSnapshot, reason: string): Promise<void>;
  /** Takes the proposal's lock; undefined when another evaluation holds it. */
  lock(number: number): Promise<(() => Promise<void>) | undefined>;
}

export type SettleOutcome =
  | { kind: 'merged'; number: number; head: string; decision: Decision }
  | { kind: 'already-merged'; number: number }
  | { kind: 'expired'; number: number; reason: string }
  | { kind: 'open'; number: number; decision: Decision }
  | { kind: 'ignored'; number: number; reason: string }
  | { kind: 'busy'; number: number }
  | { kind: 'gave-up'; number: number; reason: string };

export interface SettleOptions {
  now: () => string;
  /** Merge attempts after "base branch was modified" (405), spaced by backoff. */
  baseRetries?: number;
  /** Re-evaluations after the head moved under the merge (409). */
  headRetries?: number;
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
  logger?: Logger;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function settleProposal(
  host: ProposalHost,
  number: number,
  options: SettleOptions,
): Promise<SettleOutcome> {
  const release = await host.lock(number);
  if (!release) return { kind: 'busy', number };
  try {
    return await settleLocked(host, number, options);
  } finally {
    await release();
  }
}

async function settleLocked(
  host: ProposalHost,
  number: number,
  options: SettleOptions,
): Promise<SettleOutcome> {
  const logger = options.logger ?? silentLogger;
  const sleep = options.sleep ?? sleepFor;
  const headRetries = options.headRetries ?? 3;
  const baseRetries = options.baseRetries ?? 4;
  const backoffMs = options.backoffMs ?? 1000;
  let headMoves = 0;
  let baseMoves = 0;
  for (;;) {
    // Fresh every time: a vote, push or close may have landed since the last look.
    const snapshot = await host.read(number);
    const decision = evaluateProposal({ ...snapshot, now: options.now() });
    switch (decision.action) {
      case 'ignore':
        return snapshot.status === 'merged'
          ? { kind: 'already-merged', number }
          : { kind: 'ignored', number, reason: decision.reason };
      case 'expire':
        await host.close(snapshot, decision.reason);
        return { kind: 'expired', number, reason: decision.reason };
      case 'wait':
      case 'blocked':
        return { kind: 'open', number, decision };
      case 'merge':
        break;
    }
    const answer = await host.merge(snapshot, decision as Decision & { action: 'merge' });
    switch (answer) {
      case 'merged':
        return { kind: 'merged', number, head: snapshot.head, decision };
      case 'already-merged':
        return { kind: 'already-merged', number };
      case 'closed':
        return { kind: 'ignored', number, reason: 'closed before it could merge' };
      case 'head-changed':
        if (++headMoves > headRetries)
          return { kind: 'gave-up', number, reason: `the head kept moving (${headMoves} times)` };
        logger.info(`prop ${number}: the head moved under the merge; evaluating again`);
        continue;
      case 'base-modified': {
        if (++baseMoves > baseRetries)
          return { kind: 'gave-up', number, reason: `the base kept moving (${baseMoves} times)` };
        const delay = backoffMs * 2 ** (baseMoves - 1);
        logger.info(`prop ${number}: the base branch moved; merging again in ${delay} ms`);
        await sleep(delay);
        continue;
      }
    }
  }
}

/** One line saying how a proposal's evaluation ended: for the CLI and the job summary. */
export function describeSettleOutcome(outcome: SettleOutcome): string {
  const id = proposalId(outcome.number);
  switch (outcome.kind) {
    case 'merged':
      return `${id}: merged — ${outcome.decision.reason}`;
    case 'already-merged':
      return `${id}: already merged`;
    case 'expired':
      return `${id}: closed — ${outcome.reason}`;
    case 'open':
      return `${id}: stays open — ${outcome.decision.reason}`;
    case 'ignored':
      return `${id}: ${outcome.reason}`;
    case 'busy':
      return `${id}: another evaluation is running; skipped`;
    case 'gave-up':
      return `${id}: not merged — ${outcome.reason}`;
  }
}
