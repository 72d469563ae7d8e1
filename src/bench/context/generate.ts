// The context benchmark's hidden world: a memory of N items (skills, entities, relations,
// hypotheses, shared segments) rendered and read back with the product's own formats, a reward log
// of past tasks, and a stream of tasks each with the ground truth of the items it needs.
import { agentPaths, agentRelative, SEGMENTS_DIR, slugify } from '../../memory/layout.js';
import { parseMarkdown, renderMarkdown } from '../../memory/markdown.js';
import type { RewardRecord } from '../../memory/rewards.js';
import { isoSeconds } from '../../memory/schema-parts.js';
import { renderSkill, SkillSchema, type Skill } from '../../memory/skills.js';
import {
  EntitySchema,
  HypothesisSchema,
  parseBelief,
  RelationSchema,
  renderBelief,
  type Belief,
} from '../../world/beliefs.js';
import { SegmentSchema, type Segment } from '../../consensus/segments.js';
import { Random } from '../random.js';
import type { ContextBenchConfig } from './config.js';

export const CONTEXT_BENCH_AGENT = 'orion';

/** First words of system names: the business or platform area a thing belongs to. */
const DOMAINS =
  'billing ledger invoice payment refund tenant region catalog search feed session identity profile account audit report export import notification email inventory order shipping pricing quota metrics alert deploy config secret certificate backup archive storage stream batch sync partner vendor contract'.split(
    ' ',
  );
/** Second words of system names: what kind of component it is. */
const COMPONENTS =
  'cache queue gateway worker store api service scheduler index feed proxy database bucket pipeline cron broker'.split(
    ' ',
  );
/** Third words, when two-word names run out: a deployment or version qualifier. */
const QUALIFIERS =
  'east west north south primary replica shadow legacy v2 v3 internal public edge core blue green canary staging sandbox mirror'.split(
    ' ',
  );
/** Words of techniques: a task family's topic is two of them ("cache invalidation"). */
const TECHNIQUES =
  'retry backoff pagination cursor idempotency dedupe invalidation warmup eviction rotation renewal migration rollback rollout canary sharding rebalancing replication failover throttling ratelimit batching streaming compaction reindexing snapshot checkpoint lease locking timeout deadline heartbeat reconciliation settlement proration webhook signature encryption redaction tokenization sampling tracing alerting paging escalation triage backfill cutover quarantine vacuum partitioning'.split(
    ' ',
  );
/** What goes wrong: each family has three, and tasks describe their problem with them. */
const SYMPTOMS =
  'stale duplicate missing slow stuck flaky drift leak spike skew lag storm overflow mismatch expired orphaned partial corrupt throttled dropped delayed looping noisy'.split(
    ' ',
  );
/** Areas: the broad tag a past task's record and a family's skill carry. */
const AREAS =
  'reliability payments security data infrastructure observability compliance performance messaging storage'.split(
    ' ',
  );
/** Everyday engineering words that fill bodies: shared by everything, as in real notes. */
const FILLER =
  'check the logs first then confirm owner team request response error latency config flag rollout window traffic alert dashboard runbook ticket deploy version client server upstream downstream job limit window record field value cause fix test staging production review note incident metric threshold'.split(
    ' ',
  );
/** Codenames a thing is also known by ("Falcon"): nothing in them says what the thing is. */
const CODENAMES =
  'falcon heron osprey kestrel condor puffin plover egret ibis merlin raven swift tern wren finch lark robin shrike crane stork'.split(
    ' ',
  );
const VERBS = ['Fix', 'Investigate', 'Resolve', 'Debug', 'Handle', 'Stop', 'Explain'];
const PREDICATES = ['depends on', 'writes to', 'reads from', 'calls', 'is deployed with'];

/** A task family: tasks of one kind, solved by one skill and documented by one shared segment. */
export interface Family {
  topic: [string, string];
  area: string;
  symptoms: string[];
  /** No past task of this family is in the reward log: only text and tags can find its items. */
  unseen: boolean;
  skillId: string;
  segmentId: string;
}

export interface ContextBenchTask {
  id: string;
  text: string;
  family: number;
  /** Ids (as context items are named) of the items the task truly needs. */
  needed: string[];
}

export interface ContextBenchWorld {
  skills: Skill[];
  beliefs: Belief[];
  segments: Segment[];
  /** Past tasks' records, oldest first. */
  rewards: RewardRecord[];
  tasks: ContextBenchTask[];
  families: Family[];
  /** How many memory items of each kind were generated. */
  counts: Record<'skill' | 'entity' | 'relation' | 'hypothesis' | 'segment', number>;
}

const START = Date.parse('2026-01-01T00:00:00Z');
const DAY = 86_400_000;

function sentence(random: Random, words: readonly string[], length: number): string {
  const text = Array.from({ length }, () => random.pick(words)).join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

function capitalized(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

function at(day: number): string {
  return isoSeconds(new Date(START + day * DAY));
}

/** Item counts of each kind for a memory of `files` items (shares from the configuration). */
function kindCounts(config: ContextBenchConfig): ContextBenchWorld['counts'] {
  const { files, shares } = config;
  const skill = Math.max(1, Math.round(files * shares.skill));
  const entity = Math.max(2, Math.round(files * shares.entity));
  const hypothesis = Math.round(files * shares.hypothesis);
  const segment = Math.round(files * shares.segment);
  const relation = Math.max(0, files - skill - entity - hypothesis - segment);
  return { skill, entity, relation, hypothesis, segment };
}

export function generateContextWorld(config: ContextBenchConfig): ContextBenchWorld {
  const random = new Random(config.seed);
  const paths = agentPaths(CONTEXT_BENCH_AGENT);
  const id = (repoPath: string) => agentRelative(CONTEXT_BENCH_AGENT, repoPath);
  const counts = kindCounts(config);
  const familyCount = Math.max(
    2,
    Math.min(counts.skill, counts.segment || counts.skill, Math.round(config.files / 40)),
  );

  // Families: two technique words each (words are shared between families: distractors).
  const families: Family[] = [];
  const topics = new Set<string>();
  while (families.length < familyCount) {
    const a = random.pick(TECHNIQUES);
    const b = random.pick(TECHNIQUES);
    if (a === b || topics.has(`${a} ${b}`) || topics.has(`${b} ${a}`)) continue;
    topics.add(`${a} ${b}`);
    const symptoms = random.shuffle(SYMPTOMS).slice(0, 3);
    families.push({
      topic: [a, b],
      area: random.pick(AREAS),
      symptoms,
      unseen: random.chance(config.unseen_family_rate),
      skillId: '',
      segmentId: '',
    });
  }
  const topicSlug = (f: Family) => slugify(f.topic.join(' '));

  // Skills: one per family that solves it (used and successful), the rest variants written for
  // other tasks of a family: same topic words, other symptoms, fewer successes, some archived.
  const skills: Skill[] = [];
  const skillSlugs = new Set<string>();
  for (let i = 0; i < counts.skill; i++) {
    const main = i < families.length;
    const familyIndex = main ? i : random.int(0, families.length - 1);
    const family = families[familyIndex] as Family;
    const symptom = main ? (family.symptoms[0] as string) : random.pick(SYMPTOMS);
    let title = `${capitalized(family.topic.join(' '))} for ${symptom} ${random.pick(COMPONENTS)}s`;
    while (skillSlugs.has(slugify(title))) title = `${title} ${random.pick(QUALIFIERS)}`;
    const slug = slugify(title);
    skillSlugs.add(slug);
    const steps = Array.from(
      { length: random.int(3, 6) },
      (_, step) =>
        `${step + 1}. ${sentence(random, [...family.topic, ...FILLER, ...FILLER, symptom], random.int(8, 16))}`,
    );
    const uses = main ? random.int(6, 20) : random.int(1, 6);
    const successes = main ? Math.round(uses * 0.8) : Math.round(uses * random.next() * 0.6);
    const data = SkillSchema.parse({
      title,
      tags: [family.area, topicSlug(family)],
      uses,
      successes,
      failures: uses - successes,
      created: at(random.int(0, 30)),
      last_used: at(random.int(30, 90)),
      source_tasks: [`past-${i}`],
      status: !main && random.chance(config.archived_rate) ? 'archived' : 'active',
    });
    const path = paths.skill(slug);
    const text = renderSkill({ slug, path, data, body: steps.join('\n') });
    const read = parseMarkdown(path, text, SkillSchema);
    skills.push({ slug, path, data: read.data, body: read.body });
    if (main) family.skillId = id(path);
  }

  // Entities: "<Domain> <component>" names (a third qualifier word when those run out).
  const beliefs: Belief[] = [];
  const entities: {
    name: string;
    slug: string;
    id: string;
    area: string;
    live: boolean;
    alias?: string;
  }[] = [];
  const codenames = new Set<string>();
  const entitySlugs = new Set<string>();
  const evidence = (task: string, day: number) => [
    { task, supports: true, at: at(day), note: null },
  ];
  while (entities.length < counts.entity) {
    const twoWords = entitySlugs.size < DOMAINS.length * COMPONENTS.length * 0.6;
    const name = capitalized(
      [
        random.pick(DOMAINS),
        random.pick(COMPONENTS),
        ...(twoWords ? [] : [random.pick(QUALIFIERS)]),
      ].join(' '),
    );
    const slug = slugify(name);
    if (entitySlugs.has(slug)) continue;
    entitySlugs.add(slug);
    const area = random.pick(AREAS);
    const day = random.int(0, 90);
    const live = !random.chance(config.dead_rate);
    const body = [
      `${name} is the ${name.split(' ')[1] ?? ''} of the ${name.split(' ')[0]?.toLowerCase() ?? ''} ${area} stack.`,
      sentence(random, FILLER, random.int(10, 30)),
    ].join('\n\n');
    const path = paths.world('entity', slug);
    let alias: string | undefined;
    if (random.chance(config.alias_rate)) {
      alias = capitalized(`${random.pick(CODENAMES)} ${random.int(1, 99)}`);
      if (codenames.has(alias)) alias = undefined;
      else codenames.add(alias);
    }
    const data = EntitySchema.parse({
      kind: 'entity',
      name,
      aliases: alias ? [alias] : [],
      tags: [area],
      confidence: Math.round((0.5 + random.next() * 0.5) * 100) / 100,
      evidence: evidence(`past-e${entities.length}`, day),
      created: at(day),
      valid_at: at(day),
      status: live ? 'active' : 'retired',
    });
    beliefs.push(parseBelief('entity', slug, path, renderBelief({ slug, path, data, body })));
    entities.push({ name, slug, id: id(path), area, live, ...(alias ? { alias } : {}) });
  }

  // Relations: facts between things, each from a thing to another one.
  const outgoing = new Map<string, string[]>();
  const relationSlugs = new Set<string>();
  for (let i = 0; i < counts.relation; i++) {
    const subject = random.pick(entities);
    const object = random.pick(entities);
    if (subject === object) {
      i--;
      continue;
    }
    const predicate = random.pick(PREDICATES);
    const name = `${subject.name} ${predicate} ${object.name}`;
    let slug = slugify(name);
    while (relationSlugs.has(slug)) slug = `${slug}-${random.int(2, 9)}`;
    relationSlugs.add(slug);
    const day = random.int(0, 90);
    const live = subject.live && object.live && !random.chance(config.dead_rate);
    const path = paths.world('relation', slug);
    const body = `${name}.\n\n${sentence(random, FILLER, random.int(6, 20))}`;
    const data = RelationSchema.parse({
      kind: 'relation',
      name,
      aliases: [],
      tags: [subject.area],
      confidence: Math.round((0.4 + random.next() * 0.6) * 100) / 100,
      evidence: evidence(`past-r${i}`, day),
      created: at(day),
      valid_at: at(day),
      status: live ? 'active' : 'superseded',
      subject: subject.slug,
      predicate,
      object: object.slug,
    });
    beliefs.push(parseBelief('relation', slug, path, renderBelief({ slug, path, data, body })));
    if (live) outgoing.set(subject.slug, [...(outgoing.get(subject.slug) ?? []), id(path)]);
  }

  // Hypotheses: open claims about a thing, naming a symptom of some family.
  const claims = new Map<string, string[]>();
  for (let i = 0; i < counts.hypothesis; i++) {
    const subject = random.pick(entities);
    const family = random.pick(families);
    const object = random.pick(entities);
    const claim = `${subject.name} may cause ${random.pick(family.symptoms)} ${family.topic[random.int(0, 1)]} in ${object.name}.`;
    const slug = `${slugify(claim).slice(0, 60)}-${i}`;
    const day = random.int(30, 120);
    const live = subject.live && !random.chance(config.dead_rate);
    const path = paths.world('hypothesis', slug);
    const data = HypothesisSchema.parse({
      kind: 'hypothesis',
      name: claim.slice(0, -1),
      aliases: [],
      tags: [subject.area],
      confidence: Math.round((0.2 + random.next() * 0.5) * 100) / 100,
      evidence: evidence(`past-h${i}`, day),
      created: at(day),
      valid_at: at(day),
      claim,
      proposes: 'relation',
      subject: subject.slug,
      predicate: 'affects',
      object: object.slug,
      status: live ? 'open' : 'refuted',
    });
    const body = sentence(random, FILLER, random.int(6, 16));
    beliefs.push(parseBelief('hypothesis', slug, path, renderBelief({ slug, path, data, body })));
    if (live) claims.set(subject.slug, [...(claims.get(subject.slug) ?? []), id(path)]);
  }

  // Segments: one shared runbook per family, the rest shared notes on an area and a technique.
  const segments: Segment[] = [];
  for (let i = 0; i < counts.segment; i++) {
    const main = i < families.length;
    const family = families[main ? i : random.int(0, families.length - 1)] as Family;
    const topic = main
      ? `${topicSlug(family)}-runbook`
      : `${family.area}-${random.pick(TECHNIQUES)}-notes-${i}`;
    const title = main
      ? `${capitalized(family.topic.join(' '))} runbook`
      : `${capitalized(family.area)} notes on ${random.pick(TECHNIQUES)}`;
    const tags = main ? [family.area, topicSlug(family)] : [family.area];
    const body = Array.from({ length: random.int(2, 5) }, () =>
      sentence(random, [...FILLER, ...FILLER, random.pick(TECHNIQUES)], random.int(12, 24)),
    ).join('\n\n');
    const path = `${SEGMENTS_DIR}/${topic}.md`;
    // Read back as loadSegments reads a segment file.
    const read = parseMarkdown(path, renderMarkdown({ title, tags }, body), SegmentSchema);
    segments.push({
      topic,
      path,
      title: read.data.title ?? topic,
      tags: read.data.tags,
      body: read.body,
    });
    if (main) family.segmentId = path;
  }

  const liveEntities = entities.filter((e) => e.live);
  /** A task of a family about a thing, worded as people write them. */
  const taskText = (family: Family, about: string[]): string => {
    const symptom = random.pick(family.symptoms);
    const topic = random.chance(0.5) ? family.topic.join(' ') : random.pick(family.topic);
    const things = about.join(' and ');
    return random.chance(0.5)
      ? `${random.pick(VERBS)} ${symptom} ${topic} in ${things}`
      : `${things}: ${symptom} ${topic} ${random.pick(['again', 'since the deploy', 'after the rollout', 'under load'])}`;
  };
  const familyOf = () => random.int(0, families.length - 1);
  const seenFamilies = families.map((_, f) => f).filter((f) => !(families[f] as Family).unseen);
  /** How a task names a thing: its alias, its name without the qualifier, or its name. */
  const mention = (thing: (typeof entities)[number]): string => {
    if (thing.alias && random.chance(config.alias_mention_rate)) return thing.alias;
    const words = thing.name.split(' ');
    if (words.length > 2 && random.chance(config.partial_name_rate))
      return words.slice(0, 2).join(' ');
    return thing.name;
  };

  // The reward log: past tasks of every family, with the tags a model gave them and the skill
  // they applied (the family's own on success, a variant on most failures).
  const rewards: RewardRecord[] = [];
  for (let i = 0; i < config.history && seenFamilies.length > 0; i++) {
    const f = random.pick(seenFamilies);
    const family = families[f] as Family;
    const thing = random.pick(liveEntities);
    const success = random.chance(0.8);
    const variant = skills.find(
      (s) => s.data.tags.includes(topicSlug(family)) && id(s.path) !== family.skillId,
    );
    const used = success ? family.skillId : variant ? id(variant.path) : family.skillId;
    rewards.push({
      task: taskText(family, [mention(thing)]),
      task_id: `past-${i}`,
      agent: CONTEXT_BENCH_AGENT,
      at: at(90 + i / 24),
      outcome: success ? 'success' : 'failure',
      reward: success ? 1 : -1,
      reward_decomposition: {
        correctness: success ? 1 : -1,
        efficiency: 0,
        novelty: 0,
        generality: 1,
      },
      // A model tags tasks imperfectly: now and then with another family's topic.
      context_tags: [
        family.area,
        topicSlug(random.chance(config.tag_noise_rate) ? random.pick(families) : family),
      ],
      reasoning_demand: 'moderate',
      model_used: 'balanced',
      model_name: 'gpt-4o',
      model_appropriate: 'yes',
      tiers_tried: ['balanced'],
      tokens: { prompt: 2000, completion: 400 },
      cost_usd: 0,
      context: { included: 8, used: 4, tokens: 2400 },
      world_model_update: [],
      skills_used: [used],
      feedback: null,
    });
  }

  // The tasks to rank for, each with what it needs: the family's skill and runbook, the things it
  // names, their facts (relations from them) and the open claims about them.
  const tasks: ContextBenchTask[] = [];
  for (let i = 0; i < config.tasks; i++) {
    const f = familyOf();
    const family = families[f] as Family;
    const thing = random.pick(liveEntities);
    const about = [thing];
    const links = outgoing.get(thing.slug) ?? [];
    if (random.chance(config.second_thing_rate) && links.length > 0) {
      const relation = beliefs.find((b) => id(b.path) === random.pick(links));
      const other = liveEntities.find((e) => e.slug === relation?.data.object);
      if (other) about.push(other);
    }
    const needed = new Set<string>([family.skillId, family.segmentId]);
    for (const e of about) {
      needed.add(e.id);
      for (const r of outgoing.get(e.slug) ?? []) needed.add(r);
      for (const h of claims.get(e.slug) ?? []) needed.add(h);
    }
    tasks.push({
      id: `task-${i}`,
      text: taskText(family, about.map(mention)),
      family: f,
      needed: [...needed].filter(Boolean).sort(),
    });
  }
  return { skills, beliefs, segments, rewards, tasks, families, counts };
}
