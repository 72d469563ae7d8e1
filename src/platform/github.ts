// The platform on GitHub: comments, labels, reactions and permissions through the REST API, for
// one repository. Every body passes the redactor first, so no secret ever reaches an issue.
import { silentLogger, type Logger } from '../log.js';
import { labelSpec, type LabelSpec } from './labels.js';
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
    /** The labels AgentOS uses (see labels.ts): created on first use when the repository lacks them. */
    private readonly labels: { known: readonly LabelSpec[]; logger?: Logger } = { known: [] },
  ) {}

  /** Labels known to exist in the repository: each is looked up at most once per run. */
  private readonly existingLabels = new Set<string>();

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
    // The first label the action adds makes sure all of its labels exist (the trigger label too,
    // so people can pick it), with AgentOS's colours and descriptions rather than GitHub's grey.
    const names = [...new Set([...this.labels.known.map((spec) => spec.name), ...labels])];
    for (const name of names) await this.ensureLabel(labelSpec(name, this.labels.known));
    await this.client.rest.issues.addLabels({ ...this.repository, issue_number: issue, labels });
  }

  /**
   * Creates the label when the repository lacks it. Never fails the run: a token that may not
   * create labels leaves the label to GitHub, which makes a plain one when it is first added.
   */
  private async ensureLabel(spec: LabelSpec): Promise<void> {
    if (this.existingLabels.has(spec.name)) return;
    const logger = this.labels.logger ?? silentLogger;
    try {
      await this.client.rest.issues.getLabel({ ...this.repository, name: spec.name });
    } catch (error) {
      if (statusOf(error) !== 404) {
        logger.warn(`could not look up the label "${spec.name}" (HTTP ${statusOf(error) ?? '?'})`);
        return;
      }
      try {
        await this.client.rest.issues.createLabel({ ...this.repository, ...spec });
        logger.info(`created the label "${spec.name}"`);
      } catch (createError) {
        // 422: another run created it in the meantime.
        if (statusOf(createError) !== 422) {
          logger.warn(
            `could not create the label "${spec.name}" (HTTP ${statusOf(createError) ?? '?'}): create it by hand, or give the job "issues: write"`,
          );
          return;
        }
      }
    }
    this.existingLabels.add(spec.name);
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
