// What the offline model knows: a fixed catalogue of concepts from backend integration work (and,
// in domain-concepts.ts, contract review and incident response), each with the words that cue it
// and a practice, and the relations between them. It is a deterministic stand-in for an LLM's
// background knowledge, small enough to read in one sitting.
import { CONTRACT_CONCEPTS, DOMAIN_RELATIONS, INCIDENT_CONCEPTS } from './domain-concepts.js';

export interface Concept {
  slug: string;
  name: string;
  aliases: string[];
  /** Matches the concept in task text. */
  cue: RegExp;
  tags: string[];
  /** A skill built from this concept is named after this phrase. */
  skill: string;
  practice: string[];
}

export interface ConceptRelation {
  subject: string;
  predicate: string;
  object: string;
  claim: string;
}

const BACKEND_CONCEPTS: readonly Concept[] = [
  {
    slug: 'cursor-pagination',
    name: 'Cursor pagination',
    aliases: ['paginated API', 'next-page token'],
    cue: /\b(paginat\w*|pages?|cursors?|next[- ]page|page[- ]tokens?)\b/i,
    tags: ['api', 'pagination'],
    skill: 'paginate with cursors',
    practice: [
      'Request pages with the cursor the previous page returned and stop when it comes back empty.',
      'Persist the last cursor after each page so a restart resumes where it stopped.',
    ],
  },
  {
    slug: 'rate-limiter',
    name: 'Rate limiter',
    aliases: ['rate limit', 'throttling'],
    cue: /\b(rate[- ]?limit\w*|throttl\w*|429|quotas?)\b/i,
    tags: ['api', 'rate-limit'],
    skill: 'respect rate limits',
    practice: [
      'Read the rate-limit headers (Retry-After, X-RateLimit-Remaining) and pause before the limit is hit.',
      'On HTTP 429 wait for Retry-After, then continue.',
    ],
  },
  {
    slug: 'retry-with-backoff',
    name: 'Retry with backoff',
    aliases: ['exponential backoff'],
    cue: /\b(retr(y|ies|ied|ying)|backoff|back off|transient|flaky|timeouts?)\b/i,
    tags: ['retry', 'resilience'],
    skill: 'retry with backoff',
    practice: [
      'Retry only transient failures (timeouts, 429, 5xx) with capped exponential backoff and jitter.',
    ],
  },
  {
    slug: 'oauth-token',
    name: 'OAuth access token',
    aliases: ['access token', 'auth scope'],
    cue: /\b(oauth|auth\w*|access tokens?|credentials?|api keys?|scopes?)\b/i,
    tags: ['api', 'auth'],
    skill: 'refresh auth tokens',
    practice: [
      'Refresh the access token before it expires; on 401 refresh once and retry the request.',
    ],
  },
  {
    slug: 'webhook',
    name: 'Webhook',
    aliases: ['callback endpoint'],
    cue: /\b(webhooks?|callbacks?|event deliver\w*)\b/i,
    tags: ['api', 'events'],
    skill: 'verify webhooks',
    practice: [
      'Verify the webhook signature before trusting the payload.',
      'Acknowledge quickly and process asynchronously, deduplicating by delivery id.',
    ],
  },
  {
    slug: 'idempotency-key',
    name: 'Idempotency key',
    aliases: ['dedupe key'],
    cue: /\b(idempoten\w*|duplicates?|exactly[- ]once|dedup\w*)\b/i,
    tags: ['reliability', 'api'],
    skill: 'use idempotency keys',
    practice: [
      'Send an idempotency key with every write so that a retried request is applied once.',
    ],
  },
  {
    slug: 'incremental-sync',
    name: 'Incremental sync',
    aliases: ['delta sync', 'high-water mark'],
    cue: /\b(sync\w*|incremental|delta|changed since|updated_at|checkpoints?)\b/i,
    tags: ['sync', 'data'],
    skill: 'sync incrementally',
    practice: [
      'Keep a high-water mark (updated_at) and fetch only what changed since the last run.',
    ],
  },
  {
    slug: 'circuit-breaker',
    name: 'Circuit breaker',
    aliases: ['breaker'],
    cue: /\b(circuit[- ]?breakers?|outages?|cascading failures?|degraded)\b/i,
    tags: ['resilience'],
    skill: 'break the circuit',
    practice: [
      'Open a circuit breaker after repeated failures and probe with a single request before closing it.',
    ],
  },
  {
    slug: 'database-index',
    name: 'Database index',
    aliases: ['index'],
    cue: /\b(index(es)?|slow quer\w*|query plans?|full scans?)\b/i,
    tags: ['database', 'latency'],
    skill: 'index hot queries',
    practice: [
      'Read the query plan and add an index on the columns the slow query filters and sorts by.',
    ],
  },
  {
    slug: 'message-queue',
    name: 'Message queue',
    aliases: ['queue consumer'],
    cue: /\b(kafka|rabbitmq|sqs|message queues?|consumers?|backlog)\b/i,
    tags: ['messaging', 'resilience'],
    skill: 'drain queues safely',
    practice: [
      'Acknowledge a message only after it is processed; send poison messages to a dead-letter queue.',
    ],
  },
  {
    slug: 'response-cache',
    name: 'Response cache',
    aliases: ['cache'],
    cue: /\b(cach\w*|ttl|stale reads?)\b/i,
    tags: ['latency', 'api'],
    skill: 'cache responses',
    practice: [
      'Cache responses with a TTL and conditional requests (ETag / If-None-Match) to save quota.',
    ],
  },
];

export const CONCEPTS: readonly Concept[] = [
  ...BACKEND_CONCEPTS,
  ...CONTRACT_CONCEPTS,
  ...INCIDENT_CONCEPTS,
];

const BACKEND_RELATIONS: readonly ConceptRelation[] = [
  {
    subject: 'rate-limiter',
    predicate: 'causes',
    object: 'retry-with-backoff',
    claim: 'Rate limiting causes retries with backoff.',
  },
  {
    subject: 'cursor-pagination',
    predicate: 'requires',
    object: 'oauth-token',
    claim: 'APIs using cursor pagination usually require auth scopes.',
  },
  {
    subject: 'incremental-sync',
    predicate: 'depends-on',
    object: 'cursor-pagination',
    claim: 'Incremental sync of a large collection depends on cursor pagination.',
  },
  {
    subject: 'retry-with-backoff',
    predicate: 'requires',
    object: 'idempotency-key',
    claim: 'Retrying writes safely requires idempotency keys.',
  },
  {
    subject: 'webhook',
    predicate: 'requires',
    object: 'idempotency-key',
    claim: 'Webhook deliveries repeat, so handlers need idempotency keys.',
  },
  {
    subject: 'circuit-breaker',
    predicate: 'limits',
    object: 'retry-with-backoff',
    claim: 'A circuit breaker bounds retries during an outage.',
  },
];

export const CONCEPT_RELATIONS: readonly ConceptRelation[] = [
  ...BACKEND_RELATIONS,
  ...DOMAIN_RELATIONS,
];

const NEGATION = String.raw`\b(?:no|not|without|never|doesn't|does not|don't|do not|isn't|is not)\s+(?:\w+\s+){0,2}`;

/** Concepts the text mentions, in order of first mention, with whether the mention is negated. */
export function findConcepts(text: string): { concept: Concept; negated: boolean; at: number }[] {
  const found: { concept: Concept; negated: boolean; at: number }[] = [];
  for (const concept of CONCEPTS) {
    const match = concept.cue.exec(text);
    if (!match) continue;
    const negated = new RegExp(NEGATION + concept.cue.source, 'i').test(text);
    found.push({ concept, negated, at: match.index });
  }
  return found.sort((a, b) => a.at - b.at);
}
