// Jest's global teardown: the tests' temporary folder that the global setup (compile-source.ts)
// made for this run goes, with whatever a test left in it.
import { rmSync } from 'node:fs';

export default function globalTeardown(): void {
  const root = process.env.AGENTOS_TEST_TEMP_ROOT;
  if (root) rmSync(root, { recursive: true, force: true });
}
