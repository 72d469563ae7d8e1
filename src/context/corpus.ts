// The context corpus: an agent's candidates indexed for ranking (BM25 postings, tag holders, names,
// ids, entities and the facts that link to them, the newest time), kept from task to task in a
// process. Each task's memory is compared with the previous task's by value identity: a frozen value
// (the memory index hands out the same frozen value while a file is unchanged) keeps its document;
// anything else is built anew. A task then costs what changed and what its words reach, not a pass
// over every item (`run --all` and the daemon run thousands of tasks over 10,000 files).
import type { Segment } from '../consensus/segments.js';
import type { ParseCache } from '../memory/parse-cache.js';
import type { RewardRecord } from '../memory/rewards.js';
import type { Skill } from '../memory/skills.js';
import type { Belief } from '../world/beliefs.js';
import type { ContextItemKind, ExcludedItem } from './assemble.js';
import { countExclusion, type ExclusionCounts } from './exclusions.js';
import { Bm25Postings } from './bm25.js';
import {
  beliefEntry,
  excludedItem,
  isDormant,
  itemTerms,
  rewardEntry,
  round,
  segmentEntry,
  skillEntry,
  trustOf,
  type Candidate,
  type CandidateOrDormant,
  type ItemTerms,
} from './candidates.js';
import { contestedByBetterFact, wantedTagWorth } from './signals.js';
import { RecentlyUsed } from '../memory/recently-used.js';

type SourceKind = 'skill' | 'belief' | 'segment' | 'reward';
type SourceValue = Skill | Belief | Segment | RewardRecord;

/** The kinds of item a candidate can be (persona, constraints and goals are always in). */
export const CANDIDATE_KINDS: readonly ContextItemKind[] = [
  'skill',
  'entity',
  'relation',
  'hypothesis',
  'segment',
  'reward',
];

/**
 * Zero, held as a fraction (-0 is no small integer to V8). A field that starts as a small integer
 * changes the layout of its objects at the first fraction stored in it, and every document made
 * before then is migrated when next touched: 10,000 of them on the walk of the task after the
 * first, which took four times as long as any later walk.
 */
const FRACTION_ZERO = -0;

/** One memory value as the corpus holds it: a candidate with its terms, or a dormant item. */
export class ContextDocument {
  /** Place among the candidates (memory order) as of the last update. */
  position = -1;
  /** Place among all documents, dormant ones too, as of the last update. */
  sequence = -1;
  /** The update that last took it by a lookup (one taken where it was is marked in the corpus). */
  seen = 0;
  /** Whether the indexes hold it. */
  member = false;
  /** A fact or claim (a relation or hypothesis): ranked through what it is about. */
  readonly claim: boolean;
  /** A candidate's kind, as its place in CANDIDATE_KINDS (-1 for a dormant item). */
  readonly kindIndex: number;
  /**
   * Scratch of the ranking under way (assemble.ts), so that ranking thousands of reached items
   * needs no map per task: the ranking that last reached it, its relevance there and its score.
   */
  reached = 0;
  relevance = FRACTION_ZERO;
  score = FRACTION_ZERO;
  /** `ContextCorpus.contested`'s answer, and the version of the subject's facts it holds for. */
  contestedValue = false;
  contestedAt = -1;

  constructor(
    readonly kind: SourceKind,
    /** The frozen value it was built from (a whole skill, belief, …); undefined when never reused. */
    readonly key: object | undefined,
    /** Undefined for a dormant item. */
    readonly candidate: Candidate | undefined,
    readonly terms: ItemTerms | undefined,
    readonly trust: number,
    /**
     * How it is listed when excluded without a score: why it is dormant, or, for a candidate,
     * unrelated with a score of 0. Frozen: every task that excludes it lists the same object.
     */
    readonly excluded: ExcludedItem,
  ) {
    const itemKind = candidate?.item.kind;
    this.claim = itemKind === 'relation' || itemKind === 'hypothesis';
    this.kindIndex = itemKind === undefined ? -1 : CANDIDATE_KINDS.indexOf(itemKind);
    // A kind counted nowhere would miscount what every task leaves out.
    if (itemKind !== undefined && this.kindIndex < 0)
      throw new Error(`context corpus: a candidate of kind "${itemKind}", not in CANDIDATE_KINDS`);
  }
}

/** What the corpus is built from: the agent's memory, with the rewards that are candidates. */
export interface CorpusSources {
  agent: string;
  skills: readonly Skill[];
  world: readonly Belief[];
  segments: readonly Segment[];
  /** The reward records that are candidates (the most recent successful ones). */
  rewards: readonly RewardRecord[];
  cache?: ParseCache | undefined;
}

/** One update's walk over the new memory, beside the previous update's documents. */
interface Walk {
  previous: readonly ContextDocument[];
  /** The documents so far, made only once they differ from the previous ones. */
  next: ContextDocument[] | undefined;
  /** Beside `next`, each document's reuse key and kind (`ContextCorpus.keys`, `.kinds`). */
  nextKeys: (object | undefined)[] | undefined;
  nextKinds: SourceKind[] | undefined;
  /** Documents taken that the indexes do not hold yet: new, or back after an absence. */
  added: ContextDocument[];
  /** How many documents are taken so far. */
  taken: number;
  /** Where in `previous` the next value is expected. */
  cursor: number;
  update: number;
  agent: string;
  cache: ParseCache | undefined;
}

export class ContextCorpus {
  private agent: string | undefined;
  private documents: ContextDocument[] = [];
  /**
   * Beside `documents`, by place: each one's reuse key (its frozen value; undefined when it is
   * never reused) and kind, and the update that last took it. The walk compares a value with
   * these, not with the document: 10,000 documents scattered over the heap cost a cache miss
   * each, and the walk took 1.7 ms of an iteration at 10,000 files.
   */
  private keys: (object | undefined)[] = [];
  private kinds: SourceKind[] = [];
  private takenIn = new Int32Array(0);
  private byKey = new WeakMap<object, ContextDocument>();
  private updates = 0;
  private candidateList: ContextDocument[] = [];
  private dormantList: ExcludedItem[] = [];
  /**
   * The members counted as they come and go: a task's context.md counts what it left out without
   * a pass over them. Candidates by kind (as places in CANDIDATE_KINDS), dormant items by reason
   * and kind.
   */
  private readonly kindCounts: number[] = CANDIDATE_KINDS.map(() => 0);
  private readonly dormantKinds: ExclusionCounts = new Map();
  readonly text = new Bm25Postings<ContextDocument>();
  private readonly tags = new Holders();
  /** Entities by the first term of each of their names. */
  private readonly names = new Holders();
  private readonly ids = new Holders();
  private readonly entities = new Holders();
  private readonly subjects = new Holders();
  private readonly objects = new Holders();
  /** Per subject slug, a clock reading taken whenever a fact or claim about it came or went. */
  private readonly subjectVersions = new Map<string, number>();
  private clock = 0;
  /** How many candidates have each time; the newest of them. */
  private readonly times = new Map<number, number>();
  private newestTime = -Infinity;

  /** The candidates in memory order (skills, beliefs, segments, rewards). */
  get candidates(): readonly ContextDocument[] {
    return this.candidateList;
  }

  /** The dormant items in memory order, as excluded. */
  get dormant(): readonly ExcludedItem[] {
    return this.dormantList;
  }

  /** How many candidates there are of each kind, by place in CANDIDATE_KINDS (a copy). */
  candidateKinds(): number[] {
    return this.kindCounts.slice();
  }

  /** The dormant items counted by reason and kind, as of now (a copy). */
  dormantCounts(): ExclusionCounts {
    return new Map([...this.dormantKinds].map(([reason, kinds]) => [reason, new Map(kinds)]));
  }

  /** The newest time of any candidate; -Infinity when none has one. */
  get newest(): number {
    return this.newestTime;
  }

  /** Brings the corpus to `sources`: the values seen last time keep their documents. */
  update(sources: CorpusSources): void {
    if (this.agent !== sources.agent) this.clear(sources.agent);
    const walk: Walk = {
      previous: this.documents,
      next: undefined,
      nextKeys: undefined,
      nextKinds: undefined,
      added: [],
      taken: 0,
      cursor: 0,
      update: ++this.updates,
      agent: sources.agent,
      cache: sources.cache,
    };
    const { previous, update } = walk;
    const takenIn = this.takenIn;
    // Where the previous task had the same value (the usual case), it is kept without a lookup.
    this.takeAll(walk, 'skill', sources.skills);
    this.takeAll(walk, 'belief', sources.world);
    this.takeAll(walk, 'segment', sources.segments);
    this.takeAll(walk, 'reward', sources.rewards);
    if (walk.next === undefined && walk.taken === previous.length) return;
    const next = walk.next ?? previous.slice(0, walk.taken);
    // Added first, then removed: a changed item usually replaces the newest time, rarely lowers it.
    for (const document of walk.added) if (!document.member) this.add(document);
    for (let i = 0; i < previous.length; i++)
      if (takenIn[i] !== update) this.remove(previous[i] as ContextDocument);
    this.documents = next;
    this.keys = walk.nextKeys ?? this.keys.slice(0, walk.taken);
    this.kinds = walk.nextKinds ?? this.kinds.slice(0, walk.taken);
    this.takenIn = new Int32Array(next.length);
    // New lists, never changed once made: a context keeps them as what it left out.
    this.candidateList = [];
    this.dormantList = [];
    next.forEach((document, i) => {
      document.sequence = i;
      if (document.candidate === undefined) this.dormantList.push(document.excluded);
      else {
        document.position = this.candidateList.length;
        this.candidateList.push(document);
      }
    });
  }

  /** The candidates with the tag term. */
  holdingTag(tag: string): ReadonlySet<ContextDocument> {
    return this.tags.get(tag) ?? NONE;
  }

  /**
   * The wanted tag terms with what each is worth among all the candidates (`wantedTagWorth`), the
   * most worth first: a candidate first met under a tag while going through them in this order
   * holds no wanted tag worth more, so that tag's worth is its tag specificity.
   */
  wantedTagsByWorth(wanted: ReadonlyMap<string, number>): [string, number][] {
    const worth = wantedTagWorth(wanted, this.candidateList.length, (tag) => this.tags.count(tag));
    return [...worth].sort(([, a], [, b]) => b - a);
  }

  /** The entities one of whose names starts with a term of `phrase` (terms joined by spaces). */
  namedIn(phrase: string): Set<ContextDocument> {
    return this.names.union(new Set(phrase.split(' ')));
  }

  withId(id: string): ReadonlySet<ContextDocument> {
    return this.ids.get(id) ?? NONE;
  }

  /** The facts and claims about the thing `slug` names, as subject or object, added to `found`. */
  addLinkedTo(slug: string, found: Set<ContextDocument>): void {
    for (const document of this.subjects.get(slug) ?? NONE) found.add(document);
    for (const document of this.objects.get(slug) ?? NONE) found.add(document);
  }

  /**
   * Whether an active fact with more support contests the document's fact or claim
   * (`contestedByBetterFact` over the facts from its subject). It depends on the memory alone, not
   * on the task: kept on the document until a fact or claim about its subject comes or goes.
   */
  contested(document: ContextDocument): boolean {
    const link = document.candidate?.link;
    if (link?.subject === undefined) return false;
    const version = this.subjectVersions.get(link.subject) ?? 0;
    if (document.contestedAt !== version) {
      document.contestedValue = contestedByBetterFact(
        link,
        factsOf(this.subjects.get(link.subject) ?? NONE),
      );
      document.contestedAt = version;
    }
    return document.contestedValue;
  }

  /**
   * The candidate that gives the thing `slug` names its score: the last entity with that slug, or,
   * while none holds it, the last open claim that the thing exists.
   */
  entity(slug: string): ContextDocument | undefined {
    let last: ContextDocument | undefined;
    for (const document of this.entities.get(slug) ?? NONE)
      if (last === undefined || rankedAbove(document, last)) last = document;
    return last;
  }

  private clear(agent: string): void {
    for (const document of this.documents) this.remove(document);
    this.agent = agent;
    this.documents = [];
    this.keys = [];
    this.kinds = [];
    this.takenIn = new Int32Array(0);
    this.byKey = new WeakMap();
    this.candidateList = [];
    this.dormantList = [];
    this.kindCounts.fill(0);
    this.dormantKinds.clear();
  }

  /**
   * The documents of beliefs, segments or rewards: each where it was last time, or found or built.
   * One loop over 10,000 values, with no call for a value kept in place.
   */
  private takeAll(walk: Walk, kind: SourceKind, values: readonly SourceValue[]): void {
    const { keys, kinds, takenIn } = this;
    const { update } = walk;
    for (let i = 0; i < values.length; i++) {
      const value = values[i] as SourceValue;
      const at = walk.cursor;
      if (keys[at] === value && kinds[at] === kind && takenIn[at] !== update) this.keep(walk);
      else this.find(walk, kind, value);
    }
  }

  /** Takes the previous document at the walk's cursor, where it was. */
  private keep(walk: Walk): void {
    const at = walk.cursor;
    this.takenIn[at] = walk.update;
    if (walk.next !== undefined) {
      walk.next.push(walk.previous[at] as ContextDocument);
      walk.nextKeys?.push(this.keys[at]);
      walk.nextKinds?.push(this.kinds[at] as SourceKind);
    }
    walk.taken++;
    walk.cursor++;
  }

  /** The document of a value not where the previous update had it: moved, back, new or changed. */
  private find(walk: Walk, kind: SourceKind, value: SourceValue): void {
    if (walk.next === undefined) {
      walk.next = walk.previous.slice(0, walk.taken);
      walk.nextKeys = this.keys.slice(0, walk.taken);
      walk.nextKinds = this.kinds.slice(0, walk.taken);
    }
    let document = this.byKey.get(value);
    if (document !== undefined && document.kind === kind && !this.takenNow(document, walk)) {
      // Further on (the values before it are gone) or back after an absence.
      if (document.member) {
        this.takenIn[document.sequence] = walk.update;
        walk.cursor = document.sequence + 1;
      }
    } else {
      // A value twice in one memory is two candidates: the second gets its own document.
      const again = document !== undefined && this.takenNow(document, walk);
      document = build(walk, kind, value, !again && Object.isFrozen(value));
      if (document.key !== undefined) this.byKey.set(value, document);
    }
    document.seen = walk.update;
    if (!document.member) walk.added.push(document);
    walk.next.push(document);
    walk.nextKeys?.push(document.key);
    walk.nextKinds?.push(kind);
    walk.taken++;
  }

  /** Whether this update has taken the document already (where it was, or by a lookup). */
  private takenNow(document: ContextDocument, walk: Walk): boolean {
    if (document.seen === walk.update) return true;
    return document.member && this.takenIn[document.sequence] === walk.update;
  }

  private add(document: ContextDocument): void {
    document.member = true;
    this.count(document, 1);
    const { candidate, terms } = document;
    if (candidate === undefined || terms === undefined) return;
    this.text.add(document, terms.text);
    for (const tag of terms.tags) this.tags.add(tag, document);
    for (const name of terms.names) this.names.add(firstTerm(name), document);
    this.ids.add(candidate.item.id, document);
    if (candidate.entity !== undefined) this.entities.add(candidate.entity, document);
    if (candidate.link?.subject !== undefined) {
      this.subjects.add(candidate.link.subject, document);
      this.subjectVersions.set(candidate.link.subject, ++this.clock);
    }
    if (candidate.link?.object !== undefined) this.objects.add(candidate.link.object, document);
    if (candidate.at !== undefined) {
      this.times.set(candidate.at, (this.times.get(candidate.at) ?? 0) + 1);
      if (candidate.at > this.newestTime) this.newestTime = candidate.at;
    }
  }

  /** Counts a member that comes (1) or goes (-1). */
  private count(document: ContextDocument, change: 1 | -1): void {
    if (document.candidate !== undefined) {
      this.kindCounts[document.kindIndex] = (this.kindCounts[document.kindIndex] ?? 0) + change;
      return;
    }
    const { reason, kind } = document.excluded;
    countExclusion(this.dormantKinds, reason, kind, change);
  }

  private remove(document: ContextDocument): void {
    if (!document.member) return;
    document.member = false;
    this.count(document, -1);
    const { candidate, terms } = document;
    if (candidate === undefined || terms === undefined) return;
    this.text.remove(document);
    for (const tag of terms.tags) this.tags.remove(tag, document);
    for (const name of terms.names) this.names.remove(firstTerm(name), document);
    this.ids.remove(candidate.item.id, document);
    if (candidate.entity !== undefined) this.entities.remove(candidate.entity, document);
    if (candidate.link?.subject !== undefined) {
      this.subjects.remove(candidate.link.subject, document);
      this.subjectVersions.set(candidate.link.subject, ++this.clock);
    }
    if (candidate.link?.object !== undefined) this.objects.remove(candidate.link.object, document);
    if (candidate.at !== undefined) {
      const left = (this.times.get(candidate.at) ?? 1) - 1;
      if (left > 0) this.times.set(candidate.at, left);
      else {
        this.times.delete(candidate.at);
        if (candidate.at === this.newestTime)
          this.newestTime = [...this.times.keys()].reduce(
            (max, at) => Math.max(max, at),
            -Infinity,
          );
      }
    }
  }
}

function build(walk: Walk, kind: SourceKind, value: SourceValue, keep: boolean): ContextDocument {
  const entry = entryOf(walk.agent, kind, value);
  if (isDormant(entry)) {
    const excluded = Object.freeze(excludedItem(entry.item, 0, entry.reason));
    return new ContextDocument(kind, keep ? value : undefined, undefined, undefined, 0, excluded);
  }
  const trust = trustOf(entry.item);
  const unrelated = Object.freeze(excludedItem(entry.item, round(0 * trust), 'unrelated'));
  const terms = itemTerms(entry, walk.cache);
  return new ContextDocument(kind, keep ? value : undefined, entry, terms, trust, unrelated);
}

function entryOf(agent: string, kind: SourceKind, value: SourceValue): CandidateOrDormant {
  switch (kind) {
    case 'skill':
      return skillEntry(agent, value as Skill);
    case 'belief':
      return beliefEntry(agent, value as Belief);
    case 'segment':
      return segmentEntry(value as Segment);
    case 'reward':
      return rewardEntry(value as RewardRecord);
  }
}

/** The facts and claims among `documents`, as `contestedByBetterFact` reads them. */
function* factsOf(
  documents: Iterable<ContextDocument>,
): Generator<{ kind: string; link?: Candidate['link'] }> {
  for (const document of documents) {
    const candidate = document.candidate as Candidate;
    yield { kind: candidate.item.kind, link: candidate.link };
  }
}

function firstTerm(name: string): string {
  const space = name.indexOf(' ');
  return space < 0 ? name : name.slice(0, space);
}

const NONE: ReadonlySet<ContextDocument> = new Set();

/** Documents by a string they hold (a tag term, a name's first term, an id, a slug). */
class Holders {
  private readonly holders = new Map<string, Set<ContextDocument>>();

  add(key: string, document: ContextDocument): void {
    let set = this.holders.get(key);
    if (set === undefined) this.holders.set(key, (set = new Set()));
    set.add(document);
  }

  remove(key: string, document: ContextDocument): void {
    const set = this.holders.get(key);
    if (set === undefined) return;
    set.delete(document);
    if (set.size === 0) this.holders.delete(key);
  }

  get(key: string): ReadonlySet<ContextDocument> | undefined {
    return this.holders.get(key);
  }

  count(key: string): number | undefined {
    return this.holders.get(key)?.size;
  }

  union(keys: Iterable<string>): Set<ContextDocument> {
    const found = new Set<ContextDocument>();
    for (const key of keys)
      for (const document of this.holders.get(key) ?? NONE) found.add(document);
    return found;
  }
}

/** Corpora kept in a process, one per agent, the least recently used dropped past this many. */
const KEPT_CORPORA = 8;
const corpora = new RecentlyUsed<string, ContextCorpus>(KEPT_CORPORA);

/** The process's corpus of `agent`'s memory. */
export function corpusOf(agent: string): ContextCorpus {
  return corpora.use(agent, corpora.peek(agent) ?? new ContextCorpus());
}

/**
 * Which of two documents holding a thing's slug speaks for it: an entity over a claim that the
 * thing exists, then the later in memory order.
 */
function rankedAbove(document: ContextDocument, other: ContextDocument): boolean {
  const entity = document.candidate?.item.kind === 'entity';
  const otherEntity = other.candidate?.item.kind === 'entity';
  if (entity !== otherEntity) return entity;
  return document.position > other.position;
}
