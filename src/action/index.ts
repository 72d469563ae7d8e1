// The action's entry point (the ncc bundle's main): everything happens in run().
import { run } from './run.js';

await run();
