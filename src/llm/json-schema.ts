// The JSON schema sent as `response_format` (SPEC §4): the zod schema of the solve output turned
// into the subset that OpenAI's strict structured output accepts — every object closed
// (additionalProperties: false) with every property required, integer enums instead of unions of
// constants, no length keywords. Validation after the call still uses the full zod schema.
import { z } from 'zod';
import { SolveOutputSchema } from '../memory/solve-output.js';

export type JsonSchema = { [key: string]: JsonValue };
type JsonValue = string | number | boolean | null | JsonValue[] | JsonSchema;

/** Keywords strict mode rejects; the zod validation after the call enforces them instead. */
const UNSUPPORTED = new Set(['$schema', 'minLength', 'maxLength', 'default']);

function isSchema(value: JsonValue | undefined): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function strictNode(node: JsonSchema, path: string): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (!UNSUPPORTED.has(key)) out[key] = value;
  }
  const anyOf = out.anyOf;
  if (Array.isArray(anyOf)) {
    const constants = anyOf.filter(isSchema).map((variant) => variant.const);
    if (
      constants.length === anyOf.length &&
      constants.every((c): c is number => typeof c === 'number' && Number.isInteger(c))
    ) {
      delete out.anyOf;
      out.type = 'integer';
      out.enum = constants;
    } else {
      out.anyOf = anyOf.map((variant, i) =>
        isSchema(variant) ? strictNode(variant, `${path}.anyOf[${i}]`) : variant,
      );
    }
  }
  const properties = out.properties;
  if (out.type === 'object' && isSchema(properties)) {
    const keys = Object.keys(properties);
    const required = Array.isArray(out.required) ? out.required : [];
    const missing = keys.filter((key) => !required.includes(key));
    if (missing.length > 0) {
      // Strict mode needs every property required: optional fields must be nullable instead.
      throw new Error(`${path}: optional properties ${missing.join(', ')} are not allowed`);
    }
    out.properties = Object.fromEntries(
      keys.map((key) => {
        const child = properties[key];
        return [key, isSchema(child) ? strictNode(child, `${path}.${key}`) : (child ?? null)];
      }),
    );
    out.required = keys;
    out.additionalProperties = false;
  }
  if (isSchema(out.items)) out.items = strictNode(out.items, `${path}[]`);
  return out;
}

/** A zod object schema as a strict-mode JSON schema. */
export function strictJsonSchema(schema: z.ZodType): JsonSchema {
  return strictNode(z.toJSONSchema(schema) as JsonSchema, '$');
}

/** The name the schema is sent under. */
export const SOLVE_OUTPUT_SCHEMA_NAME = 'solve_output';

let cached: JsonSchema | undefined;

/** The solve output's strict JSON schema (built once). */
export function solveOutputJsonSchema(): JsonSchema {
  cached ??= strictJsonSchema(SolveOutputSchema);
  return cached;
}
