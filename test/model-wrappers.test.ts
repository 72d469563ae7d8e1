// The run's model wrappers: a budget that stops starting calls once spent, and a memory that
// answers a replayed task without a second call.
import { BudgetExceededError, budgetedModel } from '../src/llm/budgeted-model.js';
import type { Model, SolveRequest, SolveResult } from '../src/llm/model.js';
import { rememberingModel } from '../src/llm/remembering-model.js';

/** A model that charges a fixed usage per call and counts its calls. */
function meteredModel(tokens: number, cost: number | null): Model & { calls: string[] } {
  const calls: string[] = [];
  return {
    kind: 'metered',
    calls,
    async solve(request: SolveRequest): Promise<SolveResult> {
      calls.push(request.taskId);
      return {
        output: { answer: `answer to ${request.taskId}` } as SolveResult['output'],
        tier: request.tier,
        modelName: 'metered-1',
        usage: { prompt: tokens - 10, completion: 10 },
        costUsd: cost,
        tiersTried: [request.tier],
      };
    },
  };
}

const request = (taskId: string) => ({ taskId, tier: 'balanced' }) as SolveRequest;

describe('budgeted model', () => {
  it('stops starting calls once the token budget is spent, and says so', async () => {
    const inner = meteredModel(600, 0.01);
    const model = budgetedModel(inner, { maxTokens: 1000, maxCostUsd: null });
    await model.solve(request('a'));
    await model.solve(request('b'));
    expect(model.spent).toEqual({ tokens: 1200, costUsd: 0.02, calls: 2 });
    expect(model.overruns()).toEqual(['1200 tokens used, over the max-tokens budget of 1000']);
    await expect(model.solve(request('c'))).rejects.toThrow(BudgetExceededError);
    await expect(model.solve(request('c'))).rejects.toThrow(
      /^task c not started: this run's budget is spent \(1200 tokens used, over the max-tokens budget of 1000\)/,
    );
    expect(inner.calls).toEqual(['a', 'b']);
  });

  it('counts cost, and an unknown price as nothing', async () => {
    const model = budgetedModel(meteredModel(100, 0.3), { maxTokens: null, maxCostUsd: 0.5 });
    await model.solve(request('a'));
    await model.solve(request('b'));
    expect(model.overruns()).toEqual(['$0.6000 spent, over the max-cost-usd budget of $0.5']);
    const unpriced = budgetedModel(meteredModel(100, null), { maxTokens: null, maxCostUsd: 0.5 });
    for (const id of ['a', 'b', 'c']) await unpriced.solve(request(id));
    expect(unpriced.spent.costUsd).toBe(0);
  });
});

describe('remembering model', () => {
  it('answers a replayed task from memory and new tasks from the model', async () => {
    const inner = meteredModel(100, 0);
    const model = rememberingModel(inner);
    const first = await model.solve(request('issue-1'));
    expect(await model.solve(request('issue-1'))).toBe(first);
    await model.solve(request('issue-2'));
    expect(inner.calls).toEqual(['issue-1', 'issue-2']);
  });
});
