// The reward record (SPEC §6): its schema, its title, and the legacy single-file format
// (`agents/<name>/rewards.md`, one fenced YAML block per record), still read and rewritten in place
// but never appended to; new records go to the reward log (reward-log.ts).
import { Document, isMap, isSeq } from 'yaml';
import { z } from 'zod';
import { MemoryFileError } from '../errors.js';
import { EvidenceSourceSchema, isEvidenceSource } from './evidence-source.js';
import { TIERS } from './registry.js';
import { RouteRecordSchema } from './route-record.js';
import { signedUnit, timestamp } from './schema-parts.js';
import { parseYaml, validateYaml } from './yaml-source.js';

export const OUTCOMES = ['success', 'partial', 'failure'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const REASONING_DEMANDS = ['routine', 'moderate', 'novel', 'consensus'] as const;
export type ReasoningDemand = (typeof REASONING_DEMANDS)[number];

export const RewardDecompositionSchema = z.strictObject({
  correctness: signedUnit,
  efficiency: signedUnit,
  novelty: signedUnit,
  generality: signedUnit,
});
export type RewardDecomposition = z.infer<typeof RewardDecompositionSchema>;

export const FeedbackSchema = z.looseObject({
  by: z.string(),
  at: timestamp,
  scores: RewardDecompositionSchema.partial().default({}),
  note: z.string().nullable().default(null),
});
export type Feedback = z.infer<typeof FeedbackSchema>;

export const RewardRecordSchema = z.looseObject({
  task: z.string().min(1),
  task_id: z.string().min(1),
  agent: z.string().optional(),
  at: timestamp,
  outcome: z.enum(OUTCOMES),
  reward: signedUnit,
  reward_decomposition: RewardDecompositionSchema,
  context_tags: z.array(z.string()).default([]),
  reasoning_demand: z.enum(REASONING_DEMANDS),
  model_used: z.enum(TIERS),
  model_name: z.string(),
  model_appropriate: z.enum(['yes', 'no', 'unknown']),
  /** Every tier the task's cascade called, in order. */
  tiers_tried: z.array(z.enum(TIERS)).optional(),
  tokens: z.strictObject({ prompt: z.number().int().min(0), completion: z.number().int().min(0) }),
  cost_usd: z.number().min(0).nullable(),
  context: z.strictObject({
    included: z.number().int().min(0),
    used: z.number().int().min(0),
    tokens: z.number().int().min(0),
    /** How many items the context could have drawn on (always-in, included and excluded). */
    available: z.number().int().min(0).optional(),
    /** The ids of the included items the model said it used (shared segments among them). */
    used_ids: z.array(z.string()).optional(),
    /** The tokens of the used items: with `tokens`, the share of the context that was used. */
    used_tokens: z.number().int().min(0).optional(),
  }),
  world_model_update: z.array(z.string()).default([]),
  skills_used: z.array(z.string()).default([]),
  /** Shared segments (shared/iac/segments/…) the model said it used; absent when none. */
  segments_used: z.array(z.string()).optional(),
  feedback: FeedbackSchema.nullable().default(null),
  /**
   * Why the model finally failed (retries exhausted, timeout, invalid at the top tier, budget).
   * Such a record keeps the task retryable: a later run replaces it.
   */
  error: z.string().min(1).optional(),
  /** Where the task came from: an issue's author and association, the CLI, the schedule… */
  source: EvidenceSourceSchema.optional(),
  /** How the tier was chosen (routing/runtime-policy.ts); absent on older records. */
  route: RouteRecordSchema.optional(),
});
export type RewardRecord = z.infer<typeof RewardRecordSchema>;

/**
 * Whether `value` is a record the schema accepts unchanged (every defaulted field present, no
 * feedback yet): what the runtime writes. Checking that by hand is several times cheaper than
 * zod, which matters for a 100,000-record log; anything else goes through RewardRecordSchema,
 * which gives the same verdict and names the problem (test/reward-log.test.ts checks they agree).
 */
export function isPlainRewardRecord(value: unknown): value is RewardRecord {
  if (!isObject(value)) return false;
  const v = value;
  return (
    nonEmptyString(v.task) &&
    nonEmptyString(v.task_id) &&
    (v.agent === undefined || typeof v.agent === 'string') &&
    typeof v.at === 'string' &&
    !Number.isNaN(Date.parse(v.at)) &&
    oneOf(OUTCOMES, v.outcome) &&
    isSignedUnit(v.reward) &&
    isDecomposition(v.reward_decomposition) &&
    isStringList(v.context_tags) &&
    oneOf(REASONING_DEMANDS, v.reasoning_demand) &&
    oneOf(TIERS, v.model_used) &&
    typeof v.model_name === 'string' &&
    oneOf(MODEL_APPROPRIATE, v.model_appropriate) &&
    (v.tiers_tried === undefined ||
      (Array.isArray(v.tiers_tried) && v.tiers_tried.every((t) => oneOf(TIERS, t)))) &&
    hasExactly(v.tokens, ['prompt', 'completion'], isCount) &&
    (v.cost_usd === null || (typeof v.cost_usd === 'number' && isFiniteAtLeastZero(v.cost_usd))) &&
    isContext(v.context) &&
    isStringList(v.world_model_update) &&
    isStringList(v.skills_used) &&
    v.feedback === null &&
    (v.error === undefined || nonEmptyString(v.error)) &&
    (v.source === undefined || isEvidenceSource(v.source)) &&
    (v.route === undefined || isRoute(v.route))
  );
}

/** A parsed record, validated: the cheap check for what the runtime writes, zod for the rest. */
export function rewardRecordOrIssues(
  value: unknown,
): { ok: true; record: RewardRecord } | { ok: false; issues: z.core.$ZodIssue[] } {
  if (isPlainRewardRecord(value)) return { ok: true, record: value };
  const result = RewardRecordSchema.safeParse(value);
  return result.success
    ? { ok: true, record: result.data }
    : { ok: false, issues: result.error.issues };
}

const MODEL_APPROPRIATE = ['yes', 'no', 'unknown'] as const;
const DIMENSIONS = ['correctness', 'efficiency', 'novelty', 'generality'];

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function nonEmptyString(value: unknown): boolean {
  return typeof value === 'string' && value.length > 0;
}

function oneOf(values: readonly string[], value: unknown): boolean {
  return typeof value === 'string' && values.includes(value);
}

function isSignedUnit(value: unknown): boolean {
  return value === -1 || value === 0 || value === 1;
}

function isCount(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isFiniteAtLeastZero(value: number): boolean {
  return Number.isFinite(value) && value >= 0;
}

function isStringList(value: unknown): boolean {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** The record's `context`: three counts, and the optional measures of what was available and used. */
function isContext(value: unknown): boolean {
  if (!isObject(value)) return false;
  const counts = ['included', 'used', 'tokens'];
  const optional: Record<string, (v: unknown) => boolean> = {
    available: isCount,
    used_ids: isStringList,
    used_tokens: isCount,
  };
  return (
    counts.every((key) => Object.hasOwn(value, key) && isCount(value[key])) &&
    Object.keys(value).every((key) => {
      if (counts.includes(key)) return true;
      const check = Object.hasOwn(optional, key) ? optional[key] : undefined;
      return check !== undefined && value[key] !== undefined && check(value[key]);
    })
  );
}

function isProbability(value: unknown): boolean {
  return typeof value === 'number' && value >= 0 && value <= 1;
}

function isCost(value: unknown): boolean {
  return typeof value === 'number' && isFiniteAtLeastZero(value);
}

/** Optional `key` of `value` passes `check` when present (a loose object's optional field). */
function optionalField(
  value: Record<string, unknown>,
  key: string,
  check: (v: unknown) => boolean,
): boolean {
  return value[key] === undefined ? !Object.hasOwn(value, key) : check(value[key]);
}

/** The record's `route` as the runtime writes it (RouteRecordSchema, a loose object). */
function isRoute(value: unknown): boolean {
  if (!isObject(value)) return false;
  const isEstimate = (e: unknown) =>
    isObject(e) &&
    isProbability(e.success) &&
    isCost(e.cost) &&
    isProbability(e.start_success) &&
    isCost(e.start_cost);
  return (
    oneOf(TIERS, value.tier) &&
    oneOf(TIERS, value.default_tier) &&
    typeof value.reason === 'string' &&
    typeof value.explored === 'boolean' &&
    oneOf(['routing.md', 'static'], value.source) &&
    typeof value.demand_reason === 'string' &&
    typeof value.cluster === 'string' &&
    isStringList(value.tags) &&
    optionalField(value, 'exploration_rate', isProbability) &&
    optionalField(value, 'tolerance', isCost) &&
    optionalField(value, 'estimates', (e) => isObject(e) && Object.values(e).every(isEstimate)) &&
    optionalField(
      value,
      'expected',
      (e) => isObject(e) && isProbability(e.success) && isCost(e.cost),
    )
  );
}

function isDecomposition(value: unknown): boolean {
  return hasExactly(value, DIMENSIONS, isSignedUnit);
}

/** A map with exactly these keys (a strict object), each value passing `check`. */
function hasExactly(
  value: unknown,
  keys: readonly string[],
  check: (v: unknown) => boolean,
): boolean {
  if (!isObject(value)) return false;
  const own = Object.keys(value);
  return (
    own.length === keys.length &&
    keys.every((key) => Object.hasOwn(value, key) && check(value[key]))
  );
}

/** The longest `task` a record keeps: the task's full text lives in the queue, issue or commit. */
export const REWARD_TASK_TITLE_LENGTH = 200;

/** A record's `task`: the first non-blank line of the task's text, cut to a bounded title. */
export function rewardTaskTitle(text: string): string {
  const first =
    text
      .split('\n')
      .map((line) => line.replace(/\s+/g, ' ').trim())
      .find((line) => line !== '') ?? '';
  return first.length > REWARD_TASK_TITLE_LENGTH
    ? `${first.slice(0, REWARD_TASK_TITLE_LENGTH - 1)}…`
    : first;
}

const BLOCK = /^```ya?ml[ \t]*\n([\s\S]*?)^```[ \t]*$/gm;

/** The records of a legacy rewards.md, in file order. Linear: line numbers are counted as it goes. */
export function parseRewards(file: string, text: string): RewardRecord[] {
  const records: RewardRecord[] = [];
  let counted = 0;
  let line = 1;
  for (const match of text.matchAll(BLOCK)) {
    line += countNewlines(text, counted, match.index);
    counted = match.index;
    const firstLine = line + 1;
    const source = { file, text: match[1] ?? '', firstLine };
    const { value, document } = parseYaml(source);
    if (!Array.isArray(value)) {
      throw new MemoryFileError(
        file,
        'a reward block must be a YAML list of records',
        undefined,
        firstLine,
      );
    }
    value.forEach((item, index) => {
      records.push(validateYaml(source, document, item, RewardRecordSchema, [index]));
    });
  }
  return records;
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let at = text.indexOf('\n', from); at !== -1 && at < to; at = text.indexOf('\n', at + 1))
    count++;
  return count;
}

export function rewardsHeader(agent: string): string {
  return `# Rewards — ${agent}\n\nAppend-only reward records, one fenced YAML block per task (written by AgentOS).\n`;
}

const FLOW_KEYS = ['reward_decomposition', 'context_tags', 'tiers_tried', 'tokens', 'context'];
const SIGNED_REWARD = /^((?:- | {2})reward: )1$/m;
const SIGNED_DIMENSIONS = /^((?:- | {2})reward_decomposition: )(\{.*\})$/m;

/** One record as a fenced YAML block of the legacy format, in the seed's style (`reward: +1`, flow maps for the small parts). */
export function renderRewardBlock(record: RewardRecord): string {
  const document = new Document([record]);
  const item = document.get(0, true);
  if (isMap(item)) {
    for (const key of FLOW_KEYS) {
      const node = item.get(key, true);
      if (isMap(node) || isSeq(node)) node.flow = true;
    }
  }
  const yaml = document
    .toString({ lineWidth: 0 })
    .replace(SIGNED_REWARD, '$1+1')
    .replace(
      SIGNED_DIMENSIONS,
      (_line, key: string, map: string) => key + map.replace(/: 1\b/g, ': +1'),
    )
    .trimEnd();
  return `\`\`\`yaml\n${yaml}\n\`\`\`\n`;
}

/** A legacy file's text with one more record appended (tests build legacy logs with it). */
export function appendRewardText(
  existing: string | undefined,
  agent: string,
  record: RewardRecord,
): string {
  const base = existing ?? rewardsHeader(agent);
  return `${base.endsWith('\n') ? base : `${base}\n`}\n${renderRewardBlock(record)}`;
}

/** The file's text with the record of `record.task_id` replaced in place (human feedback, SPEC §6). */
export function replaceRewardText(file: string, existing: string, record: RewardRecord): string {
  let replaced = false;
  const text = existing.replace(BLOCK, (block, body: string) => {
    if (replaced) return block;
    const { value } = parseYaml({ file, text: body, firstLine: 1 });
    if (!Array.isArray(value) || value.length !== 1) return block;
    const first = value[0] as { task_id?: unknown };
    if (first.task_id !== record.task_id) return block;
    replaced = true;
    return renderRewardBlock(record).trimEnd();
  });
  if (!replaced) throw new MemoryFileError(file, `no reward record for task "${record.task_id}"`);
  return text;
}
