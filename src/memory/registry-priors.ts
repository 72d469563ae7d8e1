// What agents.yaml says of an agent (persona, domain, goals, hints) joined to its human-owned files,
// so an agent defined only in agents.yaml still has a persona, goals and priors in its context.
// A file a person wrote always wins; agents.yaml only fills what the files leave out. An agent with
// a persona.md carries its hints as hypotheses (agentos init, agentos new-agent), so the hints join
// the persona only when there is no persona.md. Pure.
import type { HumanFiles } from './human.js';
import type { AgentSpec } from './registry.js';

export function withRegistryPriors(human: HumanFiles, agent: AgentSpec): HumanFiles {
  if (human.persona.text !== '') return { ...human, goals: withRegistryGoals(human, agent) };
  const personaText = [
    `# ${agent.name}`,
    '',
    agent.persona,
    ...(agent.domain ? ['', `Domain: ${agent.domain}`] : []),
  ].join('\n');
  // Hints are priors, not facts: said so where the model reads them.
  const hints =
    agent.hints.length > 0
      ? [
          '',
          '## Hints from agents.yaml (priors only: evidence from tasks overrides them)',
          '',
          ...agent.hints.map((hint) => `- ${hint}`),
        ].join('\n')
      : '';
  return {
    ...human,
    persona: { ...human.persona, text: `${personaText}${hints}` },
    goals: withRegistryGoals(human, agent),
  };
}

/** goals.md's goals; agents.yaml's only when goals.md lists none (a person's list wins whole). */
function withRegistryGoals(human: HumanFiles, agent: AgentSpec): HumanFiles['goals'] {
  if (human.goals.length > 0) return human.goals;
  return agent.goals.map((goal) => ({ text: goal, done: false }));
}
