// The offline model: a deterministic, rule-based stand-in for an LLM that serves the demo and the
// tests when no provider is configured. It answers from the assembled context — reusing a matching
// skill, naming the beliefs it finds, proposing hypotheses — and says in every answer that it is
// not an LLM.
import { contextItems, type ContextItem } from '../../context/assemble.js';
import { estimateTokens } from '../../context/text.js';
import { slugify } from '../../memory/layout.js';
import type { Outcome, ReasoningDemand } from '../../memory/rewards.js';
import type { Tier } from '../../memory/registry.js';
import { requestTiers } from '../cascade.js';
import type { Model, SolveRequest, SolveResult } from '../model.js';
import { taskHardness, tooHardFor } from './tier-outcome.js';
import type {
  ProposedEvidence,
  ProposedHypothesis,
  ProposedSkill,
  SolveOutput,
} from '../../memory/solve-output.js';
import { CONCEPT_RELATIONS, findConcepts, type Concept } from './lexicon.js';

export const OFFLINE_MODEL_NAME = 'offline-rules';
export const OFFLINE_LABEL = '[offline model: deterministic rules, not an LLM]';

const MAX_CONCEPTS_IN_SKILL_NAME = 2;

export class OfflineModel implements Model {
  readonly kind = 'offline';

  async solve(request: SolveRequest): Promise<SolveResult> {
    // Its "tokens" are estimates and it costs nothing, but a token budget still counts them.
    // A task too hard for a tier fails there and moves up (tier-outcome.ts), as a real cascade does.
    const hardness = taskHardness(request.task);
    const tiersTried: Tier[] = [];
    const usage = { prompt: 0, completion: 0 };
    let output: SolveOutput | undefined;
    let tier = request.tier;
    for (tier of requestTiers(request)) {
      request.budget?.check({
        model: OFFLINE_MODEL_NAME,
        tokens: request.context.tokens,
        costUsd: 0,
      });
      tiersTried.push(tier);
      const tooHard = tooHardFor(tier, request.demand, hardness);
      output = solveOffline({ ...request, tier }, tooHard);
      const call = { prompt: request.context.tokens, completion: estimateTokens(output.answer) };
      request.budget?.record(call, 0);
      usage.prompt += call.prompt;
      usage.completion += call.completion;
      if (tooHard === undefined) break;
    }
    return {
      output: output ?? solveOffline(request),
      tier,
      modelName: OFFLINE_MODEL_NAME,
      usage,
      costUsd: 0,
      tiersTried,
    };
  }
}

function beliefFor(items: ContextItem[], slug: string): ContextItem | undefined {
  return items.find(
    (item) =>
      (item.kind === 'entity' || item.kind === 'relation' || item.kind === 'hypothesis') &&
      item.id.endsWith(`/${slug}.md`),
  );
}

function covers(skill: ContextItem, concept: Concept): boolean {
  return concept.tags.every((tag) => skill.tags.includes(tag)) || skill.text.includes(concept.slug);
}

export function solveOffline(request: SolveRequest, tooHard?: string): SolveOutput {
  const items = contextItems(request.context);
  const mentions = findConcepts(request.task);
  const present = mentions.filter((m) => !m.negated).map((m) => m.concept);
  const negated = mentions.filter((m) => m.negated).map((m) => m.concept);

  const skills = request.context.included.filter((item) => item.kind === 'skill');
  const ranked = skills
    .map((skill) => ({ skill, covered: present.filter((c) => covers(skill, c)).length }))
    .filter((entry) => entry.covered > 0)
    .sort((a, b) => b.covered - a.covered || b.skill.score - a.skill.score);
  const best = ranked[0];
  const fullyCovered = best !== undefined && best.covered === present.length;

  const evidence: ProposedEvidence[] = [];
  const hypotheses: ProposedHypothesis[] = [];
  const used = new Set<string>(['persona.md', 'constraints.md']);
  const applied: string[] = [];

  for (const concept of present) {
    const belief = beliefFor(items, concept.slug);
    if (belief) {
      used.add(belief.id);
      applied.push(`${belief.title} (confidence ${(belief.confidence ?? 0).toFixed(2)})`);
      evidence.push({
        target: belief.id,
        supports: true,
        note: `the task involves ${concept.name.toLowerCase()}`,
      });
    } else {
      hypotheses.push({
        slug: concept.slug,
        name: concept.name,
        claim: `${concept.name} is a recurring concept in ${request.agent.domain || 'this agent'}'s tasks.`,
        proposes: 'entity',
        aliases: concept.aliases,
        tags: concept.tags,
        subject: null,
        predicate: null,
        object: null,
      });
    }
  }
  const contradicted: string[] = [];
  for (const concept of negated) {
    const belief = beliefFor(items, concept.slug);
    if (belief) {
      evidence.push({
        target: belief.id,
        supports: false,
        note: `the task says there is no ${concept.name.toLowerCase()}`,
      });
      contradicted.push(belief.title);
    }
  }
  const presentSlugs = new Set(present.map((c) => c.slug));
  const negatedSlugs = new Set(negated.map((c) => c.slug));
  for (const relation of CONCEPT_RELATIONS) {
    const slug = `${relation.subject}-${relation.predicate}-${relation.object}`;
    const belief = beliefFor(items, slug);
    if (presentSlugs.has(relation.subject) && negatedSlugs.has(relation.object) && belief) {
      evidence.push({
        target: belief.id,
        supports: false,
        note: `the task has ${relation.subject} without ${relation.object}`,
      });
      contradicted.push(belief.title);
    } else if (presentSlugs.has(relation.subject) && presentSlugs.has(relation.object)) {
      if (belief) {
        used.add(belief.id);
        evidence.push({ target: belief.id, supports: true, note: relation.claim });
      } else {
        hypotheses.push({
          slug,
          name: relation.claim.replace(/\.$/, ''),
          claim: relation.claim,
          proposes: 'relation',
          aliases: [],
          tags: [relation.subject, relation.object],
          subject: relation.subject,
          predicate: relation.predicate,
          object: relation.object,
        });
      }
    }
  }

  const canCompose = request.tier !== 'cheap-fast';
  let outcome: Outcome;
  let steps: string[];
  let source: string;
  const newSkills: ProposedSkill[] = [];
  const skillsUsed: string[] = [];
  if (tooHard !== undefined) {
    outcome = 'failure';
    steps = [];
    source = `The ${request.tier} tier gives up: ${tooHard}.`;
  } else if (present.length === 0) {
    outcome = 'failure';
    steps = [];
    source =
      'No rule of the offline model matches this task; configure a real model (LLM_API_KEY) for it.';
  } else if (fullyCovered && best) {
    outcome = 'success';
    steps = procedureSteps(best.skill.text);
    source = `Reusing skill "${best.skill.title}" (${best.skill.id}).`;
    skillsUsed.push(best.skill.id);
    used.add(best.skill.id);
  } else {
    steps = present.flatMap((c) => c.practice);
    if (best) {
      skillsUsed.push(best.skill.id);
      used.add(best.skill.id);
    }
    if (canCompose) {
      outcome = 'success';
      source = best
        ? `Extending skill "${best.skill.title}" (${best.skill.id}) with known practices.`
        : 'Composed from known practices.';
      newSkills.push(skillFor(present, steps));
    } else {
      outcome = 'partial';
      source =
        'The cheap tier applies known skills only; the parts no skill covers are listed but not composed.';
    }
  }

  const demand: ReasoningDemand = fullyCovered
    ? 'routine'
    : present.some((c) => beliefFor(items, c.slug)) || best
      ? 'moderate'
      : 'novel';
  const answer = [
    OFFLINE_LABEL,
    '',
    `Plan for: ${request.task}`,
    '',
    source,
    ...(steps.length > 0 ? ['', ...steps.map((step, i) => `${i + 1}. ${step}`)] : []),
    ...(applied.length > 0 ? ['', `Beliefs applied: ${applied.join('; ')}.`] : []),
    ...(hypotheses.length > 0
      ? ['', `New hypotheses: ${hypotheses.map((h) => h.name).join('; ')}.`]
      : []),
    ...(contradicted.length > 0 ? ['', `Contradicted: ${contradicted.join('; ')}.`] : []),
  ].join('\n');

  const score = { success: 1, partial: 0, failure: -1 } as const;
  return {
    answer,
    outcome,
    used_context: [...used],
    reward_decomposition: {
      correctness: score[outcome],
      efficiency: outcome === 'failure' ? -1 : skillsUsed.length > 0 ? 1 : 0,
      novelty: hypotheses.length > 0 || newSkills.length > 0 ? 1 : 0,
      generality: present.length > 1 && outcome === 'success' ? 1 : 0,
    },
    context_tags: [...new Set(present.flatMap((c) => c.tags))].sort(),
    reasoning_demand: demand,
    memory: {
      skills: outcome === 'success' ? newSkills : [],
      skills_used: skillsUsed,
      hypotheses,
      evidence,
      duplicates: [],
      shared_proposal: null,
    },
  };
}

function skillFor(concepts: Concept[], steps: string[]): ProposedSkill {
  const named = concepts.slice(0, MAX_CONCEPTS_IN_SKILL_NAME);
  const phrase = named.map((c) => c.skill).join(' and ');
  return {
    slug: slugify(phrase),
    title: phrase.charAt(0).toUpperCase() + phrase.slice(1),
    tags: [...new Set(concepts.flatMap((c) => c.tags))].sort(),
    procedure: [
      `Concepts: ${concepts.map((c) => c.slug).join(', ')}`,
      '',
      ...steps.map((step, i) => `${i + 1}. ${step}`),
    ].join('\n'),
  };
}

/** The numbered steps of a skill's procedure. */
function procedureSteps(text: string): string[] {
  return text
    .split('\n')
    .map((line) => /^\s*\d+\.\s+(.+)$/.exec(line)?.[1])
    .filter((step): step is string => step !== undefined);
}
