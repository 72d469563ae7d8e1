// Token counts for the context benchmark: the real tokenizer of the model's family where one ships
// on npm (gpt-tokenizer, OpenAI's encodings), else the product's own estimate, said as such.
import { estimateTokens } from '../../context/text.js';

export interface TokenCounter {
  /** What counts: an encoding's name, or the estimate. */
  name: string;
  count(text: string): number;
}

/** OpenAI's model families and their encodings (as OpenAI's tiktoken maps them). */
const O200K = /^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|chatgpt-4o|o1|o3|o4)/;
const CL100K = /^(gpt-4|gpt-3\.5|text-embedding-3|text-embedding-ada-002)/;

/**
 * The counter for a model. The encodings are loaded here, on first use: building one takes about a
 * second, which every `agentos` command would otherwise pay at start-up.
 */
export async function tokenCounter(model: string): Promise<TokenCounter> {
  if (O200K.test(model)) {
    const { countTokens } = await import('gpt-tokenizer/encoding/o200k_base');
    return { name: 'o200k_base', count: (text) => countTokens(text) };
  }
  if (CL100K.test(model)) {
    const { countTokens } = await import('gpt-tokenizer/encoding/cl100k_base');
    return { name: 'cl100k_base', count: (text) => countTokens(text) };
  }
  return {
    name: 'estimate: characters / 4 (no tokenizer for this model on npm)',
    count: estimateTokens,
  };
}
