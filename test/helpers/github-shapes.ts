// The JSON objects the GitHub stand-in answers with, in GitHub's shapes (every field its REST
// description requires: simple-user, repository, label, issue-comment, reaction, pull-request,
// pull-request-review), built from the stand-in's state.

/** Where the stand-in lives: its API root (also used for html_url, as GitHub's pages are elsewhere). */
export interface Site {
  url: string;
  owner: string;
  repo: string;
}

/** A stable id for a login, so a user has the same id in every answer. */
function idOf(login: string): number {
  let hash = 7;
  for (const char of login) hash = (hash * 31 + char.charCodeAt(0)) % 1_000_000;
  return 100_000 + hash;
}

export const BOT_LOGIN = 'github-actions[bot]';

export function userJson(site: Site, login: string, type = 'User') {
  const id = login === BOT_LOGIN ? 41898282 : idOf(login);
  const api = `${site.url}/users/${encodeURIComponent(login)}`;
  return {
    login,
    id,
    node_id: `U_${id}`,
    avatar_url: `${site.url}/avatars/u/${id}`,
    gravatar_id: '',
    url: api,
    html_url: `${site.url}/${encodeURIComponent(login)}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type,
    site_admin: false,
  };
}

export function botJson(site: Site) {
  return userJson(site, BOT_LOGIN, 'Bot');
}

export function repositoryJson(site: Site) {
  const api = `${site.url}/repos/${site.owner}/${site.repo}`;
  const html = `${site.url}/${site.owner}/${site.repo}`;
  const at = '2026-01-01T00:00:00Z';
  return {
    id: 4242,
    node_id: 'R_4242',
    name: site.repo,
    full_name: `${site.owner}/${site.repo}`,
    owner: { ...userJson(site, site.owner, 'Organization') },
    private: true,
    html_url: html,
    description: null,
    fork: false,
    url: api,
    archive_url: `${api}/{archive_format}{/ref}`,
    assignees_url: `${api}/assignees{/user}`,
    blobs_url: `${api}/git/blobs{/sha}`,
    branches_url: `${api}/branches{/branch}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    comments_url: `${api}/comments{/number}`,
    commits_url: `${api}/commits{/sha}`,
    compare_url: `${api}/compare/{base}...{head}`,
    contents_url: `${api}/contents/{+path}`,
    contributors_url: `${api}/contributors`,
    deployments_url: `${api}/deployments`,
    downloads_url: `${api}/downloads`,
    events_url: `${api}/events`,
    forks_url: `${api}/forks`,
    git_commits_url: `${api}/git/commits{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_url: `git://127.0.0.1/${site.owner}/${site.repo}.git`,
    hooks_url: `${api}/hooks`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    issue_events_url: `${api}/issues/events{/number}`,
    issues_url: `${api}/issues{/number}`,
    keys_url: `${api}/keys{/key_id}`,
    labels_url: `${api}/labels{/name}`,
    languages_url: `${api}/languages`,
    merges_url: `${api}/merges`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    pulls_url: `${api}/pulls{/number}`,
    releases_url: `${api}/releases{/id}`,
    ssh_url: `git@127.0.0.1:${site.owner}/${site.repo}.git`,
    stargazers_url: `${api}/stargazers`,
    statuses_url: `${api}/statuses/{sha}`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    tags_url: `${api}/tags`,
    teams_url: `${api}/teams`,
    trees_url: `${api}/git/trees{/sha}`,
    clone_url: `${html}.git`,
    mirror_url: null,
    svn_url: html,
    homepage: null,
    language: null,
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 1,
    default_branch: 'main',
    open_issues: 0,
    open_issues_count: 0,
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: false,
    archived: false,
    disabled: false,
    license: null,
    pushed_at: at,
    created_at: at,
    updated_at: at,
  };
}

export function labelJson(
  site: Site,
  name: string,
  id: number,
  rest: { color?: string; description?: string | null } = {},
) {
  return {
    id,
    node_id: `LA_${id}`,
    url: `${site.url}/repos/${site.owner}/${site.repo}/labels/${encodeURIComponent(name)}`,
    name,
    color: rest.color ?? 'ededed',
    default: false,
    description: rest.description ?? null,
  };
}

export function commentJson(
  site: Site,
  issue: number,
  comment: { id: number; body: string; user: { login: string; type: string }; created_at: string },
) {
  const api = `${site.url}/repos/${site.owner}/${site.repo}`;
  return {
    id: comment.id,
    node_id: `IC_${comment.id}`,
    url: `${api}/issues/comments/${comment.id}`,
    html_url: `${site.url}/${site.owner}/${site.repo}/issues/${issue}#issuecomment-${comment.id}`,
    issue_url: `${api}/issues/${issue}`,
    body: comment.body,
    user: userJson(site, comment.user.login, comment.user.type),
    author_association: comment.user.type === 'Bot' ? 'NONE' : 'COLLABORATOR',
    created_at: comment.created_at,
    updated_at: comment.created_at,
  };
}

export interface PullState {
  number: number;
  head: string;
  base: string;
  title: string;
  body: string;
  state: 'open' | 'closed';
  merged: boolean;
  merged_at: string | null;
  closed_at: string | null;
  created_at: string;
  merge_commit_sha: string | null;
}

/** A pull request as GET /pulls/{n} answers it (`full`), or as an item of GET /pulls. */
export function pullJson(
  site: Site,
  pull: PullState,
  shas: { head: string; base: string },
  full: boolean,
) {
  const api = `${site.url}/repos/${site.owner}/${site.repo}`;
  const html = `${site.url}/${site.owner}/${site.repo}/pull/${pull.number}`;
  const self = `${api}/pulls/${pull.number}`;
  const repository = repositoryJson(site);
  const bot = botJson(site);
  const simple = {
    url: self,
    id: pull.number * 10,
    node_id: `PR_${pull.number}`,
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${pull.number}`,
    commits_url: `${self}/commits`,
    review_comments_url: `${self}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pull.number}/comments`,
    statuses_url: `${api}/statuses/${shas.head}`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: bot,
    body: pull.body,
    labels: [],
    milestone: null,
    active_lock_reason: null,
    created_at: pull.created_at,
    updated_at: pull.closed_at ?? pull.created_at,
    closed_at: pull.closed_at,
    merged_at: pull.merged_at,
    merge_commit_sha: pull.merge_commit_sha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: {
      label: `${site.owner}:${pull.head}`,
      ref: pull.head,
      sha: shas.head,
      user: repository.owner,
      repo: repository,
    },
    base: {
      label: `${site.owner}:${pull.base}`,
      ref: pull.base,
      sha: shas.base,
      user: repository.owner,
      repo: repository,
    },
    _links: {
      self: { href: self },
      html: { href: html },
      issue: { href: `${api}/issues/${pull.number}` },
      comments: { href: `${api}/issues/${pull.number}/comments` },
      review_comments: { href: `${self}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${self}/commits` },
      statuses: { href: `${api}/statuses/${shas.head}` },
    },
    author_association: 'NONE',
    auto_merge: null,
    draft: false,
  };
  if (!full) return simple;
  return {
    ...simple,
    merged: pull.merged,
    mergeable: pull.state === 'open' ? true : null,
    rebaseable: pull.state === 'open' ? true : null,
    mergeable_state: pull.state === 'open' ? 'clean' : 'unknown',
    merged_by: pull.merged ? bot : null,
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: 1,
    additions: 1,
    deletions: 0,
    changed_files: 1,
  };
}

export function reviewJson(
  site: Site,
  pull: number,
  review: { id: number; user: string; state: string; commit_id: string },
) {
  const html = `${site.url}/${site.owner}/${site.repo}/pull/${pull}`;
  const pullUrl = `${site.url}/repos/${site.owner}/${site.repo}/pulls/${pull}`;
  return {
    id: review.id,
    node_id: `PRR_${review.id}`,
    user: userJson(site, review.user),
    body: '',
    state: review.state,
    html_url: `${html}#pullrequestreview-${review.id}`,
    pull_request_url: pullUrl,
    _links: {
      html: { href: `${html}#pullrequestreview-${review.id}` },
      pull_request: { href: pullUrl },
    },
    author_association: 'COLLABORATOR',
    submitted_at: '2026-05-01T09:00:00Z',
    commit_id: review.commit_id,
  };
}
