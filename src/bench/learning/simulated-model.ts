// The learning benchmark's scripted model: the product's Model interface, answering in the real
// answer schema through the real clients' bounded cascade (llm/cascade.ts). Its chance of success depends on the tier, the task's hidden hardness and the
// share of the items the task truly needs that its context holds; a false belief about a needed fact
// misleads it; it proposes skills, hypotheses, aliases and contradictions as a real model would,
// wrong facts included at a configured rate. Every rule is in bench/README.md.
import { createHash } from 'node:crypto';
import { contextItems, type ContextItem } from '../../context/assemble.js';
import { estimateTokens } from '../../context/text.js';
import type { Model, SolveRequest, SolveResult } from '../../llm/model.js';
import { runRequestCascade } from '../../llm/cascade.js';
import { callCost, type PriceTable } from '../../llm/prices.js';
import { slugify } from '../../memory/layout.js';
import type { Tier } from '../../memory/registry.js';
import type { ReasoningDemand } from '../../memory/rewards.js';
import type {
  ProposedEvidence,
  ProposedHypothesis,
  ProposedSkill,
  SolveOutput,
} from '../../memory/solve-output.js';
import {
  factText,
  type Hardness,
  type HiddenFact,
  type HiddenWorld,
  type StreamTask,
} from './world.js';

export interface ModelRules {
  /** Chance a tier solves a task of each hardness when its context holds all the task needs. */
  competence: Record<Tier, Record<Hardness, number>>;
  /** Share of that chance left when the context holds none of the needed items (re-deriving them). */
  rederive: number;
  /** Chance a false belief about a needed fact (and no true one) makes the answer wrong. */
  misled: number;
  /** Chance a successful answer notices that a false belief in its context is false. */
  notice: number;
  /** Chance a fact the model learns on its own is proposed with the wrong value. */
  wrong_update: number;
}

/** What the model found in one context, for the driver's per-task figures. */
export interface ContextReading {
  neededHeld: number;
  needed: number;
  /** Items in the context that state a false value of any fact of the world. */
  falseItems: string[];
  /** Items that state memory (skills and beliefs): zero when only persona and constraints are in. */
  memoryItems: number;
  success: boolean;
}

const PROMPT_OVERHEAD_TOKENS = 150;
const COMPLETION_TOKENS = 250;

/** A uniform number in [0, 1) fixed by the seed and the task: the same draw for every variant. */
export function taskDraw(seed: number, taskId: string): number {
  return createHash('sha256').update(`${seed}:${taskId}`).digest().readUInt32LE(0) / 4294967296;
}

const DEMAND_OF: Record<Hardness, ReasoningDemand> = {
  easy: 'routine',
  medium: 'moderate',
  hard: 'novel',
};

export class SimulatedModel implements Model {
  readonly kind = 'simulated';
  /** One reading per answered task, by task id, for the driver. */
  readonly readings = new Map<string, ContextReading>();
  private readonly tasks: Map<string, StreamTask>;

  constructor(
    private readonly world: HiddenWorld,
    stream: readonly StreamTask[],
    private readonly rules: ModelRules,
    private readonly seed: number,
    private readonly models: Readonly<Record<Tier, string>>,
    private readonly prices: PriceTable,
  ) {
    this.tasks = new Map(stream.map((task) => [task.id, task]));
  }

  async solve(request: SolveRequest): Promise<SolveResult> {
    const task = this.tasks.get(request.taskId);
    if (!task) throw new Error(`the simulated model knows no task ${request.taskId}`);
    const items = contextItems(request.context);
    const promptTokens =
      request.context.tokens + estimateTokens(request.task) + PROMPT_OVERHEAD_TOKENS;
    const heldSkills = task.skills.map((s) => this.skillItem(items, s));
    const heldFacts = task.facts.map((f) => this.factItems(items, f));
    const needed = task.skills.length + task.facts.length;
    const held =
      heldSkills.filter((item) => item !== undefined).length +
      heldFacts.filter((f) => f.truth !== undefined).length;
    const coverage = held / needed;
    const draw = taskDraw(this.seed, task.id);
    const falseItems = items
      .filter((item) => isBelief(item) && this.statesFalsehood(`${item.title}\n${item.text}`))
      .map((item) => item.id);

    // The bounded cascade of the real clients (llm/cascade.ts): an answer that reports failure
    // goes one tier up, within llm.max_escalations; every call is paid for.
    const usage = { prompt: 0, completion: 0 };
    let costUsd: number | null = 0;
    let succeeded = false;
    const { accepted, attempts } = await runRequestCascade(request, async (tier) => {
      const modelName = this.models[tier];
      request.budget?.check({ model: modelName, tokens: promptTokens, costUsd: 0 });
      const able =
        this.rules.competence[tier][task.hardness] *
        (this.rules.rederive + (1 - this.rules.rederive) * coverage);
      let chance = able;
      for (const f of heldFacts) {
        if (f.falsehood === undefined) continue;
        // Told both, it trusts the false one half as often as when told only the false one.
        chance *= 1 - (f.truth === undefined ? this.rules.misled : this.rules.misled / 2);
      }
      // One draw per task for every tier: a stronger tier solves what a weaker one solves. A draw
      // the tier could solve but the false beliefs took away is an answer they misled.
      const success = draw < chance;
      const misled = !success && draw < able;
      const output = this.answer(task, success, misled, heldSkills, heldFacts);
      const call = {
        prompt: promptTokens,
        completion: COMPLETION_TOKENS + estimateTokens(JSON.stringify(output.memory)),
      };
      const cost = callCost(this.prices, [modelName], call);
      request.budget?.record(call, cost);
      usage.prompt += call.prompt;
      usage.completion += call.completion;
      costUsd = cost === null || costUsd === null ? null : costUsd + cost;
      succeeded = success;
      return { tier, output, problems: undefined };
    });
    if (!accepted) throw new Error(`the simulated model gave no answer to ${task.id}`);
    this.readings.set(task.id, {
      neededHeld: held,
      needed,
      falseItems,
      memoryItems: items.filter((i) => !['persona', 'constraints', 'goals'].includes(i.kind))
        .length,
      success: succeeded,
    });
    return {
      output: accepted.output,
      tier: accepted.tier,
      modelName: this.models[accepted.tier],
      usage,
      costUsd,
      tiersTried: attempts.map((attempt) => attempt.tier),
    };
  }

  private answer(
    task: StreamTask,
    success: boolean,
    /** Failed because it took a false belief in its context for true. */
    misled: boolean,
    heldSkills: (ContextItem | undefined)[],
    heldFacts: { truth?: ContextItem; falsehood?: ContextItem }[],
  ): SolveOutput {
    const random = new DrawSequence(this.seed, task.id);
    const skills: ProposedSkill[] = [];
    // A procedure is learned from a task solved without it: a failed attempt teaches none.
    if (success)
      task.skills.forEach((s, i) => {
        if (heldSkills[i] !== undefined) return;
        const skill = this.world.skills[s];
        if (!skill) return;
        skills.push({
          slug: skill.slug,
          title: skill.title,
          tags: skill.tags,
          procedure: `1. Check the inputs of the ${skill.title.toLowerCase()}.\n2. Run it step by step.\n3. Verify the result.`,
        });
      });

    const hypotheses: ProposedHypothesis[] = [];
    const evidence: ProposedEvidence[] = [];
    task.facts.forEach((f, i) => {
      const fact = this.world.facts[f] as HiddenFact;
      const name = task.namesUsed[i] ?? '';
      const found = heldFacts[i] ?? {};
      let value: string | undefined;
      // What the task's text says is taken as said, true or not, as a model reading a ticket does.
      if (task.falseClaim === f) value = fact.falsehood;
      else if (task.statedTruth === f) value = fact.truth;
      else if (success && found.truth === undefined)
        value = random.next() < this.rules.wrong_update ? fact.falsehood : fact.truth;
      else if (success) value = fact.truth;
      if (value !== undefined) hypotheses.push(this.factProposal(f, name, value));
      // A false belief is contradicted when the task states the truth, or noticed by a success.
      const contradicts = task.statedTruth === f || (success && random.next() < this.rules.notice);
      if (found.falsehood !== undefined && contradicts && task.falseClaim !== f)
        evidence.push({
          target: found.falsehood.id,
          supports: false,
          note: `${factText(this.world, f, name, fact.truth)}, not ${fact.falsehood}`,
        });
    });
    if (task.revealsNames !== undefined) {
      const thing = this.world.things[task.revealsNames];
      if (thing?.codename !== undefined)
        hypotheses.push({
          slug: slugify(thing.name),
          name: thing.name,
          claim: `${thing.name} is a system the agent works with, also called ${thing.codename}`,
          proposes: 'entity',
          aliases: [thing.codename],
          tags: [slugify(thing.name)],
          subject: null,
          predicate: null,
          object: null,
        });
    }
    // What it relied on: a misled answer, the false belief; any other, the true one when held. An
    // answer that succeeded with only a false belief about a fact worked the fact out again and
    // relied on nothing; one that failed anyway read the false one.
    const used = [
      ...heldSkills,
      ...heldFacts.map((f) =>
        misled && f.falsehood !== undefined
          ? f.falsehood
          : (f.truth ?? (success ? undefined : f.falsehood)),
      ),
    ].filter((item): item is ContextItem => item !== undefined);
    return {
      answer: success
        ? `Done: ${task.text.split('.')[0] ?? task.id}.`
        : `Attempted but not solved: ${task.text.split('.')[0] ?? task.id}.`,
      outcome: success ? 'success' : 'failure',
      used_context: used.map((item) => item.id),
      reward_decomposition: {
        correctness: success ? 1 : -1,
        efficiency: success && used.length > 0 ? 1 : 0,
        novelty: skills.length + hypotheses.length > 0 ? 1 : 0,
        generality: 0,
      },
      context_tags: [
        ...task.skills.map((s) => this.world.skills[s]?.tags[0] ?? ''),
        ...task.namesUsed.map((name) => slugify(name)),
      ].filter(Boolean),
      reasoning_demand: DEMAND_OF[task.hardness],
      memory: {
        skills,
        skills_used: heldSkills.filter((i): i is ContextItem => i !== undefined).map((i) => i.id),
        hypotheses,
        evidence,
        duplicates: [],
        shared_proposal: null,
      },
    };
  }

  private factProposal(fact: number, name: string, value: string): ProposedHypothesis {
    const f = this.world.facts[fact] as HiddenFact;
    const claim = factText(this.world, fact, name, value);
    return {
      slug: slugify(claim),
      name: claim,
      claim,
      proposes: 'relation',
      aliases: [],
      tags: [slugify(name), slugify(f.predicate)],
      subject: name,
      predicate: slugify(f.predicate),
      object: value,
    };
  }

  /** The context item that holds a needed skill: its title is the skill's (the model reads titles). */
  private skillItem(items: readonly ContextItem[], skill: number): ContextItem | undefined {
    const title = this.world.skills[skill]?.title.toLowerCase();
    return items.find((item) => item.kind === 'skill' && item.title.toLowerCase() === title);
  }

  /** Items that state a fact about a thing, by any of its names, with its true or its false value. */
  private factItems(
    items: readonly ContextItem[],
    fact: number,
  ): { truth?: ContextItem; falsehood?: ContextItem } {
    const f = this.world.facts[fact] as HiddenFact;
    const thing = this.world.things[f.subject];
    const names = [thing?.name, thing?.codename]
      .filter((n): n is string => n !== undefined)
      .map((n) => n.toLowerCase());
    const found: { truth?: ContextItem; falsehood?: ContextItem } = {};
    for (const item of items) {
      if (!['entity', 'relation', 'hypothesis'].includes(item.kind)) continue;
      const text = `${item.title}\n${item.text}`.toLowerCase();
      if (!text.includes(f.predicate) || !names.some((n) => text.includes(n))) continue;
      if (found.truth === undefined && text.includes(` ${f.predicate} ${f.truth}`))
        found.truth = item;
      if (found.falsehood === undefined && text.includes(` ${f.predicate} ${f.falsehood}`))
        found.falsehood = item;
    }
    return found;
  }

  /** Whether a belief's text states a false value of any fact of the world about its subject. */
  statesFalsehood(text: string): boolean {
    const lower = text.toLowerCase();
    return this.world.facts.some(
      (f) => lower.includes(` ${f.predicate} ${f.falsehood}`) && this.mentionsSubject(lower, f),
    );
  }

  private mentionsSubject(text: string, fact: HiddenFact): boolean {
    const thing = this.world.things[fact.subject];
    return [thing?.name, thing?.codename].some(
      (n) => n !== undefined && text.includes(n.toLowerCase()),
    );
  }
}

function isBelief(item: ContextItem): boolean {
  return item.kind === 'entity' || item.kind === 'relation' || item.kind === 'hypothesis';
}

/** Further draws of one task, fixed by the seed and the task: independent of the variant. */
class DrawSequence {
  private n = 0;
  constructor(
    private readonly seed: number,
    private readonly taskId: string,
  ) {}
  next(): number {
    this.n++;
    return taskDraw(this.seed, `${this.taskId}#${this.n}`);
  }
}
