// What a model call cost (SPEC §6): tokens from the API's `usage` times a per-model price, from
// agents.yaml's `prices:` over a built-in table of well-known models. An unknown model costs null:
// never a made-up number.
import type { ModelPrice } from '../memory/registry.js';
import type { TokenUsage } from './model.js';

export type PriceTable = Readonly<Record<string, ModelPrice>>;

/**
 * OpenAI's published standard-tier list prices in USD per million tokens (2025). Providers change
 * them; agents.yaml's `prices:` overrides any entry and adds models (Azure deployments, local ones).
 */
export const DEFAULT_PRICES: PriceTable = Object.freeze({
  'gpt-4o': { input_per_mtok: 2.5, cached_input_per_mtok: 1.25, output_per_mtok: 10 },
  'gpt-4o-mini': { input_per_mtok: 0.15, cached_input_per_mtok: 0.075, output_per_mtok: 0.6 },
  'gpt-4.1': { input_per_mtok: 2, cached_input_per_mtok: 0.5, output_per_mtok: 8 },
  'gpt-4.1-mini': { input_per_mtok: 0.4, cached_input_per_mtok: 0.1, output_per_mtok: 1.6 },
  'gpt-4.1-nano': { input_per_mtok: 0.1, cached_input_per_mtok: 0.025, output_per_mtok: 0.4 },
  'gpt-5': { input_per_mtok: 1.25, cached_input_per_mtok: 0.125, output_per_mtok: 10 },
  'gpt-5-mini': { input_per_mtok: 0.25, cached_input_per_mtok: 0.025, output_per_mtok: 2 },
  'gpt-5-nano': { input_per_mtok: 0.05, cached_input_per_mtok: 0.005, output_per_mtok: 0.4 },
  o1: { input_per_mtok: 15, cached_input_per_mtok: 7.5, output_per_mtok: 60 },
  o3: { input_per_mtok: 2, cached_input_per_mtok: 0.5, output_per_mtok: 8 },
  'o3-mini': { input_per_mtok: 1.1, cached_input_per_mtok: 0.55, output_per_mtok: 4.4 },
  'o4-mini': { input_per_mtok: 1.1, cached_input_per_mtok: 0.275, output_per_mtok: 4.4 },
});

/** The configured prices over the defaults. */
export function priceTable(configured: Readonly<Record<string, ModelPrice>>): PriceTable {
  return Object.freeze({ ...DEFAULT_PRICES, ...configured });
}

const SNAPSHOT_SUFFIX = /-\d{4}-\d{2}-\d{2}$/;

/**
 * The price of a model, looked up by its exact name first, then without OpenRouter's `openai/`
 * prefix, then without a dated snapshot suffix (`gpt-4o-2024-08-06` is billed as `gpt-4o`).
 * No fuzzier matching: `gpt-4o-mini` must never be billed as `gpt-4o`.
 */
export function priceOf(table: PriceTable, model: string): ModelPrice | undefined {
  const unprefixed = model.startsWith('openai/') ? model.slice('openai/'.length) : model;
  for (const name of [model, unprefixed, unprefixed.replace(SNAPSHOT_SUFFIX, '')]) {
    if (Object.hasOwn(table, name)) return table[name];
  }
  return undefined;
}

/** Usage that the API split further: prompt tokens served from its cache. */
export interface MeteredUsage extends TokenUsage {
  cachedPrompt?: number;
}

/** USD for one call, rounded to a millionth of a dollar; null when the model's price is unknown. */
export function callCost(
  table: PriceTable,
  models: readonly string[],
  usage: MeteredUsage,
): number | null {
  const price = models.map((model) => priceOf(table, model)).find((p) => p !== undefined);
  if (!price) return null;
  const cached = Math.min(usage.cachedPrompt ?? 0, usage.prompt);
  const usd =
    ((usage.prompt - cached) * price.input_per_mtok +
      cached * (price.cached_input_per_mtok ?? price.input_per_mtok) +
      usage.completion * price.output_per_mtok) /
    1_000_000;
  return roundUsd(usd);
}

/**
 * What a call cost, priced by the model that answered (the response's own `model`). A dated
 * snapshot of a priced model is priced as that model; a model the endpoint served in place of the
 * requested one (a local server answering whatever is asked for, a router's fallback) is never
 * priced by the requested name: without a price of its own, its cost is null.
 */
export function servedModelCost(
  table: PriceTable,
  served: string,
  requested: string,
  usage: MeteredUsage,
): number | null {
  return callCost(table, [served === '' ? requested : served], usage);
}

export function roundUsd(usd: number): number {
  return Math.round(usd * 1_000_000) / 1_000_000;
}

/** The sum of several costs: null as soon as one of them is unknown. */
export function sumCosts(costs: readonly (number | null)[]): number | null {
  let total = 0;
  for (const cost of costs) {
    if (cost === null) return null;
    total += cost;
  }
  return roundUsd(total);
}
