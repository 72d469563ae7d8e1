// The action's settings (SPEC §10): every `INPUT_*` variable the runner sets, parsed once into one
// frozen, typed object. A bad value fails with the input's name and what it accepts — nothing is
// silently coerced. `action.yml` declares the same inputs (checked by test/action-yml.test.ts).
import type { BudgetLimits } from '../llm/budget.js';
import { InputError } from '../errors.js';

export const MODES = ['auto', 'task', 'learn', 'consensus', 'metrics', 'list-agents'] as const;
export type Mode = (typeof MODES)[number];

/** GitHub's author_association values. */
export const AUTHOR_ASSOCIATIONS = [
  'OWNER',
  'MEMBER',
  'COLLABORATOR',
  'CONTRIBUTOR',
  'FIRST_TIME_CONTRIBUTOR',
  'FIRST_TIMER',
  'MANNEQUIN',
  'NONE',
] as const;
export type AuthorAssociation = (typeof AUTHOR_ASSOCIATIONS)[number];

export const DEFAULT_ALLOWED_ASSOCIATIONS: readonly AuthorAssociation[] = [
  'OWNER',
  'MEMBER',
  'COLLABORATOR',
];

/** The names of the action's inputs, as action.yml declares them. */
export const INPUT_NAMES = [
  'github-token',
  'llm-api-key',
  'llm-base-url',
  'llm-model',
  'trigger-label',
  'allowed-author-associations',
  'mode',
  'agent',
  'max-tokens',
  'max-cost-usd',
  'dry-run',
] as const;
export type InputName = (typeof INPUT_NAMES)[number];

export interface ActionSettings {
  /** Token for GitHub's API and for pushing; masked in logs, never written anywhere. Empty: none given. */
  readonly githubToken: string;
  /** An OpenAI-compatible endpoint; an empty key means the offline model. */
  readonly llm: { readonly apiKey: string; readonly baseUrl: string; readonly model: string };
  /** The label that makes an issue a task. */
  readonly triggerLabel: string;
  /** Authors whose issues become tasks and whose comments are obeyed. */
  readonly allowedAssociations: readonly AuthorAssociation[];
  /** What to do; `auto` derives it from the event. */
  readonly mode: Mode;
  /** The agent; undefined: an issue's `agent:<name>` label, else the first agent of agents.yaml. */
  readonly agent: string | undefined;
  /** The run's budget; undefined: no limit. */
  readonly budget: BudgetLimits;
  /** Run and commit locally, but push nothing and post nothing: the summary shows what would be. */
  readonly dryRun: boolean;
}

/** The environment variable the runner sets for an input (what @actions/core's getInput reads). */
export function inputVariable(name: InputName): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

function fail(name: InputName, problem: string): never {
  throw new InputError(`input "${name}": ${problem}`);
}

function text(env: NodeJS.ProcessEnv, name: InputName): string {
  return (env[inputVariable(name)] ?? '').trim();
}

function oneOf<T extends string>(name: InputName, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value))
    fail(name, `must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}

// The YAML 1.2 core schema booleans, as @actions/core's getBooleanInput accepts them.
const TRUE = ['true', 'True', 'TRUE'];
const FALSE = ['false', 'False', 'FALSE'];

function boolean(env: NodeJS.ProcessEnv, name: InputName, fallback: boolean): boolean {
  const value = text(env, name);
  if (value === '') return fallback;
  if (TRUE.includes(value)) return true;
  if (FALSE.includes(value)) return false;
  return fail(name, `must be true or false (got "${value}")`);
}

function positiveNumber(env: NodeJS.ProcessEnv, name: InputName, integer: boolean): number | null {
  const value = text(env, name);
  if (value === '') return null;
  const pattern = integer ? /^\d+$/ : /^(?:\d+\.?\d*|\.\d+)$/;
  const number = Number(value);
  if (!pattern.test(value) || !(number > 0))
    fail(
      name,
      `must be a positive ${integer ? 'whole number' : 'number'} or empty (got "${value}")`,
    );
  return number;
}

function url(env: NodeJS.ProcessEnv, name: InputName): string {
  const value = text(env, name);
  if (value === '') return '';
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return fail(name, `must be an http(s) URL (got "${value}")`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    fail(name, `must be an http(s) URL (got "${value}")`);
  return value;
}

function associations(env: NodeJS.ProcessEnv): readonly AuthorAssociation[] {
  const value = text(env, 'allowed-author-associations');
  if (value === '') return DEFAULT_ALLOWED_ASSOCIATIONS;
  const items = value
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((item) => oneOf('allowed-author-associations', item.toUpperCase(), AUTHOR_ASSOCIATIONS));
  return Object.freeze([...new Set(items)]);
}

/** Parses every input; throws InputError naming the first bad one. */
export function readSettings(env: NodeJS.ProcessEnv): ActionSettings {
  const triggerLabel = text(env, 'trigger-label') || 'agentos';
  if (triggerLabel.length > 50) fail('trigger-label', 'GitHub labels have at most 50 characters');
  const agent = text(env, 'agent');
  if (agent !== '' && !/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(agent))
    fail('agent', `must be an agent name from agents.yaml such as "orion" (got "${agent}")`);
  return Object.freeze({
    githubToken: text(env, 'github-token'),
    llm: Object.freeze({
      apiKey: text(env, 'llm-api-key'),
      baseUrl: url(env, 'llm-base-url'),
      model: text(env, 'llm-model'),
    }),
    triggerLabel,
    allowedAssociations: associations(env),
    mode: oneOf('mode', text(env, 'mode') || 'auto', MODES),
    agent: agent === '' ? undefined : agent,
    budget: Object.freeze({
      maxTokens: positiveNumber(env, 'max-tokens', true) ?? undefined,
      maxCostUsd: positiveNumber(env, 'max-cost-usd', false) ?? undefined,
    }),
    dryRun: boolean(env, 'dry-run', false),
  });
}

/** The token, for work that needs GitHub; its absence is an input error that says what to set. */
export function requireToken(settings: ActionSettings, why: string): string {
  if (settings.githubToken === '')
    fail('github-token', `is empty, but ${why} needs it (the default is \${{ github.token }})`);
  return settings.githubToken;
}
