// What a task's context may draw on: the ranked selection (the product's default), persona and
// constraints only, or every live memory item in memory order cut to the token budget. The two
// others are baselines `agentos bench learning` compares against, served by the same assembly.
import type { ContextItem, ExcludedItem, RankedItem } from './assemble.js';

export const CONTEXT_SCOPES = ['ranked', 'persona-and-constraints', 'everything'] as const;
export type ContextScope = (typeof CONTEXT_SCOPES)[number];

/**
 * Every candidate item in memory order (skills, beliefs, segments, recent rewards), no relevance
 * floor and no ranking, until the token budget is full: what "load all memory" means.
 */
export function everythingInMemoryOrder(
  always: readonly ContextItem[],
  candidates: readonly ContextItem[],
  budget: number,
): { included: RankedItem[]; excluded: ExcludedItem[]; tokens: number } {
  let tokens = always.reduce((sum, item) => sum + item.tokens, 0);
  const included: RankedItem[] = [];
  const excluded: ExcludedItem[] = [];
  for (const item of candidates) {
    if (tokens + item.tokens > budget) {
      excluded.push({ ...item, score: 0, reason: 'over token budget' });
      continue;
    }
    included.push({ ...item, score: 0 });
    tokens += item.tokens;
  }
  return { included, excluded, tokens };
}
