// A local OpenAI-compatible HTTP server on 127.0.0.1 with scripted replies: the model client's
// tests go through the real `openai` SDK and real HTTP, and assert on the request bodies it sent.
// A request with `stream: true` gets its scripted completion as server-sent events, which a reply
// can slow down, stall, cut short, reset or garble (`stream`).
import { makeRepo, type TestRepo } from './repo.js';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SolveOutput } from '../../src/memory/solve-output.js';

export interface ChatMessageBody {
  role: string;
  content: string;
}

export interface ChatRequestBody {
  model: string;
  messages: ChatMessageBody[];
  response_format?: {
    type: string;
    json_schema?: { name: string; strict: boolean; schema: Record<string, unknown> };
  };
  [key: string]: unknown;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: ChatRequestBody;
}

export interface ScriptedReply {
  status?: number;
  headers?: Record<string, string>;
  body: unknown;
  /** Wait this long before answering (a slow server). */
  delayMs?: number;
  /** How a streamed answer (a request with `stream: true`) misbehaves. */
  stream?: StreamScript;
}

export interface StreamScript {
  /** The content is sent in this many pieces (default 4). */
  pieces?: number;
  /** Wait this long before each chunk (a slow model that keeps producing tokens). */
  chunkDelayMs?: number;
  /** After this many chunks, send nothing more and keep the connection open (a stalled model). */
  stallAfter?: number;
  /** After this many chunks, end the response cleanly without the rest (a body cut short). */
  cutAfter?: number;
  /** After this many chunks, destroy the socket (a connection reset mid-body). */
  resetAfter?: number;
  /** Send this text as the events instead (garbled chunks, an empty stream). */
  raw?: string;
}

export type Script = ScriptedReply[] | ((request: RecordedRequest, index: number) => ScriptedReply);

export interface FakeEndpoint {
  /** The API root to give as LLM_BASE_URL. */
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startOpenAIServer(script: Script): Promise<FakeEndpoint> {
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: (text ? JSON.parse(text) : {}) as ChatRequestBody,
      };
      const index = requests.length;
      requests.push(recorded);
      const reply =
        typeof script === 'function'
          ? script(recorded, index)
          : (script[index] ?? {
              status: 400,
              body: {
                error: { message: `test server: no scripted reply for request ${index + 1}` },
              },
            });
      const send = () => {
        if (res.destroyed) return;
        const status = reply.status ?? 200;
        if (recorded.body.stream === true && status === 200) {
          streamReply(res, reply, recorded.body, timers);
          return;
        }
        res.writeHead(status, {
          'content-type': 'application/json',
          ...reply.headers,
        });
        res.end(JSON.stringify(reply.body));
      };
      if (reply.delayMs === undefined) send();
      else {
        const timer = setTimeout(() => {
          timers.delete(timer);
          send();
        }, reply.delayMs);
        timers.add(timer);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface CompletionBody {
  id?: string;
  created?: number;
  model?: string;
  choices?: {
    message?: { content?: string | null; refusal?: string | null };
    finish_reason?: string;
  }[];
  usage?: unknown;
}

/** The scripted completion as chat.completion.chunk events, misbehaving as the script says. */
function streamReply(
  res: import('node:http').ServerResponse,
  reply: ScriptedReply,
  request: ChatRequestBody,
  timers: Set<NodeJS.Timeout>,
): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', ...reply.headers });
  const script = reply.stream ?? {};
  if (script.raw !== undefined) {
    res.end(script.raw);
    return;
  }
  const body = reply.body as CompletionBody;
  const base = {
    id: body.id ?? 'chatcmpl-test',
    object: 'chat.completion.chunk',
    created: body.created ?? 1_770_000_000,
    model: body.model ?? request.model,
  };
  const choice = body.choices?.[0];
  const events: unknown[] = [];
  if (choice) {
    events.push({
      ...base,
      choices: [{ index: 0, delta: { role: 'assistant' }, finish_reason: null }],
    });
    const content = choice.message?.content ?? '';
    const pieces = Math.max(1, script.pieces ?? 4);
    const size = Math.ceil(content.length / pieces) || 1;
    for (let at = 0; at < content.length; at += size)
      events.push({
        ...base,
        choices: [
          { index: 0, delta: { content: content.slice(at, at + size) }, finish_reason: null },
        ],
      });
    if (choice.message?.refusal)
      events.push({
        ...base,
        choices: [{ index: 0, delta: { refusal: choice.message.refusal }, finish_reason: null }],
      });
    events.push({
      ...base,
      choices: [{ index: 0, delta: {}, finish_reason: choice.finish_reason ?? 'stop' }],
    });
  }
  const includeUsage =
    (request.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
  if (body.usage !== undefined && includeUsage)
    events.push({ ...base, choices: [], usage: body.usage });
  let sent = 0;
  const next = (): void => {
    if (res.destroyed) return;
    if (script.resetAfter !== undefined && sent >= script.resetAfter) {
      res.socket?.destroy();
      return;
    }
    if (script.cutAfter !== undefined && sent >= script.cutAfter) {
      res.end();
      return;
    }
    if (script.stallAfter !== undefined && sent >= script.stallAfter) return;
    const event = events[sent];
    if (event === undefined) {
      res.end('data: [DONE]\n\n');
      return;
    }
    res.write(`data: ${JSON.stringify(event)}\n\n`);
    sent++;
    later();
  };
  const later = (): void => {
    if (!script.chunkDelayMs) {
      setImmediate(next);
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      next();
    }, script.chunkDelayMs);
    timers.add(timer);
  };
  later();
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens?: number;
}

/** A chat completion carrying `content`, with the usage the endpoint reports. */
export function completion(
  content: string,
  options: { model?: string; usage?: Usage | null; finishReason?: string } = {},
): ScriptedReply {
  const usage =
    options.usage === undefined ? { prompt_tokens: 1200, completion_tokens: 300 } : options.usage;
  return {
    body: {
      id: 'chatcmpl-test',
      object: 'chat.completion',
      created: 1_770_000_000,
      model: options.model ?? 'gpt-4o-mini-2024-07-18',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content, refusal: null },
          finish_reason: options.finishReason ?? 'stop',
        },
      ],
      ...(usage === null
        ? {}
        : {
            usage: {
              prompt_tokens: usage.prompt_tokens,
              completion_tokens: usage.completion_tokens,
              total_tokens: usage.prompt_tokens + usage.completion_tokens,
              prompt_tokens_details: { cached_tokens: usage.cached_tokens ?? 0 },
            },
          }),
    },
  };
}

/** A completion whose content is this structured answer. */
export function answer(
  output: SolveOutput,
  options: Parameters<typeof completion>[1] = {},
): ScriptedReply {
  return completion(JSON.stringify(output), options);
}

/** An error in OpenAI's shape. */
export function apiError(
  status: number,
  message: string,
  headers: Record<string, string> = {},
): ScriptedReply {
  return { status, headers, body: { error: { message, type: 'test_error', code: null } } };
}

/** A structured answer to "Sync a paginated API with rate limits.", as a real model would give. */
export function syncAnswer(overrides: Partial<SolveOutput> = {}): SolveOutput {
  return {
    answer:
      'Page with the cursor the API returns, persist it after each page, and back off on 429 using Retry-After.',
    outcome: 'success',
    used_context: ['persona.md', 'constraints.md'],
    reward_decomposition: { correctness: 1, efficiency: 0, novelty: 1, generality: 1 },
    context_tags: ['api', 'pagination', 'rate-limit'],
    reasoning_demand: 'moderate',
    memory: {
      skills: [
        {
          slug: 'resumable-paginated-sync',
          title: 'Resumable paginated sync',
          tags: ['api', 'pagination', 'rate-limit'],
          procedure: '1. Request a page.\n2. Persist the cursor.\n3. On 429, wait Retry-After.',
        },
      ],
      skills_used: [],
      hypotheses: [
        {
          slug: 'vendor-rate-limit',
          name: 'Vendor rate limit',
          claim: 'The vendor API limits requests per minute and answers 429 with Retry-After.',
          proposes: 'entity',
          aliases: ['rate limit'],
          tags: ['api', 'rate-limit'],
          subject: null,
          predicate: null,
          object: null,
        },
      ],
      evidence: [],
      duplicates: [],
      shared_proposal: null,
    },
    ...overrides,
  };
}

/**
 * A per-test fixture: a fresh agent repository and at most one scripted endpoint, both torn down
 * after each test. Call at the top of a describe block.
 */
export function repositoryWithEndpoint(): {
  readonly repo: TestRepo;
  serve(script: Script): Promise<FakeEndpoint>;
} {
  let repo: TestRepo | undefined;
  let server: FakeEndpoint | undefined;
  beforeEach(async () => {
    repo = await makeRepo();
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    repo?.cleanup();
  });
  return {
    get repo(): TestRepo {
      if (!repo) throw new Error('the repository exists only inside a test');
      return repo;
    },
    async serve(script) {
      await server?.close();
      server = await startOpenAIServer(script);
      return server;
    },
  };
}
