// `agentos consensus`: proposals on plain git — list them with their votes and what each still
// needs, propose a belief, vote, and evaluate (merge at quorum, close when expired).
import { Git } from '../../git/git.js';
import { streamLogger } from '../../log.js';
import { readAgentMemory } from '../../loop/agent-memory.js';
import { findAgent, loadRegistry } from '../../memory/registry.js';
import { isoSeconds } from '../../memory/schema-parts.js';
import { UsageError } from '../../errors.js';
import {
  evaluateOpenProposals,
  findBelief,
  proposeBelief,
  voteOnOpenProposals,
} from '../../learning/agent-proposals.js';
import { castVote, listProposals, localProposalHost } from '../../consensus/branches.js';
import { VOTE_CHOICES, type VoteChoice } from '../../consensus/proposal.js';
import { evaluateProposal, expiresAt, stillNeeded } from '../../consensus/quorum.js';
import { describeSettleOutcome } from '../../consensus/settle.js';
import {
  parse,
  repositoryDir,
  REPOSITORY_HELP,
  REPOSITORY_OPTIONS,
  type Command,
} from '../command.js';

const OPTIONS = {
  ...REPOSITORY_OPTIONS,
  list: { type: 'boolean' },
  propose: { type: 'string' },
  vote: { type: 'string' },
  person: { type: 'string' },
  choice: { type: 'string' },
  reason: { type: 'string' },
  evaluate: { type: 'boolean' },
} as const;

function proposalNumber(value: string): number {
  const match = /^(?:prop-)?0*(\d+)$/.exec(value.trim());
  if (!match?.[1] || Number(match[1]) < 1)
    throw new UsageError(`--vote: "${value}" is not a proposal number (such as 1 or prop-001)`);
  return Number(match[1]);
}

export const consensusCommand: Command = {
  name: 'consensus',
  help: `Usage: agentos consensus [--list | --propose BELIEF | --vote N | --evaluate] [options]

Shared truths are agreed by proposals (SPEC §8). On plain git a proposal is a branch
agentos/proposal-NNN that adds shared/iac/proposals/prop-NNN.md, each vote is a commit on it, and a
quorum merges it into the current branch with a merge commit naming the proposal and its votes; the
claim lands in shared/iac/segments/<topic>.md.

  --list              each proposal, its votes and what it still needs (the default)
  --propose BELIEF    the agent (--agent) proposes one of its beliefs: a path such as
                      world/entities/rate-limiter.md, a slug or a name. Only an active entity or
                      relation promoted from a hypothesis with 3+ supporting tasks qualifies.
  --vote N            every agent but the proposer (or just --agent) votes on proposal N from its
                      own world model: a matching promoted belief votes yes, a contradicting one
                      no, otherwise it abstains
  --person NAME --choice yes|no|abstain [--reason TEXT]
                      with --vote N: a person's vote instead (yes approves, no vetoes)
  --evaluate          evaluate every open proposal: merge those at quorum, close expired ones

Quorum, human approvals and expiry come from consensus: in agents.yaml (see README, "Proposals,
votes and quorum").

Options:
${REPOSITORY_HELP}`,
  async run(argv, io) {
    const { values } = parse('consensus', argv, OPTIONS);
    if (values.help) {
      io.stdout.write(`${this.help}\n`);
      return 0;
    }
    const actions = [
      values.propose !== undefined,
      values.vote !== undefined,
      !!values.evaluate,
      !!values.list,
    ];
    if (actions.filter(Boolean).length > 1)
      throw new UsageError('give one of --list, --propose, --vote and --evaluate');
    if ((values.person !== undefined || values.choice !== undefined) && values.vote === undefined)
      throw new UsageError('--person and --choice go with --vote N');
    const repoRoot = repositoryDir(io, values.dir);
    const registry = loadRegistry(repoRoot);
    const git = Git.create(repoRoot);
    const logger = streamLogger(io.stderr, values.verbose);
    const repo = { repoRoot, git, logger: { ...logger, info: () => {} } };
    const out = (line: string) => io.stdout.write(`${line}\n`);

    if (values.propose !== undefined) {
      const agent = findAgent(registry, values.agent).name;
      const memory = await readAgentMemory(repoRoot, git, agent);
      const belief = findBelief(memory.world, agent, values.propose);
      const opened = await proposeBelief(repo, agent, belief);
      out(`${agent} proposed ${opened.data.proposal} on ${opened.branch}: ${opened.data.subject}`);
      return 0;
    }

    if (values.vote !== undefined) {
      const number = proposalNumber(values.vote);
      if (values.person !== undefined) {
        const choice = values.choice as VoteChoice | undefined;
        if (!choice || !VOTE_CHOICES.includes(choice))
          throw new UsageError(`--choice must be one of ${VOTE_CHOICES.join(', ')}`);
        const result = await castVote(repo, number, {
          voter: values.person,
          by: 'person',
          vote: choice,
          reason: values.reason ?? '',
          grounding: null,
        });
        out(
          result.cast
            ? `${values.person} voted ${choice} (${result.commit.slice(0, 7)})`
            : result.reason,
        );
        return 0;
      }
      const agents =
        values.agent !== undefined
          ? [findAgent(registry, values.agent).name]
          : registry.agents.map((a) => a.name);
      let any = false;
      for (const agent of agents) {
        for (const { vote, result } of await voteOnOpenProposals(repo, agent, number)) {
          any = true;
          out(
            result.cast
              ? `${agent} voted ${vote.vote}: ${vote.reason} (${result.commit.slice(0, 7)})`
              : `${agent}: ${result.reason}`,
          );
        }
      }
      if (!any)
        out(
          `prop-${String(number).padStart(3, '0')} is not open, or no agent but its proposer can vote`,
        );
      return 0;
    }

    if (values.evaluate) {
      const outcomes = await evaluateOpenProposals(repo);
      if (outcomes.length === 0) out('No open proposals.');
      for (const outcome of outcomes) out(describeSettleOutcome(outcome));
      return 0;
    }

    const proposals = await listProposals(git);
    if (proposals.length === 0) {
      out('No proposals yet.');
      return 0;
    }
    const host = localProposalHost(repo);
    const now = isoSeconds(new Date());
    for (const proposal of proposals) {
      const d = proposal.data;
      out(
        `${d.proposal}  ${d.status.padEnd(6)}  ${d.subject}  (by ${d.proposer}, topic ${d.topic})`,
      );
      if (d.status !== 'open') {
        const when = d.status === 'merged' ? d.merged_at : d.closed_at;
        out(
          `  ${d.status} ${when?.slice(0, 10) ?? ''}${d.close_reason ? `: ${d.close_reason}` : ''}`,
        );
        continue;
      }
      const votes = d.votes.map((v) => `${v.voter} ${v.vote}`).join(', ') || 'none';
      out(`  votes: ${votes}`);
      const decision = evaluateProposal({ ...(await host.read(proposal.number)), now });
      if (decision.action === 'ignore') continue;
      const expires = new Date(expiresAt(d.opened_at, registry.consensus.expiry_days));
      const needs = stillNeeded(decision.tally);
      out(
        `  ${decision.action === 'merge' ? 'ready to merge (run --evaluate)' : decision.action === 'blocked' ? decision.reason : needs.length > 0 ? `needs ${needs.join(' and ')}` : decision.reason}; expires ${isoSeconds(expires).slice(0, 10)}`,
      );
      for (const ignored of decision.tally.ignored)
        out(`  not counted: ${ignored.voter} (${ignored.why})`);
    }
    return 0;
  },
};
