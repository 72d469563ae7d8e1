// The action's entry point (the ncc bundle's main, and the image's entrypoint): with no arguments it
// is the action, everything happening in run(); with arguments (`docker run … agentos daemon`) the
// same image is the `agentos` CLI.
import { endQuietlyOnClosedPipe, main } from '../cli/main.js';
import { run } from './run.js';

const argv = process.argv.slice(2);
if (argv.length === 0) await run();
else {
  endQuietlyOnClosedPipe(process.stdout);
  process.exitCode = await main(argv, {
    get stdin() {
      return process.stdin;
    },
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    env: process.env,
  });
}
