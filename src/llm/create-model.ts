// Choosing the model the loop solves through, from agents.yaml and the environment (SPEC §4, §10):
// the offline model when no key and no base URL are configured, else the OpenAI-compatible client.
// The one factory: the CLI and the Action both call it.
import { silentLogger, type Logger } from '../log.js';
import type { Registry } from '../memory/registry.js';
import type { Model } from './model.js';
import { OfflineModel } from './offline/offline-model.js';
import { describeSettings, modelSettings, type EndpointSettings } from './settings.js';

/** Throws InputError naming the variable or agents.yaml field to fix. */
export function createModel(
  registry: Registry,
  env: NodeJS.ProcessEnv,
  options: { logger?: Logger } = {},
): Model {
  const logger = options.logger ?? silentLogger;
  const settings = modelSettings(registry, env);
  logger.debug(`model: ${describeSettings(settings)}`);
  return settings.provider === 'offline' ? new OfflineModel() : endpointModel(settings, logger);
}

/**
 * The model on an OpenAI-compatible endpoint, its module and the `openai` SDK (more than a hundred
 * modules, some 50 ms) loaded at the first task it solves: a run with the offline model loads none
 * of it. (The `webpackMode` comment keeps the module inside the action's one-file bundle.)
 */
function endpointModel(settings: EndpointSettings, logger: Logger): Model {
  let loaded: Promise<Model> | undefined;
  return {
    kind: settings.provider,
    async solve(request) {
      loaded ??= import(/* webpackMode: "eager" */ './openai-model.js').then(
        ({ OpenAIModel }) => new OpenAIModel(settings, logger),
      );
      return (await loaded).solve(request);
    },
  };
}
