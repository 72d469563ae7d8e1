// The model on any OpenAI-compatible endpoint (SPEC §4, §5), through the `openai` SDK: structured
// output with a strict JSON schema (falling back to JSON mode, then to the prompt alone, where an
// endpoint rejects it), one repair of an invalid answer, a bounded cascade up the tiers, usage and
// cost from every call, the run budget checked before each one. Answers are streamed (an idle
// timeout between chunks, a ceiling on the whole), and every broken reply is a ModelFailure that
// names its kind. Timeouts, broken streams, 429 and 5xx are retried here with exponential backoff
// from a configurable first wait, honouring Retry-After.
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { estimateTokens } from '../context/text.js';
import { errorMessage, InputError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import type { Tier } from '../memory/registry.js';
import { BudgetExhaustedError } from './budget.js';
import { requestTiers, runRequestCascade, type TierAttempt } from './cascade.js';
import type { SolveOutput } from '../memory/solve-output.js';
import type { StreamedReply } from './stream-reply.js';
import { solveOutputJsonSchema, SOLVE_OUTPUT_SCHEMA_NAME } from './json-schema.js';
import {
  ModelFailure,
  type Model,
  type ModelFailureKind,
  type SolveRequest,
  type SolveResult,
  type TokenUsage,
} from './model.js';
import { callCost, priceOf, servedModelCost, sumCosts } from './prices.js';
import { repairMessages, solveMessages, type ChatMessage } from './prompt.js';
import { runRedactor } from '../security/run-redactor.js';
import type { EndpointSettings, StructuredOutputMode } from './settings.js';
import { parseSolveOutput, type OutputProblemKind } from '../memory/solve-output.js';
import { retryWaitMs } from './retry-wait.js';
import { innermostMessage, readStreamedCompletion, StreamFault } from './stream-reply.js';

/** Completion tokens a call is expected to take when max_output_tokens is not set (budget checks). */
export const EXPECTED_COMPLETION_TOKENS = 1000;
/** Longest slice of an endpoint's error text kept in a failure reason. */
const MAX_REASON = 300;

const FALLBACK: Record<StructuredOutputMode, StructuredOutputMode | undefined> = {
  json_schema: 'json_object',
  json_object: 'none',
  none: undefined,
};

/** What one task's calls spent, across repairs and tiers. */
class Spend {
  readonly tiersTried: Tier[] = [];
  readonly usage: TokenUsage = { prompt: 0, completion: 0 };
  readonly costs: (number | null)[] = [];
  calls = 0;
  modelName = '';
  tier: Tier;
  /** The model name the endpoint reported for each tier's last answer (e.g. a dated snapshot). */
  private readonly served = new Map<Tier, string>();

  constructor(start: Tier) {
    this.tier = start;
  }

  enter(tier: Tier, model: string): void {
    if (!this.tiersTried.includes(tier)) this.tiersTried.push(tier);
    this.tier = tier;
    this.modelName = model;
  }

  add(tier: Tier, usage: TokenUsage, cost: number | null, model: string): void {
    this.served.set(tier, model);
    this.calls++;
    this.usage.prompt += usage.prompt;
    this.usage.completion += usage.completion;
    this.costs.push(cost);
    this.modelName = model;
  }

  servedModel(tier: Tier): string | undefined {
    return this.served.get(tier);
  }

  summary(): Omit<SolveResult, 'output'> {
    return {
      tier: this.tier,
      modelName: this.modelName,
      usage: { ...this.usage },
      costUsd: sumCosts(this.costs),
      tiersTried: [...this.tiersTried],
    };
  }
}

/** A failed call, classified: a ModelFailure kind, or a configuration problem to fix first. */
type CallError = { kind: ModelFailureKind; message: string } | { config: string };

export class OpenAIModel implements Model {
  readonly kind = 'openai-compatible';
  private readonly client: OpenAI;
  /** The response_format each model name ended up with, once an endpoint rejected a richer one. */
  private readonly modes = new Map<string, StructuredOutputMode>();
  /** HTTP requests sent, retries included (counted at the fetch boundary). */
  private requests = 0;
  /** Whether to ask for usage in the stream: off once the endpoint rejected stream_options. */
  private askUsage = true;
  /** Served models already reported as unpriced: the run says why a cost is null once. */
  private readonly unpricedReported = new Set<string>();

  constructor(
    private readonly settings: EndpointSettings,
    private readonly logger: Logger = silentLogger,
  ) {
    this.client = new OpenAI({
      apiKey: settings.apiKey,
      baseURL: settings.baseUrl,
      // Retries and timeouts are this class's: a streamed answer outlives the SDK's request timeout.
      timeout: settings.maxResponseMs,
      maxRetries: 0,
      // Explicit, so that OPENAI_* variables of the environment never change what is sent.
      organization: null,
      project: null,
      logLevel: 'off',
      fetch: async (input, init) => {
        this.requests++;
        try {
          return await fetch(input, init);
        } catch (error) {
          throw sameRealmError(error);
        }
      },
    });
  }

  async solve(request: SolveRequest): Promise<SolveResult> {
    const spend = new Spend(request.tier);
    this.checkPricesForCostBudget(request);
    const schema = solveOutputJsonSchema();
    // Why the last tier's answer was unusable: the failure's kind when no tier gives a valid one.
    let lastProblem: ReplyProblemKind = 'invalid-output';
    const result = await runRequestCascade(request, async (tier): Promise<TierAttempt> => {
      const model = this.settings.models[tier];
      spend.enter(tier, model);
      const messages = (mode: StructuredOutputMode) => solveMessages(request, mode, schema);
      const first = await this.call(request, tier, messages, spend);
      const parsed = checkReply(first);
      if (parsed.ok) return { tier, output: parsed.output, problems: undefined };
      lastProblem = parsed.kind;
      if (parsed.kind === 'refusal') {
        // A refusal is an answer, not a formatting slip: a repair would get the same refusal.
        return { tier, output: undefined, problems: parsed.problems };
      }
      this.logger.warn(
        `${request.taskId}: ${model} (${tier}) answered invalid JSON, asking once for a repair: ${parsed.problems}`,
      );
      const repair = await this.call(
        request,
        tier,
        (mode) => repairMessages(messages(mode), first.reply ?? '', parsed.problems),
        spend,
      );
      const repaired = checkReply(repair);
      if (repaired.ok) return { tier, output: repaired.output, problems: undefined };
      lastProblem = repaired.kind;
      this.logger.warn(
        `${request.taskId}: ${model} (${tier}) answered invalid JSON again: ${repaired.problems}`,
      );
      return { tier, output: undefined, problems: repaired.problems };
    });

    const last = result.attempts[result.attempts.length - 1];
    if (!result.accepted) {
      // A refusal or a broken answer may quote the request, key included: never into a record.
      throw new ModelFailure(
        lastProblem,
        this.redactKey(
          `no valid answer from ${result.attempts.map((a) => a.tier).join(', ')}: ${last?.problems ?? 'invalid output'}`,
        ),
        spend.summary(),
      );
    }
    const accepted = result.accepted;
    return {
      ...spend.summary(),
      output: accepted.output,
      tier: accepted.tier,
      modelName: spend.servedModel(accepted.tier) ?? this.settings.models[accepted.tier],
    };
  }

  /** `text` with the run's secrets and this endpoint's key masked: for messages that may quote the request. */
  private redactKey(text: string): string {
    return runRedactor()
      .withSecrets([{ value: this.settings.apiKey, kind: 'llm-api-key' }])
      .redact(text);
  }

  private modeFor(model: string): StructuredOutputMode {
    return this.modes.get(model) ?? this.settings.structuredOutput;
  }

  /** A cost budget needs a price for every model the cascade may call: checked before any call. */
  private checkPricesForCostBudget(request: SolveRequest): void {
    if (request.budget?.limits.maxCostUsd === undefined) return;
    for (const tier of requestTiers(request)) {
      const model = this.settings.models[tier];
      request.budget.check({
        model,
        tokens: 0,
        costUsd: callCost(this.settings.prices, [model], { prompt: 0, completion: 0 }),
      });
    }
  }

  /**
   * One chat completion, with the budget checked first and the spend counted after. The messages
   * depend on the response format, which can change when the endpoint rejects one.
   */
  private async call(
    request: SolveRequest,
    tier: Tier,
    build: (mode: StructuredOutputMode) => ChatMessage[],
    spend: Spend,
  ): Promise<Reply> {
    const model = this.settings.models[tier];
    const schema = solveOutputJsonSchema();
    for (;;) {
      const mode = this.modeFor(model);
      const messages = build(mode);
      const promptEstimate = estimateTokens(
        JSON.stringify(messages) + (mode === 'json_schema' ? JSON.stringify(schema) : ''),
      );
      const completionEstimate = this.settings.maxOutputTokens ?? EXPECTED_COMPLETION_TOKENS;
      const estimate = { prompt: promptEstimate, completion: completionEstimate };
      try {
        request.budget?.check({
          model,
          tokens: promptEstimate + completionEstimate,
          costUsd: callCost(this.settings.prices, [model], estimate),
        });
      } catch (error) {
        // Before the task's first call nothing was spent: the run stops and the task is untouched.
        // Mid-task, what was spent is the task's, and it fails with the reason.
        if (error instanceof BudgetExhaustedError && spend.calls > 0) {
          throw new ModelFailure('budget', error.message, spend.summary());
        }
        throw error;
      }

      const requestsBefore = this.requests;
      const started = Date.now();
      let completion: StreamedReply;
      try {
        completion = await this.streamWithRetries(request.taskId, model, {
          model,
          messages,
          ...responseFormat(mode, schema),
          ...(this.settings.maxOutputTokens !== null
            ? { max_completion_tokens: this.settings.maxOutputTokens }
            : {}),
        });
      } catch (error) {
        const attempts = this.requests - requestsBefore;
        if (this.askUsage && rejectsStreamOptions(error)) {
          // Usage then comes from estimates (documented): the answer matters more than its count.
          this.logger.warn(
            `${model} at ${this.settings.baseUrl} rejected stream_options; asking without it (tokens are estimated when no usage comes)`,
          );
          this.askUsage = false;
          continue;
        }
        const fallback = FALLBACK[mode];
        if (fallback !== undefined && rejectsResponseFormat(error)) {
          this.logger.warn(
            `${model} at ${this.settings.baseUrl} rejected response_format ${mode}; using ${fallback === 'none' ? 'the prompt alone' : fallback} and validating the answer`,
          );
          this.modes.set(model, fallback);
          continue;
        }
        const classified = this.classify(error, model, tier, attempts, Date.now() - started);
        if ('config' in classified) throw new InputError(classified.config);
        throw new ModelFailure(classified.kind, classified.message, spend.summary());
      }

      const served = completion.model || model;
      const reported = completion.usage;
      const usage = reported
        ? { prompt: reported.prompt_tokens, completion: reported.completion_tokens }
        : undefined;
      const reply = completion.content;
      this.reportUnpriced(served, model);
      if (usage) {
        const cost = servedModelCost(this.settings.prices, served, model, {
          ...usage,
          cachedPrompt: reported?.prompt_tokens_details?.cached_tokens ?? 0,
        });
        spend.add(tier, usage, cost, served);
        request.budget?.record(usage, this.budgetCost(cost, model, usage));
      } else {
        // Without usage the tokens are unknown: the budget counts an estimate, the record no cost.
        const estimated = { prompt: promptEstimate, completion: estimateTokens(reply ?? '') };
        this.logger.warn(
          `${served} at ${this.settings.baseUrl} reported no usage; tokens are estimated and the cost is unknown`,
        );
        spend.add(tier, estimated, null, served);
        request.budget?.record(
          estimated,
          this.budgetCost(
            servedModelCost(this.settings.prices, served, model, estimated),
            model,
            estimated,
          ),
        );
      }
      this.logger.debug(
        `${request.taskId}: ${served} (${tier}, ${mode}) answered in ${Date.now() - started} ms after ${this.requests - requestsBefore} request(s)${usage ? `, ${usage.prompt}+${usage.completion} tokens` : ''}`,
      );
      return {
        reply,
        refusal: completion.refusal,
        truncated: completion.finishReason === 'length',
      };
    }
  }

  /**
   * One streamed completion, retried while the failure is transient (a timeout, a broken or
   * garbled stream, 408, 409, 429, 5xx): up to maxRetries more attempts, waiting what the
   * endpoint asks for or an exponential backoff. Anything else is thrown at once.
   */
  private async streamWithRetries(
    taskId: string,
    model: string,
    params: Parameters<typeof readStreamedCompletion>[1],
  ): Promise<StreamedReply> {
    const limits = {
      idleMs: this.settings.timeoutMs,
      ceilingMs: this.settings.maxResponseMs,
      askUsage: this.askUsage,
    };
    for (let retry = 0; ; retry++) {
      try {
        return await readStreamedCompletion(this.client, params, limits);
      } catch (error) {
        if (retry >= this.settings.maxRetries || !isTransient(error)) throw error;
        const headers = error instanceof APIError ? error.headers : undefined;
        const wait = retryWaitMs(
          retry,
          this.settings.retryBackoffMs,
          headers,
          Date.now(),
          Math.random(),
        );
        this.logger.debug(
          `${taskId}: ${model}: ${this.redactKey(errorMessage(error))}; retrying in ${wait} ms (${this.settings.maxRetries - retry} retr${this.settings.maxRetries - retry === 1 ? 'y' : 'ies'} left)`,
        );
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  /**
   * What a call counts against the run's cost budget: its cost, or, when the model that answered
   * has no price, the requested model's. A budget must not let unpriced calls through uncounted;
   * the record still says null, never this estimate.
   */
  private budgetCost(cost: number | null, requested: string, usage: TokenUsage): number | null {
    return cost ?? callCost(this.settings.prices, [requested], usage);
  }

  /**
   * A model that answered in place of the requested one, without a price of its own, is never
   * priced by the requested name: its cost is null, and the run says why once.
   */
  private reportUnpriced(served: string, requested: string): void {
    if (served === requested || priceOf(this.settings.prices, served) !== undefined) return;
    if (this.unpricedReported.has(served)) return;
    this.unpricedReported.add(served);
    this.logger.warn(
      `${this.settings.baseUrl} answered with model "${served}" for "${requested}", and "${served}" has no known price: its cost is recorded as null (add it under prices: in agents.yaml)`,
    );
  }

  private classify(
    error: unknown,
    model: string,
    tier: Tier,
    attempts: number,
    elapsedMs: number,
  ): CallError {
    const host = new URL(this.settings.baseUrl).host;
    const redactor = runRedactor().withSecrets([
      { value: this.settings.apiKey, kind: 'llm-api-key' },
    ]);
    const tries = `${attempts} attempt${attempts === 1 ? '' : 's'}`;
    if (error instanceof StreamFault) {
      const what =
        error.kind === 'timeout'
          ? `${model} (${tier}) at ${host} timed out: ${error.message}`
          : `${model} (${tier}) at ${host}: ${error.message}`;
      return { kind: error.kind, message: redactor.redact(`${what} on each of ${tries}`) };
    }
    if (error instanceof APIConnectionTimeoutError) {
      return {
        kind: 'timeout',
        message: `${model} (${tier}) at ${host} timed out: the answer was not finished within ${this.settings.maxResponseMs / 1000}s on each of ${tries}`,
      };
    }
    if (error instanceof APIConnectionError) {
      const detail = innermostMessage(error).slice(0, MAX_REASON);
      return {
        kind: 'connection',
        message: redactor.redact(
          `could not reach ${host} (${tries}, ${Math.round(elapsedMs / 100) / 10}s): ${detail}`,
        ),
      };
    }
    if (error instanceof APIError && error.status !== undefined) {
      const status = error.status;
      const said = redactor.redact(endpointMessage(error)).slice(0, MAX_REASON);
      if (status === 401 || status === 403) {
        return {
          config: `${host} refused the credentials (${status}) from ${this.settings.keySource === 'none' ? 'a keyless configuration: set LLM_API_KEY' : this.settings.keySource}: ${said}`,
        };
      }
      if (status === 404) {
        return {
          config: `${host} does not serve model "${model}" (tier ${tier}, 404): check models: in agents.yaml or LLM_MODEL — ${said}`,
        };
      }
      if (status === 429) {
        return {
          kind: 'rate-limited',
          message: `${host} rate-limited ${model} (429) on each of ${tries}: ${said}`,
        };
      }
      if (status >= 500) {
        return {
          kind: 'server-error',
          message: `${host} failed with ${status} on each of ${tries} (${model}, ${tier}): ${said}`,
        };
      }
      return {
        kind: 'rejected',
        message: `${host} rejected the request for ${model} (${status}): ${said}`,
      };
    }
    // Whatever else broke the call (an SDK error without a status), it is this task's failure, not
    // the run's: recorded like the rest, with what was said.
    return {
      kind: 'connection',
      message: redactor.redact(
        `${model} (${tier}) at ${host} failed: ${innermostMessage(error).slice(0, MAX_REASON)}`,
      ),
    };
  }
}

/** What one call brought back. */
interface Reply {
  reply: string | null;
  refusal: string | undefined;
  /** The endpoint stopped at the output token limit. */
  truncated: boolean;
}

/** Why one reply is unusable, by kind: the failure's kind when no tier does better. */
type ReplyProblemKind = OutputProblemKind | 'refusal' | 'truncated';

type CheckedReply =
  { ok: true; output: SolveOutput } | { ok: false; problems: string; kind: ReplyProblemKind };

function checkReply(reply: Reply): CheckedReply {
  if (reply.refusal !== undefined && reply.refusal.trim() !== '') {
    return { ok: false, kind: 'refusal', problems: `the model refused: ${reply.refusal.trim()}` };
  }
  const parsed = parseSolveOutput(reply.reply);
  if (parsed.ok || !reply.truncated) return parsed;
  return {
    ok: false,
    kind: 'truncated',
    problems: `the reply was cut off at the output token limit, so ${parsed.problems}`,
  };
}

/** Failures worth another attempt: the endpoint or the way to it, not the request or the answer. */
function isTransient(error: unknown): boolean {
  if (error instanceof StreamFault) return true;
  if (error instanceof APIConnectionError) return true;
  if (!(error instanceof APIError) || error.status === undefined) return false;
  const said = error.headers?.get('x-should-retry');
  if (said === 'true') return true;
  if (said === 'false') return false;
  return (
    error.status === 408 || error.status === 409 || error.status === 429 || error.status >= 500
  );
}

/**
 * fetch's errors as errors of this realm. The SDK tells a timeout (an AbortError) from other
 * failures with `instanceof Error`, which fails for errors made in another realm (a VM context,
 * a polyfilled fetch): such a timeout would be misreported as a connection failure.
 */
function sameRealmError(error: unknown): unknown {
  if (error instanceof Error || typeof error !== 'object' || error === null) return error;
  const copy = new Error(errorMessage(error), { cause: (error as { cause?: unknown }).cause });
  const name = (error as { name?: unknown }).name;
  if (typeof name === 'string') copy.name = name;
  return copy;
}

function responseFormat(
  mode: StructuredOutputMode,
  schema: ReturnType<typeof solveOutputJsonSchema>,
): Pick<OpenAI.Chat.ChatCompletionCreateParamsStreaming, 'response_format'> {
  if (mode === 'json_schema') {
    return {
      response_format: {
        type: 'json_schema',
        json_schema: { name: SOLVE_OUTPUT_SCHEMA_NAME, strict: true, schema },
      },
    };
  }
  if (mode === 'json_object') return { response_format: { type: 'json_object' } };
  return {};
}

/** What the endpoint said, without the SDK's status prefix. */
function endpointMessage(error: APIError): string {
  const body = error.error as { message?: unknown } | undefined;
  const message = typeof body?.message === 'string' ? body.message : error.message;
  return message.replace(/\s+/g, ' ').trim() || `status ${error.status}`;
}

/** A 400/422 that names stream_options: an older server that cannot report usage in a stream. */
function rejectsStreamOptions(error: unknown): boolean {
  if (!(error instanceof APIError) || (error.status !== 400 && error.status !== 422)) return false;
  return /stream_options|include_usage/i.test(endpointMessage(error));
}

/** A 400/422 that names the response format: the endpoint cannot do this kind of structured output. */
function rejectsResponseFormat(error: unknown): boolean {
  if (!(error instanceof APIError) || (error.status !== 400 && error.status !== 422)) return false;
  return /response_format|json_schema|json_object|structured output|schema/i.test(
    endpointMessage(error),
  );
}
