// Okapi BM25 over an in-memory corpus: the text-relevance half of context ranking. Documents come
// as term counts (precomputed and kept in the memory index), so a query costs a lookup per
// document and query term, never a pass over the documents' text. Counts are one string per
// document (" term:count term:count "): thousands of them load from the index far faster than
// as many objects.

const K1 = 1.2;
const B = 0.75;

/** A document as BM25 sees it: how often each term occurs, and how many terms it has. */
export interface TermCounts {
  /** " term:count term:count " (terms have no spaces or colons). */
  counts: string;
  length: number;
}

/** Counts the terms of one document (terms as `terms()` gives them, repeats kept). */
export function countTerms(terms: readonly string[]): TermCounts {
  const counts = new Map<string, number>();
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  const encoded = [...counts].map(([term, n]) => `${term}:${n}`).join(' ');
  return { counts: ` ${encoded} `, length: terms.length };
}

/**
 * Counts decoded once per document object: documents served by the memory index are the same
 * (frozen) objects on every iteration of a process, so later queries cost one lookup per term.
 */
const decoded = new WeakMap<TermCounts, Map<string, number>>();

/**
 * Inverse document frequency of a term `df` of `n` documents hold, as Okapi BM25 weighs it (never
 * negative); a term no document has gets the highest value.
 */
export function idf(n: number, df: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/** How often `term` occurs in the document (0 when it does not). */
export function termFrequency(document: TermCounts, term: string): number {
  return decodedCounts(document).get(term) ?? 0;
}

function decodedCounts(document: TermCounts): Map<string, number> {
  let counts = decoded.get(document);
  if (counts === undefined) {
    const map = new Map<string, number>();
    eachCount(document, (term, count) => map.set(term, count));
    decoded.set(document, (counts = map));
  }
  return counts;
}

/** A document that shares a term with a query: the document (its index, or itself) and its results. */
export interface Bm25Match<D = number> {
  document: D;
  score: number;
  coverage: number;
}

export class Bm25Index {
  private readonly documents: readonly TermCounts[];
  /** The last query's frequencies: score() and coverage() of one query share them. */
  private memo: { key: string; tf: number[][]; df: number[] } | undefined;
  private readonly averageLength: number;

  /** Documents as their terms (counted here) or as counts made earlier. */
  constructor(documents: readonly (readonly string[] | TermCounts)[]) {
    this.documents = documents.map((document) =>
      isTermList(document) ? countTerms(document) : document,
    );
    const total = this.documents.reduce((sum, document) => sum + document.length, 0);
    this.averageLength = this.documents.length > 0 ? total / this.documents.length : 0;
  }

  /** Inverse document frequency; a term no document has gets the highest value. */
  idf(term: string): number {
    const n = this.documents.length;
    return idf(n, this.frequencies([term]).df[0] ?? 0);
  }

  /**
   * Per document, the share of the query's information (idf-weighted terms) the document contains:
   * 1 when it has every query term, near 0 when it shares only common words.
   */
  coverage(query: readonly string[]): number[] {
    const { unique, tf, weights } = this.query(query);
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    return this.documents.map((_, d) => {
      if (total === 0) return 0;
      let sum = 0;
      for (let i = 0; i < unique.length; i++) if ((tf[i]?.[d] ?? 0) > 0) sum += weights[i] ?? 0;
      return sum / total;
    });
  }

  /** One score per document; 0 where the document shares no term with the query. */
  score(query: readonly string[]): number[] {
    const { unique, tf, weights } = this.query(query);
    return this.documents.map((document, d) => {
      let sum = 0;
      for (let i = 0; i < unique.length; i++) {
        const frequency = tf[i]?.[d] ?? 0;
        if (frequency === 0) continue;
        const norm = frequency + K1 * (1 - B + (B * document.length) / (this.averageLength || 1));
        sum += ((weights[i] ?? 0) * frequency * (K1 + 1)) / norm;
      }
      return sum;
    });
  }

  /**
   * The documents that share a term with `query` or `covered`, each with its `score(query)` and its
   * `coverage(covered)`, computed as those do; every other document scores 0 and covers 0. Only the
   * matching documents are scored and only they get an object, so a query over 10,000 documents
   * costs a lookup per document and distinct term, not 10,000 results per term.
   */
  matches(query: readonly string[], covered: readonly string[]): Bm25Match[] {
    const columns = queryColumns(query, covered);
    const width = columns.terms.length;
    const df = new Array<number>(width).fill(0);
    const found = new Rows().reset(width);
    const documents: number[] = [];
    for (let d = 0; d < this.documents.length; d++) {
      const document = this.documents[d] as TermCounts;
      const counts = decodedCounts(document);
      let row = -1;
      for (let i = 0; i < width; i++) {
        const frequency = counts.get(columns.terms[i] as string);
        if (frequency === undefined || frequency === 0) continue;
        if (row < 0) row = found.add(document.length);
        found.tf[row * width + i] = frequency;
        df[i] = (df[i] as number) + 1;
      }
      if (row >= 0) documents.push(d);
    }
    const matches: Bm25Match[] = [];
    scoreRows(
      columns,
      df,
      this.documents.length,
      this.averageLength,
      found,
      (row, score, coverage) =>
        matches.push({ document: documents[row] as number, score, coverage }),
    );
    return matches;
  }

  /** The query's distinct terms, their frequency in each document and their idf: one pass. */
  private query(query: readonly string[]): { unique: string[]; tf: number[][]; weights: number[] } {
    const unique = [...new Set(query)];
    const { tf, df } = this.frequencies(unique);
    const n = this.documents.length;
    const weights = df.map((count) => idf(n, count));
    return { unique, tf, weights };
  }

  private frequencies(terms: readonly string[]): { tf: number[][]; df: number[] } {
    const key = terms.join(' ');
    if (this.memo?.key !== key) {
      const tf = terms.map(() => new Array<number>(this.documents.length).fill(0));
      this.documents.forEach((document, d) => {
        const counts = decodedCounts(document);
        terms.forEach((term, i) => {
          const frequency = counts.get(term);
          if (frequency !== undefined) (tf[i] as number[])[d] = frequency;
        });
      });
      const df = tf.map((row) => row.reduce((count, f) => count + (f > 0 ? 1 : 0), 0));
      this.memo = { key, tf, df };
    }
    return this.memo;
  }
}

/** The documents holding a term, and the term's frequency in each: two arrays in step. */
interface Posting {
  slots: number[];
  frequencies: number[];
}

/** Each term of `document` with its count, read from the counts' text in place. */
function eachCount(document: TermCounts, visit: (term: string, count: number) => void): void {
  const text = document.counts;
  for (let start = 0; start < text.length;) {
    let end = text.indexOf(' ', start);
    if (end < 0) end = text.length;
    const colon = text.lastIndexOf(':', end - 1);
    if (colon > start) visit(text.slice(start, colon), Number(text.slice(colon + 1, end)));
    start = end + 1;
  }
}

function isTermList(document: readonly string[] | TermCounts): document is readonly string[] {
  return Array.isArray(document);
}

/** A query's distinct scored and covered terms, and a column per distinct term of either. */
interface QueryColumns {
  scored: string[];
  covered: string[];
  terms: string[];
  column: Map<string, number>;
}

function queryColumns(query: readonly string[], covered: readonly string[]): QueryColumns {
  const scored = [...new Set(query)];
  const coveredTerms = [...new Set(covered)];
  const terms = [...new Set([...scored, ...coveredTerms])];
  return {
    scored,
    covered: coveredTerms,
    terms,
    column: new Map(terms.map((term, i) => [term, i])),
  };
}

/**
 * The documents sharing a term with a query, one row each: each column's frequency (row-major, a
 * row per document, a column per query term) and the document's length.
 */
class Rows {
  /** Row-major frequencies: `width` columns a row. */
  tf: Float64Array = new Float64Array(0);
  lengths: Float64Array = new Float64Array(0);
  count = 0;
  width = 0;

  /** Empties the rows for a query of `width` columns, keeping the storage. */
  reset(width: number): this {
    this.width = width;
    this.count = 0;
    return this;
  }

  /** A new row of zeros for a document of `length` terms; its number. */
  add(length: number): number {
    const row = this.count++;
    if (this.count > this.lengths.length) {
      const capacity = Math.max(64, this.lengths.length * 2);
      this.lengths = grown(this.lengths, capacity);
      this.tf = grown(this.tf, capacity * this.width);
    } else if ((row + 1) * this.width > this.tf.length) {
      this.tf = grown(this.tf, this.lengths.length * this.width);
    }
    this.tf.fill(0, row * this.width, (row + 1) * this.width);
    this.lengths[row] = length;
    return row;
  }
}

/** `array`'s values in an array of `size` (at least as long). */
function grown(array: Float64Array, size: number): Float64Array {
  const next = new Float64Array(size);
  next.set(array.subarray(0, Math.min(array.length, size)));
  return next;
}

/**
 * `score(query)` and `coverage(covered)` of each row, from each column's document frequency among
 * `n` documents: one computation for an index built per query and for postings kept across
 * queries, so both give the same numbers.
 */
function scoreRows(
  columns: QueryColumns,
  df: readonly number[],
  n: number,
  averageLength: number,
  rows: Rows,
  visit: (row: number, score: number, coverage: number) => void,
): void {
  const { scored, covered, column } = columns;
  const width = columns.terms.length;
  const weight = (term: string): number => idf(n, df[column.get(term) as number] as number);
  const scoreWeights = scored.map(weight);
  const scoreColumns = scored.map((term) => column.get(term) as number);
  const coverWeights = covered.map(weight);
  const coverColumns = covered.map((term) => column.get(term) as number);
  const total = coverWeights.reduce((sum, w) => sum + w, 0);
  const { tf, lengths } = rows;
  for (let row = 0; row < rows.count; row++) {
    const length = lengths[row] as number;
    const at = row * width;
    let score = 0;
    for (let i = 0; i < scored.length; i++) {
      const frequency = tf[at + (scoreColumns[i] as number)] as number;
      if (frequency === 0) continue;
      const norm = frequency + K1 * (1 - B + (B * length) / (averageLength || 1));
      score += ((scoreWeights[i] ?? 0) * frequency * (K1 + 1)) / norm;
    }
    let coverage = 0;
    if (total !== 0) {
      let sum = 0;
      for (let i = 0; i < covered.length; i++)
        if ((tf[at + (coverColumns[i] as number)] as number) > 0) sum += coverWeights[i] ?? 0;
      coverage = sum / total;
    }
    visit(row, score, coverage);
  }
}

/**
 * BM25 over documents that come and go: postings (term → document → frequency) kept as documents
 * are added and removed, so a query costs the documents that hold its terms, not a look at every
 * document. `matches` gives what `Bm25Index.matches` gives over the same documents. Documents sit
 * in numbered slots, so that a query tells the ones it found by number, not through a map.
 */
export class Bm25Postings<D> {
  /** Term → the slots holding it and its frequency in each (in no particular order). */
  private readonly postings = new Map<string, Posting>();
  private readonly slots = new Map<D, number>();
  private readonly documents: (D | undefined)[] = [];
  private readonly counts: (TermCounts | undefined)[] = [];
  private readonly free: number[] = [];
  private totalLength = 0;
  /** Per slot, the query that last found it and its row there. */
  private readonly foundBy: number[] = [];
  private readonly rowOf: number[] = [];
  private queries = 0;
  /** The rows of the current query: storage kept from query to query. */
  private readonly rows = new Rows();

  get size(): number {
    return this.slots.size;
  }

  add(document: D, counts: TermCounts): void {
    if (this.slots.has(document)) return;
    const slot = this.free.pop() ?? this.documents.length;
    this.slots.set(document, slot);
    this.documents[slot] = document;
    this.counts[slot] = counts;
    this.foundBy[slot] = 0;
    this.rowOf[slot] = 0;
    this.totalLength += counts.length;
    // Read from the counts' text as it is (10,000 documents come in when a process starts): no
    // map of each document's counts.
    eachCount(counts, (term, frequency) => {
      if (frequency === 0) return;
      let posting = this.postings.get(term);
      if (posting === undefined)
        this.postings.set(term, (posting = { slots: [], frequencies: [] }));
      // A term counted twice (counts not made by countTerms): the last count, as a map would keep.
      const last = posting.slots.length - 1;
      if (posting.slots[last] === slot) {
        posting.frequencies[last] = frequency;
        return;
      }
      posting.slots.push(slot);
      posting.frequencies.push(frequency);
    });
  }

  remove(document: D): void {
    const slot = this.slots.get(document);
    if (slot === undefined) return;
    const counts = this.counts[slot] as TermCounts;
    this.slots.delete(document);
    this.documents[slot] = undefined;
    this.counts[slot] = undefined;
    this.free.push(slot);
    this.totalLength -= counts.length;
    eachCount(counts, (term) => {
      const posting = this.postings.get(term);
      const at = posting?.slots.indexOf(slot) ?? -1;
      if (posting === undefined || at < 0) return;
      // The last entry takes the removed one's place.
      const last = posting.slots.length - 1;
      posting.slots[at] = posting.slots[last] as number;
      posting.frequencies[at] = posting.frequencies[last] as number;
      posting.slots.pop();
      posting.frequencies.pop();
      if (posting.slots.length === 0) this.postings.delete(term);
    });
  }

  /** The documents that share a term with `query` or `covered`, in no particular order. */
  matches(query: readonly string[], covered: readonly string[]): Bm25Match<D>[] {
    const matches: Bm25Match<D>[] = [];
    this.eachMatch(query, covered, (document, score, coverage) =>
      matches.push({ document, score, coverage }),
    );
    return matches;
  }

  /** `matches` one document at a time, without an object for each. */
  eachMatch(
    query: readonly string[],
    covered: readonly string[],
    visit: (document: D, score: number, coverage: number) => void,
  ): void {
    this.score(query, covered, undefined, visit);
  }

  /**
   * What `eachMatch` gives each of `documents` (held ones, each named once), visiting only them:
   * one that shares no term scores 0 and covers 0. The ranking of a large memory scores the
   * documents it reached this way, not every document that shares a common word with the task.
   */
  eachScored(
    query: readonly string[],
    covered: readonly string[],
    documents: Iterable<D>,
    visit: (document: D, score: number, coverage: number) => void,
  ): void {
    this.score(query, covered, documents, visit);
  }

  /** How many documents hold `term`. */
  frequency(term: string): number {
    return this.postings.get(term)?.slots.length ?? 0;
  }

  /** The documents holding `term`, in no particular order. */
  eachHolding(term: string, visit: (document: D) => void): void {
    for (const slot of this.postings.get(term)?.slots ?? []) visit(this.documents[slot] as D);
  }

  /** The term's idf among the documents held: its weight in a score and in coverage. */
  weight(term: string): number {
    return idf(this.slots.size, this.frequency(term));
  }

  /** The most `term` can add to any document's score, whatever its count and length. */
  scoreCeiling(term: string): number {
    return this.weight(term) * (K1 + 1);
  }

  /**
   * Scores the documents that share a term with the query (`only` absent) or `only` those: rows
   * are made for them, then each query term's postings fill in the rows of the documents found.
   */
  private score(
    query: readonly string[],
    covered: readonly string[],
    only: Iterable<D> | undefined,
    visit: (document: D, score: number, coverage: number) => void,
  ): void {
    const columns = queryColumns(query, covered);
    const width = columns.terms.length;
    const df = columns.terms.map((term) => this.frequency(term));
    const search = ++this.queries;
    const found = this.rows.reset(width);
    const slots: number[] = [];
    const { foundBy, rowOf, counts } = this;
    const find = (slot: number): void => {
      foundBy[slot] = search;
      rowOf[slot] = found.add((counts[slot] as TermCounts).length);
      slots.push(slot);
    };
    if (only !== undefined)
      for (const document of only) {
        const slot = this.slots.get(document);
        if (slot !== undefined && foundBy[slot] !== search) find(slot);
      }
    columns.terms.forEach((term, i) => {
      const posting = this.postings.get(term);
      if (posting === undefined) return;
      const { slots: holding, frequencies } = posting;
      for (let k = 0; k < holding.length; k++) {
        const slot = holding[k] as number;
        if (foundBy[slot] !== search) {
          if (only !== undefined) continue;
          find(slot);
        }
        found.tf[(rowOf[slot] as number) * width + i] = frequencies[k] as number;
      }
    });
    const n = this.slots.size;
    const averageLength = n > 0 ? this.totalLength / n : 0;
    scoreRows(columns, df, n, averageLength, found, (row, score, coverage) =>
      visit(this.documents[slots[row] as number] as D, score, coverage),
    );
  }
}
