// The redactor of this process's run: the product's patterns plus every secret value the run knows
// (the action's token, the LLM key, every environment variable whose name says secret, token or
// key). The entry points (the CLI, the action) declare the run's secrets once; every sink — the
// memory writer, commit messages, the logger, the model prompt, comments — asks for it here, so no
// sink can be handed a redactor that forgot a secret.
import {
  createRedactor,
  secretsFromEnvironment,
  type KnownSecret,
  type Redactor,
  type SecretPattern,
} from './redact.js';

let current: Redactor = createRedactor(secretsFromEnvironment(process.env));
/** Shapes added for the whole run (e.g. an agent's privacy patterns); kept across declarations. */
let runPatterns: readonly SecretPattern[] = [];

/** The redactor every sink uses. */
export function runRedactor(): Redactor {
  return current;
}

/**
 * Declares the run's secrets: the environment's (`env`, e.g. a CLI invocation's) and `secrets`,
 * on top of the process's own environment. Returns the run's redactor.
 */
export function declareRunSecrets(
  env: NodeJS.ProcessEnv,
  secrets: readonly KnownSecret[] = [],
): Redactor {
  current = createRedactor([
    ...secretsFromEnvironment(process.env),
    ...secretsFromEnvironment(env),
    ...secrets,
  ]).withPatterns(runPatterns);
  return current;
}

/**
 * Adds shapes every sink of the run redacts from now on (prompt, memory, commits, comments, logs):
 * e.g. the privacy patterns an agent's constraints.md names. Returns the run's redactor.
 */
export function addRunPatterns(patterns: readonly SecretPattern[]): Redactor {
  current = current.withPatterns(patterns);
  runPatterns = [...runPatterns, ...patterns];
  return current;
}
