// The questionnaire of the seed's prompt template (SPEC §11): its fields, how each is given (flag,
// answers file, terminal question), and the validated answers. Pure: no file or terminal access.
import { z } from 'zod';
import { isSlug } from '../memory/layout.js';

export const RISK_LEVELS = ['low', 'medium', 'high', 'critical'] as const;
export const AUTONOMY_LEVELS = ['assistant', 'semi-autonomous', 'autonomous'] as const;
export const DEPLOYMENT_ENVS = [
  'local laptop',
  'server',
  'cloud',
  'enterprise',
  'airgapped',
] as const;
export const BUDGET_PRIORITIES = ['cheap', 'balanced', 'premium'] as const;
export const LEARNING_LEVELS = ['none', 'constrained', 'active'] as const;

export type FieldKind = 'text' | 'list' | 'choice' | 'yes-no' | 'data-sources' | 'review-points';

export interface QuestionField {
  key: string;
  /** The long flag that gives it (`--primary-purpose`). */
  flag: string;
  kind: FieldKind;
  question: string;
  /** Asked (on a terminal) and listed (elsewhere) when missing. */
  required: boolean;
  choices?: readonly string[];
}

function field(
  key: string,
  kind: FieldKind,
  question: string,
  required: boolean,
  choices?: readonly string[],
): QuestionField {
  const flag = key.toLowerCase().replace(/_/g, '-');
  return { key, flag, kind, question, required, ...(choices ? { choices } : {}) };
}

/** In the seed's order. */
export const QUESTION_FIELDS: readonly QuestionField[] = [
  field('AGENT_NAME', 'text', 'Agent name (a slug, e.g. "vega")', true),
  field('PRIMARY_PURPOSE', 'text', 'Primary purpose: what is the agent for?', true),
  field('DOMAIN', 'text', 'Domain', true),
  field('TARGET_USERS', 'text', 'Target users', true),
  field('TASK_EXAMPLES', 'list', 'Task examples (one per line, an empty line ends)', true),
  field('RISK_LEVEL', 'choice', 'Risk level', true, RISK_LEVELS),
  field('AUTONOMY_LEVEL', 'choice', 'Autonomy level', true, AUTONOMY_LEVELS),
  field('TOOLS_ALLOWED', 'list', 'Tools allowed (one per line)', false),
  field('TOOLS_FORBIDDEN', 'list', 'Tools forbidden (one per line)', false),
  field('DATA_SOURCES', 'data-sources', 'Data sources allowed (one per line)', false),
  field('SUCCESS_METRICS', 'list', 'Success metrics (one per line)', false),
  field('DEPLOYMENT_ENV', 'choice', 'Deployment environment', true, DEPLOYMENT_ENVS),
  field('BUDGET_PRIORITY', 'choice', 'Budget priority', true, BUDGET_PRIORITIES),
  field(
    'PRIVACY_REQUIREMENTS',
    'list',
    'Privacy requirements: what to redact (one per line)',
    false,
  ),
  field('HUMAN_REVIEW_POINTS', 'review-points', 'Human review points (one per line)', false),
  field('MULTI_AGENT_REQUIRED', 'yes-no', 'Does it work with other agents?', false),
  field('LONG_TERM_MEMORY', 'yes-no', 'Does it keep long-term memory?', false),
  field('LEARNING_ALLOWED', 'choice', 'Learning allowed', true, LEARNING_LEVELS),
  field('OUTPUT_STYLE', 'text', 'Output style', true),
];

const text = z.string().trim().min(1, 'must not be empty');
/** A list answer: a YAML list, or one string (one item per line). */
const list = z
  .union([z.array(z.union([z.string(), z.number()])), z.string()])
  .transform((value) =>
    (typeof value === 'string' ? value.split('\n') : value.map(String))
      .map((item) => item.trim())
      .filter((item) => item.length > 0 && !/^none$/i.test(item)),
  );
const yesNo = z
  .union([z.boolean(), z.enum(['yes', 'no', 'Yes', 'No', 'YES', 'NO'])])
  .transform((value) => (typeof value === 'boolean' ? value : value.toLowerCase() === 'yes'));
const choice = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((value) => value.trim().toLowerCase())
    .pipe(z.enum(values));

/** A human review point and the words in a task that reach it. */
export const ReviewPointSchema = z.union([
  z.string().trim().min(1),
  z.strictObject({
    point: z.string().trim().min(1),
    when: z.array(z.string().trim().min(1)).min(1, 'needs at least one word'),
  }),
]);

export const AnswersSchema = z.strictObject({
  AGENT_NAME: text.refine(isSlug, 'must be a slug: lowercase letters, digits and single hyphens'),
  PRIMARY_PURPOSE: text,
  DOMAIN: text,
  TARGET_USERS: text,
  TASK_EXAMPLES: list.refine((items) => items.length > 0, 'needs at least one task'),
  RISK_LEVEL: choice(RISK_LEVELS),
  AUTONOMY_LEVEL: choice(AUTONOMY_LEVELS),
  TOOLS_ALLOWED: list.default([]),
  TOOLS_FORBIDDEN: list.default([]),
  /** A list (all allowed), or `{allowed, forbidden}`. */
  DATA_SOURCES: z
    .union([list, z.strictObject({ allowed: list.default([]), forbidden: list.default([]) })])
    .transform((value) => (Array.isArray(value) ? { allowed: value, forbidden: [] } : value))
    .default({ allowed: [], forbidden: [] }),
  SUCCESS_METRICS: list.default([]),
  DEPLOYMENT_ENV: choice(DEPLOYMENT_ENVS),
  BUDGET_PRIORITY: choice(BUDGET_PRIORITIES),
  PRIVACY_REQUIREMENTS: list.default([]),
  HUMAN_REVIEW_POINTS: z.array(ReviewPointSchema).default([]),
  MULTI_AGENT_REQUIRED: yesNo.default(false),
  LONG_TERM_MEMORY: yesNo.default(true),
  LEARNING_ALLOWED: choice(LEARNING_LEVELS),
  OUTPUT_STYLE: text,
});
export type Answers = z.infer<typeof AnswersSchema>;
export type ReviewPoint = z.infer<typeof ReviewPointSchema>;

/** Raw answers as given, before validation: field key → value. */
export type RawAnswers = Record<string, unknown>;

/** Whether a raw value counts as not given. */
function isMissing(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  return false;
}

/** The required fields the raw answers lack, in the questionnaire's order. */
export function missingFields(raw: RawAnswers): QuestionField[] {
  return QUESTION_FIELDS.filter((f) => f.required && isMissing(raw[f.key]));
}

/** Later sources win field by field: flags over the answers file, terminal answers over both. */
export function mergeAnswers(...sources: RawAnswers[]): RawAnswers {
  const merged: RawAnswers = {};
  for (const source of sources)
    for (const [key, value] of Object.entries(source)) if (!isMissing(value)) merged[key] = value;
  return merged;
}

/** The field a key names, accepting the seed's spelling in any case. */
export function fieldByKey(key: string): QuestionField | undefined {
  return QUESTION_FIELDS.find((f) => f.key === key.toUpperCase());
}
