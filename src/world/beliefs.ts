// World-model files: entities, relations and hypotheses (SPEC §3), each with confidence, status
// and evidence. A belief is never deleted: it is superseded or retired, and git keeps its history.
import { join } from 'node:path';
import { z } from 'zod';
import { listMarkdown, readTextIfExists } from '../memory/files.js';
import { agentPaths, WORLD_KINDS, type WorldKind } from '../memory/layout.js';
import { parseMarkdown, renderMarkdown } from '../memory/markdown.js';
import { tagList, timestamp } from '../memory/schema-parts.js';
import { tallyEvidence } from './confidence.js';

export const EvidenceSchema = z.looseObject({
  task: z.string().min(1),
  supports: z.boolean(),
  at: timestamp,
  note: z.string().nullable().default(null),
  /** Set when human feedback took the task's word back: the task no longer counts either way. */
  withdrawn: z.boolean().optional(),
  /** Who gave it, when the item records human feedback rather than the task's own word. */
  by: z.string().optional(),
});
export type Evidence = z.infer<typeof EvidenceSchema>;

export const DuplicateNominationSchema = z.looseObject({
  /** Repository path of the belief this one is said to duplicate. */
  of: z.string().min(1),
  task: z.string().min(1),
  at: timestamp,
  note: z.string().nullable().default(null),
});
export type DuplicateNomination = z.infer<typeof DuplicateNominationSchema>;

const common = {
  name: z.string().min(1),
  aliases: tagList,
  tags: tagList,
  confidence: z.number().min(0).max(1),
  evidence: z.array(EvidenceSchema).default([]),
  created: timestamp,
  valid_at: timestamp.nullable().default(null),
  invalid_at: timestamp.nullable().default(null),
  superseded_by: z.string().nullable().default(null),
  /** Set on the stub a duplicate collapse leaves behind: the canonical belief, which old links follow. */
  merged_into: z.string().nullable().optional(),
  /** Duplicates a model nominated, one item per task; code decides (world/duplicates.ts). */
  duplicate_nominations: z.array(DuplicateNominationSchema).optional(),
};

const triple = {
  subject: z.string().min(1),
  predicate: z.string().min(1),
  object: z.string().min(1),
};

export const EntitySchema = z.looseObject({
  kind: z.literal('entity'),
  ...common,
  status: z.enum(['active', 'superseded', 'retired']).default('active'),
});

export const RelationSchema = z.looseObject({
  kind: z.literal('relation'),
  ...common,
  ...triple,
  status: z.enum(['active', 'superseded', 'retired']).default('active'),
});

export const HypothesisSchema = z.looseObject({
  kind: z.literal('hypothesis'),
  ...common,
  claim: z.string().min(1),
  /** What the hypothesis becomes when promoted. */
  proposes: z.enum(['entity', 'relation']),
  subject: z.string().min(1).optional(),
  predicate: z.string().min(1).optional(),
  object: z.string().min(1).optional(),
  status: z.enum(['open', 'promoted', 'refuted']).default('open'),
});

export type EntityData = z.infer<typeof EntitySchema>;
export type RelationData = z.infer<typeof RelationSchema>;
export type HypothesisData = z.infer<typeof HypothesisSchema>;
export type BeliefData = EntityData | RelationData | HypothesisData;

const SCHEMAS = {
  entity: EntitySchema,
  relation: RelationSchema,
  hypothesis: HypothesisSchema,
} as const;

export interface Belief<D extends BeliefData = BeliefData> {
  slug: string;
  /** Repository-relative path. */
  path: string;
  data: D;
  body: string;
}

export function parseBelief(kind: WorldKind, slug: string, path: string, text: string): Belief {
  const { data, body } = parseMarkdown<BeliefData>(path, text, SCHEMAS[kind]);
  return { slug, path, data, body };
}

export function loadWorld(repoRoot: string, agent: string): Belief[] {
  const paths = agentPaths(agent);
  return WORLD_KINDS.flatMap((kind) =>
    listMarkdown(repoRoot, paths.worldFolder(kind)).map((name) => {
      const slug = name.slice(0, -'.md'.length);
      const path = paths.world(kind, slug);
      return parseBelief(kind, slug, path, readTextIfExists(join(repoRoot, path)) ?? '');
    }),
  );
}

export function renderBelief(belief: Belief): string {
  return renderMarkdown(belief.data, belief.body);
}

/** Beliefs that count as current: open hypotheses and active entities and relations. */
export function isLive(belief: Belief): boolean {
  return belief.data.status === 'open' || belief.data.status === 'active';
}

/** What a belief is about: a thing (entity) or a fact between things (relation). */
export type BeliefFamily = 'entity' | 'relation';

export function familyOf(belief: Belief): BeliefFamily {
  const data = belief.data;
  return data.kind === 'hypothesis' ? data.proposes : data.kind;
}

/**
 * Where a belief that is no longer the live record of its claim sends its readers: the canonical
 * file of a collapsed duplicate, or the entity or relation a hypothesis was promoted to. A belief
 * superseded because it was contradicted has no redirect: its claim was wrong, not moved.
 */
export function redirectOf(belief: Belief): string | undefined {
  const data = belief.data;
  if (data.merged_into) return data.merged_into;
  if (data.kind === 'hypothesis' && data.status === 'promoted' && data.superseded_by)
    return data.superseded_by;
  return undefined;
}

/** The subject, predicate and object of a relation or of a hypothesis that proposes one. */
export function tripleOf(
  belief: Belief,
): { subject: string; predicate: string; object: string } | undefined {
  const { subject, predicate, object } = belief.data as {
    subject?: string;
    predicate?: string;
    object?: string;
  };
  if (familyOf(belief) !== 'relation' || !subject || !predicate || !object) return undefined;
  return { subject, predicate, object };
}

export function renderWorldIndex(agent: string, beliefs: Belief[]): string {
  const lines = [
    `# World model — ${agent}`,
    '',
    'Generated by AgentOS from `world/`; edit the belief files, not this index.',
  ];
  const groups: [string, WorldKind][] = [
    ['Entities', 'entity'],
    ['Relations', 'relation'],
    ['Hypotheses', 'hypothesis'],
  ];
  for (const [title, kind] of groups) {
    const members = beliefs.filter((b) => b.data.kind === kind);
    lines.push('', `## ${title}`, '');
    if (members.length === 0) {
      lines.push('None yet.');
      continue;
    }
    lines.push('| belief | confidence | status | evidence |', '|---|---|---|---|');
    for (const b of members) {
      const folder = b.path.split('/').slice(-2, -1)[0];
      // Independent tasks, as the confidence rule counts them: one vote per task, its latest word.
      const { supporting: support, contradicting: against } = tallyEvidence(b.data.evidence);
      const next = b.data.merged_into ?? b.data.superseded_by;
      const status = b.data.merged_into ? 'merged' : b.data.status;
      const where = next
        ? ` → [${next.split('/').pop()?.replace(/\.md$/, '')}](${next.replace(/^.*\/world\//, '')})`
        : '';
      lines.push(
        `| [${b.data.name}](${folder}/${b.slug}.md) | ${b.data.confidence.toFixed(2)} | ${status}${where} | +${support} / -${against} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
