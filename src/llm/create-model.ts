// Choosing the model the loop solves through, from agents.yaml and the environment (SPEC §4, §10).
import type { Registry } from '../memory/registry.js';
import type { Model } from './model.js';
import { OfflineModel } from './offline/offline-model.js';

export function createModel(_registry: Registry, _env: NodeJS.ProcessEnv): Model {
  return new OfflineModel();
}
