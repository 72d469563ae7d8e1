// The world-model benchmark's driver: a stream of tasks whose noisy observations of the simulated
// world go through the product's own rules — `observe` (what every loop iteration runs) after each
// task and `learnInMemory` (the steps `agentos learn` commits) every `learn_every` tasks — and the
// measurements of how well the resulting world model tracks the truth.
import type {
  NominatedDuplicate,
  ProposedEvidence,
  ProposedHypothesis,
} from '../../memory/solve-output.js';
import { agentRelative, slugify } from '../../memory/layout.js';
import { learnInMemory } from '../../learning/steps.js';
import { familyOf, isLive, tripleOf, type Belief } from '../../world/beliefs.js';
import type { Transition } from '../../world/lifecycle.js';
import { nameKey } from '../../world/names.js';
import { observe } from '../../world/observe.js';
import { WorldIndex } from '../../world/resolve.js';
import { Random } from '../random.js';
import {
  createWorld,
  type SimEntity,
  type SimWorld,
  type Statement,
  type WorldBenchConfig,
} from './simulation.js';

/** The benchmark's agent: a name for paths only (nothing is written to disk). */
const AGENT = 'bench';
const START = Date.parse('2026-01-01T00:00:00Z');

/** The targets the default configuration must meet on every seed. */
export const WORLD_TARGETS = {
  promotion_precision: { atLeast: 0.95 },
  recall: { atLeast: 0.8 },
  median_correction_observations: { atMost: 3 },
  collapse_rate: { atLeast: 0.9 },
  false_merges: { atMost: 0 },
} as const;

export interface WorldBenchResults {
  /** True facts among the active relations at the end (true / promoted). */
  promotion_precision: number;
  /** True facts with an active relation at the end, over true facts observed at least once. */
  recall: number;
  /** Median contradicting tasks a false belief had when it was refuted or superseded. */
  median_correction_observations: number | null;
  /** Where those corrections took effect: in the task's own iteration or in a learning run. */
  corrections: { same_iteration: number; learning_run: number };
  /** Pairs of names of one thing that resolve to one belief, over pairs both mentioned. */
  collapse_rate: number;
  /** Pairs of different things whose names resolve to one belief. */
  false_merges: number;
  alias_pairs: number;
  collapsed_pairs: number;
  true_facts: number;
  observed_true_facts: number;
  promoted_true_facts: number;
  active_relations: number;
  active_entities: number;
  /** False facts that were ever promoted, and how many of them are still active at the end. */
  false_promotions: number;
  false_still_active: number;
  /** False beliefs that entered the world model, were corrected, or are still open hypotheses. */
  false_beliefs_entered: number;
  false_beliefs_corrected: number;
  false_beliefs_open: number;
  /** True beliefs refuted or superseded by noise and not (yet) reopened or reinstated. */
  true_beliefs_lost: number;
  claims: number;
  false_claims: number;
  alias_mentions: number;
  /** Duplicates the simulated model nominated, and how many of those paired different things. */
  duplicate_nominations: number;
  false_nominations: number;
  learning_runs: number;
  beliefs: number;
  targets: typeof WORLD_TARGETS;
  targets_met: Record<keyof typeof WORLD_TARGETS, boolean>;
}

interface Claim {
  statement: Statement;
  /** Assert it (a hypothesis the product resolves) or contradict a belief already in context. */
  form: 'assert' | 'contradict';
  target?: Belief;
}

/** Maps beliefs back to the simulated truth: which thing a name means, which statement a fact is. */
export class Truth {
  private readonly byKey = new Map<string, number>();
  private readonly statements = new Map<string, Statement>();

  constructor(readonly world: SimWorld) {
    for (const entity of world.entities) {
      for (const name of [entity.name, ...entity.aliases.map((a) => a.name)])
        this.byKey.set(nameKey(name), entity.id);
    }
    for (const s of [...world.facts, ...world.misconceptions])
      this.statements.set(Truth.key(s.subject, s.predicate, s.object), s);
  }

  static key(subject: number, predicate: string, object: number): string {
    return `${subject}|${nameKey(predicate)}|${object}`;
  }

  entityOf(name: string, index: () => WorldIndex): number | undefined {
    const direct = this.byKey.get(nameKey(name));
    if (direct !== undefined) return direct;
    const belief = index().entity(name);
    if (!belief) return undefined;
    for (const n of [belief.data.name, ...belief.data.aliases]) {
      const id = this.byKey.get(nameKey(n));
      if (id !== undefined) return id;
    }
    return undefined;
  }

  /** The simulated statement a fact belief stands for, if its subject and object are known. */
  statementOf(belief: Belief, index: () => WorldIndex): Statement | undefined {
    const triple = tripleOf(belief);
    if (!triple) return undefined;
    const s = this.entityOf(triple.subject, index);
    const o = this.entityOf(triple.object, index);
    if (s === undefined || o === undefined) return undefined;
    return (
      this.statements.get(Truth.key(s, triple.predicate, o)) ?? {
        subject: s,
        predicate: triple.predicate,
        object: o,
        truth: false,
      }
    );
  }
}

export function runWorldBench(config: WorldBenchConfig): WorldBenchResults {
  const run = simulateWorld(config);
  return measure(run.world, run.truth, run.beliefs, run.log);
}

/** The simulation itself: the final beliefs and what the stream did, before measuring. */
export function simulateWorld(config: WorldBenchConfig) {
  const world = createWorld(config);
  const truth = new Truth(world);
  const random = new Random(config.seed * 104729 + 3);
  const mentioned = world.entities.map(() => new Set<string>());
  const observedTrue = new Set<Statement>();
  // Per false statement: its first correction, whether it was ever promoted, whether it entered.
  const corrections = new Map<
    Statement,
    { contradicting: number; where: 'observe' | 'learning' }
  >();
  const promotedFalse = new Set<Statement>();
  const enteredFalse = new Set<Statement>();
  let claims = 0;
  let falseClaims = 0;
  let aliasMentions = 0;
  let learningRuns = 0;
  let nominations = 0;
  let falseNominations = 0;

  let beliefs: Belief[] = [];
  const apply = (changed: Map<string, Belief>) => {
    if (changed.size === 0) return;
    const known = new Set<string>();
    beliefs = beliefs.map((b) => {
      known.add(b.path);
      return changed.get(b.path) ?? b;
    });
    for (const [path, belief] of changed) if (!known.has(path)) beliefs.push(belief);
  };
  const noteTransitions = (transitions: Transition[], where: 'observe' | 'learning') => {
    if (transitions.length === 0) return;
    const lazy = lazyIndex(() => beliefs);
    const byPath = new Map(beliefs.map((b) => [b.path, b]));
    for (const t of transitions) {
      const belief = byPath.get(t.path);
      const statement = belief && truth.statementOf(belief, lazy);
      if (!statement || statement.truth) continue;
      if (t.kind === 'promote') promotedFalse.add(statement);
      if ((t.kind === 'refute' || t.kind === 'supersede') && !corrections.has(statement))
        corrections.set(statement, { contradicting: t.contradicting, where });
    }
  };

  const mention = (entity: SimEntity): { name: string; hint: string[] } => {
    if (entity.aliases.length > 0 && random.chance(config.alias_mention_rate)) {
      aliasMentions++;
      const alias = random.pick(entity.aliases);
      mentioned[entity.id]?.add(alias.name);
      const hint =
        alias.kind === 'codename' && random.chance(config.alias_hint_rate) ? [entity.name] : [];
      return { name: alias.name, hint };
    }
    mentioned[entity.id]?.add(entity.name);
    return { name: entity.name, hint: [] };
  };

  for (let task = 1; task <= config.tasks; task++) {
    const taskId = `t${String(task).padStart(5, '0')}`;
    const at = new Date(START + task * config.task_minutes * 60_000)
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
    const topic = random.weighted(world.topicWeights);
    const index = lazyIndex(() => beliefs);
    // What the task's context shows about its topic: the live facts that name it, and the things
    // (under each of their names) those facts relate.
    const inContext: { belief: Belief; statement: Statement }[] = [];
    const things = new Map<number, Belief[]>();
    for (const belief of beliefs) {
      if (!isLive(belief)) continue;
      if (familyOf(belief) === 'entity') {
        const id = truth.entityOf(belief.data.name, index);
        if (id !== undefined) things.set(id, [...(things.get(id) ?? []), belief]);
        continue;
      }
      const statement = truth.statementOf(belief, index);
      if (statement && (statement.subject === topic || statement.object === topic))
        inContext.push({ belief, statement });
    }

    const taskClaims: Claim[] = [];
    const count = random.int(config.claims_per_task[0], config.claims_per_task[1]);
    for (let c = 0; c < count; c++) {
      const correct = !random.chance(config.false_claim_rate);
      const wrongBeliefs = inContext.filter((x) => x.statement.truth !== correct);
      // A correct claim contradicts a false belief; a false claim contradicts a true one.
      if (wrongBeliefs.length > 0 && random.chance(config.verdict_rate)) {
        const chosen = random.pick(wrongBeliefs);
        taskClaims.push({ statement: chosen.statement, form: 'contradict', target: chosen.belief });
      } else {
        const pool = correct
          ? (world.factsAbout[topic] ?? [])
          : (world.misconceptionsAbout[topic] ?? []);
        const statement = random.pick(
          pool.length > 0 ? pool : correct ? world.facts : world.misconceptions,
        );
        taskClaims.push({ statement, form: 'assert' });
      }
      claims++;
      if (!correct) falseClaims++;
    }

    const hypotheses: ProposedHypothesis[] = [];
    const evidence: ProposedEvidence[] = [];
    for (const claim of taskClaims) {
      if (claim.form === 'contradict' && claim.target) {
        evidence.push({
          target: agentRelative(AGENT, claim.target.path),
          supports: false,
          note: 'the task observed otherwise',
        });
        continue;
      }
      const { statement } = claim;
      if (statement.truth) observedTrue.add(statement);
      else enteredFalse.add(statement);
      const subject = mention(world.entities[statement.subject]!);
      const object = mention(world.entities[statement.object]!);
      for (const thing of [subject, object]) {
        hypotheses.push({
          slug: slugify(thing.name),
          name: thing.name,
          claim: `${thing.name} is part of the system.`,
          proposes: 'entity',
          aliases: thing.hint,
          tags: [],
          subject: null,
          predicate: null,
          object: null,
        });
      }
      const name = `${subject.name} ${statement.predicate} ${object.name}`;
      hypotheses.push({
        slug: slugify(name),
        name,
        claim: `${name}.`,
        proposes: 'relation',
        aliases: [],
        tags: [],
        subject: subject.name,
        predicate: statement.predicate,
        object: object.name,
      });
    }

    // The model may notice that its context holds one thing under two names and nominate them as
    // duplicates; a share of nominations confuse the topic with a thing it is related to.
    const duplicates: NominatedDuplicate[] = [];
    const topicThings = things.get(topic) ?? [];
    if (topicThings.length > 1 && random.chance(config.nomination_rate)) {
      const confused = random.chance(config.false_claim_rate);
      const related = inContext
        .map((x) => (x.statement.subject === topic ? x.statement.object : x.statement.subject))
        .flatMap((id) => things.get(id) ?? []);
      const [target, second] = random.shuffle(topicThings);
      const other = confused ? (related.length > 0 ? random.pick(related) : undefined) : second;
      if (target && other) {
        nominations++;
        if (confused) falseNominations++;
        duplicates.push({
          target: agentRelative(AGENT, target.path),
          duplicate_of: agentRelative(AGENT, other.path),
          note: 'the same thing under another name',
        });
      }
    }

    const change = observe(beliefs, {
      agent: AGENT,
      taskId,
      at,
      hypotheses,
      evidence,
      duplicates,
      hypothesesOnly: false,
    });
    apply(change.beliefs);
    noteTransitions(change.transitions, 'observe');

    if (task % config.learn_every === 0 || task === config.tasks) {
      learningRuns++;
      const learned = learnInMemory(
        { world: beliefs, skills: [] },
        { agent: AGENT, now: at, learning: 'active' },
      );
      const changed = new Map<string, Belief>();
      for (const outcome of learned.outcomes)
        for (const [p, b] of outcome.beliefs) changed.set(p, b);
      apply(changed);
      noteTransitions(
        learned.outcomes.flatMap((o) => o.transitions),
        'learning',
      );
    }
  }

  return {
    world,
    truth,
    beliefs,
    log: {
      mentioned,
      observedTrue,
      corrections,
      promotedFalse,
      enteredFalse,
      claims,
      falseClaims,
      aliasMentions,
      learningRuns,
      nominations,
      falseNominations,
    },
  };
}

function measure(
  world: SimWorld,
  truth: Truth,
  beliefs: Belief[],
  log: {
    mentioned: Set<string>[];
    observedTrue: Set<Statement>;
    corrections: Map<Statement, { contradicting: number; where: 'observe' | 'learning' }>;
    promotedFalse: Set<Statement>;
    enteredFalse: Set<Statement>;
    claims: number;
    falseClaims: number;
    aliasMentions: number;
    learningRuns: number;
    nominations: number;
    falseNominations: number;
  },
): WorldBenchResults {
  const index = new WorldIndex(beliefs);
  const lazy = () => index;
  const active = beliefs.filter((b) => b.data.kind === 'relation' && b.data.status === 'active');
  const activeStatements = active.map((b) => truth.statementOf(b, lazy));
  const trueActive = activeStatements.filter((s) => s?.truth === true).length;
  const promotedTrue = new Set(activeStatements.filter((s) => s?.truth === true));
  const observedTrue = [...log.observedTrue];
  const recalled = observedTrue.filter((s) => promotedTrue.has(s)).length;

  const counts = [...log.corrections.values()].map((c) => c.contradicting).sort((a, b) => a - b);
  const median =
    counts.length === 0
      ? null
      : counts.length % 2 === 1
        ? counts[(counts.length - 1) / 2]!
        : (counts[counts.length / 2 - 1]! + counts[counts.length / 2]!) / 2;

  // Names: every pair of mentioned names of one thing should land on one belief, and names of
  // different things never should.
  let aliasPairs = 0;
  let collapsedPairs = 0;
  const owners = new Map<string, Set<number>>();
  world.entities.forEach((entity, id) => {
    const names = [...(log.mentioned[id] ?? [])];
    const resolved = names.map((name) => index.entity(name)?.path);
    for (const path of resolved) {
      if (path === undefined) continue;
      owners.set(path, (owners.get(path) ?? new Set()).add(entity.id));
    }
    for (let i = 0; i < names.length; i++) {
      for (let j = i + 1; j < names.length; j++) {
        aliasPairs++;
        if (resolved[i] !== undefined && resolved[i] === resolved[j]) collapsedPairs++;
      }
    }
  });
  let falseMerges = 0;
  for (const ids of owners.values()) falseMerges += (ids.size * (ids.size - 1)) / 2;

  const activeFalse = new Set(activeStatements.filter((s) => s?.truth === false));
  const openFalse = new Set<Statement>();
  const lostTrue = new Set<Statement>();
  for (const b of beliefs) {
    const statement = truth.statementOf(b, lazy);
    if (!statement) continue;
    if (!statement.truth && b.data.kind === 'hypothesis' && b.data.status === 'open')
      if (!activeFalse.has(statement)) openFalse.add(statement);
    const dead =
      (b.data.kind === 'hypothesis' && b.data.status === 'refuted') ||
      (b.data.kind === 'relation' && b.data.status === 'superseded' && !b.data.merged_into);
    if (dead && statement.truth && !promotedTrue.has(statement)) lostTrue.add(statement);
  }

  const results = {
    promotion_precision: round(active.length === 0 ? 0 : trueActive / active.length),
    recall: round(observedTrue.length === 0 ? 0 : recalled / observedTrue.length),
    median_correction_observations: median ?? null,
    corrections: {
      same_iteration: [...log.corrections.values()].filter((c) => c.where === 'observe').length,
      learning_run: [...log.corrections.values()].filter((c) => c.where === 'learning').length,
    },
    collapse_rate: round(aliasPairs === 0 ? 1 : collapsedPairs / aliasPairs),
    false_merges: falseMerges,
    alias_pairs: aliasPairs,
    collapsed_pairs: collapsedPairs,
    true_facts: world.facts.length,
    observed_true_facts: observedTrue.length,
    promoted_true_facts: recalled,
    active_relations: active.length,
    active_entities: beliefs.filter((b) => b.data.kind === 'entity' && b.data.status === 'active')
      .length,
    false_promotions: log.promotedFalse.size,
    false_still_active: activeFalse.size,
    false_beliefs_entered: log.enteredFalse.size,
    false_beliefs_corrected: log.corrections.size,
    false_beliefs_open: openFalse.size,
    true_beliefs_lost: lostTrue.size,
    claims: log.claims,
    false_claims: log.falseClaims,
    alias_mentions: log.aliasMentions,
    duplicate_nominations: log.nominations,
    false_nominations: log.falseNominations,
    learning_runs: log.learningRuns,
    beliefs: beliefs.length,
  };
  const targets_met = {
    promotion_precision: results.promotion_precision >= WORLD_TARGETS.promotion_precision.atLeast,
    recall: results.recall >= WORLD_TARGETS.recall.atLeast,
    median_correction_observations:
      results.median_correction_observations !== null &&
      results.median_correction_observations <= WORLD_TARGETS.median_correction_observations.atMost,
    collapse_rate: results.collapse_rate >= WORLD_TARGETS.collapse_rate.atLeast,
    false_merges: results.false_merges <= WORLD_TARGETS.false_merges.atMost,
  };
  return { ...results, targets: WORLD_TARGETS, targets_met };
}

/** An index of the current beliefs, built only if a name needs more than its simulated key. */
function lazyIndex(beliefs: () => Belief[]): () => WorldIndex {
  let index: WorldIndex | undefined;
  return () => (index ??= new WorldIndex(beliefs()));
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
