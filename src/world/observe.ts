// Turning a task's proposed beliefs into world-model changes by deterministic rules (SPEC §7): a
// new claim enters as an open hypothesis with its evidence; a claim the world model already holds
// (under any of its names, or as the same subject–predicate–object) gets the task's evidence,
// recorded once per task; a contradiction that crosses its threshold refutes or supersedes in this
// same iteration (lifecycle.ts). The model proposes; this code decides.
import { PathRefusedError } from '../errors.js';
import type {
  NominatedDuplicate,
  ProposedEvidence,
  ProposedHypothesis,
} from '../memory/solve-output.js';
import type { EvidenceSource } from '../memory/evidence-source.js';
import { agentPaths, isSlug, slugify } from '../memory/layout.js';
import { checkMemoryPath } from '../memory/path-guard.js';
import { familyOf, type Belief, type Evidence, type HypothesisData } from './beliefs.js';
import { addEvidence, beliefConfidence } from './confidence.js';
import { withEvidence } from './evidence-fold.js';
import { settleContradiction, type Transition } from './lifecycle.js';
import { nameKey } from './names.js';
import { beliefKeys, WorldIndex } from './resolve.js';

/** A belief keeps at most this many aliases; further names the model offers are not recorded. */
export const MAX_ALIASES = 20;

/**
 * A belief keeps the nominations of the newest this many tasks per other belief: a pair the rules
 * never merge (two differing short names, say) would otherwise gain an item per task for ever. The
 * duplicate rules compare counts from 3 up, so only ties above this many can come out otherwise.
 */
export const MAX_NOMINATIONS_PER_PAIR = 50;

export interface Refusal {
  /** What was proposed, as the model named it. */
  item: string;
  reason: string;
}

export interface Observation {
  agent: string;
  taskId: string;
  at: string;
  hypotheses: ProposedHypothesis[];
  evidence: ProposedEvidence[];
  /** Duplicates the model nominated; recorded on the belief, decided by the learning run. */
  duplicates?: NominatedDuplicate[];
  /** `constrained` learning: evidence only on hypotheses, never on entities or relations. */
  hypothesesOnly: boolean;
  /** Where the task came from: recorded on each evidence item (world/provenance.ts). */
  source?: EvidenceSource;
}

export interface WorldChange {
  /** Beliefs created or changed, by repository path. */
  beliefs: Map<string, Belief>;
  created: string[];
  refused: Refusal[];
  /** Refutations and supersessions this task's contradictions caused, in this iteration. */
  transitions: Transition[];
}

/**
 * The belief a slug or name refers to — a thing by any of its names, else a fact by its file slug
 * — after redirects. Callers resolving many names should build one WorldIndex instead.
 */
export function findBelief(world: Iterable<Belief>, slugOrName: string): Belief | undefined {
  const index = new WorldIndex(world);
  return index.entity(slugOrName) ?? index.relationBySlug(slugify(slugOrName));
}

/**
 * `held`, when given, must index exactly `world` (held-world.ts): the observation reads through
 * it instead of indexing every belief, and leaves it unchanged.
 */
export function observe(
  world: readonly Belief[],
  observation: Observation,
  held?: WorldIndex,
): WorldChange {
  const index = held ? held.fork(world) : new WorldIndex(world);
  const change: WorldChange = { beliefs: new Map(), created: [], refused: [], transitions: [] };
  const paths = agentPaths(observation.agent);
  const touched = new Set<string>();

  const set = (belief: Belief) => {
    index.put(belief);
    change.beliefs.set(belief.path, belief);
  };
  /** Records, once per task, the model's word that `target` and `other` are the same. */
  const nominate = (target: Belief, other: Belief, note: string) => {
    if (target.path === other.path || familyOf(target) !== familyOf(other)) return;
    if (observation.hypothesesOnly && target.data.kind !== 'hypothesis') return;
    const nominations = target.data.duplicate_nominations ?? [];
    if (nominations.some((n) => n.of === other.path && n.task === observation.taskId)) return;
    const same = nominations.filter((n) => n.of === other.path);
    const dropped = new Set(same.slice(0, Math.max(0, same.length + 1 - MAX_NOMINATIONS_PER_PAIR)));
    set({
      ...target,
      data: {
        ...target.data,
        duplicate_nominations: [
          ...nominations.filter((n) => !dropped.has(n)),
          { of: other.path, task: observation.taskId, at: observation.at, note },
        ],
      },
    });
  };
  const record = (belief: Belief, supports: boolean, note: string) => {
    const item: Evidence = {
      task: observation.taskId,
      supports,
      at: observation.at,
      note,
      ...(observation.source ? { source: observation.source } : {}),
    };
    const evidence = addEvidence(belief.data.evidence, item);
    if (evidence.length === belief.data.evidence.length) return;
    set({ ...belief, data: withEvidence(belief.data, evidence, observation.at) });
    touched.add(belief.path);
  };

  for (const proposal of observation.evidence) {
    const label = `evidence on ${proposal.target}`;
    const target = resolveTarget(observation.agent, proposal.target);
    if (typeof target !== 'string') {
      change.refused.push({ item: label, reason: target.reason });
      continue;
    }
    const found = index.get(target);
    if (!found) {
      change.refused.push({ item: label, reason: 'no such belief in world/' });
      continue;
    }
    const belief = index.follow(found);
    if (observation.hypothesesOnly && belief.data.kind !== 'hypothesis') {
      change.refused.push({
        item: label,
        reason: 'learning is constrained: only hypotheses change',
      });
      continue;
    }
    record(belief, proposal.supports, proposal.note);
  }

  // Things before facts: a fact's subject and object resolve through the things of this task too.
  const ordered = [...observation.hypotheses].sort(
    (a, b) => Number(a.proposes === 'relation') - Number(b.proposes === 'relation'),
  );
  for (const proposal of ordered) {
    const label = `hypothesis ${proposal.slug}`;
    if (!isSlug(proposal.slug)) {
      change.refused.push({
        item: label,
        reason: 'the slug must be lowercase words joined by hyphens',
      });
      continue;
    }
    if (
      proposal.proposes === 'relation' &&
      [proposal.subject, proposal.predicate, proposal.object].some((part) => !part)
    ) {
      change.refused.push({
        item: label,
        reason: 'a relation needs subject, predicate and object',
      });
      continue;
    }
    const existing =
      proposal.proposes === 'entity'
        ? [proposal.slug, proposal.name, ...proposal.aliases]
            .map((name) => index.entity(name))
            .find((belief) => belief !== undefined)
        : index.relation(proposal.subject ?? '', proposal.predicate ?? '', proposal.object ?? '');
    if (existing) {
      if (observation.hypothesesOnly && existing.data.kind !== 'hypothesis') continue;
      record(existing, true, `proposed again: ${proposal.claim}`);
      if (proposal.proposes === 'entity') {
        const names = [proposal.name, ...proposal.aliases];
        const named = withAliases(index.get(existing.path) ?? existing, index, names);
        if (named) set(named);
        // A name the model gives that already belongs to another thing is its word that the two
        // are one: a nomination for the duplicate rules, not an alias.
        for (const name of names) {
          const owner = index.entity(name);
          if (owner && owner.path !== existing.path)
            nominate(
              index.get(existing.path) ?? existing,
              owner,
              `the task calls it "${name}" too`,
            );
        }
      }
      continue;
    }
    let slug = proposal.slug;
    for (let n = 2; index.get(paths.world('hypothesis', slug)); n++) slug = `${proposal.slug}-${n}`;
    const path = paths.world('hypothesis', slug);
    const evidence: Evidence[] = [
      {
        task: observation.taskId,
        supports: true,
        at: observation.at,
        note: 'first proposed by this task',
        ...(observation.source ? { source: observation.source } : {}),
      },
    ];
    const data: HypothesisData = {
      kind: 'hypothesis',
      name: proposal.name,
      claim: proposal.claim,
      proposes: proposal.proposes,
      aliases: proposal.aliases.filter((alias) => nameKey(alias) !== nameKey(proposal.name)),
      tags: proposal.tags,
      ...(proposal.proposes === 'relation'
        ? {
            subject: index.entitySlug(proposal.subject ?? ''),
            predicate: proposal.predicate ?? '',
            object: index.entitySlug(proposal.object ?? ''),
          }
        : {}),
      confidence: beliefConfidence({ evidence }, observation.at),
      status: 'open',
      evidence,
      created: observation.at,
      valid_at: null,
      invalid_at: null,
      superseded_by: null,
    };
    set({ slug, path, data, body: proposal.claim });
    change.created.push(path);
  }

  for (const nomination of observation.duplicates ?? []) {
    const label = `duplicate ${nomination.target} of ${nomination.duplicate_of}`;
    const ends = [nomination.target, nomination.duplicate_of].map((target) => {
      const path = resolveTarget(observation.agent, target);
      const found = typeof path === 'string' ? index.get(path) : undefined;
      return found && index.follow(found);
    });
    const [target, other] = ends;
    if (!target || !other) {
      change.refused.push({ item: label, reason: 'both must be beliefs in world/' });
      continue;
    }
    if (familyOf(target) !== familyOf(other)) {
      change.refused.push({ item: label, reason: 'a thing cannot duplicate a fact' });
      continue;
    }
    if (observation.hypothesesOnly && target.data.kind !== 'hypothesis') {
      change.refused.push({
        item: label,
        reason: 'learning is constrained: only hypotheses change',
      });
      continue;
    }
    nominate(target, other, nomination.note);
  }

  for (const path of touched) {
    const belief = index.get(path);
    if (!belief) continue;
    const settled = settleContradiction(belief, index, observation.at);
    if (!settled) continue;
    set(settled.belief);
    change.transitions.push(settled.transition);
  }
  return change;
}

/**
 * The belief with the names the model used for it added as aliases, or undefined when none is new.
 * A name that already belongs to another belief is not added: the model's word alone never ties
 * two recorded things together (that is for the duplicate rules to decide).
 */
function withAliases(belief: Belief, index: WorldIndex, names: string[]): Belief | undefined {
  const known = new Set(beliefKeys(belief));
  const aliases = [...belief.data.aliases];
  for (const name of names) {
    const key = nameKey(name);
    if (key === '' || known.has(key) || aliases.length >= MAX_ALIASES) continue;
    const owner = index.entity(name);
    if (owner && owner.path !== belief.path) continue;
    known.add(key);
    aliases.push(name);
  }
  if (aliases.length === belief.data.aliases.length) return undefined;
  return { ...belief, data: { ...belief.data, aliases } };
}

/** The repository path of a belief the model named agent-relatively, or why it cannot be one. */
function resolveTarget(agent: string, target: string): string | Refusal {
  const prefix = `agents/${agent}/`;
  const full = target.startsWith('/') || target.startsWith(prefix) ? target : `${prefix}${target}`;
  let path: string;
  try {
    path = checkMemoryPath(agent, full);
  } catch (error) {
    if (error instanceof PathRefusedError) return { item: target, reason: error.reason };
    throw error;
  }
  if (!/^world\/(entities|relations|hypotheses)\/[^/]+\.md$/.test(path.slice(prefix.length))) {
    return { item: target, reason: 'evidence can only be recorded on a belief in world/' };
  }
  return path;
}
