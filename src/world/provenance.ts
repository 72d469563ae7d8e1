// The write firewall for untrusted text (SPEC §12): a belief that only authors outside OWNER,
// MEMBER and COLLABORATOR support is an unverified claim. It is never promoted, never proposed as a
// shared truth and never shown to a task as fact, until a trusted task or a person's feedback
// supports it. Pure predicates over a belief's evidence, for the learning run, the context and
// consensus.
import { isTrustedSource } from '../memory/evidence-source.js';
import type { Belief, Evidence } from './beliefs.js';

/** Evidence that counts for a belief: supporting, not withdrawn. */
function isSupport(item: Evidence): boolean {
  return item.supports && item.withdrawn !== true;
}

/**
 * Whether one evidence item comes from a trusted source. A person's feedback recorded before
 * sources were (`by` alone) is; with a source, the source decides.
 */
export function isTrustedEvidence(item: Evidence): boolean {
  return isTrustedSource(item.source);
}

/**
 * Whether a belief may be promoted, proposed as shared truth, or shown to a task as fact: it has
 * trusted support (listed, or counted in its folded evidence), or no support from anyone (a
 * belief a person wrote by hand).
 */
export function isTrusted(belief: Belief): boolean {
  const folded = belief.data.evidence_folded;
  if (folded && folded.trusted_supporting > 0) return true;
  // One pass, no array: every belief of memory is asked when a process builds its context corpus.
  let supported = folded !== undefined && folded.ever_supporting > 0;
  for (const item of belief.data.evidence) {
    if (!isSupport(item)) continue;
    if (isTrustedEvidence(item)) return true;
    supported = true;
  }
  return !supported;
}

/** The untrusted sources that support a belief nobody trusted supports, for a commit or a log. */
export function untrustedSupporters(belief: Belief): string[] {
  if (isTrusted(belief)) return [];
  const who = belief.data.evidence
    .filter(isSupport)
    .map((item) =>
      item.source?.login
        ? `@${item.source.login} (${item.source.association ?? 'unknown'})`
        : item.task,
    );
  const folded = belief.data.evidence_folded?.ever_supporting ?? 0;
  return [...new Set(who), ...(folded > 0 ? [`${folded} earlier task(s)`] : [])];
}

/**
 * Open hypotheses the promotion rule's numbers would promote but no trusted source supports:
 * each is marked `unverified: true` (once), so the learning run's commit says why it waits.
 * `meetsNumbers` is the promotion rule without the trust check (lifecycle.ts).
 */
export function holdBackUnverified(
  world: readonly Belief[],
  meetsNumbers: (belief: Belief) => boolean,
): { beliefs: Map<string, Belief>; lines: string[] } {
  const beliefs = new Map<string, Belief>();
  const lines: string[] = [];
  for (const belief of world) {
    const data = belief.data;
    if (data.kind !== 'hypothesis' || data.status !== 'open') continue;
    if (isTrusted(belief) || !meetsNumbers(belief)) continue;
    if ((data as { unverified?: unknown }).unverified === true) continue;
    beliefs.set(belief.path, { ...belief, data: { ...data, unverified: true } });
    lines.push(
      `held back ${belief.path}: supported only by untrusted sources (${untrustedSupporters(belief).join(', ')}); it waits for a trusted task or a person's feedback`,
    );
  }
  return { beliefs, lines };
}
