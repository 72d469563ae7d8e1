// The reward record (SPEC §6): its schema, its title, and the legacy single-file format
// (`agents/<name>/rewards.md`, one fenced YAML block per record), still read and rewritten in place
// but never appended to; new records go to the reward log (reward-log.ts).
import { Document, isMap, isSeq } from 'yaml';
import { z } from 'zod';
import { MemoryFileError } from '../errors.js';
import { TIERS } from './registry.js';
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
  }),
  world_model_update: z.array(z.string()).default([]),
  skills_used: z.array(z.string()).default([]),
  feedback: FeedbackSchema.nullable().default(null),
  /**
   * Why the model finally failed (retries exhausted, timeout, invalid at the top tier, budget).
   * Such a record keeps the task retryable: a later run replaces it.
   */
  error: z.string().min(1).optional(),
});
export type RewardRecord = z.infer<typeof RewardRecordSchema>;

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
