// The model settings (SPEC §4, §10): one typed, frozen object built from agents.yaml (`models:`,
// `llm:`, `prices:`) and the environment (LLM_*), which wins. Bad values fail loudly, naming the
// variable or the agents.yaml field. The API key is held here and nowhere else; describeSettings
// never shows it.
import { InputError } from '../errors.js';
import {
  LLM_PROVIDERS,
  STRUCTURED_OUTPUT_MODES,
  TIERS,
  type Registry,
  type Tier,
} from '../memory/registry.js';
import { priceTable, type PriceTable } from './prices.js';

export type StructuredOutputMode = (typeof STRUCTURED_OUTPUT_MODES)[number];

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** Sent as the bearer token to keyless local servers (Ollama, llama.cpp), which ignore it. */
export const KEYLESS_PLACEHOLDER = 'no-key-configured';

/** Hosted endpoints that always need a key: asking for one of them without a key is an error. */
const HOSTED = [/(^|\.)openai\.com$/, /(^|\.)openrouter\.ai$/, /\.azure\.com$/];

export interface OfflineSettings {
  readonly provider: 'offline';
  /** Why the offline model serves, for the log. */
  readonly reason: string;
}

export interface EndpointSettings {
  readonly provider: 'openai-compatible';
  /** The OpenAI-compatible API root, e.g. https://api.openai.com/v1. */
  readonly baseUrl: string;
  /** The bearer key; KEYLESS_PLACEHOLDER for a keyless local server. Never logged. */
  readonly apiKey: string;
  /** Where the key came from (a variable name), or "none" for a keyless server. */
  readonly keySource: string;
  /** The model name per tier. */
  readonly models: Readonly<Record<Tier, string>>;
  /**
   * The idle timeout of a streamed answer, in milliseconds: the longest wait for the response to
   * start and between two of its chunks. A slow model that keeps sending tokens is never cut off.
   */
  readonly timeoutMs: number;
  /** The ceiling on one attempt's whole streamed answer, in milliseconds. */
  readonly maxResponseMs: number;
  /** Retries of timeouts, broken streams, 408/409/429 and 5xx, with exponential backoff. */
  readonly maxRetries: number;
  /** The first retry's wait when the endpoint sends no Retry-After (then doubling, at most 8 s). */
  readonly retryBackoffMs: number;
  /** Sent as max_completion_tokens when set. */
  readonly maxOutputTokens: number | null;
  /** The first response_format tried; an endpoint that rejects it falls back further. */
  readonly structuredOutput: StructuredOutputMode;
  readonly prices: PriceTable;
}

export type ModelSettings = OfflineSettings | EndpointSettings;

/** An environment value, with "" treated as unset (Actions inputs arrive as empty strings). */
function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** An environment variable's number when it is set, else agents.yaml's `fallback`. */
function numberFromEnv(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  rule: { check: (n: number) => boolean; expected: string },
): number {
  const raw = envValue(env, name);
  return raw === undefined ? fallback : parseNumber(raw, name, rule.check, rule.expected);
}

function parseNumber(
  raw: string,
  name: string,
  check: (n: number) => boolean,
  expected: string,
): number {
  const value = Number(raw);
  if (raw === '' || !Number.isFinite(value) || !check(value)) {
    throw new InputError(`${name} must be ${expected}, got "${raw}"`);
  }
  return value;
}

function checkBaseUrl(raw: string, source: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InputError(`${source} is not a URL: "${raw}" (e.g. http://127.0.0.1:11434/v1)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(`${source} must be an http(s) URL, got "${url.protocol}"`);
  }
  if (url.username || url.password) {
    throw new InputError(
      `${source} must not carry credentials: put the key in LLM_API_KEY instead`,
    );
  }
  if (/\.openai\.azure\.com$/.test(url.hostname) && !/\/openai\/v1\/?$/.test(url.pathname)) {
    throw new InputError(
      `${source}: use Azure's v1 API root, https://${url.hostname}/openai/v1/ (the model names are your deployment names)`,
    );
  }
  return raw.replace(/\/+$/, '');
}

function isHosted(baseUrl: string): boolean {
  const host = new URL(baseUrl).hostname;
  return HOSTED.some((pattern) => pattern.test(host));
}

/** The settings for a registry and an environment; throws InputError naming what to fix. */
export function modelSettings(registry: Registry, env: NodeJS.ProcessEnv): ModelSettings {
  const llm = registry.llm;
  const providerRaw = envValue(env, 'LLM_PROVIDER');
  if (providerRaw !== undefined && !(LLM_PROVIDERS as readonly string[]).includes(providerRaw)) {
    throw new InputError(
      `LLM_PROVIDER must be one of ${LLM_PROVIDERS.join(', ')}, got "${providerRaw}"`,
    );
  }
  const provider = (providerRaw as (typeof LLM_PROVIDERS)[number] | undefined) ?? llm.provider;
  const providerSource = providerRaw !== undefined ? 'LLM_PROVIDER' : 'agents.yaml llm.provider';
  if (provider === 'offline') {
    return Object.freeze({ provider, reason: `${providerSource} is "offline"` });
  }

  const keyVariable = envValue(env, 'LLM_API_KEY') !== undefined ? 'LLM_API_KEY' : llm.api_key_env;
  const key = envValue(env, keyVariable);
  if (key !== undefined && /\s/.test(key)) {
    throw new InputError(`${keyVariable} contains whitespace: paste the key alone, on one line`);
  }
  const baseRaw = envValue(env, 'LLM_BASE_URL') ?? llm.base_url ?? undefined;
  const baseSource =
    envValue(env, 'LLM_BASE_URL') !== undefined ? 'LLM_BASE_URL' : 'agents.yaml llm.base_url';
  const model = envValue(env, 'LLM_MODEL');

  if (key === undefined && baseRaw === undefined) {
    const asked =
      provider === 'openai-compatible'
        ? `${providerSource} is "openai-compatible"`
        : model !== undefined
          ? `LLM_MODEL is set ("${model}")`
          : undefined;
    if (asked === undefined) {
      return Object.freeze({
        provider: 'offline',
        reason: `no ${keyVariable} and no LLM_BASE_URL: the offline model (deterministic rules, not an LLM) serves`,
      });
    }
    throw new InputError(
      `${asked} but no model endpoint is configured: set ${keyVariable} (OpenAI, or with LLM_BASE_URL for Azure and OpenRouter), or LLM_BASE_URL alone for a keyless local server (Ollama, llama.cpp, vLLM)`,
    );
  }

  const baseUrl = baseRaw === undefined ? OPENAI_BASE_URL : checkBaseUrl(baseRaw, baseSource);
  if (key === undefined && isHosted(baseUrl)) {
    throw new InputError(
      `${baseSource} points at ${new URL(baseUrl).hostname}, which needs an API key: set ${keyVariable}`,
    );
  }

  const timeoutSeconds = numberFromEnv(env, 'LLM_TIMEOUT_SECONDS', llm.timeout_seconds, {
    check: (n) => n > 0 && n <= 3600,
    expected: 'a number of seconds above 0 and at most 3600',
  });
  const maxRetries = numberFromEnv(env, 'LLM_MAX_RETRIES', llm.max_retries, {
    check: (n) => Number.isInteger(n) && n >= 0 && n <= 10,
    expected: 'a whole number from 0 to 10',
  });
  const maxResponseSeconds = numberFromEnv(
    env,
    'LLM_MAX_RESPONSE_SECONDS',
    llm.max_response_seconds,
    {
      check: (n) => n > 0 && n <= 86_400,
      expected: 'a number of seconds above 0 and at most 86400',
    },
  );
  const retryBackoffMs = numberFromEnv(env, 'LLM_RETRY_BACKOFF_MS', llm.retry_backoff_ms, {
    check: (n) => Number.isInteger(n) && n >= 0 && n <= 60_000,
    expected: 'a whole number of milliseconds from 0 to 60000',
  });

  const models = Object.freeze(
    Object.fromEntries(TIERS.map((tier) => [tier, model ?? registry.models[tier]])) as Record<
      Tier,
      string
    >,
  );
  return Object.freeze({
    provider: 'openai-compatible',
    baseUrl,
    apiKey: key ?? KEYLESS_PLACEHOLDER,
    keySource: key === undefined ? 'none' : keyVariable,
    models,
    timeoutMs: Math.max(1, Math.round(timeoutSeconds * 1000)),
    maxResponseMs: Math.max(1, Math.round(maxResponseSeconds * 1000)),
    maxRetries,
    retryBackoffMs,
    maxOutputTokens: llm.max_output_tokens,
    structuredOutput: llm.structured_output,
    prices: priceTable(registry.prices),
  });
}

/** One line for logs and summaries: where the models are, never the key. */
export function describeSettings(settings: ModelSettings): string {
  if (settings.provider === 'offline') return `offline model (${settings.reason})`;
  const tiers = TIERS.map((tier) => `${tier}=${settings.models[tier]}`).join(', ');
  const key = settings.keySource === 'none' ? 'no key' : `key from ${settings.keySource}`;
  return `OpenAI-compatible endpoint ${settings.baseUrl} (${key}; ${tiers})`;
}
