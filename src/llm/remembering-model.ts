// A model that answers each task once: when the loop replays a task on fresher memory (a push was
// rejected because another run landed first), the model's first answer is reused, not paid again.
import type { Model, SolveRequest, SolveResult } from './model.js';

export function rememberingModel(model: Model): Model {
  const answers = new Map<string, SolveResult>();
  return {
    kind: model.kind,
    async solve(request: SolveRequest): Promise<SolveResult> {
      const known = answers.get(request.taskId);
      if (known) return known;
      const result = await model.solve(request);
      answers.set(request.taskId, result);
      return result;
    },
  };
}
