// Proposals as pull requests, against the local GitHub stand-in (driven by the real Octokit) and a
// bare git remote: one test per semantic of the quorum — a changed mind, a vote on an old head, the
// proposer voting for itself, an ineligible reviewer, a voter added only on the proposal branch, a
// 409 and a 405 on merge, an already merged pull request, an expired proposal, a vote after close,
// a base-only update that keeps the votes — and two evaluations at once on plain git.
import { castVote, localProposalHost, openProposal } from '../src/consensus/branches.js';
import { githubProposalHost, openPullRequestProposal } from '../src/consensus/github-host.js';
import { proposalPath } from '../src/consensus/proposal.js';
import type { Tally } from '../src/consensus/quorum.js';
import { settleProposal, type SettleOutcome } from '../src/consensus/settle.js';
import { Git } from '../src/git/git.js';
import { silentLogger } from '../src/log.js';
import { GitHubPlatform } from '../src/platform/github.js';
import { createGitHubClient } from '../src/platform/octokit.js';
import { GitHubPulls } from '../src/platform/pulls.js';
import {
  cloneWorkspace,
  makeRemote,
  remoteFile,
  remoteLog,
  type Workspace,
} from './helpers/action.js';
import { startFakeGitHub, type FakeGitHub } from './helpers/fake-github.js';
import { commitStaged } from './helpers/person.js';

/** The tally of a proposal left open. */
function tallyOf(outcome: SettleOutcome): Tally | undefined {
  return outcome.kind === 'open' && outcome.decision.action !== 'ignore'
    ? outcome.decision.tally
    : undefined;
}

const TOKEN = 'ghs_consensus_test_token';
const OPENED = Date.parse('2026-05-01T09:00:00Z');

interface Fixture {
  ws: Workspace;
  github: FakeGitHub;
  pulls: GitHubPulls;
  platform: GitHubPlatform;
  pr: number;
  clock: { now: number };
  settle(): ReturnType<typeof settleProposal>;
  vote(voter: string, vote: 'yes' | 'no' | 'abstain'): Promise<void>;
  /** Pushes a commit on the proposal branch that edits the proposal file (or `path`). */
  pushOnBranch(edit: (text: string) => string, path?: string): Promise<string>;
}

async function fixture(options: { humanApprovals?: number } = {}): Promise<Fixture> {
  const remote = await makeRemote();
  const ws = await cloneWorkspace(remote);
  const registry = (await ws.git.exec(['show', 'HEAD:agents.yaml'])).stdout
    .replace('models:', `  - name: kai\n    persona: 'Integration engineer.'\nmodels:`)
    .replace(/human_approvals: .*/, `human_approvals: ${options.humanApprovals ?? 1}`);
  await ws.git.exec(['config', 'user.name', 'Person']);
  await ws.git.exec(['config', 'user.email', 'person@example.com']);
  await ws.git.exec(['rm', '-q', '--cached', 'agents.yaml']);
  const { writeFileSync } = await import('node:fs');
  writeFileSync(`${ws.dir}/agents.yaml`, registry);
  await ws.git.add(['agents.yaml']);
  await commitStaged(ws.git, 'Add kai; one approving review needed');
  await ws.git.exec(['push', '--quiet', 'origin', 'main']);

  const github = await startFakeGitHub({ owner: 'o', repo: 'r', token: TOKEN, gitDir: remote });
  // No spacing between writes: the stand-in is local (the product keeps GitHub's spacing).
  const client = createGitHubClient({
    token: TOKEN,
    baseUrl: github.url,
    logger: silentLogger,
    writeSpacingMs: 0,
  });
  const platform = new GitHubPlatform(client, { owner: 'o', repo: 'r' }, github.url);
  const pulls = new GitHubPulls(client, { owner: 'o', repo: 'r' });
  github.setPermission('ada', 'write');
  github.setPermission('bob', 'maintain');
  github.setPermission('eve', 'read');
  const clock = { now: OPENED };
  const input = {
    repoRoot: ws.dir,
    git: ws.git,
    remote: 'origin',
    pulls,
    platform,
    now: () => new Date(clock.now),
  };
  const { pull } = await openPullRequestProposal(
    { ...input, base: 'main' },
    {
      proposer: 'orion',
      subject: 'API rate limiter taxonomy',
      topic: 'api-knowledge',
      claim: 'Rate limiters commonly fall into token bucket and fixed window.',
      evidence: [{ task: 't1', commit: null, note: null }],
      source: 'cli',
    },
  );
  const branch = 'agentos/proposal-001';
  return {
    ws,
    github,
    pulls,
    platform,
    pr: pull.number,
    clock,
    settle: () =>
      settleProposal(githubProposalHost(input), 1, {
        now: () => new Date(clock.now).toISOString(),
        sleep: async () => {},
      }),
    async vote(voter, vote) {
      await ws.git.fetchBranch('origin', branch);
      await ws.git.exec(['update-ref', `refs/heads/${branch}`, `refs/remotes/origin/${branch}`]);
      const result = await castVote(
        { repoRoot: ws.dir, git: ws.git, now: () => new Date(clock.now) },
        1,
        {
          voter,
          by: 'agent',
          vote,
          reason: 'test',
          grounding: null,
        },
      );
      if (!result.cast) throw new Error(result.reason);
      await ws.git.exec(['push', '--quiet', 'origin', `${branch}:${branch}`]);
    },
    async pushOnBranch(edit, path = proposalPath(1)) {
      const head = await ws.git.fetchBranch('origin', branch);
      const text = (await ws.git.fileAt(head, path)) ?? '';
      const commit = await ws.git.commitFilesOnBranch({
        branch,
        parent: head,
        expected: await ws.git.resolveRef(`refs/heads/${branch}`),
        files: [{ path, content: edit(text) }],
        message: 'A person edits the proposal\n',
      });
      await ws.git.exec(['push', '--quiet', '--force', 'origin', `${commit}:refs/heads/${branch}`]);
      return commit!;
    },
  };
}

describe('proposals as pull requests', () => {
  let f: Fixture;
  afterEach(async () => {
    await f?.github.close();
  });

  it('opens a pull request whose body renders the claim, the evidence and a vote table', async () => {
    f = await fixture();
    const pull = f.github.pulls.get(f.pr)!;
    expect(pull.head).toBe('agentos/proposal-001');
    expect(pull.title).toBe('prop-001: API rate limiter taxonomy (proposed by orion)');
    expect(pull.body).toContain('Rate limiters commonly fall into token bucket and fixed window.');
    expect(pull.body).toContain('- task `t1`');
    expect(pull.body).toContain('| voter | vote | reason |');
  });

  it('a changed mind: approve, then request changes (blocked), then approve again (merged)', async () => {
    f = await fixture();
    await f.vote('iris', 'yes');
    f.github.review(f.pr, 'ada', 'APPROVED');
    f.github.review(f.pr, 'ada', 'CHANGES_REQUESTED');
    const blocked = await f.settle();
    expect(blocked.kind === 'open' && blocked.decision.reason).toBe('vetoed by @ada');
    f.github.review(f.pr, 'ada', 'APPROVED');
    const merged = await f.settle();
    expect(merged.kind).toBe('merged');
    expect(f.github.pulls.get(f.pr)!.merged).toBe(true);
    const segment = await remoteFile(f.ws.remote, 'shared/iac/segments/api-knowledge.md');
    expect(segment).toContain('Agreed in prop-001');
    expect(segment).toContain('approved by @ada');
    expect(await remoteFile(f.ws.remote, proposalPath(1))).toMatch(/status: merged/);
    expect((await remoteLog(f.ws.remote))[0]?.message).toContain('consensus: merge prop-001');
    expect(f.github.issue(f.pr).comments.at(-1)?.body).toContain(
      'Merged by quorum: 1/1 agent yes (iris)',
    );
  });

  it('a dismissed veto is withdrawn', async () => {
    f = await fixture();
    await f.vote('iris', 'yes');
    f.github.review(f.pr, 'bob', 'APPROVED');
    f.github.review(f.pr, 'ada', 'CHANGES_REQUESTED');
    expect((await f.settle()).kind).toBe('open');
    f.github.dismiss(f.pr, 'ada');
    expect((await f.settle()).kind).toBe('merged');
  });

  it('a vote on an old head: a push that changes the claim voids earlier yes votes', async () => {
    f = await fixture();
    await f.vote('iris', 'yes');
    f.github.review(f.pr, 'ada', 'APPROVED');
    await f.pushOnBranch((text) =>
      text.replace('and fixed window.', 'fixed window and sliding log.'),
    );
    const waiting = await f.settle();
    expect(waiting.kind === 'open' && waiting.decision.reason).toBe(
      'needs 1 more agent yes vote (of iris, kai) and 1 more approving review by a person with write permission',
    );
    expect(tallyOf(waiting)?.ignored.map((i) => i.why)).toEqual([
      'cast on an earlier version of the claim',
      'cast on an earlier version of the claim',
    ]);
  });

  it('a base-only update keeps the votes', async () => {
    f = await fixture();
    await f.vote('iris', 'yes');
    f.github.review(f.pr, 'ada', 'APPROVED');
    // A person lands something on main, and main is merged into the proposal branch.
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${f.ws.dir}/NOTES.md`, 'notes\n');
    await f.ws.git.add(['NOTES.md']);
    await commitStaged(f.ws.git, 'Notes');
    await f.ws.git.exec(['push', '--quiet', 'origin', 'main']);
    const head = await f.ws.git.fetchBranch('origin', 'agentos/proposal-001');
    const tree = (await f.ws.git.exec(['merge-tree', '--write-tree', 'main', head])).stdout.trim();
    const merge = (
      await f.ws.git.exec(['commit-tree', tree, '-p', head, '-p', 'main', '-m', 'Merge main'])
    ).stdout.trim();
    await f.ws.git.exec(['push', '--quiet', 'origin', `${merge}:refs/heads/agentos/proposal-001`]);
    expect((await f.settle()).kind).toBe('merged');
  });

  it('the proposer’s own vote never counts', async () => {
    f = await fixture({ humanApprovals: 0 });
    await f.vote('orion', 'yes');
    const waiting = await f.settle();
    expect(tallyOf(waiting)?.ignored).toEqual([
      { voter: 'orion', why: 'the proposer’s own vote does not count' },
    ]);
  });

  it('an ineligible reviewer (read permission) does not count, nor veto', async () => {
    f = await fixture();
    await f.vote('iris', 'yes');
    f.github.review(f.pr, 'eve', 'APPROVED');
    const waiting = await f.settle();
    expect(waiting.kind).toBe('open');
    expect(tallyOf(waiting)?.ignored).toEqual([
      { voter: '@eve', why: 'no write permission on the repository' },
    ]);
    f.github.review(f.pr, 'eve', 'CHANGES_REQUESTED');
    f.github.review(f.pr, 'ada', 'APPROVED');
    expect((await f.settle()).kind).toBe('merged');
  });

  it('a voter added only on the proposal branch is not eligible', async () => {
    f = await fixture({ humanApprovals: 0 });
    await f.pushOnBranch(
      (text) => text.replace('models:', `  - name: nova\n    persona: 'Sneaky.'\nmodels:`),
      'agents.yaml',
    );
    await f.vote('nova', 'yes');
    const waiting = await f.settle();
    expect(tallyOf(waiting)?.ignored).toEqual([
      { voter: 'nova', why: 'not an agent of agents.yaml on the base branch' },
    ]);
  });

  it('a 409 on merge (the head moved) re-evaluates, then merges', async () => {
    f = await fixture({ humanApprovals: 0 });
    await f.vote('iris', 'yes');
    f.github.failNext({
      method: 'PUT',
      path: /\/merge$/,
      status: 409,
      times: 1,
      message: 'Head branch was modified. Review and try the merge again.',
    });
    expect((await f.settle()).kind).toBe('merged');
    const merges = f.github.requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/merge'));
    expect(merges.map((r) => r.status)).toEqual([409, 200]);
    expect((merges[1]?.body as { sha?: string }).sha).toMatch(/^[0-9a-f]{40}$/);
  });

  it('a 405 "base branch was modified" is retried with backoff, then merges', async () => {
    f = await fixture({ humanApprovals: 0 });
    await f.vote('iris', 'yes');
    f.github.failNext({
      method: 'PUT',
      path: /\/merge$/,
      status: 405,
      times: 2,
      message: 'Base branch was modified. Review and try the merge again.',
    });
    expect((await f.settle()).kind).toBe('merged');
    const merges = f.github.requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/merge'));
    expect(merges.map((r) => r.status)).toEqual([405, 405, 200]);
  });

  it('an already merged pull request is success, not an error', async () => {
    f = await fixture({ humanApprovals: 0 });
    await f.vote('iris', 'yes');
    const host = githubProposalHost({
      repoRoot: f.ws.dir,
      git: f.ws.git,
      remote: 'origin',
      pulls: f.pulls,
      platform: f.platform,
      now: () => new Date(f.clock.now),
    });
    const stale = await host.read(1);
    expect((await f.settle()).kind).toBe('merged');
    const decision = {
      action: 'merge' as const,
      reason: '',
      tally: {
        yes: ['iris'],
        no: [],
        abstain: [],
        approvals: [],
        vetoes: [],
        ignored: [],
        requiredYes: 1,
        requiredApprovals: 0,
        voters: ['iris', 'kai'],
      },
    };
    expect(await host.merge(stale, decision)).toBe('already-merged');
    expect((await f.settle()).kind).toBe('already-merged');
  });

  it('an expired proposal is closed with a comment saying why; a vote after close is ignored', async () => {
    f = await fixture();
    await f.vote('iris', 'yes');
    f.clock.now = OPENED + 15 * 86_400_000;
    const expired = await f.settle();
    expect(expired.kind).toBe('expired');
    const pull = f.github.pulls.get(f.pr)!;
    expect(pull.state).toBe('closed');
    expect(pull.merged).toBe(false);
    expect(f.github.issue(f.pr).comments.at(-1)?.body).toMatch(
      /^Closed without quorum: no quorum within expiry_days \(14\) of opening on 2026-05-01\. Votes at close: iris yes\./,
    );
    const record = (await f.ws.git.exec(['show', `HEAD:${proposalPath(1)}`])).stdout;
    expect(record).toMatch(/status: closed/);
    expect(record).toMatch(/outcome: expired/);
    f.github.review(f.pr, 'ada', 'APPROVED');
    expect((await f.settle()).kind).toBe('ignored');
    expect(f.github.pulls.get(f.pr)!.merged).toBe(false);
  });
});

describe('one evaluation per proposal at a time (plain git)', () => {
  it('two evaluations at once: one merges, the other finds it busy', async () => {
    const remote = await makeRemote();
    const ws = await cloneWorkspace(remote);
    const repo = { repoRoot: ws.dir, git: ws.git };
    await openProposal(repo, {
      proposer: 'orion',
      subject: 'A claim',
      topic: 'api-knowledge',
      claim: 'A claim holds.',
      evidence: [],
      source: 'cli',
    });
    await castVote(repo, 1, {
      voter: 'iris',
      by: 'agent',
      vote: 'yes',
      reason: '',
      grounding: null,
    });
    const host = localProposalHost(repo);
    const now = () => new Date().toISOString();
    const outcomes = await Promise.all([
      settleProposal(host, 1, { now }),
      settleProposal(host, 1, { now }),
    ]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['busy', 'merged']);
    const merges = (await ws.git.exec(['log', '--merges', '--format=%s'])).stdout
      .trim()
      .split('\n');
    expect(merges).toEqual(['consensus: merge prop-001 — A claim']);
    expect(Git.create(ws.dir)).toBeDefined();
  });
});
