// The world one process holds across iterations (held-world.ts) must plan exactly what a fresh computation over the same files plans: the same writes and contents,
// refusals and transitions. Random worlds and skills change between plans (the plan's own writes,
// read back as the loop reads them, and hand edits: new, changed and deleted beliefs); each plan runs
// through the held values (frozen, as the memory index serves them) and afresh (not frozen).
import fc from 'fast-check';
import { planMemoryUpdate } from '../src/loop/update.js';
import { agentPaths, slugify, type WorldKind } from '../src/memory/layout.js';
import type { AgentSpec } from '../src/memory/registry.js';
import type { SolveOutput } from '../src/memory/solve-output.js';
import {
  parseBelief,
  familyOf,
  type Belief,
  type BeliefFamily,
  type Evidence,
} from '../src/world/beliefs.js';
import { holdWorld } from '../src/world/held-world.js';
import { parseMarkdown } from '../src/memory/markdown.js';
import { SkillSchema, type Skill } from '../src/memory/skills.js';
import { WorldIndex } from '../src/world/resolve.js';

const AGENT = 'orion';
const RUNS = 40;
const paths = agentPaths(AGENT);
const FOLDERS: Record<WorldKind, string> = {
  entity: 'entities',
  relation: 'relations',
  hypothesis: 'hypotheses',
};
// Most slugs start with "a", so a letter fills more than one page in a large world.
const WORDS = [
  'api',
  'auth',
  'archive',
  'alert',
  'adapter',
  'agent',
  'audit',
  'asset',
  'billing',
  'cache',
  'cursor',
  'deploy',
  'event',
  'feed',
  'gateway',
  'host',
  'index',
  'job',
  'kafka',
  'ledger',
  'metric',
  'queue',
  'rate limiter',
  'search',
  'token',
  'user',
  'vault',
  'zeta',
  '9lives',
  'Émile',
];
const PREDICATES = ['uses', 'calls', 'owns'];
const DATES = ['2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z'];

/** A small deterministic generator, so one fast-check seed is one whole scenario. */
class Dice {
  constructor(private state: number) {}
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}

function name(dice: Dice): string {
  const first = dice.chance(0.75) ? dice.pick(WORDS.slice(0, 8)) : dice.pick(WORDS);
  return dice.chance(0.2) ? first : `${first} ${dice.pick(WORDS)}`;
}

function evidence(dice: Dice): Evidence[] {
  return Array.from({ length: dice.int(5) }, () => ({
    task: `seed-${dice.int(6)}`,
    supports: dice.chance(0.6),
    at: dice.pick(DATES),
    note: null,
  }));
}

/** Any belief path of the world (of one family, when given, but rarely), or one not there. */
function target(dice: Dice, world: ReadonlyMap<string, Belief>, family?: BeliefFamily): string {
  const all = [...world.values()];
  if (all.length === 0 || dice.chance(0.1))
    return paths.world(dice.pick(['entity', 'relation'] as const), 'gone');
  let found = dice.pick(all);
  for (let tries = 0; tries < 20 && family && familyOf(found) !== family; tries++)
    found = dice.pick(all);
  return dice.chance(0.002) ? dice.pick(all).path : found.path;
}

function belief(dice: Dice, kind: WorldKind, n: number, world: Map<string, Belief>): Belief {
  const named = name(dice);
  const slug = `${slugify(named) || 'x'}-${kind[0]}${n}`;
  const path = paths.world(kind, slug);
  const proposes = dice.pick(['entity', 'relation'] as const);
  const family = kind === 'hypothesis' ? proposes : kind;
  const redirect = (): string | null => (dice.chance(0.1) ? target(dice, world, family) : null);
  const base = {
    name: named,
    aliases: Array.from({ length: dice.int(3) }, () => name(dice)),
    tags: [],
    confidence: Math.round(dice.next() * 100) / 100,
    evidence: evidence(dice),
    created: dice.pick(DATES),
    valid_at: null,
    invalid_at: dice.chance(0.1) ? dice.pick(DATES) : null,
    superseded_by: null as string | null,
    ...(dice.chance(0.05) ? { merged_into: target(dice, world, family) } : {}),
  };
  const triple = () => ({
    subject: name(dice),
    predicate: dice.pick(PREDICATES),
    object: name(dice),
  });
  const data =
    kind === 'entity'
      ? { kind, ...base, status: dice.pick(['active', 'active', 'superseded', 'retired']) }
      : kind === 'relation'
        ? { kind, ...base, ...triple(), status: dice.pick(['active', 'active', 'superseded']) }
        : {
            kind,
            ...base,
            claim: `${named} holds`,
            proposes,
            ...(dice.chance(0.8) ? triple() : {}),
            status: dice.pick(['open', 'open', 'promoted', 'refuted']),
            superseded_by: redirect(),
          };
  return { slug, path, body: `About ${named}.`, data: data as Belief['data'] };
}

function world(dice: Dice): Map<string, Belief> {
  const large = dice.chance(0.5);
  const all = new Map<string, Belief>();
  let n = 0;
  for (const kind of ['entity', 'relation', 'hypothesis'] as const) {
    const count = large ? 200 + dice.int(120) : dice.int(30);
    for (let i = 0; i < count; i++) {
      const made = belief(dice, kind, n++, all);
      all.set(made.path, made);
    }
  }
  return all;
}

function skill(dice: Dice, slug: string): Skill {
  const uses = dice.int(6);
  return {
    slug,
    path: `${paths.skillsDir}/${slug}.md`,
    body: 'Steps.',
    data: {
      title: `Do ${slug}`,
      tags: [],
      uses,
      successes: dice.int(uses + 1),
      failures: 0,
      created: dice.pick(DATES),
      last_used: null,
      source_tasks: [],
      status: dice.chance(0.8) ? 'active' : 'archived',
    },
  };
}

function skills(dice: Dice): Map<string, Skill> {
  const all = new Map<string, Skill>();
  const count = dice.chance(0.5) ? 200 + dice.int(120) : dice.int(30);
  for (let i = 0; i < count; i++) {
    const made = skill(dice, `${slugify(name(dice)) || 'x'}-s${i}`);
    all.set(made.path, made);
  }
  return all;
}

/** A person's edits between iterations: new beliefs, changed ones, a deleted one. */
function handEdit(dice: Dice, current: Map<string, Belief>, step: number): void {
  for (let i = dice.int(4); i > 0; i--) {
    const made = belief(
      dice,
      dice.pick(['entity', 'relation', 'hypothesis'] as const),
      9000 + step * 10 + i,
      current,
    );
    current.set(made.path, made);
  }
  for (let i = dice.int(4); i > 0 && current.size > 0; i--) {
    const old = current.get(target(dice, current));
    if (!old) continue;
    const fresh = belief(dice, old.data.kind, 0, current);
    current.set(old.path, {
      ...old,
      data: { ...fresh.data, kind: old.data.kind } as Belief['data'],
    });
  }
  if (dice.chance(0.3) && current.size > 0) current.delete(target(dice, current));
}

function output(
  dice: Dice,
  current: ReadonlyMap<string, Belief>,
  known: ReadonlyMap<string, Skill>,
): SolveOutput {
  const slugs = [...known.values()].map((s) => s.slug);
  const relative = (path: string) => path.slice(`${paths.root}/`.length);
  return {
    answer: 'done',
    outcome: 'success',
    used_context: [],
    reward_decomposition: { correctness: 1, efficiency: 0, novelty: 0, generality: 0 },
    context_tags: [],
    reasoning_demand: 'routine',
    memory: {
      skills: Array.from({ length: dice.int(3) }, () => ({
        slug: slugify(name(dice)) || 'x',
        title: 'A way',
        tags: [],
        procedure: 'Steps.',
      })),
      skills_used: Array.from({ length: slugs.length === 0 ? 0 : dice.int(4) }, () =>
        dice.chance(0.1) ? 'skills/none.md' : `skills/${dice.pick(slugs)}.md`,
      ),
      hypotheses: Array.from({ length: dice.int(5) }, () => {
        const named = name(dice);
        const relation = dice.chance(0.5);
        return {
          slug: dice.chance(0.05) ? 'Not A Slug' : slugify(named) || 'x',
          name: named,
          claim: `${named} holds`,
          proposes: relation ? ('relation' as const) : ('entity' as const),
          aliases: Array.from({ length: dice.int(3) }, () => name(dice)),
          tags: [],
          subject: relation ? name(dice) : null,
          predicate: relation ? dice.pick(PREDICATES) : null,
          object: relation ? name(dice) : null,
        };
      }),
      evidence: Array.from({ length: dice.int(8) }, () => ({
        target: relative(target(dice, current)),
        supports: dice.chance(0.3),
        note: 'seen',
      })),
      duplicates: Array.from({ length: dice.int(3) }, () => ({
        target: relative(target(dice, current)),
        duplicate_of: relative(target(dice, current)),
        note: 'same',
      })),
      shared_proposal: null,
    },
  };
}

/** Reads the plan's belief and skill writes back as the next iteration would. */
function readBack(
  current: Map<string, Belief>,
  known: Map<string, Skill>,
  plan: ReturnType<typeof planMemoryUpdate>,
): void {
  for (const write of plan.writes) {
    const skillSlug = /\/skills\/([^/]+)\.md$/.exec(write.path)?.[1];
    if (skillSlug !== undefined) {
      const { data, body } = parseMarkdown(write.path, write.content, SkillSchema);
      known.set(write.path, { slug: skillSlug, path: write.path, data, body });
      continue;
    }
    const match = /\/world\/(entities|relations|hypotheses)\/([^/]+)\.md$/.exec(write.path);
    if (!match) continue;
    const kind = (Object.keys(FOLDERS) as WorldKind[]).find((k) => FOLDERS[k] === match[1]);
    if (!kind) continue;
    current.set(write.path, parseBelief(kind, match[2] ?? '', write.path, write.content));
  }
}

const spec = (learning: AgentSpec['learning']): AgentSpec => ({
  name: AGENT,
  persona: 'p',
  domain: '',
  goals: [],
  hints: [],
  risk_level: 'medium',
  autonomy: 'autonomous',
  learning,
  budget: 'balanced',
});

describe('the world held across iterations', () => {
  it('plans exactly what a fresh computation plans, iteration after iteration', () => {
    let exact = 0;
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const dice = new Dice(seed);
        const current = world(dice);
        const known = skills(dice);
        for (let step = 0; step < 6; step++) {
          const held = [...current.values()].map((b) => deepFreeze(structuredClone(b)));
          // The memory index serves an unchanged file as the same value: keep those identities.
          held.forEach((b, i) => {
            const before = current.get(b.path);
            if (before && Object.isFrozen(before)) held[i] = before;
          });
          for (const b of held) current.set(b.path, b);
          const fresh = held.map((b) => structuredClone(b));
          for (const [path, s] of known)
            if (!Object.isFrozen(s)) known.set(path, deepFreeze(structuredClone(s)));
          // loadSkills wraps an unchanged file's frozen parse in a new object each time.
          const heldSkills = [...known.values()].map((s) => (dice.chance(0.5) ? { ...s } : s));
          const freshSkills = heldSkills.map((s) => structuredClone(s));
          const input = {
            agent: spec(dice.chance(0.8) ? 'active' : 'constrained'),
            taskId: `t-${step}`,
            at: dice.pick(DATES),
            output: output(dice, current, known),
            outcome: 'success' as const,
            verified: true,
          };
          const viaHeld = planMemoryUpdate({ ...input, world: held, skills: heldSkills });
          const afresh = planMemoryUpdate({ ...input, world: fresh, skills: freshSkills });
          expect(viaHeld).toEqual(afresh);

          // The held world itself answers as a fresh index over the same world.
          const kept = holdWorld(AGENT, held);
          if (kept === undefined) throw new Error('a frozen world with distinct paths is held');
          const index = new WorldIndex(fresh);
          if (kept.index.exact) exact++;
          for (const b of kept.index.exact ? fresh.filter(() => dice.chance(0.1)) : []) {
            for (const key of [b.slug, b.data.name, ...b.data.aliases])
              expect(kept.index.entity(key)?.path).toBe(index.entity(key)?.path);
            expect(kept.index.relationBySlug(b.slug)?.path).toBe(
              index.relationBySlug(b.slug)?.path,
            );
            const { subject, predicate, object } = b.data as Partial<Record<string, string>>;
            if (subject && predicate && object) {
              expect(kept.index.relation(subject, predicate, object)?.path).toBe(
                index.relation(subject, predicate, object)?.path,
              );
            }
          }
          readBack(current, known, afresh);
          handEdit(dice, current, step);
        }
      }),
      { numRuns: RUNS },
    );
    // Most worlds have no thing redirecting to a fact: their index is the held one.
    expect(exact).toBeGreaterThan(RUNS * 3);
  });
});
