// The one place a GitHub client is built: the Actions toolkit's Octokit (proxy-aware, REST methods,
// pagination) with the retry plugin for 5xx and network failures and the throttling plugin that
// spaces writes and waits out rate limits, both bounded.
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck';
import type { Logger } from '../log.js';

export type GitHubClient = ReturnType<typeof getOctokit>;

/** Retries of one request after a 5xx or a network failure (the retry plugin's waits: 1 s, 4 s, 9 s). */
const REQUEST_RETRIES = 3;
/**
 * Answers the retry plugin must hand back at once: its own list, plus 405 and 409, which a merge
 * answers when the base moved or the head is not the one evaluated. Those mean "re-read and decide
 * again" (consensus/settle.ts), never "send the same request after 1, 4 and 9 s".
 */
const DO_NOT_RETRY = [400, 401, 403, 404, 405, 409, 410, 422, 451];
/** Rate-limit waits a request may sit out before it fails, and the longest wait accepted. */
const RATE_LIMIT_RETRIES = 2;
const LONGEST_RATE_LIMIT_WAIT_S = 120;

/**
 * The environment's way to set `writeSpacingMs` (the action's tests run it as a child process
 * against a local stand-in of GitHub).
 */
export const WRITE_SPACING_VARIABLE = 'AGENTOS_GITHUB_WRITE_SPACING_MS';

/** A REST API root on this machine: a stand-in of GitHub, never GitHub or a GHES server. */
function isLoopback(baseUrl: string): boolean {
  try {
    return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(baseUrl).hostname);
  } catch {
    return false;
  }
}

/**
 * The least time between two writes, when a local stand-in may be written faster than GitHub
 * allows; undefined keeps the throttling plugin's spacing (1 s between writes, 3 s between writes
 * that notify: comments, pull requests, merges), which GitHub's secondary rate limits ask for.
 */
export function testWriteSpacing(
  baseUrl: string,
  requested: number | undefined,
): number | undefined {
  const fromEnvironment = process.env[WRITE_SPACING_VARIABLE];
  const spacing =
    requested ?? (fromEnvironment === undefined ? undefined : Number(fromEnvironment));
  if (spacing === undefined || !Number.isFinite(spacing) || spacing < 0) return undefined;
  return isLoopback(baseUrl) ? spacing : undefined;
}

export function createGitHubClient(options: {
  token: string;
  /** The REST API root, e.g. https://api.github.com or a GHES /api/v3. */
  baseUrl: string;
  logger: Logger;
  userAgent?: string;
  /**
   * For tests against a local stand-in of GitHub only: the least milliseconds between two writes
   * (default: the environment's AGENTOS_GITHUB_WRITE_SPACING_MS, else GitHub's spacing). Ignored
   * unless `baseUrl` is a loopback address, so no setting can make the client write to GitHub
   * faster than GitHub allows.
   */
  writeSpacingMs?: number;
}): GitHubClient {
  const { logger } = options;
  const spacing = testWriteSpacing(options.baseUrl, options.writeSpacingMs);
  const spaced =
    spacing === undefined
      ? {}
      : {
          write: new Bottleneck.Group({ maxConcurrent: 1, minTime: spacing }),
          notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: spacing }),
        };
  const waitOrGiveUp =
    (what: string) =>
    (
      retryAfter: number,
      request: { method: string; url: string },
      _client: unknown,
      count: number,
    ) => {
      const wait = count < RATE_LIMIT_RETRIES && retryAfter <= LONGEST_RATE_LIMIT_WAIT_S;
      logger.warn(
        `GitHub ${what} on ${request.method} ${request.url}: ${wait ? `retrying after ${retryAfter} s` : 'giving up'}`,
      );
      return wait;
    };
  return getOctokit(
    options.token,
    {
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      userAgent: options.userAgent ?? 'agentos',
      log: {
        debug: () => {},
        info: () => {},
        warn: (message: string) => logger.warn(message),
        error: (message: string) => logger.warn(message),
      },
      // Not `request.retries`: set there, the retry plugin would retry every error, 4xx included.
      retry: { retries: REQUEST_RETRIES, doNotRetry: DO_NOT_RETRY },
      throttle: {
        ...spaced,
        onRateLimit: waitOrGiveUp('rate limit'),
        onSecondaryRateLimit: waitOrGiveUp('secondary rate limit'),
      },
    },
    retry,
    throttling,
  );
}
