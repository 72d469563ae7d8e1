// The action's learn mode on GitHub (SPEC §8, §10): orion's learning run opens a pull request for
// its promoted belief, iris's run votes on it (a commit on the proposal branch and a comment on the
// pull request), and the quorum merges the segment into the remote's main.
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Git } from '../src/git/git.js';
import {
  cloneWorkspace,
  makeRemote,
  OWNER,
  remoteFile,
  REPO,
  runAction,
  TOKEN,
} from './helpers/action.js';
import { startFakeGitHub, type FakeGitHub } from './helpers/fake-github.js';
import { commitStaged } from './helpers/person.js';
import { CLAIM, promotedEntity } from './helpers/consensus.js';

const BRANCH = 'agentos/proposal-001';
const PROPOSAL = 'shared/iac/proposals/prop-001.md';

/** A remote where orion holds a proposable belief and iris one that grounds a yes vote. */
async function seededRemote(): Promise<string> {
  const remote = await makeRemote();
  const seed = await cloneWorkspace(remote);
  const files = {
    'agents/orion/world/entities/rate-limiter-taxonomy.md': promotedEntity(
      'API rate limiter taxonomy',
      ['api-knowledge', 'rate-limit'],
      ['t1', 't2', 't3'],
      CLAIM,
    ),
    'agents/iris/world/entities/rate-limiter-families.md': promotedEntity(
      'Rate limiter families',
      ['rate-limit'],
      ['i1', 'i2', 'i3'],
      'Rate limiters fall into token bucket and fixed window families.',
    ),
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(seed.dir, path)), { recursive: true });
    writeFileSync(join(seed.dir, path), text);
  }
  await seed.git.exec(['config', 'user.name', 'Person']);
  await seed.git.exec(['config', 'user.email', 'person@example.com']);
  await seed.git.add(Object.keys(files));
  await commitStaged(seed.git, 'Beliefs orion and iris hold');
  await seed.git.exec(['push', '--quiet', 'origin', 'HEAD:main']);
  return remote;
}

async function remoteShow(remote: string, ref: string): Promise<string | undefined> {
  const out = await Git.create(remote).exec(['show', ref], { allowFailure: true });
  return out.exitCode === 0 ? out.stdout : undefined;
}

describe('action: learn mode publishes proposals and votes on GitHub', () => {
  let github: FakeGitHub;
  afterEach(() => github?.close());

  it('orion’s run opens a pull request; iris’s run votes on it, comments and merges it', async () => {
    const remote = await seededRemote();
    github = await startFakeGitHub({ owner: OWNER, repo: REPO, token: TOKEN, gitDir: remote });
    const learn = async (agent: string) =>
      runAction({
        workspace: (await cloneWorkspace(remote)).dir,
        apiUrl: github.url,
        eventName: 'schedule',
        payload: { schedule: '17 2 * * *' },
        inputs: { mode: 'learn', agent },
      });

    const orion = await learn('orion');
    expect(orion.stderr).toBe('');
    expect(orion.code).toBe(0);
    const pulls = [...github.pulls.values()];
    expect(pulls).toHaveLength(1);
    const pull = pulls[0]!;
    expect(pull).toMatchObject({ head: BRANCH, base: 'main', state: 'open', merged: false });
    expect(pull.title).toBe('prop-001: API rate limiter taxonomy (proposed by orion)');
    expect(pull.body).toContain(CLAIM);
    expect(pull.body).toContain('- task `t1`');
    expect(pull.body).toContain('| voter | vote | reason |');
    expect(orion.outputs['proposal-url']).toContain(`/pull/${pull.number}`);
    // The proposal is on its branch on the remote, not on main.
    const proposal = await remoteShow(remote, `${BRANCH}:${PROPOSAL}`);
    expect(proposal).toContain('Subject: API rate limiter taxonomy');
    expect(proposal).toContain('Proposer: orion');
    expect(await remoteShow(remote, `main:${PROPOSAL}`)).toBeUndefined();
    const proposedHead = (await Git.create(remote).exec(['rev-parse', BRANCH])).stdout.trim();

    const iris = await learn('iris');
    expect(iris.stderr).toBe('');
    expect(iris.code).toBe(0);
    // Her vote is a commit on the proposal branch on the remote…
    const branchLog = (
      await Git.create(remote).exec(['log', '--format=%s', `${proposedHead}..${BRANCH}`])
    ).stdout;
    expect(branchLog).toMatch(/iris/);
    const voted = await remoteShow(remote, `${BRANCH}:${PROPOSAL}`);
    expect(voted).toContain('- iris: yes — matches my belief "Rate limiter families"');
    // …and a comment on the pull request.
    expect(github.issue(pull.number).comments.map((c) => c.body)).toEqual([
      expect.stringMatching(
        /^Agent `iris` votes \*\*yes\*\*: matches my belief "Rate limiter families"/,
      ),
      'Merged by quorum: 1/1 agent yes (iris). The claim is now in `shared/iac/segments/api-knowledge.md`.',
    ]);
    // quorum: 1 and no approving review needed: the proposal merges, its segment on main.
    expect(github.pulls.get(pull.number)).toMatchObject({ state: 'closed', merged: true });
    expect(await remoteFile(remote, 'shared/iac/segments/api-knowledge.md')).toContain(
      'token bucket',
    );
    expect(iris.summary).toContain('prop-001: merged');
  }, 60_000);
});
