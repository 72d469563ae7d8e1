// Everything a handler needs for one run, built once from the settings and the runner: the git
// wrapper (bot identity, safe.directory and the token through the environment), the platform
// (GitHub, or a local stand-in for a dry run), where to push, and the run's one model.
import { InputError } from '../errors.js';
import { Git, safeDirectoryConfig, tokenAuthConfig, type GitIdentity } from '../git/git.js';
import { RunBudget } from '../llm/budget.js';
import { createModel } from '../llm/create-model.js';
import type { Model } from '../llm/model.js';
import { rememberingModel } from '../llm/remembering-model.js';
import type { Logger } from '../log.js';
import { ensureNothingUnpushed, type PublishTarget } from '../loop/publish.js';
import { recoverInterruptedChange } from '../memory/journal.js';
import type { Registry } from '../memory/registry.js';
import { GitHubPlatform } from '../platform/github.js';
import { agentosLabels } from '../platform/labels.js';
import { LocalPlatform } from '../platform/local.js';
import { createGitHubClient } from '../platform/octokit.js';
import { GitHubPulls } from '../platform/pulls.js';
import type { Platform } from '../platform/platform.js';
import type { KnownSecret } from '../security/redact.js';
import type { ActionEvent } from './event.js';
import { requireToken, type ActionSettings } from './inputs.js';
import type { RunnerContext } from './runner.js';

/** The identity of commits made by the action: GitHub's Actions bot. */
export const BOT_IDENTITY: GitIdentity = {
  name: 'github-actions[bot]',
  email: '41898282+github-actions[bot]@users.noreply.github.com',
};

export const REMOTE = 'origin';

export interface ActionContext {
  settings: ActionSettings;
  runner: RunnerContext;
  event: ActionEvent;
  /** The agent repository: the runner's workspace. */
  repoRoot: string;
  git: Git;
  platform: Platform;
  logger: Logger;
  now: () => Date;
  /** Pull requests on GitHub (proposals); undefined in a dry run. */
  readonly pulls: GitHubPulls | undefined;
  /** Makes sure the workspace is on the remote's latest commit and says where pushes go. */
  prepareToWrite(): Promise<PublishTarget | undefined>;
  /** The run's model: made on first use, answering each task once. */
  model(registry: Registry): Model;
  /** The run's token and cost budget, checked before every model call and counting its spend. */
  budget: RunBudget;
}

/** The secrets of a run: masked in the log, redacted from everything posted or written. */
export function runSecrets(
  settings: ActionSettings,
  runner: RunnerContext,
  env: NodeJS.ProcessEnv,
): KnownSecret[] {
  const secrets: KnownSecret[] = [
    { value: settings.githubToken, kind: 'github-token' },
    { value: settings.llm.apiKey, kind: 'llm-api-key' },
    { value: env.LLM_API_KEY ?? '', kind: 'llm-api-key' },
  ];
  if (settings.githubToken !== '')
    secrets.push({
      value: tokenAuthConfig(runner.serverUrl, settings.githubToken).secret,
      kind: 'github-token',
    });
  return secrets.filter((secret) => secret.value !== '');
}

export function createActionContext(input: {
  settings: ActionSettings;
  runner: RunnerContext;
  event: ActionEvent;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  redact: (text: string) => string;
  now?: () => Date;
}): ActionContext {
  const { settings, runner, logger } = input;
  const auth =
    settings.githubToken === ''
      ? []
      : tokenAuthConfig(runner.serverUrl, settings.githubToken).config;
  const git = Git.create(runner.workspace, {
    identity: BOT_IDENTITY,
    config: [...safeDirectoryConfig(runner.workspace), ...auth],
  });
  let platform: Platform | undefined;
  let pulls: GitHubPulls | undefined;
  let model: Model | undefined;
  let target: Promise<PublishTarget | undefined> | undefined;
  return {
    settings,
    runner,
    event: input.event,
    repoRoot: runner.workspace,
    git,
    logger,
    now: input.now ?? (() => new Date()),
    budget: new RunBudget(settings.budget),
    get platform(): Platform {
      platform ??= settings.dryRun
        ? new LocalPlatform(logger)
        : new GitHubPlatform(
            createGitHubClient({
              token: requireToken(settings, 'posting to GitHub'),
              baseUrl: runner.apiUrl,
              logger,
            }),
            { owner: runner.owner, repo: runner.repo },
            runner.serverUrl,
            input.redact,
            { known: agentosLabels(settings.triggerLabel), logger },
          );
      return platform;
    },
    get pulls(): GitHubPulls | undefined {
      if (settings.dryRun) return undefined;
      pulls ??= new GitHubPulls(
        createGitHubClient({
          token: requireToken(settings, 'working with pull requests'),
          baseUrl: runner.apiUrl,
          logger,
        }),
        { owner: runner.owner, repo: runner.repo },
        input.redact,
      );
      return pulls;
    },
    prepareToWrite() {
      target ??= prepare(git, runner, settings, logger);
      return target;
    },
    model(registry) {
      if (!model) {
        const llm = settings.llm;
        const env = {
          ...input.env,
          ...(llm.apiKey ? { LLM_API_KEY: llm.apiKey } : {}),
          ...(llm.baseUrl ? { LLM_BASE_URL: llm.baseUrl } : {}),
          ...(llm.model ? { LLM_MODEL: llm.model } : {}),
        };
        const created = createModel(registry, env, { logger });
        model = rememberingModel(created);
        logger.info(`model: ${created.kind}`);
      }
      return model;
    },
  };
}

async function prepare(
  git: Git,
  runner: RunnerContext,
  settings: ActionSettings,
  logger: Logger,
): Promise<PublishTarget | undefined> {
  if (!(await git.isRepository()))
    throw new InputError(
      `GITHUB_WORKSPACE ${runner.workspace} is not a git repository: add actions/checkout before AgentOS`,
    );
  // A run killed in this workspace (a reused self-hosted runner) left a change half-made: repair it.
  await recoverInterruptedChange({ repoRoot: runner.workspace, git, logger });
  if (settings.dryRun) {
    logger.info('dry run: commits stay in the workspace; nothing is pushed or posted');
    return undefined;
  }
  // A review event runs on refs/pull/N/merge; its job checks out the default branch, which is
  // where a merged proposal and a closed one's record go.
  const branch =
    runner.branch ??
    (runner.eventName === 'pull_request_review' ? await git.currentBranch() : undefined);
  if (!branch)
    throw new InputError(
      'GITHUB_REF is not a branch (refs/heads/...): AgentOS commits to the branch the workflow runs on',
    );
  if (!(await git.hasRemote(REMOTE)))
    throw new InputError(
      `the workspace has no "${REMOTE}" remote: check out the repository with actions/checkout`,
    );
  // Start from the newest memory, so the push is unlikely to be rejected.
  await ensureNothingUnpushed(git, { remote: REMOTE, branch });
  return { remote: REMOTE, branch };
}
