// agents.yaml: the agent registry and runtime policy (SPEC §3), in the seed's shape plus policy.
import { z } from 'zod';
import { InputError } from '../errors.js';
import { readMemoryTextIfExists } from './files.js';
import { isSlug, REGISTRY_FILE } from './layout.js';
import { deepFreeze } from './memory-index.js';
import { readYaml } from './yaml-source.js';

export const TIERS = ['cheap-fast', 'balanced', 'strongest'] as const;
export type Tier = (typeof TIERS)[number];

const agentName = z
  .string()
  .refine(isSlug, 'must be a slug: lowercase letters, digits and single hyphens');

export const AgentSpecSchema = z.strictObject({
  name: agentName,
  persona: z.string().min(1),
  domain: z.string().default(''),
  goals: z.array(z.string()).default([]),
  hints: z.array(z.string()).default([]),
  risk_level: z.enum(['low', 'medium', 'high', 'critical']).default('medium'),
  autonomy: z.enum(['assistant', 'semi-autonomous', 'autonomous']).default('semi-autonomous'),
  learning: z.enum(['none', 'constrained', 'active']).default('active'),
  budget: z.enum(['cheap', 'balanced', 'premium']).default('balanced'),
});
export type AgentSpec = z.infer<typeof AgentSpecSchema>;

/** USD per million tokens for one model (SPEC §6: cost from a price table, never made up). */
export const ModelPriceSchema = z.strictObject({
  input_per_mtok: z.number().min(0),
  output_per_mtok: z.number().min(0),
  /** Prompt tokens served from the provider's cache; the input price when absent. */
  cached_input_per_mtok: z.number().min(0).optional(),
});
export type ModelPrice = z.infer<typeof ModelPriceSchema>;

export const LLM_PROVIDERS = ['auto', 'offline', 'openai-compatible'] as const;
export const STRUCTURED_OUTPUT_MODES = ['json_schema', 'json_object', 'none'] as const;

/**
 * How to reach the model endpoint. The key itself never lives here (agents.yaml is committed):
 * `api_key_env` names the environment variable that holds it.
 */
export const LlmSchema = z.strictObject({
  provider: z.enum(LLM_PROVIDERS).default('auto'),
  base_url: z
    .url({ protocol: /^https?$/ })
    .nullable()
    .default(null),
  api_key_env: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name such as LLM_API_KEY')
    .default('LLM_API_KEY'),
  timeout_seconds: z.number().positive().max(3600).default(120),
  /** The ceiling on one streamed answer, however steadily it arrives. */
  max_response_seconds: z.number().positive().max(86_400).default(1800),
  max_retries: z.number().int().min(0).max(10).default(2),
  /** The first retry's wait when the endpoint names none (doubling, at most 8 s). */
  retry_backoff_ms: z.number().int().min(0).max(60_000).default(500),
  max_output_tokens: z.number().int().min(1).nullable().default(null),
  structured_output: z.enum(STRUCTURED_OUTPUT_MODES).default('json_schema'),
  /** Tiers a task may climb after a failed or unverified answer (SPEC §5: the bounded cascade). */
  max_escalations: z
    .number()
    .int()
    .min(0)
    .max(TIERS.length - 1)
    .default(TIERS.length - 1),
});
export type LlmConfig = z.infer<typeof LlmSchema>;

const quorum = z.union([
  z.number().int().min(1),
  z.string().regex(/^\d+\/\d+$/, 'must be a whole number or a fraction such as "2/3"'),
]);

export const RegistrySchema = z
  .strictObject({
    agents: z.array(AgentSpecSchema).min(1, 'at least one agent is needed'),
    models: z
      .strictObject({
        'cheap-fast': z.string().min(1).default('gpt-4o-mini'),
        balanced: z.string().min(1).default('gpt-4o'),
        strongest: z.string().min(1).default('o3'),
      })
      .default({ 'cheap-fast': 'gpt-4o-mini', balanced: 'gpt-4o', strongest: 'o3' }),
    llm: LlmSchema.default(LlmSchema.parse({})),
    /** Per-model prices over the built-in table (src/llm/prices.ts). */
    prices: z.record(z.string().min(1), ModelPriceSchema).default({}),
    consensus: z
      .strictObject({
        quorum: quorum.default(1),
        human_approvals: z.number().int().min(0).default(0),
        expiry_days: z.number().int().min(1).default(14),
      })
      .default({ quorum: 1, human_approvals: 0, expiry_days: 14 }),
    context: z
      .strictObject({
        token_budget: z.number().int().min(256).default(4000),
      })
      .default({ token_budget: 4000 }),
  })
  .superRefine((registry, ctx) => {
    const seen = new Set<string>();
    registry.agents.forEach((agent, index) => {
      if (seen.has(agent.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['agents', index, 'name'],
          message: `duplicate agent "${agent.name}"`,
        });
      }
      seen.add(agent.name);
    });
  });
export type Registry = z.infer<typeof RegistrySchema>;

/**
 * The last registry parsed, by its text: every iteration reads agents.yaml, which seldom changes,
 * and parsing it cost more than a millisecond. Frozen, so no reader can change what the next one
 * gets.
 */
let lastParsed: { text: string; registry: Registry } | undefined;

export function loadRegistry(repoRoot: string): Registry {
  const text = readMemoryTextIfExists(repoRoot, REGISTRY_FILE);
  if (text === undefined) {
    throw new InputError(
      `${REGISTRY_FILE} not found in ${repoRoot}: run "agentos init" to create an agent repository`,
    );
  }
  if (lastParsed?.text !== text) {
    const registry = readYaml({ file: REGISTRY_FILE, text, firstLine: 1 }, RegistrySchema);
    lastParsed = { text, registry: deepFreeze(registry) };
  }
  return lastParsed.registry;
}

/** The named agent, or the first one; an unknown name is an input error that lists the known ones. */
export function findAgent(registry: Registry, name?: string): AgentSpec {
  const agent =
    name === undefined ? registry.agents[0] : registry.agents.find((a) => a.name === name);
  if (!agent) {
    const known = registry.agents.map((a) => a.name).join(', ');
    throw new InputError(`unknown agent "${name}": ${REGISTRY_FILE} defines ${known}`);
  }
  return agent;
}
