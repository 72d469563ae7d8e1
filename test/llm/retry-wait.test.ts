// The wait before a retried model call: what the endpoint asks for when it is sensible, else
// exponential backoff from the configured first wait, capped, with jitter.
import { retryWaitMs } from '../../src/llm/retry-wait.js';
import { servedModelCost, priceTable } from '../../src/llm/prices.js';

const headers = (values: Record<string, string>) => ({
  get: (name: string) => values[name] ?? null,
});
const NOW = Date.parse('2026-11-26T09:00:00Z');

describe('retryWaitMs', () => {
  it('doubles the first wait per retry, at most 8 s, less up to a quarter of jitter', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => retryWaitMs(n, 500, undefined, NOW, 0))).toEqual([
      500, 1000, 2000, 4000, 8000, 8000,
    ]);
    expect(retryWaitMs(1, 500, undefined, NOW, 0.999)).toBe(750);
    expect(retryWaitMs(3, 1, undefined, NOW, 0)).toBe(8);
  });

  it('obeys retry-after-ms, then Retry-After in seconds or as a date, up to a minute', () => {
    expect(retryWaitMs(0, 500, headers({ 'retry-after-ms': '20' }), NOW, 0)).toBe(20);
    expect(retryWaitMs(2, 500, headers({ 'retry-after': '0.005' }), NOW, 0)).toBe(5);
    expect(retryWaitMs(0, 500, headers({ 'retry-after': '3' }), NOW, 0)).toBe(3000);
    const date = new Date(NOW + 7000).toUTCString();
    expect(retryWaitMs(0, 500, headers({ 'retry-after': date }), NOW, 0)).toBe(7000);
    // An hour, a negative or a garbled value: the usual backoff instead.
    expect(retryWaitMs(0, 500, headers({ 'retry-after': '3600' }), NOW, 0)).toBe(500);
    expect(retryWaitMs(0, 500, headers({ 'retry-after-ms': '-5' }), NOW, 0)).toBe(500);
    expect(retryWaitMs(0, 500, headers({ 'retry-after': 'soon' }), NOW, 0)).toBe(500);
  });
});

describe('servedModelCost', () => {
  const table = priceTable({});
  const usage = { prompt: 1_000_000, completion: 0 };

  it('prices the model that answered, a dated snapshot as its model', () => {
    expect(servedModelCost(table, 'gpt-4o-2024-08-06', 'o3', usage)).toBe(2.5);
    expect(servedModelCost(table, 'o3', 'o3', usage)).toBe(2);
  });

  it('never prices an unknown served model by the requested name', () => {
    expect(servedModelCost(table, 'tiny-unigram', 'o3', usage)).toBeNull();
    expect(servedModelCost(table, '', 'o3', usage)).toBe(2);
  });
});
