// The human-owned files of an agent as the context reads them, for tests that assemble contexts
// without a repository: a persona, empty constraints and no goals.
import type { HumanFiles } from '../../src/memory/human.js';
import { agentPaths } from '../../src/memory/layout.js';

export function humanFilesFixture(agent: string, persona = 'An engineer.'): HumanFiles {
  const paths = agentPaths(agent);
  return {
    persona: { path: paths.persona, text: persona },
    constraints: {
      path: paths.constraints,
      text: '',
      rules: [],
      toolsAllowed: [],
      toolsForbidden: [],
      reviewPoints: [],
      dataSourcesAllowed: [],
      dataSourcesForbidden: [],
      privacy: [],
    },
    goals: [],
  };
}
