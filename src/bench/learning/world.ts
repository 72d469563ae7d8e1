// The learning benchmark's hidden world and task stream: skills (reusable procedures), things and
// the facts about them, planted false claims that later tasks contradict, things known under two
// names, and task families of varying hardness whose solutions reuse the same skills and facts.
// Pure: the same seed and configuration give the same world and stream.
import { slugify } from '../../memory/layout.js';
import { Random } from '../random.js';

export type Hardness = 'easy' | 'medium' | 'hard';
export const HARDNESS: readonly Hardness[] = ['easy', 'medium', 'hard'];

export interface WorldShape {
  families: number;
  skills: number;
  things: number;
  /** Share of things that also go by a second name (a codename) in some tasks. */
  second_name_share: number;
  /** Share of tasks that carry a false claim about one of the facts they need. */
  false_claim_share: number;
  /** Share of tasks after a false claim's first appearance that state the truth about that fact. */
  contradiction_share: number;
  /** Weights of easy, medium and hard tasks. */
  hardness_weights: [number, number, number];
  /** Family f's popularity is 1 / (1 + f × family_skew): a few families recur often, a long tail rarely. */
  family_skew: number;
}

export interface HiddenSkill {
  slug: string;
  title: string;
  tags: string[];
}

export interface HiddenThing {
  name: string;
  /** A second name some tasks use instead (undefined: one name only). */
  codename?: string;
}

export interface HiddenFact {
  /** Index into things. */
  subject: number;
  predicate: string;
  truth: string;
  /** The value a planted false claim (or a wrong model update) gives instead. */
  falsehood: string;
}

export interface Family {
  key: string;
  skills: number[];
  facts: number[];
}

export interface HiddenWorld {
  skills: HiddenSkill[];
  things: HiddenThing[];
  facts: HiddenFact[];
  families: Family[];
}

export interface StreamTask {
  id: string;
  text: string;
  family: number;
  hardness: Hardness;
  /** Indexes of the skills and facts the task truly needs. */
  skills: number[];
  facts: number[];
  /** For each needed fact, the name of its subject the task uses. */
  namesUsed: string[];
  /** A fact the task's text states falsely, if any. */
  falseClaim?: number;
  /** A fact the task's text states truly (a contradiction of its false claim), if any. */
  statedTruth?: number;
  /** A thing whose two names the task's text says are one, if any. */
  revealsNames?: number;
}

const SYLLABLES =
  'ka lo ve dri nu sa tor mei qua zen bri fo lu pex ran sol tiv ur wen xa yor gal hem ost'.split(
    ' ',
  );
const PREDICATES = [
  'bills in',
  'pages with',
  'authenticates by',
  'retries on',
  'deploys to',
  'rate limits at',
];
const VALUES =
  'amber cobalt delta ember fjord garnet harbor indigo jasper kelvin lumen mistral nimbus onyx prism quartz'.split(
    ' ',
  );
const SKILL_VERBS =
  'reconcile rotate migrate triage backfill throttle replay audit shard drain'.split(' ');
const SKILL_NOUNS =
  'ledger certificate schema incident cursor quota webhook invoice replica queue'.split(' ');
const HARD_CUES = [
  'across every region before the deadline',
  'with zero downtime and a rollback plan',
];

/** A pronounceable made-up word, unique within `taken`: names that collide with nothing else. */
function coin(random: Random, taken: Set<string>, syllables: number): string {
  for (;;) {
    const word = Array.from({ length: syllables }, () => random.pick(SYLLABLES)).join('');
    if (!taken.has(word)) {
      taken.add(word);
      return word;
    }
  }
}

const capital = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

export function generateWorld(shape: WorldShape, seed: number): HiddenWorld {
  const random = new Random(seed * 7919 + 11);
  const taken = new Set<string>();
  const skills: HiddenSkill[] = Array.from({ length: shape.skills }, () => {
    const word = coin(random, taken, 2);
    const verb = random.pick(SKILL_VERBS);
    const noun = random.pick(SKILL_NOUNS);
    const title = `${capital(word)} ${verb} ${noun}`;
    return { slug: slugify(title), title, tags: [word, verb, noun] };
  });
  const things: HiddenThing[] = Array.from({ length: shape.things }, () => {
    const name = `${capital(coin(random, taken, 2))} ${capital(coin(random, taken, 2))}`;
    return random.chance(shape.second_name_share)
      ? { name, codename: `Project ${capital(coin(random, taken, 3))}` }
      : { name };
  });
  // One fact per thing and predicate pair drawn at random: each thing has one or two facts.
  const facts: HiddenFact[] = [];
  for (let t = 0; t < things.length; t++) {
    const predicates = random.shuffle(PREDICATES).slice(0, random.int(1, 2));
    for (const predicate of predicates) {
      const [truth, falsehood] = random.shuffle(VALUES) as [string, string];
      facts.push({ subject: t, predicate, truth, falsehood });
    }
  }
  const families: Family[] = Array.from({ length: shape.families }, (_, f) => {
    // Skills are shared between families: a sub-solution learned in one serves others.
    const familySkills = [
      ...new Set([random.int(0, skills.length - 1), random.int(0, skills.length - 1)]),
    ];
    const familyFacts = [
      ...new Set([random.int(0, facts.length - 1), random.int(0, facts.length - 1)]),
    ];
    return { key: `family-${f + 1}`, skills: familySkills, facts: familyFacts };
  });
  return { skills, things, facts, families };
}

/** The name a task uses for a thing: its codename in about a third of mentions, when it has one. */
function nameFor(thing: HiddenThing, random: Random): string {
  return thing.codename !== undefined && random.chance(1 / 3) ? thing.codename : thing.name;
}

export function factText(
  world: HiddenWorld,
  fact: number,
  subjectName: string,
  value: string,
): string {
  const f = world.facts[fact] as HiddenFact;
  return `${subjectName} ${f.predicate} ${value}`;
}

export function generateStream(
  world: HiddenWorld,
  shape: WorldShape,
  tasks: number,
  seed: number,
): StreamTask[] {
  const random = new Random(seed * 104_729 + 3);
  // Family popularity is skewed, as real work is: a few families recur often, others rarely.
  const weights = world.families.map((_, f) => 1 / (1 + f * shape.family_skew));
  const falselyClaimed = new Set<number>();
  const stream: StreamTask[] = [];
  for (let i = 0; i < tasks; i++) {
    const family = random.weighted(weights);
    const spec = world.families[family] as Family;
    const hardness = HARDNESS[random.weighted(shape.hardness_weights)] as Hardness;
    // A task of the family needs one or both of its skills and one or both of its facts.
    const skills =
      spec.skills.length > 1 && random.chance(0.5) ? [...spec.skills] : [spec.skills[0] as number];
    const facts =
      spec.facts.length > 1 && random.chance(0.5) ? [...spec.facts] : [spec.facts[0] as number];
    const namesUsed = facts.map((f) =>
      nameFor(world.things[(world.facts[f] as HiddenFact).subject] as HiddenThing, random),
    );
    const task: StreamTask = {
      id: `task-${String(i + 1).padStart(5, '0')}`,
      text: '',
      family,
      hardness,
      skills,
      facts,
      namesUsed,
    };
    const claimed = facts.find((f) => falselyClaimed.has(f));
    if (claimed !== undefined && random.chance(shape.contradiction_share))
      task.statedTruth = claimed;
    else if (random.chance(shape.false_claim_share)) {
      task.falseClaim = random.pick(facts);
      falselyClaimed.add(task.falseClaim);
    }
    const coded = facts
      .map((f) => (world.facts[f] as HiddenFact).subject)
      .find((t) => world.things[t]?.codename !== undefined);
    if (coded !== undefined && random.chance(0.15)) task.revealsNames = coded;
    task.text = taskText(world, task, random);
    stream.push(task);
  }
  return stream;
}

function taskText(world: HiddenWorld, task: StreamTask, random: Random): string {
  const skills = task.skills.map((s) => (world.skills[s] as HiddenSkill).title.toLowerCase());
  const subjects = task.facts.map((f, i) => {
    const fact = world.facts[f] as HiddenFact;
    return `${task.namesUsed[i] ?? ''} (how it ${fact.predicate.split(' ')[0]})`;
  });
  const parts = [`Do the ${skills.join(' and the ')} for ${subjects.join(' and ')}`];
  if (task.hardness === 'hard') parts.push(random.pick(HARD_CUES));
  let text = `${parts.join(' ')}.`;
  if (task.falseClaim !== undefined) {
    const i = task.facts.indexOf(task.falseClaim);
    const fact = world.facts[task.falseClaim] as HiddenFact;
    text += ` The ticket says ${factText(world, task.falseClaim, task.namesUsed[i] ?? '', fact.falsehood)}.`;
  }
  if (task.statedTruth !== undefined) {
    const i = task.facts.indexOf(task.statedTruth);
    const fact = world.facts[task.statedTruth] as HiddenFact;
    text += ` Confirmed by the vendor: ${factText(world, task.statedTruth, task.namesUsed[i] ?? '', fact.truth)}.`;
  }
  if (task.revealsNames !== undefined) {
    const thing = world.things[task.revealsNames] as HiddenThing;
    text += ` Note: ${thing.codename ?? ''} is the codename of ${thing.name}.`;
  }
  return text;
}
