// The daemon's settings (SPEC §10, the seed's container mode): flags first, then the environment
// (DATA_DIR, POLL_INTERVAL, AGENTOS_LEARN_HOUR, AGENTOS_REMOTE, AGENTOS_HEALTH_FILE), built in one
// frozen literal. A bad value fails loudly with the flag's or variable's name.
// This folder (daemon) composes loop, learning, memory and git; nothing imports it but the CLI.
import { resolve } from 'node:path';
import { InputError } from '../errors.js';

/** The flags `agentos daemon` takes, as parsed (strings, untouched). */
export interface DaemonFlags {
  dir?: string | undefined;
  pollInterval?: string | undefined;
  learnHour?: string | undefined;
  remote?: string | undefined;
  healthFile?: string | undefined;
  maxTasks?: string | undefined;
  once?: boolean | undefined;
}

export interface DaemonSettings {
  /** The agent repository polled: agents.yaml and agents/<name>/queue.md (DATA_DIR). */
  readonly dataDir: string;
  /** Seconds between two polls when no task is pending (POLL_INTERVAL). */
  readonly pollIntervalSeconds: number;
  /** The UTC hour (0–23) in which the daily learning run starts; undefined: never. */
  readonly learnHourUtc: number | undefined;
  /**
   * The git remote memory is pushed to: a name, `auto` (origin when the repository has one), or
   * undefined (never push).
   */
  readonly remote: string | undefined;
  /** Where the health file is kept; undefined: `.git/agentos/daemon-health.json` of dataDir. */
  readonly healthFile: string | undefined;
  /** Stop after this many tasks; undefined: no limit. */
  readonly maxTasks: number | undefined;
  /** Work until nothing is pending, then stop, instead of polling. */
  readonly once: boolean;
}

export const DEFAULT_POLL_INTERVAL_SECONDS = 5;
/** The hour of the workflow's nightly schedule (`23 3 * * *`), so both modes learn alike. */
export const DEFAULT_LEARN_HOUR_UTC = 3;
const MAX_POLL_INTERVAL_SECONDS = 24 * 60 * 60;
const NO_VALUE = ['off', 'none', 'never'];

/** The raw value and the name a user would look for: the flag when given, else the variable. */
function pick(
  flag: string | undefined,
  flagName: string,
  env: NodeJS.ProcessEnv,
  envName: string,
): { raw: string; name: string } | undefined {
  if (flag !== undefined) return { raw: flag.trim(), name: flagName };
  const value = env[envName]?.trim();
  return value ? { raw: value, name: envName } : undefined;
}

function pollInterval(source: { raw: string; name: string } | undefined): number {
  if (!source) return DEFAULT_POLL_INTERVAL_SECONDS;
  const seconds = /^\d+(\.\d+)?$/.test(source.raw) ? Number(source.raw) : NaN;
  if (!(seconds > 0 && seconds <= MAX_POLL_INTERVAL_SECONDS))
    throw new InputError(
      `${source.name} "${source.raw}" is not a number of seconds between 0 and ${MAX_POLL_INTERVAL_SECONDS} (e.g. 5)`,
    );
  return seconds;
}

function learnHour(source: { raw: string; name: string } | undefined): number | undefined {
  if (!source) return DEFAULT_LEARN_HOUR_UTC;
  if (NO_VALUE.includes(source.raw.toLowerCase())) return undefined;
  const hour = /^\d{1,2}$/.test(source.raw) ? Number(source.raw) : NaN;
  if (!(hour >= 0 && hour <= 23))
    throw new InputError(
      `${source.name} "${source.raw}" is not an hour of the day in UTC (0 to 23), or "off"`,
    );
  return hour;
}

function remote(source: { raw: string; name: string } | undefined): string | undefined {
  if (!source) return 'auto';
  if (NO_VALUE.includes(source.raw.toLowerCase())) return undefined;
  // A remote's name, as `git remote add` accepts it; never a URL (a URL could carry a token).
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(source.raw))
    throw new InputError(
      `${source.name} "${source.raw}" is not the name of a git remote (e.g. origin), or "none"`,
    );
  return source.raw;
}

function maxTasks(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const count = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!(count >= 1)) throw new InputError(`--max-tasks "${raw}" is not a whole number above 0`);
  return count;
}

export function readDaemonSettings(
  flags: DaemonFlags,
  env: NodeJS.ProcessEnv,
  cwd: string,
): DaemonSettings {
  const healthFile = pick(flags.healthFile, '--health-file', env, 'AGENTOS_HEALTH_FILE');
  return Object.freeze({
    dataDir: resolve(cwd, flags.dir ?? env.DATA_DIR ?? '.'),
    pollIntervalSeconds: pollInterval(
      pick(flags.pollInterval, '--poll-interval', env, 'POLL_INTERVAL'),
    ),
    learnHourUtc: learnHour(pick(flags.learnHour, '--learn-hour', env, 'AGENTOS_LEARN_HOUR')),
    remote: remote(pick(flags.remote, '--remote', env, 'AGENTOS_REMOTE')),
    healthFile: healthFile && resolve(cwd, healthFile.raw),
    maxTasks: maxTasks(flags.maxTasks),
    once: flags.once === true,
  });
}
