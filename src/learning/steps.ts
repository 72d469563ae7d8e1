// The steps of a learning run (SPEC §7), as pure functions over an agent's beliefs and skills: each
// returns what it would change and why, so the runner can commit each step on its own and the
// world benchmark can run the very same steps in memory. Imports the rules of world/ and memory/.
import type { AgentSpec } from '../memory/registry.js';
import { archiveSkills, FAILING_SKILL, STALE_SKILL_DAYS } from '../memory/skill-updates.js';
import type { Skill } from '../memory/skills.js';
import type { Belief } from '../world/beliefs.js';
import { CONFIDENCE_DECAY } from '../world/confidence.js';
import { collapseDuplicates, DUPLICATE_RULES } from '../world/duplicates.js';
import {
  decayConfidence,
  FactRivals,
  meetsPromotionNumbers,
  promoteHypotheses,
  PROMOTION,
  REFUTATION,
  REOPENING,
  settleWorld,
  SUPERSESSION,
  type Transition,
} from '../world/lifecycle.js';
import { holdBackUnverified } from '../world/provenance.js';
import { discreditFailingBeliefs, FAILING_BELIEF, type BeliefUses } from './belief-outcomes.js';

export type LearningStepName =
  'discredit' | 'settle' | 'collapse' | 'promote' | 'decay' | 'archive';

export interface LearningState {
  world: Belief[];
  skills: Skill[];
}

export interface LearningContext {
  agent: string;
  /** ISO timestamp of the run. */
  now: string;
  learning: AgentSpec['learning'];
  /** The tasks that used each belief, from the reward log (absent: the discredit step is skipped). */
  uses?: BeliefUses;
}

export interface StepOutcome {
  step: LearningStepName;
  /** Beliefs created or changed, by path. */
  beliefs: Map<string, Belief>;
  skills: Map<string, Skill>;
  created: string[];
  transitions: Transition[];
  /** Commit subject after "<agent>: learn — ". */
  title: string;
  /** The rule that decided, for the commit body. */
  rule: string;
  /** One line per change. */
  lines: string[];
}

export interface LearningStep {
  name: LearningStepName;
  run(state: LearningState, context: LearningContext): StepOutcome;
}

function outcome(step: LearningStepName, rule: string): StepOutcome {
  return {
    step,
    beliefs: new Map(),
    skills: new Map(),
    created: [],
    transitions: [],
    title: '',
    rule,
    lines: [],
  };
}

export function isEmpty(result: StepOutcome): boolean {
  return result.beliefs.size === 0 && result.skills.size === 0;
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Under `constrained`, the default branch holds hypotheses only: other beliefs stay as they are. */
function visibleWorld(state: LearningState, context: LearningContext): Belief[] {
  return context.learning === 'constrained'
    ? state.world.filter((belief) => belief.data.kind === 'hypothesis')
    : state.world;
}

const discredit: LearningStep = {
  name: 'discredit',
  run(state, context) {
    const result = outcome(
      'discredit',
      `A belief used by ${FAILING_BELIEF.minUses}+ tasks of which fewer than ${FAILING_BELIEF.belowRate * 100}% succeeded is suspect: each failed task that used it now counts against it, as a "wrong" verdict would, and the settle step applies the contradiction rules.`,
    );
    if (!context.uses) return result;
    const update = discreditFailingBeliefs(state.world, context.uses, {
      agent: context.agent,
      now: context.now,
      hypothesesOnly: context.learning === 'constrained',
    });
    result.beliefs = update.beliefs;
    result.lines = update.lines;
    result.title = `count failed uses against ${count(update.beliefs.size, 'belief')}`;
    return result;
  },
};

const settle: LearningStep = {
  name: 'settle',
  run(state, context) {
    const result = outcome(
      'settle',
      `A hypothesis is refuted below confidence ${REFUTATION.below} and an entity or relation superseded below ${SUPERSESSION.below}, once contradicted; a refuted hypothesis reopens at ${REOPENING.atLeast} and a superseded belief is reinstated when it meets the promotion rule again.`,
    );
    const update = settleWorld(state.world, {
      now: context.now,
      hypothesesOnly: context.learning === 'constrained',
    });
    result.beliefs = update.beliefs;
    result.transitions = update.transitions;
    const verbs: Record<string, string> = {
      refute: 'refuted',
      supersede: 'superseded',
      reopen: 'reopened',
      reinstate: 'reinstated',
    };
    result.lines = update.transitions.map(
      (t) =>
        `${verbs[t.kind] ?? t.kind} ${t.path}${t.target ? ` (→ ${t.target})` : ''}: ${t.reason}`,
    );
    const kinds = Object.entries(verbs)
      .map(([kind, verb]) => {
        const n = update.transitions.filter((t) => t.kind === kind).length;
        return n > 0 ? `${verb} ${n}` : '';
      })
      .filter(Boolean);
    result.title = `settle contradicted beliefs (${kinds.join(', ')})`;
    return result;
  },
};

const collapse: LearningStep = {
  name: 'collapse',
  run(state, context) {
    const result = outcome(
      'collapse',
      `Two things are one when a name or alias is the same once case and punctuation are ignored, when they have the same words up to plural and order, when a word of ${DUPLICATE_RULES.fuzzyWordLength}+ letters differs by one letter, when ${DUPLICATE_RULES.nominationsNeeded}+ tasks nominated them (${DUPLICATE_RULES.bareNameNominations}+ for a bare name: a hypothesis without live facts whose names share no word with the other's) and no rival pairing is as strong, or when they were nominated, no rival pairing is nominated more often (one nominated as often agrees on fewer facts) and their facts agree (the same predicate and other end for ${Math.round(DUPLICATE_RULES.agreeingShare * 100)}%+ of the sparser one's facts, a fact refuted under one name counting when it stands under the other; nominating tasks plus agreeing facts ${DUPLICATE_RULES.corroborationNeeded}+); never two things a fact relates. The canonical file keeps the other names as aliases, the other becomes a stub that redirects, and facts naming it are re-pointed.`,
    );
    const update = collapseDuplicates(visibleWorld(state, context), context);
    result.beliefs = update.beliefs;
    result.transitions = update.transitions;
    result.lines = [
      ...update.transitions.map((t) => `merged ${t.path} into ${t.target}: ${t.reason}`),
      ...update.repointed.map((path) => `re-pointed ${path} at the canonical names`),
    ];
    result.title = `collapse ${count(update.transitions.length, 'duplicate')}${update.repointed.length > 0 ? `, re-point ${count(update.repointed.length, 'relation')}` : ''}`;
    return result;
  },
};

const promote: LearningStep = {
  name: 'promote',
  run(state, context) {
    const result = outcome(
      'promote',
      `A hypothesis becomes an entity or relation when at least ${PROMOTION.minSupportingTasks} distinct tasks support it (${PROMOTION.uncontestedFactSupportingTasks} for a fact no task contradicted and no live fact contests with another object for its subject and predicate), its confidence is at least ${PROMOTION.minConfidence}, its newest evidence is not a contradiction and a trusted source supports it (an issue by an OWNER, MEMBER or COLLABORATOR, the CLI, the schedule, the queue or a person's feedback). The hypothesis stays, marked promoted, pointing at the new file.`,
    );
    const update = promoteHypotheses(state.world, context);
    // The firewall (world/provenance.ts): a claim only outsiders back waits, and the commit says so.
    const rivals = new FactRivals(state.world);
    const heldBack = holdBackUnverified(state.world, (belief) =>
      meetsPromotionNumbers(belief, rivals),
    );
    result.beliefs = new Map([...heldBack.beliefs, ...update.beliefs]);
    result.created = update.created;
    result.transitions = update.transitions;
    result.lines = [
      ...update.transitions.map((t) => `${t.path} → ${t.target}: ${t.reason}`),
      ...heldBack.lines,
    ];
    const held = heldBack.beliefs.size;
    result.title = `promote ${count(update.transitions.length, 'hypothesis', 'hypotheses')}${held > 0 ? `, hold back ${held} unverified` : ''}`;
    return result;
  },
};

const decay: LearningStep = {
  name: 'decay',
  run(state, context) {
    const result = outcome(
      'decay',
      `Confidence of a belief unused for ${CONFIDENCE_DECAY.idleDays} days moves ${Math.round((1 - CONFIDENCE_DECAY.factor) * 100)}% of the way back to the prior per idle period; decay ranks beliefs in the context but never changes their status.`,
    );
    const update = decayConfidence(visibleWorld(state, context), context);
    result.beliefs = update.beliefs;
    const before = new Map(state.world.map((b) => [b.path, b.data.confidence]));
    result.lines = [...update.beliefs.values()].map(
      (b) => `${b.path}: ${(before.get(b.path) ?? 0).toFixed(3)} → ${b.data.confidence.toFixed(3)}`,
    );
    result.title = `decay confidence of ${count(update.beliefs.size, 'unused belief')}`;
    return result;
  },
};

const archive: LearningStep = {
  name: 'archive',
  run(state, context) {
    const result = outcome(
      'archive',
      `A skill unused for ${STALE_SKILL_DAYS} days, or used ${FAILING_SKILL.minUses}+ times with a success rate below ${FAILING_SKILL.belowRate * 100}%, is archived: it stays in skills/ but leaves the context. One that tasks have used since, and that the rule no longer holds for, is reinstated.`,
    );
    if (context.learning !== 'active') return result;
    const change = archiveSkills(state.skills, context.now);
    result.skills = change.skills;
    result.lines = [
      ...change.archived.map((a) => `archived ${a.path} (${a.title}): ${a.reason}`),
      ...change.reinstated.map((r) => `reinstated ${r.path} (${r.title}): ${r.reason}`),
    ];
    result.title = [
      ...(change.archived.length > 0 ? [`archive ${count(change.archived.length, 'skill')}`] : []),
      ...(change.reinstated.length > 0
        ? [`reinstate ${count(change.reinstated.length, 'skill')}`]
        : []),
    ].join(', ');
    return result;
  },
};

/** The order matters: merging evidence first can make a hypothesis promotable. */
export const LEARNING_STEPS: readonly LearningStep[] = [
  discredit,
  settle,
  collapse,
  promote,
  decay,
  archive,
];

/** Rounds of all steps until nothing changes; settles what one step's change makes due. */
export const MAX_LEARNING_ROUNDS = 3;

export function applyOutcome(state: LearningState, result: StepOutcome): LearningState {
  const world = state.world.map((b) => result.beliefs.get(b.path) ?? b);
  const known = new Set(world.map((b) => b.path));
  for (const [path, belief] of result.beliefs) if (!known.has(path)) world.push(belief);
  const skills = state.skills.map((s) => result.skills.get(s.path) ?? s);
  return { world, skills };
}

/**
 * All steps in memory, round after round until nothing changes: what the world benchmark runs
 * between tasks. `learning: none` learns nothing; under `constrained` promotions are left out,
 * because they wait for a person's review on a branch (learning/run.ts).
 */
export function learnInMemory(
  state: LearningState,
  context: LearningContext,
): { state: LearningState; outcomes: StepOutcome[] } {
  const outcomes: StepOutcome[] = [];
  if (context.learning === 'none') return { state, outcomes };
  let current = state;
  for (let round = 0; round < MAX_LEARNING_ROUNDS; round++) {
    let changed = false;
    for (const step of LEARNING_STEPS) {
      if (step.name === 'promote' && context.learning === 'constrained') continue;
      const result = step.run(current, context);
      if (isEmpty(result)) continue;
      outcomes.push(result);
      current = applyOutcome(current, result);
      changed = true;
    }
    if (!changed) break;
  }
  return { state: current, outcomes };
}
