// Context ranking's BM25: scoring only the documents that share a term with the query gives the
// same scores and coverage as scoring every document.
import { Bm25Index } from '../src/context/bm25.js';
import { terms } from '../src/context/text.js';

const DOCUMENTS = [
  'Retry a flaky payment webhook with exponential backoff',
  'Paginate the invoice API with a cursor',
  'Rotate the signing secret of the payment gateway',
  'Cache the exchange rates for an hour',
  'Retry, retry and retry again: backoff with jitter for the webhook queue',
  '',
].map((text) => terms(text));

describe('Bm25Index.matches', () => {
  it('scores exactly the documents that share a term, as score() and coverage() do', () => {
    const index = new Bm25Index(DOCUMENTS);
    const query = terms('retry the payment webhook with backoff, then cache');
    const covered = terms('retry payment');
    const scores = index.score(query);
    const coverage = index.coverage(covered);
    const matches = index.matches(query, covered);

    expect(matches.map((m) => m.document)).toEqual([0, 2, 3, 4]);
    for (const match of matches) {
      expect(match.score).toBe(scores[match.document]);
      expect(match.coverage).toBe(coverage[match.document]);
    }
    for (const [d, score] of scores.entries())
      if (!matches.some((m) => m.document === d)) expect([score, coverage[d]]).toEqual([0, 0]);
  });

  it('finds nothing for a query that shares no term', () => {
    expect(new Bm25Index(DOCUMENTS).matches(terms('quantum lattice'), [])).toEqual([]);
  });
});
