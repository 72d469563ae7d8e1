// A local OpenAI-compatible HTTP server on 127.0.0.1 with scripted replies: the model client's
// tests go through the real `openai` SDK and real HTTP, and assert on the request bodies it sent.
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
        res.writeHead(reply.status ?? 200, {
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
