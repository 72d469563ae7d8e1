// The platform on GitHub: comments, labels, reactions and permissions through the REST API, for
// one repository. Every body passes the redactor first, so no secret ever reaches an issue.
import type { GitHubClient } from './octokit.js';
import type {
  IssueComment,
  Platform,
  PostedComment,
  Reaction,
  RepositoryPermission,
} from './platform.js';
import { runRedactor } from '../security/run-redactor.js';

/** Comments read when looking for an earlier reply of ours: enough for any real issue, bounded. */
const MAX_COMMENT_PAGES = 10;

export interface RepositoryRef {
  owner: string;
  repo: string;
}

const PERMISSIONS: readonly RepositoryPermission[] = [
  'admin',
  'maintain',
  'write',
  'triage',
  'read',
  'none',
];

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

export class GitHubPlatform implements Platform {
  readonly kind = 'github';

  constructor(
    private readonly client: GitHubClient,
    private readonly repository: RepositoryRef,
    /** The web root, e.g. https://github.com, for links. */
    private readonly serverUrl: string,
    private readonly redact: (text: string) => string = (text) => runRedactor().redact(text),
  ) {}

  async comment(issue: number, body: string): Promise<PostedComment> {
    const { data } = await this.client.rest.issues.createComment({
      ...this.repository,
      issue_number: issue,
      body: this.redact(body),
    });
    return { id: data.id, url: data.html_url };
  }

  async listComments(issue: number): Promise<IssueComment[]> {
    const comments: IssueComment[] = [];
    let pages = 0;
    for await (const page of this.client.paginate.iterator(this.client.rest.issues.listComments, {
      ...this.repository,
      issue_number: issue,
      per_page: 100,
    })) {
      for (const c of page.data)
        comments.push({ id: c.id, body: c.body ?? '', author: c.user?.login ?? '' });
      if (++pages >= MAX_COMMENT_PAGES) break;
    }
    return comments;
  }

  async addLabels(issue: number, labels: string[]): Promise<void> {
    if (labels.length === 0) return;
    await this.client.rest.issues.addLabels({ ...this.repository, issue_number: issue, labels });
  }

  async removeLabel(issue: number, label: string): Promise<void> {
    try {
      await this.client.rest.issues.removeLabel({
        ...this.repository,
        issue_number: issue,
        name: label,
      });
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
  }

  async react(commentId: number, reaction: Reaction): Promise<void> {
    await this.client.rest.reactions.createForIssueComment({
      ...this.repository,
      comment_id: commentId,
      content: reaction,
    });
  }

  async permission(user: string): Promise<RepositoryPermission> {
    try {
      const { data } = await this.client.rest.repos.getCollaboratorPermissionLevel({
        ...this.repository,
        username: user,
      });
      // role_name knows maintain and triage; permission folds them into write and read.
      const role = data.role_name as RepositoryPermission;
      if (PERMISSIONS.includes(role)) return role;
      const permission = data.permission as RepositoryPermission;
      return PERMISSIONS.includes(permission) ? permission : 'none';
    } catch (error) {
      if (statusOf(error) === 404) return 'none';
      throw error;
    }
  }

  commitUrl(sha: string): string {
    return `${this.serverUrl.replace(/\/+$/, '')}/${this.repository.owner}/${this.repository.repo}/commit/${sha}`;
  }
}
