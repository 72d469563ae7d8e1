// A skill as the runtime writes one, for tests that need skill files on disk.
import { agentPaths } from '../../src/memory/layout.js';
import { renderSkill, type Skill } from '../../src/memory/skills.js';
import { commitStaged } from './person.js';
import type { TestRepo } from './repo.js';

const AT = '2026-05-01T09:00:00Z';

/** Orion's skill `slug`, used once with success, titled `title`. */
export function retrySkill(slug: string, title = `Skill ${slug}`): Skill {
  return {
    slug,
    path: agentPaths('orion').skill(slug),
    body: `How to ${slug.replaceAll('-', ' ')}: retry with backoff, then page through the cursor.`,
    data: {
      title,
      tags: ['api', 'retry'],
      uses: 1,
      successes: 1,
      failures: 0,
      created: AT,
      last_used: AT,
      source_tasks: ['t1'],
      status: 'active',
    },
  };
}

/** Writes and commits orion's skills `slugs`, as a person would. */
export async function commitSkills(repo: TestRepo, slugs: readonly string[]): Promise<void> {
  for (const slug of slugs)
    repo.write(agentPaths('orion').skill(slug), renderSkill(retrySkill(slug)));
  await repo.git.add(['agents']);
  await commitStaged(repo.git, 'skills\n');
}
