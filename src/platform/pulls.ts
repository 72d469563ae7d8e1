// Pull requests on GitHub, for proposals and reviewed memory changes (SPEC §8): open, list, read,
// reviews, merge pinned to a head sha (with GitHub's 405 and 409 answers as values), close. Bodies
// pass the redactor like every other text the runtime posts.
import type { GitHubClient } from './octokit.js';
import type { RepositoryRef } from './github.js';

export interface PullRequest {
  number: number;
  url: string;
  state: 'open' | 'closed';
  merged: boolean;
  headRef: string;
  headSha: string;
  baseRef: string;
  author: string;
  createdAt: string;
  mergedAt: string | null;
  closedAt: string | null;
}

export interface PullReview {
  id: number;
  user: string;
  state: string;
  commitId: string | undefined;
}

/**
 * How a merge call ended: merged; the head moved since the sha was read (409); the base moved
 * (405 "Base branch was modified"); already merged; or not mergeable for another reason (405).
 */
export type PullMergeAnswer =
  | { kind: 'merged'; sha: string }
  | { kind: 'head-changed' }
  | { kind: 'base-modified' }
  | { kind: 'already-merged' }
  | { kind: 'not-mergeable'; message: string };

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

function messageOf(error: unknown): string {
  const data = (error as { response?: { data?: { message?: unknown } } } | null)?.response?.data;
  return typeof data?.message === 'string' ? data.message : String(error);
}

type PullData = {
  number: number;
  html_url: string;
  state: string;
  merged_at: string | null;
  closed_at: string | null;
  created_at: string;
  head: { ref: string; sha: string };
  base: { ref: string };
  user: { login: string } | null;
};

function toPull(data: PullData, merged?: boolean): PullRequest {
  return {
    number: data.number,
    url: data.html_url,
    state: data.state === 'open' ? 'open' : 'closed',
    merged: merged ?? data.merged_at !== null,
    headRef: data.head.ref,
    headSha: data.head.sha,
    baseRef: data.base.ref,
    author: data.user?.login ?? '',
    createdAt: data.created_at,
    mergedAt: data.merged_at,
    closedAt: data.closed_at,
  };
}

/** At most this many pages of pull requests or reviews are read (100 each). */
const MAX_PAGES = 10;

export class GitHubPulls {
  constructor(
    private readonly client: GitHubClient,
    private readonly repository: RepositoryRef,
    private readonly redact: (text: string) => string = (text) => text,
  ) {}

  async create(input: {
    head: string;
    base: string;
    title: string;
    body: string;
  }): Promise<PullRequest> {
    const { data } = await this.client.rest.pulls.create({
      ...this.repository,
      head: input.head,
      base: input.base,
      title: this.redact(input.title),
      body: this.redact(input.body),
    });
    return toPull(data);
  }

  async get(number: number): Promise<PullRequest> {
    const { data } = await this.client.rest.pulls.get({ ...this.repository, pull_number: number });
    return toPull(data, data.merged);
  }

  /** Pull requests whose head branch starts with `prefix` (all states, newest first). */
  async listByHeadPrefix(prefix: string, state: 'open' | 'all' = 'all'): Promise<PullRequest[]> {
    const pulls: PullRequest[] = [];
    let pages = 0;
    for await (const page of this.client.paginate.iterator(this.client.rest.pulls.list, {
      ...this.repository,
      state,
      per_page: 100,
    })) {
      for (const data of page.data) if (data.head.ref.startsWith(prefix)) pulls.push(toPull(data));
      if (++pages >= MAX_PAGES) break;
    }
    return pulls;
  }

  async reviews(number: number): Promise<PullReview[]> {
    const reviews: PullReview[] = [];
    let pages = 0;
    for await (const page of this.client.paginate.iterator(this.client.rest.pulls.listReviews, {
      ...this.repository,
      pull_number: number,
      per_page: 100,
    })) {
      for (const r of page.data)
        reviews.push({
          id: r.id,
          user: r.user?.login ?? '',
          state: r.state,
          commitId: r.commit_id ?? undefined,
        });
      if (++pages >= MAX_PAGES) break;
    }
    return reviews;
  }

  async merge(
    number: number,
    input: { sha: string; title: string; message: string },
  ): Promise<PullMergeAnswer> {
    try {
      const { data } = await this.client.rest.pulls.merge({
        ...this.repository,
        pull_number: number,
        sha: input.sha,
        merge_method: 'merge',
        commit_title: this.redact(input.title),
        commit_message: this.redact(input.message),
      });
      return { kind: 'merged', sha: data.sha };
    } catch (error) {
      const status = statusOf(error);
      const message = messageOf(error);
      if (status === 409) return { kind: 'head-changed' };
      if (status === 405 && /base branch was modified/i.test(message))
        return { kind: 'base-modified' };
      if (status === 405 || status === 422) {
        // GitHub answers "not mergeable" for a pull request merged meanwhile: ask it.
        if ((await this.get(number)).merged) return { kind: 'already-merged' };
        return { kind: 'not-mergeable', message };
      }
      throw error;
    }
  }

  async close(number: number): Promise<void> {
    await this.client.rest.pulls.update({
      ...this.repository,
      pull_number: number,
      state: 'closed',
    });
  }
}
