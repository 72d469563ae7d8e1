// The learning run's outcome rule for beliefs, on real files through the real loop: a claim that
// the tasks using it keep failing with is refuted by the next learning run and leaves later
// contexts; a claim whose tasks mostly succeed stays open.
import type { Model, SolveRequest, SolveResult } from '../src/llm/model.js';
import { runLearning } from '../src/learning/run.js';
import { runIteration } from '../src/loop/iteration.js';
import { taskFromText } from '../src/loop/task.js';
import { SolveOutputSchema } from '../src/memory/solve-output.js';
import { loadWorld } from '../src/world/beliefs.js';
import { makeRepo, steppingClock, type TestRepo } from './helpers/repo.js';
import { commitStaged } from './helpers/person.js';

const WORLD = 'agents/orion/world/hypotheses';

function hypothesis(slug: string, claim: string): string {
  return [
    '---',
    'kind: hypothesis',
    `name: ${claim}`,
    `claim: ${claim}`,
    'proposes: relation',
    `tags: [${slug.split('-')[0]}]`,
    'confidence: 0.5',
    'evidence:',
    '  - task: planted',
    '    supports: true',
    '    at: 2026-04-20T10:00:00Z',
    'created: 2026-04-20T10:00:00Z',
    '---',
    '',
    claim,
    '',
  ].join('\n');
}

/** A model that uses every hypothesis its context holds and succeeds or fails as told. */
function modelThatUses(succeeds: (taskId: string) => boolean): Model & { contexts: string[][] } {
  const contexts: string[][] = [];
  return {
    kind: 'scripted',
    contexts,
    async solve(request: SolveRequest): Promise<SolveResult> {
      const ids = request.context.included
        .filter((item) => item.kind === 'hypothesis')
        .map((item) => item.id);
      contexts.push(ids);
      const success = succeeds(request.taskId);
      const output = SolveOutputSchema.parse({
        answer: `Answer for ${request.taskId}.`,
        outcome: success ? 'success' : 'failure',
        used_context: ids,
        reward_decomposition: {
          correctness: success ? 1 : -1,
          efficiency: 0,
          novelty: 0,
          generality: 0,
        },
        context_tags: ['billing'],
        reasoning_demand: 'moderate',
        memory: {
          skills: [],
          skills_used: [],
          hypotheses: [],
          evidence: [],
          duplicates: [],
          shared_proposal: null,
        },
      });
      return {
        output,
        tier: request.tier,
        modelName: 'scripted',
        usage: { prompt: 10, completion: 10 },
        costUsd: 0,
        tiersTried: [request.tier],
      };
    },
  };
}

describe('the learning run counts failed uses against a belief', () => {
  let repo: TestRepo;
  beforeEach(async () => {
    repo = await makeRepo();
    repo.write(
      `${WORLD}/tivsol-bills-in-amber.md`,
      hypothesis('tivsol-bills-in-amber', 'Tivsol bills in amber'),
    );
    repo.write(
      `${WORLD}/brimei-pages-with-ember.md`,
      hypothesis('brimei-pages-with-ember', 'Brimei pages with ember'),
    );
    await repo.git.add(['agents']);
    await commitStaged(repo.git, 'Claims from a ticket\n');
  });
  afterEach(() => repo.cleanup());

  it('refutes a claim that 4 of 4 tasks failed with, keeps one that 3 of 4 succeeded with, and later contexts leave the refuted one out', async () => {
    const now = steppingClock('2026-05-01T09:00:00Z');
    // Tivsol's tasks all fail; Brimei's fail once in four.
    const model = modelThatUses((id) => id.startsWith('b') && id !== 'b1');
    const deps = { repoRoot: repo.dir, git: repo.git, model, now };
    for (const n of [1, 2, 3, 4]) {
      await runIteration(
        deps,
        taskFromText('orion', `Invoice run for Tivsol (bills) ${n}`, `t${n}`),
      );
      await runIteration(deps, taskFromText('orion', `Paging for Brimei (pages) ${n}`, `b${n}`));
    }
    expect(model.contexts.filter((ids) => ids.some((id) => id.includes('tivsol')))).toHaveLength(4);

    const result = await runLearning({ repoRoot: repo.dir, git: repo.git, agent: 'orion', now });
    const subjects = result.commits.map((c) => c.subject);
    expect(subjects).toContain('learn — count failed uses against 1 belief');
    expect(subjects).toContain('learn — settle contradicted beliefs (refuted 1)');
    const world = new Map(loadWorld(repo.dir, 'orion').map((b) => [b.slug, b]));
    const tivsol = world.get('tivsol-bills-in-amber');
    expect(tivsol?.data.status).toBe('refuted');
    expect(tivsol?.data.evidence.filter((e) => !e.supports).map((e) => e.task)).toEqual([
      't1',
      't2',
      't3',
      't4',
    ]);
    expect(tivsol?.data.evidence.at(-1)?.note).toBe(
      'the task used this belief and failed (0 of 4 tasks that used it succeeded)',
    );
    const brimei = world.get('brimei-pages-with-ember');
    expect(brimei?.data.status).toBe('open');
    expect(brimei?.data.evidence.every((e) => e.supports)).toBe(true);

    await runIteration(deps, taskFromText('orion', 'Invoice run for Tivsol (bills) 5', 't5'));
    expect(model.contexts.at(-1)).toEqual([]);
    // A second run has nothing new to count.
    const again = await runLearning({ repoRoot: repo.dir, git: repo.git, agent: 'orion', now });
    expect(again.commits.map((c) => c.subject)).not.toContain(
      'learn — count failed uses against 1 belief',
    );
  });
});
