// Choosing the model the loop solves through, from agents.yaml and the environment (SPEC §4, §10):
// the offline model when no key and no base URL are configured, else the OpenAI-compatible client.
// The one factory: the CLI and the Action both call it.
import { silentLogger, type Logger } from '../log.js';
import type { Registry } from '../memory/registry.js';
import type { Model } from './model.js';
import { OfflineModel } from './offline/offline-model.js';
import { OpenAIModel } from './openai-model.js';
import { describeSettings, modelSettings } from './settings.js';

/** Throws InputError naming the variable or agents.yaml field to fix. */
export function createModel(
  registry: Registry,
  env: NodeJS.ProcessEnv,
  options: { logger?: Logger } = {},
): Model {
  const logger = options.logger ?? silentLogger;
  const settings = modelSettings(registry, env);
  logger.debug(`model: ${describeSettings(settings)}`);
  return settings.provider === 'offline' ? new OfflineModel() : new OpenAIModel(settings, logger);
}
