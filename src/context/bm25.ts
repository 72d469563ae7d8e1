// Okapi BM25 over a small in-memory corpus: the text-relevance half of context ranking.

const K1 = 1.2;
const B = 0.75;

export class Bm25Index {
  private readonly frequencies: Map<string, number>[];
  private readonly lengths: number[];
  private readonly documentFrequency = new Map<string, number>();
  private readonly averageLength: number;

  constructor(documents: readonly (readonly string[])[]) {
    this.frequencies = documents.map((terms) => {
      const counts = new Map<string, number>();
      for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
      for (const term of counts.keys()) {
        this.documentFrequency.set(term, (this.documentFrequency.get(term) ?? 0) + 1);
      }
      return counts;
    });
    this.lengths = documents.map((terms) => terms.length);
    const total = this.lengths.reduce((sum, n) => sum + n, 0);
    this.averageLength = documents.length > 0 ? total / documents.length : 0;
  }

  /** Inverse document frequency; a term no document has gets the highest value. */
  idf(term: string): number {
    const n = this.frequencies.length;
    const df = this.documentFrequency.get(term) ?? 0;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /**
   * Per document, the share of the query's information (idf-weighted terms) the document contains:
   * 1 when it has every query term, near 0 when it shares only common words.
   */
  coverage(query: readonly string[]): number[] {
    const unique = [...new Set(query)];
    const total = unique.reduce((sum, term) => sum + this.idf(term), 0);
    return this.frequencies.map((counts) =>
      total === 0
        ? 0
        : unique.reduce((sum, term) => sum + (counts.has(term) ? this.idf(term) : 0), 0) / total,
    );
  }

  /** One score per document; 0 where the document shares no term with the query. */
  score(query: readonly string[]): number[] {
    const unique = [...new Set(query)];
    return this.frequencies.map((counts, index) => {
      const length = this.lengths[index] ?? 0;
      let sum = 0;
      for (const term of unique) {
        const tf = counts.get(term);
        if (!tf) continue;
        const idf = this.idf(term);
        const norm = tf + K1 * (1 - B + (B * length) / (this.averageLength || 1));
        sum += (idf * tf * (K1 + 1)) / norm;
      }
      return sum;
    });
  }
}
