// The simulated world of the world-model benchmark: things with true names and aliases, the true
// facts between them, and plausible false facts a noisy observer asserts. Ground truth only — it
// knows nothing of the product; driver.ts feeds what an observer would report to the product.
import { z } from 'zod';
import { Random } from '../random.js';

export const WorldBenchConfigSchema = z.strictObject({
  /** Seed of the world and of the task stream. */
  seed: z.number().int().default(1),
  /** Things in the world. */
  entities: z.number().int().min(10).max(2000).default(80),
  /** True facts (subject, predicate, object) between them. */
  facts: z.number().int().min(10).max(20000).default(200),
  /** Things known under two or three names. */
  aliased_entities: z.number().int().min(0).default(24),
  /** Plausible false facts (mostly a true fact with the wrong object) a noisy claim asserts. */
  misconceptions: z.number().int().min(1).default(100),
  /** Tasks in the stream. */
  tasks: z.number().int().min(1).max(100000).default(2000),
  /** Claims per task, drawn uniformly from this range. */
  claims_per_task: z.tuple([z.number().int().min(1), z.number().int().min(1)]).default([1, 3]),
  /** Share of claims that are false: a false fact asserted, or a true belief contradicted. */
  false_claim_rate: z.number().min(0).max(1).default(0.2),
  /** Share of mentions of a thing that use one of its other names. */
  alias_mention_rate: z.number().min(0).max(1).default(0.1),
  /** Chance that a mention by codename also gives the thing's usual name (as an alias). */
  alias_hint_rate: z.number().min(0).max(1).default(0.5),
  /**
   * Chance that a task whose context shows its topic under two names nominates a duplicate
   * (`memory.duplicates`); a share `false_claim_rate` of nominations pair the topic with a thing it
   * is related to instead (a false claim).
   */
  nomination_rate: z.number().min(0).max(1).default(0.5),
  /** Chance that a claim is a verdict on a belief already in the task's context, when there is one. */
  verdict_rate: z.number().min(0).max(1).default(0.5),
  /** Zipf exponent of how often each thing is a task's topic (0: all equally often). */
  topic_skew: z.number().min(0).max(3).default(0.8),
  /** A learning run after every this many tasks (and after the last). */
  learn_every: z.number().int().min(1).default(100),
  /** Simulated minutes between tasks (decay of unused confidence works on this clock). */
  task_minutes: z.number().int().min(1).default(60),
});
export type WorldBenchConfig = z.infer<typeof WorldBenchConfigSchema>;

export type AliasKind = 'compact' | 'plural' | 'typo' | 'codename';

export interface SimEntity {
  id: number;
  /** The usual name. */
  name: string;
  /** Other names, each with how it differs from the usual one. */
  aliases: { name: string; kind: AliasKind }[];
}

export interface Statement {
  subject: number;
  predicate: string;
  object: number;
  truth: boolean;
}

export interface SimWorld {
  entities: SimEntity[];
  facts: Statement[];
  misconceptions: Statement[];
  /** Statements about each thing (as subject or object), true and false. */
  factsAbout: Statement[][];
  misconceptionsAbout: Statement[][];
  /** How often each thing is a task's topic (unnormalised). */
  topicWeights: number[];
}

const DOMAINS = [
  'billing',
  'payment',
  'order',
  'invoice',
  'customer',
  'inventory',
  'search',
  'shipping',
  'catalog',
  'ledger',
  'identity',
  'notification',
  'pricing',
  'refund',
  'session',
  'report',
  'audit',
  'checkout',
  'account',
  'subscription',
  'feed',
  'media',
];
const COMPONENTS = [
  'service',
  'queue',
  'cache',
  'gateway',
  'webhook',
  'database',
  'scheduler',
  'worker',
  'index',
  'proxy',
  'limiter',
  'exporter',
  'reader',
  'header',
];
/** Short names that differ by one letter: the trap for fuzzy matching. */
const ACRONYMS = [
  'API',
  'APM',
  'SDK',
  'SLA',
  'SLO',
  'CDN',
  'DNS',
  'JWT',
  'ETL',
  'CRM',
  'ERP',
  'IAM',
];
const CODENAMES = [
  'Falcon',
  'Kestrel',
  'Orca',
  'Atlas',
  'Nimbus',
  'Quartz',
  'Juniper',
  'Beacon',
  'Cobalt',
  'Marlin',
  'Tundra',
  'Zephyr',
  'Sequoia',
  'Granite',
  'Harbor',
  'Lantern',
  'Meridian',
  'Onyx',
  'Pioneer',
  'Raven',
  'Summit',
  'Vertex',
  'Willow',
  'Yarrow',
  'Aurora',
  'Basalt',
  'Cypress',
  'Dynamo',
  'Ember',
  'Fjord',
];
const PREDICATES = [
  'calls',
  'depends-on',
  'publishes-to',
  'reads-from',
  'writes-to',
  'caches',
  'rate-limits',
  'authenticates-with',
];

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function camel(name: string): string {
  return name
    .split(' ')
    .map((w) => (w === w.toUpperCase() ? w : capitalise(w)))
    .join('');
}

function plural(name: string): string {
  const words = name.split(' ');
  const last = words.at(-1) ?? '';
  const form = /(x|s|ch|sh)$/.test(last)
    ? `${last}es`
    : /[^aeiou]y$/.test(last)
      ? `${last.slice(0, -1)}ies`
      : `${last}s`;
  return [...words.slice(0, -1), form].join(' ');
}

/** A doubled letter in the longest word (at least 7 letters), or undefined when none is that long. */
function typo(name: string, random: Random): string | undefined {
  const words = name.split(' ');
  const longest = [...words].sort((a, b) => b.length - a.length)[0] ?? '';
  if (longest.length < 7) return undefined;
  const at = random.int(2, longest.length - 2);
  const misspelt = longest.slice(0, at) + (longest[at] ?? '') + longest.slice(at);
  return words.map((w) => (w === longest ? misspelt : w)).join(' ');
}

export function createWorld(config: WorldBenchConfig): SimWorld {
  const random = new Random(config.seed * 7919 + 17);
  const combos = random.shuffle(
    DOMAINS.flatMap((domain) =>
      COMPONENTS.map((component) => `${capitalise(domain)} ${component}`),
    ),
  );
  const acronyms = random
    .shuffle(ACRONYMS)
    .slice(0, Math.min(ACRONYMS.length, Math.floor(config.entities / 6)));
  const names = [...acronyms, ...combos].slice(0, config.entities);
  if (names.length < config.entities)
    throw new Error(`the simulated world has names for at most ${names.length} entities`);
  const entities: SimEntity[] = random
    .shuffle(names)
    .map((name, id) => ({ id, name, aliases: [] }));

  const codenames = random.shuffle(CODENAMES);
  const aliased = random
    .shuffle(entities.filter((e) => e.name.includes(' ')))
    .slice(0, config.aliased_entities);
  for (const entity of aliased) {
    const count = random.int(1, 2);
    const kinds = random.shuffle<AliasKind>(['compact', 'plural', 'typo', 'codename']);
    for (const kind of kinds) {
      if (entity.aliases.length >= count) break;
      const name =
        kind === 'compact'
          ? camel(entity.name)
          : kind === 'plural'
            ? plural(entity.name)
            : kind === 'typo'
              ? typo(entity.name, random)
              : codenames.pop();
      if (name !== undefined) entity.aliases.push({ name, kind });
    }
  }

  const key = (s: number, p: string, o: number) => `${s}|${p}|${o}`;
  const taken = new Set<string>();
  const facts: Statement[] = [];
  const addFact = (subject: number) => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const object = random.int(0, entities.length - 1);
      const predicate = random.pick(PREDICATES);
      if (object === subject || taken.has(key(subject, predicate, object))) continue;
      taken.add(key(subject, predicate, object));
      facts.push({ subject, predicate, object, truth: true });
      return;
    }
  };
  // Every thing takes part in at least one fact, then the rest at random.
  for (const entity of entities) if (facts.length < config.facts) addFact(entity.id);
  while (facts.length < config.facts) addFact(random.int(0, entities.length - 1));

  const misconceptions: Statement[] = [];
  for (
    let attempt = 0;
    misconceptions.length < config.misconceptions && attempt < 100000;
    attempt++
  ) {
    // Mostly a true fact with the wrong object (the plausible mistake), sometimes anything at all.
    const base = random.pick(facts);
    const wrongObject = random.chance(0.75);
    const subject = wrongObject ? base.subject : random.int(0, entities.length - 1);
    const predicate = wrongObject ? base.predicate : random.pick(PREDICATES);
    const object = random.int(0, entities.length - 1);
    if (object === subject || taken.has(key(subject, predicate, object))) continue;
    taken.add(key(subject, predicate, object));
    misconceptions.push({ subject, predicate, object, truth: false });
  }

  const about = (statements: Statement[]) =>
    entities.map((e) => statements.filter((s) => s.subject === e.id || s.object === e.id));
  const ranks = random.shuffle(entities.map((e) => e.id));
  const topicWeights = entities.map((e) => 1 / (ranks.indexOf(e.id) + 1) ** config.topic_skew);
  return {
    entities,
    facts,
    misconceptions,
    factsAbout: about(facts),
    misconceptionsAbout: about(misconceptions),
    topicWeights,
  };
}
