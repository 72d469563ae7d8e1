// Who may make AgentOS act (SPEC §12): authors whose author_association is allowed, or — for an
// issue — a user who can triage the repository and added the trigger label (a maintainer's
// approval). Everyone else gets one polite comment and nothing else happens.
import { TRIAGE_OR_ABOVE, type Platform } from '../platform/platform.js';
import type { IssueInfo } from './event.js';
import type { AuthorAssociation } from './inputs.js';

export function isAllowedAssociation(
  association: string,
  allowed: readonly AuthorAssociation[],
): boolean {
  return (allowed as readonly string[]).includes(association.toUpperCase());
}

export type IssueAuthorization = { allowed: true; reason: string } | { allowed: false };

export async function authorizeIssue(input: {
  issue: IssueInfo;
  allowed: readonly AuthorAssociation[];
  /** Who added the trigger label, for a `labeled` event. */
  labelledBy?: string;
  /** An allowed member who asked for this run (`/agentos retry`). */
  requestedBy?: string;
  platform: Platform;
}): Promise<IssueAuthorization> {
  const { issue } = input;
  if (isAllowedAssociation(issue.authorAssociation, input.allowed))
    return { allowed: true, reason: `author @${issue.author} is ${issue.authorAssociation}` };
  if (input.requestedBy) return { allowed: true, reason: `requested by @${input.requestedBy}` };
  // A label added by the author themself (an issue template can do that) approves nothing.
  if (input.labelledBy && input.labelledBy !== issue.author) {
    const permission = await input.platform.permission(input.labelledBy);
    if (TRIAGE_OR_ABOVE.includes(permission))
      return {
        allowed: true,
        reason: `approved by @${input.labelledBy} (${permission}) with the label`,
      };
  }
  return { allowed: false };
}
