// Turning a task's proposed beliefs into world-model changes by deterministic rules (SPEC §7): a
// new claim enters as an open hypothesis with its evidence; evidence on an existing belief is
// recorded once per task and moves its confidence. The model proposes; this code decides.
import { PathRefusedError } from '../errors.js';
import { agentPaths, isSlug, slugify } from '../memory/layout.js';
import { checkMemoryPath } from '../memory/path-guard.js';
import type { ProposedEvidence, ProposedHypothesis } from '../llm/solve-output.js';
import type { Belief, Evidence, HypothesisData } from './beliefs.js';
import { addEvidence, confidenceFromEvidence } from './confidence.js';

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
  /** `constrained` learning: evidence only on hypotheses, never on entities or relations. */
  hypothesesOnly: boolean;
}

export interface WorldChange {
  /** Beliefs created or changed, by repository path. */
  beliefs: Map<string, Belief>;
  created: string[];
  refused: Refusal[];
}

/** The belief a slug or name refers to: same slug in any kind, or a name or alias that slugs alike. */
export function findBelief(world: Iterable<Belief>, slugOrName: string): Belief | undefined {
  const key = slugify(slugOrName);
  for (const belief of world) {
    if (belief.slug === key) return belief;
  }
  for (const belief of world) {
    if ([belief.data.name, ...belief.data.aliases].some((name) => slugify(name) === key))
      return belief;
  }
  return undefined;
}

export function observe(world: readonly Belief[], observation: Observation): WorldChange {
  const current = new Map(world.map((belief) => [belief.path, belief]));
  const change: WorldChange = { beliefs: new Map(), created: [], refused: [] };
  const paths = agentPaths(observation.agent);

  const record = (belief: Belief, supports: boolean, note: string) => {
    const item: Evidence = { task: observation.taskId, supports, at: observation.at, note };
    const evidence = addEvidence(belief.data.evidence, item);
    if (evidence.length === belief.data.evidence.length) return;
    const updated: Belief = {
      ...belief,
      data: { ...belief.data, evidence, confidence: confidenceFromEvidence(evidence) },
    };
    current.set(updated.path, updated);
    change.beliefs.set(updated.path, updated);
  };

  for (const proposal of observation.evidence) {
    const target = resolveTarget(observation.agent, proposal.target);
    if (typeof target !== 'string') {
      change.refused.push({ item: `evidence on ${proposal.target}`, reason: target.reason });
      continue;
    }
    const belief = current.get(target);
    if (!belief) {
      change.refused.push({
        item: `evidence on ${proposal.target}`,
        reason: 'no such belief in world/',
      });
      continue;
    }
    if (observation.hypothesesOnly && belief.data.kind !== 'hypothesis') {
      change.refused.push({
        item: `evidence on ${proposal.target}`,
        reason: 'learning is constrained: only hypotheses change',
      });
      continue;
    }
    record(belief, proposal.supports, proposal.note);
  }

  for (const proposal of observation.hypotheses) {
    const label = `hypothesis ${proposal.slug}`;
    if (!isSlug(proposal.slug)) {
      change.refused.push({
        item: label,
        reason: 'the slug must be lowercase words joined by hyphens',
      });
      continue;
    }
    const existing =
      findBelief(current.values(), proposal.slug) ?? findBelief(current.values(), proposal.name);
    if (existing) {
      if (observation.hypothesesOnly && existing.data.kind !== 'hypothesis') continue;
      record(existing, true, `proposed again: ${proposal.claim}`);
      continue;
    }
    const triple = [proposal.subject, proposal.predicate, proposal.object];
    if (proposal.proposes === 'relation' && triple.some((part) => !part)) {
      change.refused.push({
        item: label,
        reason: 'a relation needs subject, predicate and object',
      });
      continue;
    }
    const path = paths.world('hypothesis', proposal.slug);
    const evidence: Evidence[] = [
      {
        task: observation.taskId,
        supports: true,
        at: observation.at,
        note: 'first proposed by this task',
      },
    ];
    const data: HypothesisData = {
      kind: 'hypothesis',
      name: proposal.name,
      claim: proposal.claim,
      proposes: proposal.proposes,
      aliases: proposal.aliases,
      tags: proposal.tags,
      ...(proposal.proposes === 'relation'
        ? {
            subject: slugify(proposal.subject ?? ''),
            predicate: proposal.predicate ?? '',
            object: slugify(proposal.object ?? ''),
          }
        : {}),
      confidence: confidenceFromEvidence(evidence),
      status: 'open',
      evidence,
      created: observation.at,
      valid_at: null,
      invalid_at: null,
      superseded_by: null,
    };
    const belief: Belief = { slug: proposal.slug, path, data, body: proposal.claim };
    current.set(path, belief);
    change.beliefs.set(path, belief);
    change.created.push(path);
  }
  return change;
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
