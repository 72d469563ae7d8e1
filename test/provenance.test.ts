// The firewall's predicates: which sources are trusted, and when a belief counts as trusted support.
import { isTrustedSource, type EvidenceSource } from '../src/memory/evidence-source.js';
import type { Belief, Evidence } from '../src/world/beliefs.js';
import { isTrusted, untrustedSupporters } from '../src/world/provenance.js';

const issue = (association: string, login = 'someone'): EvidenceSource => ({
  kind: 'issue',
  login,
  association,
});

function hypothesis(evidence: Evidence[]): Belief {
  return {
    slug: 'claim',
    path: 'agents/orion/world/hypotheses/claim.md',
    body: 'A claim.',
    data: {
      kind: 'hypothesis',
      name: 'Claim',
      claim: 'A claim.',
      proposes: 'entity',
      aliases: [],
      tags: [],
      confidence: 0.5,
      evidence,
      created: '2026-05-01T09:00:00Z',
      valid_at: null,
      invalid_at: null,
      superseded_by: null,
      status: 'open',
    },
  };
}

const support = (
  task: string,
  source?: EvidenceSource,
  extra: Partial<Evidence> = {},
): Evidence => ({
  task,
  supports: true,
  at: '2026-05-01T09:00:00Z',
  note: null,
  ...(source ? { source } : {}),
  ...extra,
});

describe('trusted sources', () => {
  it.each([
    [issue('OWNER'), true],
    [issue('member'), true],
    [issue('COLLABORATOR'), true],
    [issue('CONTRIBUTOR'), false],
    [issue('FIRST_TIME_CONTRIBUTOR'), false],
    [issue('NONE'), false],
    [{ kind: 'issue' } as EvidenceSource, false],
    [{ kind: 'cli' } as EvidenceSource, true],
    [{ kind: 'schedule' } as EvidenceSource, true],
    [{ kind: 'queue' } as EvidenceSource, true],
    [{ kind: 'feedback', login: 'amy' } as EvidenceSource, true],
    [{ kind: 'feedback', login: 'amy', association: 'MEMBER' } as EvidenceSource, true],
    [{ kind: 'feedback', login: 'mal', association: 'CONTRIBUTOR' } as EvidenceSource, false],
    [undefined, true],
  ])('%j is trusted: %s', (source, trusted) => {
    expect(isTrustedSource(source)).toBe(trusted);
  });
});

describe('a belief', () => {
  const mallory = issue('CONTRIBUTOR', 'mallory');

  it('backed only by contributors is not trusted, and says who backs it', () => {
    const belief = hypothesis([support('issue-1', mallory), support('issue-2', mallory)]);
    expect(isTrusted(belief)).toBe(false);
    expect(untrustedSupporters(belief)).toEqual(['@mallory (CONTRIBUTOR)']);
  });

  it('is trusted once a maintainer’s task or a person’s feedback supports it', () => {
    const fromMember = support('issue-3', issue('MEMBER', 'amy'));
    expect(isTrusted(hypothesis([support('issue-1', mallory), fromMember]))).toBe(true);
    const feedback = support('issue-1', { kind: 'feedback', login: 'amy' }, { by: 'amy' });
    expect(isTrusted(hypothesis([support('issue-1', mallory), feedback]))).toBe(true);
  });

  it('is not trusted through a contributor’s own feedback, a contradiction or withdrawn support', () => {
    const ownFeedback = support(
      'issue-1',
      { kind: 'feedback', login: 'mallory', association: 'CONTRIBUTOR' },
      { by: 'mallory' },
    );
    const contradiction = support('issue-4', issue('OWNER'), { supports: false });
    const withdrawn = support('issue-5', issue('OWNER'), { withdrawn: true });
    expect(
      isTrusted(hypothesis([support('issue-1', mallory), ownFeedback, contradiction, withdrawn])),
    ).toBe(false);
  });

  it('with evidence older than sources, or none at all, is trusted', () => {
    expect(isTrusted(hypothesis([support('task-1')]))).toBe(true);
    expect(isTrusted(hypothesis([]))).toBe(true);
  });
});
