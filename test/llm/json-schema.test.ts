// The schema sent as response_format must be accepted by strict structured output: every object
// closed with every property required, no keywords strict mode rejects.
import {
  strictJsonSchema,
  solveOutputJsonSchema,
  type JsonSchema,
} from '../../src/llm/json-schema.js';
import { SolveOutputSchema } from '../../src/memory/solve-output.js';
import { syncAnswer } from '../helpers/openai-server.js';
import { z } from 'zod';

function walk(node: unknown, visit: (schema: JsonSchema, path: string) => void, path = '$'): void {
  if (Array.isArray(node)) node.forEach((child, i) => walk(child, visit, `${path}[${i}]`));
  else if (typeof node === 'object' && node !== null) {
    visit(node as JsonSchema, path);
    for (const [key, child] of Object.entries(node)) walk(child, visit, `${path}.${key}`);
  }
}

describe('strict JSON schema', () => {
  it('closes every object and requires every property', () => {
    const schema = solveOutputJsonSchema();
    let objects = 0;
    walk(schema, (node, path) => {
      for (const keyword of ['$schema', 'minLength', 'maxLength', 'default', 'const']) {
        if (keyword in node) throw new Error(`${path} has ${keyword}`);
      }
      if (node.type === 'object') {
        objects++;
        expect(node.additionalProperties).toBe(false);
        expect(node.required).toEqual(Object.keys(node.properties as object));
      }
    });
    // The answer, reward decomposition, memory, and its skill, hypothesis, evidence, duplicate and proposal.
    expect(objects).toBe(8);
    const reward = (schema.properties as Record<string, JsonSchema>).reward_decomposition;
    expect((reward?.properties as Record<string, JsonSchema>).correctness).toEqual({
      type: 'integer',
      enum: [-1, 0, 1],
    });
  });

  it('describes what the zod schema accepts', () => {
    expect(SolveOutputSchema.safeParse(syncAnswer()).success).toBe(true);
    const memory = (solveOutputJsonSchema().properties as Record<string, JsonSchema>).memory;
    const proposal = (memory?.properties as Record<string, JsonSchema>).shared_proposal;
    expect(proposal?.anyOf).toEqual([
      expect.objectContaining({ type: 'object', additionalProperties: false }),
      { type: 'null' },
    ]);
  });

  it('refuses optional fields, which strict mode cannot express', () => {
    expect(() => strictJsonSchema(z.strictObject({ a: z.string().optional() }))).toThrow(
      '$: optional properties a are not allowed',
    );
  });
});
