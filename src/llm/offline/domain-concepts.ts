// What the offline model knows beyond backend integration work: contract review and incident
// response, the other recurring work the product's users bring (SPEC §1), so that an agent made for
// either (examples/*.yaml) runs offline to a meaningful stand-in answer. Each concept's practice is
// a generic checklist step, not legal or operational advice; the offline model still says it is not
// an LLM in every answer.
import type { Concept, ConceptRelation } from './lexicon.js';

export const CONTRACT_CONCEPTS: readonly Concept[] = [
  {
    slug: 'indemnification',
    name: 'Indemnification',
    aliases: ['hold harmless'],
    cue: /\b(indemnif\w*|indemnit\w*|hold harmless)\b/i,
    tags: ['contract', 'liability'],
    skill: 'review indemnities',
    practice: [
      'Check who indemnifies whom, for which claims (third-party IP, data breach, negligence), and whether it is mutual.',
      'Flag an indemnity that sits outside the liability cap, and any duty to defend.',
    ],
  },
  {
    slug: 'limitation-of-liability',
    name: 'Limitation of liability',
    aliases: ['liability cap'],
    cue: /\b(limitation of liability|liability caps?|limits? (of|on) liability|uncapped)\b/i,
    tags: ['contract', 'liability'],
    skill: 'check liability caps',
    practice: [
      'Find the cap (often fees paid in the last 12 months), its carve-outs, and whether indirect damages are excluded.',
    ],
  },
  {
    slug: 'termination-rights',
    name: 'Termination rights',
    aliases: ['termination for convenience', 'notice period'],
    cue: /\b(terminat(e|ion)\b|notice periods?|for convenience)/i,
    tags: ['contract', 'term'],
    skill: 'map termination rights',
    practice: [
      'List each party’s termination rights (for cause, for convenience), the notice period and what survives termination.',
    ],
  },
  {
    slug: 'auto-renewal',
    name: 'Auto-renewal',
    aliases: ['evergreen term'],
    cue: /\b(auto[- ]?renew\w*|automatic(ally)? renew\w*|evergreen)\b/i,
    tags: ['contract', 'term'],
    skill: 'catch auto-renewals',
    practice: [
      'Note the renewal term and the deadline to give notice of non-renewal, and put that date where the owner will see it.',
    ],
  },
  {
    slug: 'governing-law',
    name: 'Governing law',
    aliases: ['jurisdiction', 'venue'],
    cue: /\b(governing law|jurisdictions?|venue|choice of law)\b/i,
    tags: ['contract', 'disputes'],
    skill: 'check governing law',
    practice: [
      'Check the governing law and the venue for disputes against the company’s standard, and flag arbitration clauses.',
    ],
  },
  {
    slug: 'confidentiality',
    name: 'Confidentiality',
    aliases: ['non-disclosure', 'NDA'],
    cue: /\b(confidentiality|non[- ]disclosure|ndas?)\b/i,
    tags: ['contract', 'confidentiality'],
    skill: 'review confidentiality terms',
    practice: [
      'Check the definition of confidential information, its exclusions, the duration of the duty and the return-or-destroy clause.',
    ],
  },
  {
    slug: 'data-processing',
    name: 'Data processing terms',
    aliases: ['DPA', 'GDPR'],
    cue: /\b(data processing|dpas?|gdpr|personal data|sub-?processors?)\b/i,
    tags: ['contract', 'privacy'],
    skill: 'review data processing terms',
    practice: [
      'Check that a data processing agreement names the processing purposes, sub-processors, breach notice time and deletion at the end.',
    ],
  },
];

export const INCIDENT_CONCEPTS: readonly Concept[] = [
  {
    slug: 'error-spike',
    name: 'Error spike',
    aliases: ['5xx spike', 'error rate'],
    cue: /\b(5\d\d errors?|5xx|error[- ]rates?|errors? spik\w*|spikes? of errors?)/i,
    tags: ['incident', 'errors'],
    skill: 'triage error spikes',
    practice: [
      'Bound the impact first: which endpoints, since when, what share of requests; compare with the last change that shipped.',
      'Group the errors by type and host to tell one bad node from a bad release.',
    ],
  },
  {
    slug: 'release-rollback',
    name: 'Release rollback',
    aliases: ['revert the release'],
    cue: /\b(roll ?backs?|rolled back|rolling back|bad releases?|revert(ed)? the release|after (this morning'?s|the|a) release)\b/i,
    tags: ['incident', 'change'],
    skill: 'roll back bad releases',
    practice: [
      'When the start of the incident matches a release, roll back first and investigate after; record the version rolled back to.',
    ],
  },
  {
    slug: 'memory-exhaustion',
    name: 'Memory exhaustion',
    aliases: ['OOM kill', 'memory leak'],
    cue: /\b(oom\w*|out of memory|memory (leaks?|growth|pressure)|heap)\b/i,
    tags: ['incident', 'resources'],
    skill: 'diagnose memory exhaustion',
    practice: [
      'Compare memory over time across restarts: steady growth points to a leak, a step to a new workload or a config change.',
      'Raise the limit only as a stopgap, with a heap profile taken before the next restart.',
    ],
  },
  {
    slug: 'latency-regression',
    name: 'Latency regression',
    aliases: ['p99 latency'],
    cue: /\b(latency|p9[59]|p50|slow responses?|response times?)\b/i,
    tags: ['incident', 'latency'],
    skill: 'trace latency regressions',
    practice: [
      'Find the slowest hop with traces or per-dependency timings before changing anything; check saturation (CPU, pools, queues).',
    ],
  },
  {
    slug: 'connection-pool',
    name: 'Connection pool exhaustion',
    aliases: ['too many connections'],
    cue: /\b(connection pools?|pool (is )?exhaust\w*|too many connections)\b/i,
    tags: ['incident', 'database'],
    skill: 'relieve exhausted connection pools',
    practice: [
      'Look for connections held across slow calls or leaked on error paths; cap the pool per instance so the sum stays under the server limit.',
    ],
  },
  {
    slug: 'incident-severity',
    name: 'Incident severity',
    aliases: ['SEV level', 'blast radius'],
    cue: /\b(sev ?[0-4]|severity|blast radius|customer impact)\b/i,
    tags: ['incident', 'process'],
    skill: 'grade incident severity',
    practice: [
      'Grade severity from customer impact and duration, name an incident lead, and post status updates at a fixed interval.',
    ],
  },
];

export const DOMAIN_RELATIONS: readonly ConceptRelation[] = [
  {
    subject: 'indemnification',
    predicate: 'depends-on',
    object: 'limitation-of-liability',
    claim: 'How much an indemnity is worth depends on the limitation of liability.',
  },
  {
    subject: 'auto-renewal',
    predicate: 'requires',
    object: 'termination-rights',
    claim: 'Avoiding an auto-renewal requires notice under the termination rights.',
  },
  {
    subject: 'error-spike',
    predicate: 'causes',
    object: 'release-rollback',
    claim: 'An error spike that starts with a release usually leads to a rollback.',
  },
  {
    subject: 'connection-pool',
    predicate: 'causes',
    object: 'latency-regression',
    claim: 'An exhausted connection pool causes latency regressions.',
  },
];
