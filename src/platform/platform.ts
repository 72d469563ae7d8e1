// The platform the loop reports to (SPEC §4, §10): where answers are posted as comments, status is
// shown as labels and commands are acknowledged. GitHub implements it over its REST API; the local
// implementation keeps everything in memory and the log, so the same loop runs on plain git.
// This folder may import log.ts and errors.ts only.

export interface PostedComment {
  id: number;
  /** A link people can open (the comment on GitHub), or a local description. */
  url: string;
}

export interface IssueComment {
  id: number;
  body: string;
  author: string;
}

/** A reaction to a comment, as GitHub names them. */
export type Reaction = '+1' | '-1' | 'eyes' | 'confused' | 'rocket';

/** A user's permission on the repository, as GitHub's collaborator permission API names them. */
export type RepositoryPermission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

export interface Platform {
  readonly kind: 'github' | 'local';
  comment(issue: number, body: string): Promise<PostedComment>;
  listComments(issue: number): Promise<IssueComment[]>;
  addLabels(issue: number, labels: string[]): Promise<void>;
  /** Removing a label the issue does not have is not an error. */
  removeLabel(issue: number, label: string): Promise<void>;
  react(commentId: number, reaction: Reaction): Promise<void>;
  permission(user: string): Promise<RepositoryPermission>;
  /** A link to a commit, for comments and summaries. */
  commitUrl(sha: string): string;
}

/** Permissions that can label issues: a label from such a user approves an issue as a task. */
export const TRIAGE_OR_ABOVE: readonly RepositoryPermission[] = [
  'admin',
  'maintain',
  'write',
  'triage',
];
