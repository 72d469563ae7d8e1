// Okapi BM25 over an in-memory corpus: the text-relevance half of context ranking. Documents come
// as term counts (precomputed and kept in the memory index), so a query costs a lookup per
// document and query term, never a pass over the documents' text.

const K1 = 1.2;
const B = 0.75;

/** A document as BM25 sees it: how often each term occurs, and how many terms it has. */
export interface TermCounts {
  /** Term → occurrences. Plain data, so it can be stored in the memory index. */
  counts: Record<string, number>;
  length: number;
}

/** Counts the terms of one document (terms as `terms()` gives them, repeats kept). */
export function countTerms(terms: readonly string[]): TermCounts {
  const counts: Record<string, number> = {};
  for (const term of terms) counts[term] = (Object.hasOwn(counts, term) ? counts[term]! : 0) + 1;
  return { counts, length: terms.length };
}

export class Bm25Index {
  private readonly documents: readonly TermCounts[];
  private readonly documentFrequency = new Map<string, number>();
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
    let df = this.documentFrequency.get(term);
    if (df === undefined) {
      df = 0;
      for (const document of this.documents) if (Object.hasOwn(document.counts, term)) df++;
      this.documentFrequency.set(term, df);
    }
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /**
   * Per document, the share of the query's information (idf-weighted terms) the document contains:
   * 1 when it has every query term, near 0 when it shares only common words.
   */
  coverage(query: readonly string[]): number[] {
    const unique = [...new Set(query)];
    const weights = unique.map((term) => this.idf(term));
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    return this.documents.map(({ counts }) => {
      if (total === 0) return 0;
      let sum = 0;
      unique.forEach((term, i) => {
        if (Object.hasOwn(counts, term)) sum += weights[i] ?? 0;
      });
      return sum / total;
    });
  }

  /** One score per document; 0 where the document shares no term with the query. */
  score(query: readonly string[]): number[] {
    const unique = [...new Set(query)];
    const weights = unique.map((term) => this.idf(term));
    return this.documents.map(({ counts, length }) => {
      let sum = 0;
      unique.forEach((term, i) => {
        if (!Object.hasOwn(counts, term)) return;
        const tf = counts[term] ?? 0;
        const norm = tf + K1 * (1 - B + (B * length) / (this.averageLength || 1));
        sum += ((weights[i] ?? 0) * tf * (K1 + 1)) / norm;
      });
      return sum;
    });
  }
}

function isTermList(document: readonly string[] | TermCounts): document is readonly string[] {
  return Array.isArray(document);
}
