#!/usr/bin/env node
// The `agentos` executable: everything happens in main().
import { endQuietlyOnClosedPipe, main } from './main.js';

endQuietlyOnClosedPipe(process.stdout);
process.exitCode = await main(process.argv.slice(2), {
  // Read lazily: touching process.stdin opens it, which only `enqueue -` needs.
  get stdin() {
    return process.stdin;
  },
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env,
});
