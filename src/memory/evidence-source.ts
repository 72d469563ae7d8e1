// Where a piece of evidence came from (SPEC §12): the source recorded on every reward record and
// on every world-model evidence item, and which sources are trusted. An issue's author is trusted
// only as OWNER, MEMBER or COLLABORATOR; the CLI, the schedule, the queue (a file in the repository)
// and a person's feedback are the repository's own people.
import { z } from 'zod';

export const EVIDENCE_SOURCE_KINDS = [
  'issue',
  'cli',
  'schedule',
  'queue',
  'dispatch',
  'feedback',
] as const;
export type EvidenceSourceKind = (typeof EVIDENCE_SOURCE_KINDS)[number];

export const EvidenceSourceSchema = z.looseObject({
  kind: z.enum(EVIDENCE_SOURCE_KINDS),
  /** Who wrote the text: an issue's author, the person who gave feedback. */
  login: z.string().min(1).optional(),
  /** GitHub's author_association of an issue's author (OWNER, MEMBER, CONTRIBUTOR, NONE…). */
  association: z.string().min(1).optional(),
});
export type EvidenceSource = z.infer<typeof EvidenceSourceSchema>;

/** The author associations whose words count as a maintainer's. */
export const TRUSTED_ASSOCIATIONS: readonly string[] = ['OWNER', 'MEMBER', 'COLLABORATOR'];

/**
 * Whether evidence from `source` may promote a belief or put it in a task's context as fact. No
 * source: evidence recorded before sources were, or written by a person's hand: trusted. An issue
 * (and any source that names an association, such as feedback in a comment) is trusted only from
 * OWNER, MEMBER or COLLABORATOR.
 */
export function isTrustedSource(source: EvidenceSource | undefined): boolean {
  if (source === undefined) return true;
  if (source.kind !== 'issue' && source.association === undefined) return true;
  return TRUSTED_ASSOCIATIONS.includes((source.association ?? '').toUpperCase());
}

/** How a commit or a log names a source: `issue by @jo (CONTRIBUTOR)`, `cli`, `feedback:@amy`. */
export function describeSource(source: EvidenceSource): string {
  if (source.kind === 'feedback') return `feedback:${source.login ? `@${source.login}` : '?'}`;
  const who = source.login ? ` by @${source.login}` : '';
  const association = source.association ? ` (${source.association})` : '';
  return `${source.kind}${who}${association}`;
}

/** The cheap check of the reward log's fast path; agrees with EvidenceSourceSchema. */
export function isEvidenceSource(value: unknown): value is EvidenceSource {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  const optionalText = (field: unknown) =>
    field === undefined || (typeof field === 'string' && field.length > 0);
  return (
    typeof v.kind === 'string' &&
    (EVIDENCE_SOURCE_KINDS as readonly string[]).includes(v.kind) &&
    optionalText(v.login) &&
    optionalText(v.association)
  );
}
