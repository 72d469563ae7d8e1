// One streamed chat completion read whole (SPEC §4): the chunks gathered into one reply, an idle
// timeout between chunks and a ceiling on the whole answer, and every way a stream can break (a
// reset, a body cut short, a chunk that is not JSON, no choices) turned into a StreamFault that
// names its kind, so a slow local model that keeps producing tokens is never cut off and a broken
// reply is never mistaken for an answer.
import type OpenAI from 'openai';
import { APIError } from 'openai';
import { errorMessage } from '../errors.js';

/** What one streamed completion brought back. */
export interface StreamedReply {
  /** The model the endpoint says answered; undefined when no chunk named one. */
  model: string | undefined;
  content: string | null;
  refusal: string | undefined;
  finishReason: string | null;
  /** The usage chunk (`stream_options.include_usage`); undefined when the server sent none. */
  usage: OpenAI.CompletionUsage | undefined;
}

/** How a stream broke: each kind is a ModelFailure kind of its own. */
export type StreamFaultKind =
  'timeout' | 'connection' | 'truncated' | 'malformed-response' | 'no-choices' | 'server-error';

/** A streamed reply that broke before it was whole. */
export class StreamFault extends Error {
  override name = 'StreamFault';
  constructor(
    readonly kind: StreamFaultKind,
    message: string,
  ) {
    super(message);
  }
}

export interface StreamLimits {
  /** The longest wait for the response to start and between two chunks. */
  idleMs: number;
  /** The longest a whole answer may take. */
  ceilingMs: number;
  /** Ask for a usage chunk (`stream_options.include_usage`); off for servers that reject it. */
  askUsage: boolean;
}

type StreamingParams = Omit<OpenAI.Chat.ChatCompletionCreateParamsStreaming, 'stream'>;

/**
 * Sends one streaming request (no retries: the caller's) and reads it to the end. Errors the
 * endpoint answers with before the stream starts (4xx, 5xx, a refused connection) are the SDK's,
 * thrown unchanged; everything after is a StreamFault.
 */
export async function readStreamedCompletion(
  client: OpenAI,
  params: StreamingParams,
  limits: StreamLimits,
): Promise<StreamedReply> {
  const controller = new AbortController();
  let stopped: 'idle' | 'ceiling' | undefined;
  const stop = (why: 'idle' | 'ceiling') => () => {
    stopped ??= why;
    controller.abort();
  };
  const ceiling = setTimeout(stop('ceiling'), limits.ceilingMs);
  let idle = setTimeout(stop('idle'), limits.idleMs);
  const timedOut = (): StreamFault =>
    stopped === 'ceiling'
      ? new StreamFault('timeout', `the answer was not finished within ${limits.ceilingMs / 1000}s`)
      : new StreamFault('timeout', `no answer within ${limits.idleMs / 1000}s`);

  const reply: StreamedReply = {
    model: undefined,
    content: null,
    refusal: undefined,
    finishReason: null,
    usage: undefined,
  };
  let sawChoice = false;
  try {
    let stream: AsyncIterable<OpenAI.Chat.ChatCompletionChunk>;
    try {
      stream = await client.chat.completions.create(
        {
          ...params,
          stream: true,
          ...(limits.askUsage ? { stream_options: { include_usage: true } } : {}),
        },
        { signal: controller.signal, maxRetries: 0, timeout: limits.ceilingMs },
      );
    } catch (error) {
      if (stopped) throw timedOut();
      throw error;
    }
    try {
      for await (const chunk of stream) {
        clearTimeout(idle);
        idle = setTimeout(stop('idle'), limits.idleMs);
        if (typeof chunk.model === 'string' && chunk.model !== '') reply.model = chunk.model;
        if (chunk.usage) reply.usage = chunk.usage;
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        sawChoice = true;
        const delta = choice.delta;
        if (typeof delta?.content === 'string')
          reply.content = (reply.content ?? '') + delta.content;
        if (typeof delta?.refusal === 'string')
          reply.refusal = (reply.refusal ?? '') + delta.refusal;
        if (choice.finish_reason) reply.finishReason = choice.finish_reason;
      }
    } catch (error) {
      if (stopped) throw timedOut();
      throw brokenStream(error);
    }
    // The SDK ends an aborted stream quietly: a timeout must not pass for a finished answer.
    if (stopped) throw timedOut();
  } finally {
    clearTimeout(idle);
    clearTimeout(ceiling);
  }
  if (!sawChoice) {
    throw new StreamFault('no-choices', 'the response carried no choices');
  }
  if (reply.finishReason === null) {
    throw new StreamFault(
      'truncated',
      'the response ended mid-answer (no finish_reason): the body was cut short',
    );
  }
  return reply;
}

/** An error raised while reading the stream's body, by kind. */
function brokenStream(error: unknown): StreamFault {
  if (error instanceof SyntaxError) {
    return new StreamFault(
      'malformed-response',
      `the response is not valid JSON (${error.message.split('\n')[0]})`,
    );
  }
  if (error instanceof APIError && error.status === undefined) {
    return new StreamFault(
      'server-error',
      `the endpoint sent an error mid-answer: ${error.message}`,
    );
  }
  return new StreamFault(
    'connection',
    `the connection broke mid-answer (${innermostMessage(error)})`,
  );
}

/** The innermost message of an error's cause chain (undici wraps the socket's error). */
export function innermostMessage(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5; depth++) {
    const cause = (current as { cause?: unknown } | null)?.cause;
    if (cause === undefined || cause === null) break;
    current = cause;
  }
  return errorMessage(current);
}
