// The learning bench's simulated model reports what it relied on as a real answer would: the false
// belief when it misled the answer, the true one when it had it, and nothing for a fact it worked
// out again on a success with only a false belief about it.
import type { AssembledContext, ContextItem } from '../src/context/assemble.js';
import {
  SimulatedModel,
  taskDraw,
  type ModelRules,
} from '../src/bench/learning/simulated-model.js';
import type { HiddenWorld, StreamTask } from '../src/bench/learning/world.js';
import { priceTable } from '../src/llm/prices.js';
import type { SolveRequest } from '../src/llm/model.js';

const WORLD: HiddenWorld = {
  skills: [{ slug: 'kaloven-reconcile', title: 'Kaloven reconcile', tags: ['kaloven'] }],
  things: [{ name: 'Tivsol Brimei' }],
  facts: [{ subject: 0, predicate: 'bills in', truth: 'amber', falsehood: 'fjord' }],
  families: [{ key: 'f0', skills: [0], facts: [0] }],
};
const MODELS = { 'cheap-fast': 'gpt-4o-mini', balanced: 'gpt-4o', strongest: 'o3' } as const;

function item(id: string, kind: ContextItem['kind'], title: string): ContextItem {
  return { id, kind, title, tags: [], text: `${title}.`, tokens: 20 };
}
const SKILL = item('skills/kaloven-reconcile.md', 'skill', 'Kaloven reconcile');
const TRUE = item('world/relations/true.md', 'relation', 'Tivsol Brimei bills in amber');
const FALSE = item('world/relations/false.md', 'relation', 'Tivsol Brimei bills in fjord');

/** The first task id (task-0, task-1, …) whose fixed draw satisfies `wanted`. */
function taskWhere(seed: number, wanted: (draw: number) => boolean): StreamTask {
  for (let n = 0; n < 10_000; n++) {
    const id = `task-${n}`;
    if (wanted(taskDraw(seed, id)))
      return {
        id,
        text: 'Do the kaloven reconcile for Tivsol Brimei (how it bills).',
        family: 0,
        hardness: 'easy',
        skills: [0],
        facts: [0],
        namesUsed: ['Tivsol Brimei'],
      };
  }
  throw new Error('no such draw');
}

async function usedBy(task: StreamTask, rules: ModelRules, held: ContextItem[]) {
  const model = new SimulatedModel(WORLD, [task], rules, 1, MODELS, priceTable({}));
  const context = { always: [], included: held, tokens: 100 } as unknown as AssembledContext;
  const request = {
    taskId: task.id,
    task: task.text,
    tier: 'strongest',
    maxEscalations: 0,
    context,
  } as unknown as SolveRequest;
  const result = await model.solve(request);
  return { outcome: result.output.outcome, used: result.output.used_context };
}

// Easy tasks on the strongest tier: 0.98 with everything it needs held, re-deriving none.
const RULES: ModelRules = {
  competence: {
    'cheap-fast': { easy: 0.98, medium: 0.98, hard: 0.98 },
    balanced: { easy: 0.98, medium: 0.98, hard: 0.98 },
    strongest: { easy: 0.98, medium: 0.98, hard: 0.98 },
  },
  rederive: 1,
  misled: 0.5,
  notice: 0,
  wrong_update: 0,
};

describe('the simulated model’s used items', () => {
  it('names the false belief when it misled the answer, the true one otherwise', async () => {
    // A draw the tier solves, but the false belief (halving the chance) takes away: misled.
    const misled = taskWhere(1, (d) => d >= 0.49 && d < 0.98);
    expect(await usedBy(misled, RULES, [SKILL, FALSE])).toEqual({
      outcome: 'failure',
      used: [SKILL.id, FALSE.id],
    });
    // Told both, the chance is 0.98 × 0.75: a draw below it succeeds on the true one.
    const solved = taskWhere(1, (d) => d < 0.7);
    expect(await usedBy(solved, RULES, [SKILL, TRUE, FALSE])).toEqual({
      outcome: 'success',
      used: [SKILL.id, TRUE.id],
    });
    // Told both and misled: the false one.
    const misledBoth = taskWhere(1, (d) => d >= 0.74 && d < 0.98);
    expect((await usedBy(misledBoth, RULES, [SKILL, TRUE, FALSE])).used).toEqual([
      SKILL.id,
      FALSE.id,
    ]);
  });

  it('relies on nothing for a fact it worked out again, and reads the false one when it fails anyway', async () => {
    // A success with only the false belief held: it was not misled, so it did not rely on it.
    const succeeded = taskWhere(1, (d) => d < 0.49);
    expect(await usedBy(succeeded, RULES, [SKILL, FALSE])).toEqual({
      outcome: 'success',
      used: [SKILL.id],
    });
    // A draw no tier solves: a failure whatever it read, which was the false belief.
    const hopeless = taskWhere(1, (d) => d >= 0.98);
    expect(await usedBy(hopeless, RULES, [SKILL, FALSE])).toEqual({
      outcome: 'failure',
      used: [SKILL.id, FALSE.id],
    });
  });
});
