// Where the questionnaire's answers come from: a YAML answers file and command-line flags, merged
// field by field (flags win), then validated with errors that name the file and line, or the flag.
import { z } from 'zod';
import { InputError, UsageError } from '../errors.js';
import { parseYaml, validateYaml, type YamlSource } from '../memory/yaml-source.js';
import {
  AnswersSchema,
  mergeAnswers,
  QUESTION_FIELDS,
  type Answers,
  type RawAnswers,
} from './questionnaire.js';

/** The raw answers of an answers file; an unknown key is an input error that names it. */
export function readAnswersFile(source: YamlSource): { raw: RawAnswers; source: YamlSource } {
  const { value } = parseYaml(source);
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new InputError(
      `${source.file}: an answers file is a YAML mapping of AGENT_NAME: …, PRIMARY_PURPOSE: …`,
    );
  const raw = value as RawAnswers;
  const known = new Set(QUESTION_FIELDS.map((field) => field.key));
  const unknown = Object.keys(raw).filter((key) => !known.has(key));
  if (unknown.length > 0)
    throw new InputError(
      `${source.file}: unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (the questionnaire's fields: ${[...known].join(', ')})`,
    );
  return { raw, source };
}

/** The flag values (`--primary-purpose`, repeated flags for lists) as raw answers. */
export function answersFromFlags(values: Record<string, unknown>): RawAnswers {
  const raw: RawAnswers = {};
  for (const field of QUESTION_FIELDS) {
    const value = values[field.flag];
    if (value === undefined) continue;
    raw[field.key] = value;
  }
  const forbidden = values['data-sources-forbidden'];
  if (Array.isArray(forbidden) && forbidden.length > 0)
    raw.DATA_SOURCES = { allowed: raw.DATA_SOURCES ?? [], forbidden };
  return raw;
}

/** Validates merged answers; the first problem names the flag or the file line it came from. */
export function validateAnswers(input: {
  file?: { raw: RawAnswers; source: YamlSource };
  flags: RawAnswers;
  asked?: RawAnswers;
}): Answers {
  const merged = mergeAnswers(input.file?.raw ?? {}, input.flags, input.asked ?? {});
  const result = AnswersSchema.safeParse(merged);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const key = String(issue?.path[0] ?? '');
  const field = QUESTION_FIELDS.find((f) => f.key === key);
  const message = issue?.message ?? 'invalid';
  if (input.asked?.[key] !== undefined) throw new InputError(`${key}: ${message}`);
  if (field && input.flags[key] !== undefined) throw new UsageError(`--${field.flag}: ${message}`);
  if (input.file) {
    const { source } = input.file;
    const { document } = parseYaml(source);
    const shape = AnswersSchema.shape as Record<string, z.ZodType>;
    const one = shape[key];
    if (one) validateYaml(source, document, input.file.raw, z.looseObject({ [key]: one }));
  }
  throw new InputError(`${key}: ${message}`);
}
