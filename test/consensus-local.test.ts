// Proposals on plain git through `agentos consensus`: orion proposes a promoted belief, iris and a
// third agent vote from their own world models, the quorum merges it into the default branch with
// a merge commit naming the proposal and its votes, the segment is written, and the next task on
// that subject has the segment in its context.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { listProposals, openProposal } from '../src/consensus/branches.js';
import { contextItems } from '../src/context/assemble.js';
import { runIteration } from '../src/loop/iteration.js';
import { taskFromText } from '../src/loop/task.js';
import { runCli } from './helpers/cli.js';
import { scriptedModel } from './helpers/model.js';
import { repoRewardRecords } from './helpers/rewards.js';
import { commitStaged } from './helpers/person.js';
import { makeRepo, type TestRepo } from './helpers/repo.js';
import { CLAIM, promotedEntity, refutedHypothesis, threeAgentRepo } from './helpers/consensus.js';

async function cli(repo: TestRepo, ...args: string[]) {
  return runCli(['consensus', '--dir', repo.dir, ...args]);
}

/** orion proposes its rate limiter taxonomy. */
function proposeTaxonomy(repo: TestRepo) {
  return cli(repo, '--propose', 'world/entities/rate-limiter-taxonomy.md', '--agent', 'orion');
}

describe('shared proposals from answers, and segments in reward records', () => {
  let repo: TestRepo;
  afterEach(() => repo?.cleanup());

  it('an answer’s shared_proposal opens a proposal branch; a used segment is named on the record', async () => {
    repo = await makeRepo();
    repo.write(
      'shared/iac/segments/api-knowledge.md',
      '---\ntitle: API knowledge\ntags: [api]\n---\n\nVendor APIs paginate with cursors.\n',
    );
    await repo.git.add(['shared']);
    await commitStaged(repo.git, 'A segment');
    const model = scriptedModel((request) => ({
      used_context: contextItems(request.context)
        .filter((i) => i.kind === 'segment')
        .map((i) => i.id),
      shared_proposal: {
        topic: 'API knowledge',
        claim: 'Vendor cursors expire after an hour.',
        evidence: 'seen in this sync',
      },
    }));
    const result = await runIteration(
      { repoRoot: repo.dir, git: repo.git, model },
      taskFromText('orion', 'Sync the vendor API with cursor pagination'),
    );
    expect(result.proposal).toEqual({ id: 'prop-001', branch: 'agentos/proposal-001' });
    const file = (
      await repo.git.exec(['show', 'agentos/proposal-001:shared/iac/proposals/prop-001.md'])
    ).stdout;
    expect(file).toContain('source: answer');
    expect(file).toContain('topic: api-knowledge');
    expect(file).toContain(`commit: ${result.commit}`);
    expect(result.record?.segments_used).toEqual(['shared/iac/segments/api-knowledge.md']);
    expect(repoRewardRecords(repo.dir, 'orion')[0]?.segments_used).toEqual([
      'shared/iac/segments/api-knowledge.md',
    ]);

    const refused = await runIteration(
      {
        repoRoot: repo.dir,
        git: repo.git,
        model: scriptedModel(() => ({
          shared_proposal: { topic: '!!!', claim: 'x', evidence: '' },
        })),
      },
      taskFromText('orion', 'Another task'),
    );
    expect(refused.proposal).toEqual({ refused: 'shared_proposal.topic makes no segment name' });
  });
});

describe('agentos consensus on plain git', () => {
  let repo: TestRepo;
  afterEach(() => repo?.cleanup());

  it('orion proposes, iris and kai vote yes, the quorum merges it and the next task sees the segment', async () => {
    repo = await threeAgentRepo(2);
    const proposed = await proposeTaxonomy(repo);
    expect(proposed.stderr).toBe('');
    expect(proposed.stdout).toContain('orion proposed prop-001 on agentos/proposal-001');
    // The working tree and the default branch are untouched until the merge.
    expect(existsSync(join(repo.dir, 'shared/iac/proposals/prop-001.md'))).toBe(false);
    const file = (
      await repo.git.exec(['show', 'agentos/proposal-001:shared/iac/proposals/prop-001.md'])
    ).stdout;
    expect(file).toContain('Subject: API rate limiter taxonomy');
    expect(file).toContain('Proposer: orion');
    expect(file).toContain('task `t1`');

    const irisVote = await cli(repo, '--vote', '1', '--agent', 'iris');
    expect(irisVote.stdout).toMatch(/iris voted yes: matches my belief "Rate limiter families"/);
    const waiting = await cli(repo, '--evaluate');
    expect(waiting.stdout).toContain(
      'prop-001: stays open — needs 1 more agent yes vote (of iris, kai)',
    );
    const listed = await cli(repo, '--list');
    expect(listed.stdout).toContain('votes: iris yes');
    expect(listed.stdout).toContain('needs 1 more agent yes vote');

    const kaiVote = await cli(repo, '--vote', '1', '--agent', 'kai');
    expect(kaiVote.stdout).toMatch(/kai voted yes/);
    const merged = await cli(repo, '--evaluate');
    expect(merged.stdout).toContain('prop-001: merged — quorum reached: 2/2 agent yes (iris, kai)');

    const segment = repo.read('shared/iac/segments/api-knowledge.md');
    expect(segment).toContain(CLAIM);
    expect(segment).toContain('Agreed in prop-001');
    expect(segment).toContain('yes from iris, kai');
    const record = repo.read('shared/iac/proposals/prop-001.md');
    expect(record).toMatch(/status: merged/);
    expect(record).toMatch(/merged_at: /);
    const log = (await repo.git.exec(['log', '--format=%s%n%b%n--', '-1'])).stdout;
    expect(log).toContain('consensus: merge prop-001 — API rate limiter taxonomy');
    expect(log).toContain('AgentOS-Votes: iris yes, kai yes');
    const parents = (await repo.git.exec(['log', '-1', '--format=%P'])).stdout.trim().split(' ');
    expect(parents).toHaveLength(2);
    const oneline = await repo.git.logOneline();
    expect(oneline.some((l) => l.includes('iris: vote yes on prop-001'))).toBe(true);
    expect(await repo.git.branchExists('agentos/proposal-001')).toBe(false);

    // Votes after the merge are ignored.
    const late = await cli(repo, '--vote', '1', '--person', 'ada', '--choice', 'no');
    expect(late.stdout).toContain('prop-001 is not open: the vote is ignored');

    // Any agent's next task on the subject has the segment in its context.
    await runCli([
      'enqueue',
      '--dir',
      repo.dir,
      '--agent',
      'iris',
      '--id',
      'limits',
      'Which rate limiter family does the vendor API use, token bucket or fixed window?',
    ]);
    const run = await runCli(['run', '--dir', repo.dir, '--agent', 'iris']);
    expect(run.code).toBe(0);
    expect(repo.read('agents/iris/context.md')).toContain('shared/iac/segments/api-knowledge.md');
  });

  it('a proposal lists the belief’s newest 10 supporting tasks with the commits that recorded them', async () => {
    repo = await threeAgentRepo(2);
    const tasks = Array.from({ length: 14 }, (_, i) => `t${i + 1}`);
    const commits = new Map<string, string>();
    for (const task of tasks.slice(0, 13)) {
      await repo.git.exec([
        'commit',
        '--allow-empty',
        '-q',
        '-m',
        `Task ${task}\n\nAgentOS-Task: ${task}`,
      ]);
      commits.set(task, await repo.git.headSha());
    }
    repo.write(
      'agents/orion/world/entities/rate-limiter-taxonomy.md',
      promotedEntity('API rate limiter taxonomy', ['api-knowledge'], tasks, CLAIM),
    );
    await repo.git.add(['agents']);
    await commitStaged(repo.git, 'More support');
    const proposed = await proposeTaxonomy(repo);
    expect(proposed.code).toBe(0);
    const [proposal] = await listProposals(repo.git);
    expect(proposal?.data.evidence.map((e) => [e.task, e.commit])).toEqual(
      tasks.slice(4).map((task) => [task, commits.get(task) ?? null]),
    );
  });

  it('numbers never collide: two runs proposing at once take different numbers, above every branch in use', async () => {
    repo = await threeAgentRepo(2);
    await repo.git.exec(['branch', 'agentos/proposal-002']);
    const draft = (proposer: string, subject: string) => ({
      proposer,
      subject,
      topic: 'api-knowledge',
      claim: `${subject} is true.`,
      evidence: [],
      source: 'cli' as const,
    });
    const [a, b] = await Promise.all([
      openProposal({ repoRoot: repo.dir, git: repo.git }, draft('orion', 'One claim')),
      openProposal({ repoRoot: repo.dir, git: repo.git }, draft('kai', 'Another claim')),
    ]);
    expect([a.number, b.number].sort()).toEqual([3, 4]);
    const files = await Promise.all(
      [a, b].map((p) => repo.git.exec(['show', `${p.branch}:${p.path}`])),
    );
    expect(files.map((f) => f.stdout.includes('Subject: One claim'))).toContain(true);
    expect(files.map((f) => f.stdout.includes('Subject: Another claim'))).toContain(true);
    const next = await cli(repo, '--propose', 'token-bucket', '--agent', 'kai');
    expect(next.stdout).toContain('kai proposed prop-005');
  });

  it('refuses a belief that is not promoted, with exit 2 and the reason', async () => {
    repo = await threeAgentRepo(2);
    repo.write(
      'agents/orion/world/hypotheses/guess.md',
      refutedHypothesis('A guess', 'Guesses are facts.'),
    );
    await repo.git.add(['agents']);
    await commitStaged(repo.git, 'a guess');
    const refused = await cli(repo, '--propose', 'guess', '--agent', 'orion');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /cannot be proposed: only an active entity or relation promoted/,
    );
  });

  it('an agent with a contradicting belief vetoes; a person can veto and withdraw', async () => {
    repo = await threeAgentRepo(1);
    repo.write(
      'agents/kai/world/hypotheses/rate-limiter-families.md',
      refutedHypothesis(
        'Vendor rate limiter families',
        'Vendor API rate limiters fall into token bucket and fixed window families.',
      ),
    );
    await repo.git.exec(['rm', '-q', 'agents/kai/world/entities/token-bucket.md']);
    await repo.git.add(['agents']);
    await commitStaged(repo.git, 'kai changed its mind');
    await cli(repo, '--propose', 'rate-limiter-taxonomy', '--agent', 'orion');
    const votes = await cli(repo, '--vote', '1');
    expect(votes.stdout).toMatch(/iris voted yes/);
    expect(votes.stdout).toMatch(
      /kai voted no: my world model refuted "Vendor rate limiter families"/,
    );
    expect((await cli(repo, '--evaluate')).stdout).toContain('stays open — vetoed by kai');
  });
});
