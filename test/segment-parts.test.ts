// A topic the agents keep agreeing on: once its segment holds SEGMENT_PART_CLAIMS claims, the next
// merged claim opens <topic>.2.md, so no segment outgrows the write limit or a task's context.
import { loadSegments } from '../src/consensus/segments.js';
import {
  addClaimToSegment,
  SEGMENT_PART_CLAIMS,
  segmentPartOf,
  segmentPath,
} from '../src/consensus/segment-update.js';
import type { ProposalData } from '../src/consensus/proposal.js';
import { runCli } from './helpers/cli.js';
import { commitStaged } from './helpers/person.js';
import type { TestRepo } from './helpers/repo.js';
import { threeAgentRepo } from './helpers/consensus.js';

const AT = '2026-05-01T09:00:00Z';

function merged(n: number): ProposalData {
  return {
    proposal: `prop-9${String(n).padStart(2, '0')}`,
    subject: `Earlier claim ${n}`,
    topic: 'api-knowledge',
    proposer: 'orion',
    claim: `Vendor API fact number ${n}, agreed on earlier.`,
    tags: ['api-knowledge'],
    evidence: [],
    source: 'cli',
    belief: null,
    status: 'merged',
    opened_at: AT,
    merged_at: AT,
    closed_at: null,
    outcome: 'accepted',
    close_reason: null,
    votes: [],
  };
}

describe('segment parts', () => {
  let repo: TestRepo;
  afterEach(() => repo?.cleanup());

  it('names parts so that no topic can be taken for another topic’s part', () => {
    expect(segmentPath('api', 1)).toBe('shared/iac/segments/api.md');
    expect(segmentPath('api', 2)).toBe('shared/iac/segments/api.2.md');
    expect(segmentPartOf('api.md')).toEqual({ topic: 'api', part: 1 });
    expect(segmentPartOf('api-2.md')).toEqual({ topic: 'api-2', part: 1 });
    expect(segmentPartOf('api.12.md')).toEqual({ topic: 'api', part: 12 });
    expect(segmentPartOf('api.1.md')).toBeUndefined();
    expect(segmentPartOf('README.txt')).toBeUndefined();
  });

  it('keeps a person’s words in a segment and adds the claims after them', () => {
    const path = segmentPath('api-knowledge');
    const byHand =
      '---\ntitle: API knowledge\ntags: [api]\n---\n\nVendor APIs paginate with cursors.\n\nAsk Ana before changing this.\n';
    const support = { yes: ['iris'], approvals: [] };
    const once = addClaimToSegment({ path, existing: byHand }, merged(1), support, AT);
    const twice = addClaimToSegment({ path, existing: once }, merged(2), support, AT);
    expect(twice).toContain('Vendor APIs paginate with cursors.\n\nAsk Ana before changing this.');
    expect(twice.indexOf('Ask Ana')).toBeLessThan(twice.indexOf('## Earlier claim 1'));
    expect(twice.indexOf('## Earlier claim 1')).toBeLessThan(twice.indexOf('## Earlier claim 2'));
    expect(twice).toMatch(/claims:\n {2}- proposal: prop-901\n[\s\S]*- proposal: prop-902\n/);
    // A file the runtime wrote is written again from its claims, as before.
    const fresh = addClaimToSegment({ path, existing: undefined }, merged(1), support, AT);
    const again = addClaimToSegment({ path, existing: fresh }, merged(2), support, AT);
    expect(again).toContain('Shared truths the agents agreed on.');
    expect(again.match(/Shared truths the agents agreed on/g)).toHaveLength(1);
    expect(again.indexOf('## Earlier claim 1')).toBeLessThan(again.indexOf('## Earlier claim 2'));
  });

  it('a claim on a full topic opens its next part; the record and the merge commit name it', async () => {
    repo = await threeAgentRepo(2);
    let text: string | undefined;
    const first = segmentPath('api-knowledge');
    for (let n = 1; n <= SEGMENT_PART_CLAIMS; n++)
      text = addClaimToSegment(
        { path: first, existing: text },
        merged(n),
        { yes: ['iris'], approvals: [] },
        AT,
      );
    repo.write(first, text!);
    await repo.git.add(['shared']);
    await commitStaged(repo.git, 'A full segment');

    const cli = (...args: string[]) => runCli(['consensus', '--dir', repo.dir, ...args]);
    await cli('--propose', 'world/entities/rate-limiter-taxonomy.md', '--agent', 'orion');
    await cli('--vote', '1', '--agent', 'iris');
    await cli('--vote', '1', '--agent', 'kai');
    const evaluated = await cli('--evaluate');
    expect(evaluated.stdout).toContain('prop-001: merged');

    const second = 'shared/iac/segments/api-knowledge.2.md';
    expect(repo.read(first)).toBe(text);
    const part = repo.read(second);
    expect(part).toContain('title: Api knowledge (part 2)');
    expect(part).toContain('Agreed in prop-001');
    expect(part).not.toContain('Earlier claim');
    expect(repo.read('shared/iac/proposals/prop-001.md')).toContain(`segment: ${second}`);
    const log = (await repo.git.exec(['log', '-1', '--format=%B'])).stdout;
    expect(log).toContain(`The claim joins ${second}:`);

    const segments = loadSegments(repo.dir);
    expect(segments.map((s) => [s.path, s.topic])).toEqual([
      [first, 'api-knowledge'],
      [second, 'api-knowledge'],
    ]);
    expect(Buffer.byteLength(part)).toBeLessThan(Buffer.byteLength(text!));
  });
});
