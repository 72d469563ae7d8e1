// A skill lists the tasks it came from and the latest that used it, at most SOURCE_TASKS_KEPT, so
// the skill most tasks apply keeps learning for the agent's whole life: unbounded, its list passed
// the write limit after about 6,500 uses and every later update of it was refused.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runIteration } from '../src/loop/iteration.js';
import { taskFromText } from '../src/loop/task.js';
import { OfflineModel } from '../src/llm/offline/offline-model.js';
import { parseMarkdown } from '../src/memory/markdown.js';
import { SkillSchema } from '../src/memory/skills.js';
import { SOURCE_TASKS_KEPT } from '../src/memory/skill-updates.js';
import { commitStaged } from './helpers/person.js';
import { makeRepo, steppingClock, type TestRepo } from './helpers/repo.js';

const TASK = 'Refresh OAuth access tokens during a long paginated sync with cursors.';

async function run(repo: TestRepo, id: string) {
  const deps = {
    repoRoot: repo.dir,
    git: repo.git,
    model: new OfflineModel(),
    now: steppingClock(),
  };
  return runIteration(deps, taskFromText('orion', TASK, id));
}

const skillData = (path: string, text: string) => parseMarkdown(path, text, SkillSchema).data;

describe("a skill's source tasks", () => {
  let repo: TestRepo;
  beforeEach(async () => {
    repo = await makeRepo();
  });
  afterEach(() => repo.cleanup());

  it(`keep the first ones and the latest, ${SOURCE_TASKS_KEPT} in all, however often it is used`, async () => {
    expect((await run(repo, 'first')).status).toBe('done');
    const skills = readdirSync(join(repo.dir, 'agents/orion/skills')).filter((n) =>
      n.endsWith('.md'),
    );
    expect(skills).toHaveLength(1);
    const path = `agents/orion/skills/${skills[0]}`;
    // A skill used 6,000 times before the list was bounded.
    const old = Array.from({ length: 6_000 }, (_, i) => `used-${i}`);
    const text = repo.read(path);
    const { uses } = skillData(path, text);
    repo.write(
      path,
      text.replace(/source_tasks:\n/, `source_tasks:\n${old.map((id) => `  - ${id}\n`).join('')}`),
    );
    await repo.git.add([path]);
    await commitStaged(repo.git, 'a well-used skill\n');
    expect(skillData(path, repo.read(path)).source_tasks).toHaveLength(6_001);

    const again = await run(repo, 'latest');
    expect(again.status).toBe('done');
    expect(again.updated).toContain(path);
    const after = skillData(path, repo.read(path));
    expect(after.uses).toBe(uses + 1);
    // The first 10 and the latest 40: the end of the old list, the task that made it, this one.
    const all = [...old, 'first', 'latest'];
    expect(after.source_tasks).toEqual([
      ...all.slice(0, 10),
      ...all.slice(all.length - (SOURCE_TASKS_KEPT - 10)),
    ]);
  });
});
