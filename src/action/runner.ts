// What the Actions runner tells a step through `GITHUB_*` variables: the event, the workspace, the
// repository and where GitHub lives. Parsed once; a missing variable is named.
import { InputError } from '../errors.js';

export interface RunnerContext {
  eventName: string;
  eventPath: string;
  /** The checked-out repository: the agent repository the action works on. */
  workspace: string;
  owner: string;
  repo: string;
  /** REST API root (GITHUB_API_URL), e.g. https://api.github.com. */
  apiUrl: string;
  /** Web root (GITHUB_SERVER_URL), e.g. https://github.com, for links and git auth. */
  serverUrl: string;
  /** The branch the run is on (from GITHUB_REF refs/heads/...), if it is a branch. */
  branch: string | undefined;
  sha: string;
  /** A link to this run's log, when the runner says which run it is. */
  runUrl: string | undefined;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value)
    throw new InputError(
      `environment variable ${name} is not set: AgentOS runs as a step of a GitHub Actions job`,
    );
  return value;
}

export function readRunnerContext(env: NodeJS.ProcessEnv): RunnerContext {
  const repository = required(env, 'GITHUB_REPOSITORY');
  const [owner, repo, ...rest] = repository.split('/');
  if (!owner || !repo || rest.length > 0)
    throw new InputError(`GITHUB_REPOSITORY must be "owner/repo" (got "${repository}")`);
  const serverUrl = (env.GITHUB_SERVER_URL?.trim() || 'https://github.com').replace(/\/+$/, '');
  const ref = env.GITHUB_REF?.trim() ?? '';
  const runId = env.GITHUB_RUN_ID?.trim();
  return {
    eventName: required(env, 'GITHUB_EVENT_NAME'),
    eventPath: required(env, 'GITHUB_EVENT_PATH'),
    workspace: required(env, 'GITHUB_WORKSPACE'),
    owner,
    repo,
    apiUrl: (env.GITHUB_API_URL?.trim() || 'https://api.github.com').replace(/\/+$/, ''),
    serverUrl,
    branch: ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined,
    sha: env.GITHUB_SHA?.trim() ?? '',
    runUrl: runId ? `${serverUrl}/${owner}/${repo}/actions/runs/${runId}` : undefined,
  };
}
