// Model settings from agents.yaml and LLM_*: the offline default, keyless local servers, and
// errors that name the variable to set — never the key.
import { createModel } from '../../src/llm/create-model.js';
import {
  describeSettings,
  KEYLESS_PLACEHOLDER,
  modelSettings,
  type EndpointSettings,
} from '../../src/llm/settings.js';
import { RegistrySchema, type Registry } from '../../src/memory/registry.js';

const AGENTS = [{ name: 'orion', persona: 'Backend engineer.' }];

function registry(extra: Record<string, unknown> = {}): Registry {
  return RegistrySchema.parse({ agents: AGENTS, ...extra });
}

function endpoint(env: NodeJS.ProcessEnv, extra: Record<string, unknown> = {}): EndpointSettings {
  const settings = modelSettings(registry(extra), env);
  if (settings.provider !== 'openai-compatible') throw new Error(`offline: ${settings.reason}`);
  return settings;
}

describe('model settings', () => {
  it('serves the offline model with no key and no base URL, and says so', () => {
    const settings = modelSettings(registry(), {});
    expect(settings.provider).toBe('offline');
    expect(describeSettings(settings)).toBe(
      'offline model (no LLM_API_KEY and no LLM_BASE_URL: the offline model (deterministic rules, not an LLM) serves)',
    );
    expect(createModel(registry(), {}).kind).toBe('offline');
    // Empty values, as GitHub Actions passes unset inputs, count as unset.
    expect(modelSettings(registry(), { LLM_API_KEY: '', LLM_BASE_URL: ' ' }).provider).toBe(
      'offline',
    );
  });

  it('talks to OpenAI with a key alone, with the tier models of agents.yaml', () => {
    const settings = endpoint({ LLM_API_KEY: 'sk-abc123' });
    expect(settings).toMatchObject({
      baseUrl: 'https://api.openai.com/v1',
      apiKey: 'sk-abc123',
      keySource: 'LLM_API_KEY',
      models: { 'cheap-fast': 'gpt-4o-mini', balanced: 'gpt-4o', strongest: 'o3' },
      timeoutMs: 120_000,
      maxRetries: 2,
      structuredOutput: 'json_schema',
    });
    expect(Object.isFrozen(settings)).toBe(true);
    expect(createModel(registry(), { LLM_API_KEY: 'sk-abc123' }).kind).toBe('openai-compatible');
  });

  it('reaches a keyless local server with LLM_BASE_URL alone, one model for every tier with LLM_MODEL', () => {
    const settings = endpoint({
      LLM_BASE_URL: 'http://localhost:11434/v1/',
      LLM_MODEL: 'llama3.1:8b',
    });
    expect(settings.baseUrl).toBe('http://localhost:11434/v1');
    expect(settings.apiKey).toBe(KEYLESS_PLACEHOLDER);
    expect(settings.keySource).toBe('none');
    expect(settings.models).toEqual({
      'cheap-fast': 'llama3.1:8b',
      balanced: 'llama3.1:8b',
      strongest: 'llama3.1:8b',
    });
    expect(describeSettings(settings)).toBe(
      'OpenAI-compatible endpoint http://localhost:11434/v1 (no key; cheap-fast=llama3.1:8b, balanced=llama3.1:8b, strongest=llama3.1:8b)',
    );
  });

  it('reads base URL, key variable, timeouts and format from agents.yaml, and LLM_* over them', () => {
    const llm = {
      llm: {
        base_url: 'https://openrouter.ai/api/v1',
        api_key_env: 'OPENROUTER_API_KEY',
        timeout_seconds: 30,
        max_retries: 4,
        max_output_tokens: 2000,
        structured_output: 'json_object',
      },
      models: {
        'cheap-fast': 'openai/gpt-4o-mini',
        balanced: 'openai/gpt-4o',
        strongest: 'openai/o3',
      },
    };
    const fromFile = endpoint({ OPENROUTER_API_KEY: 'sk-or-v1-abc' }, llm);
    expect(fromFile).toMatchObject({
      baseUrl: 'https://openrouter.ai/api/v1',
      apiKey: 'sk-or-v1-abc',
      keySource: 'OPENROUTER_API_KEY',
      timeoutMs: 30_000,
      maxRetries: 4,
      maxOutputTokens: 2000,
      structuredOutput: 'json_object',
    });
    expect(fromFile.models.balanced).toBe('openai/gpt-4o');
    const overridden = endpoint(
      {
        OPENROUTER_API_KEY: 'sk-or-v1-abc',
        LLM_API_KEY: 'sk-other',
        LLM_BASE_URL: 'http://127.0.0.1:8080/v1',
        LLM_TIMEOUT_SECONDS: '0.25',
        LLM_MAX_RETRIES: '0',
      },
      llm,
    );
    expect(overridden).toMatchObject({
      baseUrl: 'http://127.0.0.1:8080/v1',
      apiKey: 'sk-other',
      keySource: 'LLM_API_KEY',
      timeoutMs: 250,
      maxRetries: 0,
    });
    expect(describeSettings(overridden)).not.toContain('sk-other');
  });

  it('reads the streaming ceiling and the retry backoff from agents.yaml, and LLM_* over them', () => {
    expect(endpoint({ LLM_API_KEY: 'sk-abc123' })).toMatchObject({
      maxResponseMs: 1_800_000,
      retryBackoffMs: 500,
    });
    const llm = { llm: { max_response_seconds: 600, retry_backoff_ms: 50 } };
    expect(endpoint({ LLM_API_KEY: 'sk-abc123' }, llm)).toMatchObject({
      maxResponseMs: 600_000,
      retryBackoffMs: 50,
    });
    expect(
      endpoint(
        { LLM_API_KEY: 'sk-abc123', LLM_MAX_RESPONSE_SECONDS: '90', LLM_RETRY_BACKOFF_MS: '0' },
        llm,
      ),
    ).toMatchObject({ maxResponseMs: 90_000, retryBackoffMs: 0 });
    expect(() => endpoint({ LLM_API_KEY: 'sk-abc123', LLM_RETRY_BACKOFF_MS: '2.5' })).toThrow(
      'LLM_RETRY_BACKOFF_MS must be a whole number of milliseconds from 0 to 60000, got "2.5"',
    );
  });

  it('is an error to ask for a real model without saying where, naming the variable to set', () => {
    expect(() => modelSettings(registry(), { LLM_MODEL: 'gpt-4o' })).toThrow(
      'LLM_MODEL is set ("gpt-4o") but no model endpoint is configured: set LLM_API_KEY (OpenAI, or with LLM_BASE_URL for Azure and OpenRouter), or LLM_BASE_URL alone for a keyless local server (Ollama, llama.cpp, vLLM)',
    );
    expect(() => modelSettings(registry(), { LLM_PROVIDER: 'openai-compatible' })).toThrow(
      /^LLM_PROVIDER is "openai-compatible" but no model endpoint is configured: set LLM_API_KEY/,
    );
    expect(() =>
      modelSettings(
        registry({ llm: { provider: 'openai-compatible', api_key_env: 'MY_KEY' } }),
        {},
      ),
    ).toThrow(
      /^agents.yaml llm.provider is "openai-compatible" but no model endpoint is configured: set MY_KEY/,
    );
    expect(() =>
      modelSettings(registry(), { LLM_BASE_URL: 'https://openrouter.ai/api/v1' }),
    ).toThrow('LLM_BASE_URL points at openrouter.ai, which needs an API key: set LLM_API_KEY');
    expect(() => modelSettings(registry(), { LLM_BASE_URL: 'https://api.openai.com/v1' })).toThrow(
      /api.openai.com, which needs an API key: set LLM_API_KEY/,
    );
  });

  it('rejects bad values, naming the variable and never echoing the key', () => {
    expect(() =>
      modelSettings(registry(), { LLM_API_KEY: 'sk', LLM_TIMEOUT_SECONDS: 'soon' }),
    ).toThrow(
      'LLM_TIMEOUT_SECONDS must be a number of seconds above 0 and at most 3600, got "soon"',
    );
    expect(() => modelSettings(registry(), { LLM_API_KEY: 'sk', LLM_MAX_RETRIES: '2.5' })).toThrow(
      'LLM_MAX_RETRIES must be a whole number from 0 to 10, got "2.5"',
    );
    expect(() => modelSettings(registry(), { LLM_PROVIDER: 'anthropic' })).toThrow(
      'LLM_PROVIDER must be one of auto, offline, openai-compatible, got "anthropic"',
    );
    expect(() => modelSettings(registry(), { LLM_BASE_URL: 'localhost:11434' })).toThrow(
      /^LLM_BASE_URL must be an http\(s\) URL/,
    );
    expect(() => modelSettings(registry(), { LLM_BASE_URL: 'not a url' })).toThrow(
      /^LLM_BASE_URL is not a URL/,
    );
    expect(() =>
      modelSettings(registry(), {
        LLM_API_KEY: 'k',
        LLM_BASE_URL: 'https://my-res.openai.azure.com/',
      }),
    ).toThrow(
      "LLM_BASE_URL: use Azure's v1 API root, https://my-res.openai.azure.com/openai/v1/ (the model names are your deployment names)",
    );
    let message = '';
    try {
      modelSettings(registry(), { LLM_API_KEY: 'sk-secret-value\nline' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe('LLM_API_KEY contains whitespace: paste the key alone, on one line');
    expect(() =>
      RegistrySchema.parse({ agents: AGENTS, llm: { api_key: 'sk-in-a-file' } }),
    ).toThrow(/api_key/);
  });

  it('keeps the offline model when asked, even with a key', () => {
    expect(modelSettings(registry(), { LLM_API_KEY: 'sk-abc', LLM_PROVIDER: 'offline' })).toEqual({
      provider: 'offline',
      reason: 'LLM_PROVIDER is "offline"',
    });
  });
});
