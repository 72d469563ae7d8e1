// Context ranking's BM25: scoring only the documents that share a term with the query gives the
// same scores and coverage as scoring every document.
import { Bm25Index, Bm25Postings, countTerms } from '../src/context/bm25.js';
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

describe('Bm25Postings', () => {
  const byDocument = <D>(matches: { document: D; score: number; coverage: number }[]) =>
    new Map(matches.map(({ document, score, coverage }) => [document, [score, coverage]]));

  it('matches as an index over the documents it holds, after documents come and go', () => {
    const postings = new Bm25Postings<string>();
    const counts = DOCUMENTS.map((document) => countTerms(document));
    counts.forEach((document, i) => postings.add(`d${i}`, document));
    postings.remove('d2');
    postings.remove('d4');
    postings.add('d4', counts[4] as (typeof counts)[number]);
    postings.add('d0', counts[0] as (typeof counts)[number]);
    const held = [0, 1, 3, 5, 4];
    const query = terms('retry the payment webhook with backoff, then cache');
    const covered = terms('retry payment');

    const index = new Bm25Index(held.map((i) => counts[i] as (typeof counts)[number]));
    const expected = index
      .matches(query, covered)
      .map((match) => ({ ...match, document: `d${held[match.document]}` }));

    expect(postings.size).toBe(5);
    expect(byDocument(postings.matches(query, covered))).toEqual(byDocument(expected));
    expect([...byDocument(expected).keys()].sort()).toEqual(['d0', 'd3', 'd4']);
  });

  it('holds counts written by hand as an index of them does: a term counted twice keeps its last count', () => {
    const postings = new Bm25Postings<number>();
    const counts = [
      { counts: ' retry:1 payment:2 retry:3 ', length: 6 },
      { counts: ' retry:3 payment:2 ', length: 5 },
      { counts: ' cache:1 ', length: 1 },
    ];
    counts.forEach((document, i) => postings.add(i, document));
    const byIndex = new Bm25Index(counts).matches(['retry', 'cache'], ['retry']);
    expect(byDocument(postings.matches(['retry', 'cache'], ['retry']))).toEqual(
      byDocument(byIndex),
    );
    postings.remove(0);
    expect(postings.matches(['retry'], ['retry']).map((match) => match.document)).toEqual([1]);
  });
});
