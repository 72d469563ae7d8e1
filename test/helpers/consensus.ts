// Repositories for the consensus tests: three agents, each holding a promoted belief about rate
// limiters that a proposal can be grounded on.
import { commitStaged } from './person.js';
import { makeRepo, type TestRepo } from './repo.js';

const AT = '2026-05-01T09:00:00Z';

/** A promoted entity as the learning run leaves it, supported by `tasks`. */
export function promotedEntity(
  name: string,
  tags: string[],
  tasks: string[],
  claim: string,
): string {
  const evidence = tasks.flatMap((task) => [
    `  - task: ${task}`,
    '    supports: true',
    `    at: ${AT}`,
  ]);
  return [
    '---',
    'kind: entity',
    `name: ${JSON.stringify(name)}`,
    `tags: [${tags.join(', ')}]`,
    'confidence: 0.8',
    'status: active',
    `created: ${AT}`,
    'promoted_from: world/hypotheses/x.md',
    'evidence:',
    ...evidence,
    '---',
    '',
    claim,
    '',
  ].join('\n');
}

export function refutedHypothesis(name: string, claim: string): string {
  return [
    '---',
    'kind: hypothesis',
    `name: ${JSON.stringify(name)}`,
    'confidence: 0.2',
    'status: refuted',
    'proposes: entity',
    `claim: ${JSON.stringify(claim)}`,
    `created: ${AT}`,
    'evidence:',
    '  - task: t9',
    '    supports: false',
    `    at: ${AT}`,
    '---',
    '',
    claim,
    '',
  ].join('\n');
}

export const CLAIM =
  'Vendor API rate limiters commonly fall into token bucket and fixed window families; token bucket allows short bursts.';

export async function threeAgentRepo(quorum: number | string = 2): Promise<TestRepo> {
  const repo = await makeRepo();
  const registry = repo
    .read('agents.yaml')
    .replace(
      'models:',
      `  - name: kai\n    persona: 'Integration engineer.'\n    risk_level: low\nmodels:`,
    )
    .replace(/quorum: .*/, `quorum: ${typeof quorum === 'string' ? `'${quorum}'` : quorum}`);
  repo.write('agents.yaml', registry);
  repo.write(
    'agents/orion/world/entities/rate-limiter-taxonomy.md',
    promotedEntity(
      'API rate limiter taxonomy',
      ['api-knowledge', 'rate-limit'],
      ['t1', 't2', 't3'],
      CLAIM,
    ),
  );
  repo.write(
    'agents/iris/world/entities/rate-limiter-families.md',
    promotedEntity(
      'Rate limiter families',
      ['rate-limit'],
      ['i1', 'i2', 'i3'],
      'Rate limiters fall into token bucket and fixed window families.',
    ),
  );
  repo.write(
    'agents/kai/world/entities/token-bucket.md',
    promotedEntity(
      'Token bucket rate limiter',
      ['rate-limit'],
      ['k1', 'k2', 'k3'],
      'A token bucket rate limiter allows short bursts; vendor APIs commonly use it next to fixed window limiters.',
    ),
  );
  await repo.git.add(['agents.yaml', 'agents']);
  await commitStaged(repo.git, 'Add kai and some beliefs');
  return repo;
}
