// The platform without GitHub: comments, labels and reactions are kept in memory and logged, so the
// loop runs the same on plain git (the CLI, a dry run) and a caller can show what it would post.
import type { Logger } from '../log.js';
import type {
  IssueComment,
  Platform,
  PostedComment,
  Reaction,
  RepositoryPermission,
} from './platform.js';

export interface LocalAction {
  kind: 'comment' | 'add-labels' | 'remove-label' | 'react';
  target: number;
  detail: string;
}

export class LocalPlatform implements Platform {
  readonly kind = 'local';
  readonly actions: LocalAction[] = [];
  private readonly comments = new Map<number, IssueComment[]>();
  private nextId = 1;

  constructor(
    private readonly logger: Logger,
    /** The permission every user has locally (whoever runs the CLI owns the repository). */
    private readonly everyone: RepositoryPermission = 'admin',
  ) {}

  async comment(issue: number, body: string): Promise<PostedComment> {
    const id = this.nextId++;
    const list = this.comments.get(issue) ?? [];
    list.push({ id, body, author: 'agentos' });
    this.comments.set(issue, list);
    this.actions.push({ kind: 'comment', target: issue, detail: body });
    this.logger.info(`would comment on #${issue}:\n${body}`);
    return { id, url: `comment ${id} on #${issue} (not posted)` };
  }

  async listComments(issue: number): Promise<IssueComment[]> {
    return [...(this.comments.get(issue) ?? [])];
  }

  async addLabels(issue: number, labels: string[]): Promise<void> {
    this.actions.push({ kind: 'add-labels', target: issue, detail: labels.join(', ') });
    this.logger.info(`would label #${issue}: ${labels.join(', ')}`);
  }

  async removeLabel(issue: number, label: string): Promise<void> {
    this.actions.push({ kind: 'remove-label', target: issue, detail: label });
    this.logger.info(`would remove label ${label} from #${issue}`);
  }

  async react(commentId: number, reaction: Reaction): Promise<void> {
    this.actions.push({ kind: 'react', target: commentId, detail: reaction });
    this.logger.info(`would react ${reaction} to comment ${commentId}`);
  }

  async permission(_user: string): Promise<RepositoryPermission> {
    return this.everyone;
  }

  commitUrl(sha: string): string {
    return `commit ${sha.slice(0, 7)}`;
  }
}
