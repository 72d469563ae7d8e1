// Cost from usage and a price table: exact matches only, snapshots and OpenRouter names resolved,
// unknown models null, configured prices over the defaults.
import { callCost, DEFAULT_PRICES, priceOf, priceTable, sumCosts } from '../../src/llm/prices.js';

describe('prices', () => {
  it('bills a call from its usage, cached prompt tokens at the cached price', () => {
    expect(callCost(DEFAULT_PRICES, ['gpt-4o'], { prompt: 1_000_000, completion: 100_000 })).toBe(
      3.5,
    );
    expect(
      callCost(DEFAULT_PRICES, ['gpt-4o'], {
        prompt: 1_000_000,
        completion: 0,
        cachedPrompt: 400_000,
      }),
    ).toBe(0.6 * 2.5 + 0.4 * 1.25);
    expect(callCost(DEFAULT_PRICES, ['gpt-4o-mini'], { prompt: 3120, completion: 640 })).toBe(
      0.000852,
    );
  });

  it('resolves snapshot and OpenRouter names, and never bills one model as another', () => {
    expect(priceOf(DEFAULT_PRICES, 'gpt-4o-2024-08-06')).toBe(DEFAULT_PRICES['gpt-4o']);
    expect(priceOf(DEFAULT_PRICES, 'openai/gpt-4o-mini')).toBe(DEFAULT_PRICES['gpt-4o-mini']);
    expect(priceOf(DEFAULT_PRICES, 'gpt-4o-mini-2024-07-18')).toBe(DEFAULT_PRICES['gpt-4o-mini']);
    expect(priceOf(DEFAULT_PRICES, 'gpt-4o-turbo')).toBeUndefined();
    expect(priceOf(DEFAULT_PRICES, 'anthropic/claude-sonnet-4')).toBeUndefined();
    expect(priceOf(DEFAULT_PRICES, 'constructor')).toBeUndefined();
  });

  it('costs null for an unknown model, and a sum with an unknown part is null', () => {
    expect(
      callCost(DEFAULT_PRICES, ['my-azure-deployment'], { prompt: 10, completion: 10 }),
    ).toBeNull();
    expect(sumCosts([0.1, 0.2])).toBe(0.3);
    expect(sumCosts([0.1, null])).toBeNull();
    expect(sumCosts([])).toBe(0);
  });

  it('takes configured prices over the defaults, and falls back to the requested name', () => {
    const table = priceTable({
      'gpt-4o': { input_per_mtok: 1, output_per_mtok: 2 },
      'my-azure-deployment': { input_per_mtok: 2.5, output_per_mtok: 10 },
    });
    expect(callCost(table, ['gpt-4o'], { prompt: 1_000_000, completion: 1_000_000 })).toBe(3);
    expect(
      callCost(table, ['gpt-4o-2024-11-20-custom', 'my-azure-deployment'], {
        prompt: 1000,
        completion: 0,
      }),
    ).toBe(0.0025);
  });
});
