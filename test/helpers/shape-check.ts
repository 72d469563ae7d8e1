// Jest setup for every test file: a test during which the GitHub stand-in received a request or sent
// an answer that does not match GitHub's REST description fails, naming the route, the status and
// the JSON path of each mismatch.
import { takeShapeViolations } from './shape-violations.js';

afterEach(() => {
  const violations = takeShapeViolations();
  if (violations.length > 0)
    throw new Error(
      `The GitHub stand-in saw ${violations.length} request(s) or answer(s) unlike GitHub's REST API:\n- ${violations.join('\n- ')}`,
    );
});
