// One variant of `agentos bench learning` in a Node process of its own, so the variants' own work
// (context assembly, the world rules, the learning runs) uses every core instead of sharing one
// event loop. Only the compiled file runs as a script; from TypeScript sources (the tests) or
// inside a bundle the variants run in the bench's process.
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  runVariant,
  type LearningBenchConfig,
  type LearningVariant,
  type VariantResult,
} from './driver.js';
import { exitWithParent, runNodeForJson } from '../node-process.js';

const SCRIPT = fileURLToPath(import.meta.url);
/** Inside a bundle this module's URL is the bundle's, whose arguments are a command, not a variant. */
const IS_OWN_SCRIPT = basename(SCRIPT) === 'variant-process.js';

/** Whether variants can run in processes of their own (the compiled product). */
export function variantsRunInChildProcesses(): boolean {
  return IS_OWN_SCRIPT && existsSync(SCRIPT);
}

/** Runs one variant in a fresh Node process and returns its figures. */
export async function runVariantInChild(
  variant: LearningVariant,
  config: LearningBenchConfig,
): Promise<VariantResult> {
  return (await runNodeForJson(
    [SCRIPT, JSON.stringify({ variant, config })],
    `learning bench variant ${variant}`,
  )) as VariantResult;
}

// Run as a script: the variant named by the JSON argument, its figures as JSON on standard output.
if (IS_OWN_SCRIPT && process.argv[1] === SCRIPT && process.argv[2] !== undefined) {
  exitWithParent();
  const input = JSON.parse(process.argv[2]) as {
    variant: LearningVariant;
    config: LearningBenchConfig;
  };
  process.stdout.write(JSON.stringify(await runVariant(input.variant, input.config)));
}
