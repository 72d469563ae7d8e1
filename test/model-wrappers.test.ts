// The remembering model: a replayed task is answered without a second call.
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
