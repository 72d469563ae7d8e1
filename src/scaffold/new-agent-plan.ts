// `agentos new-agent` decided (SPEC §11): the questionnaire's answers in, the agent's files, its
// agents.yaml entry (policy derived by code) and a line per answer saying what it changed out. Only
// the files the answers call for are planned. Pure: no file, git or terminal access.
import { findConcepts } from '../llm/offline/lexicon.js';
import { agentPaths } from '../memory/layout.js';
import { renderMarkdown } from '../memory/markdown.js';
import { addEntry, renderQueue, type Queue } from '../memory/queue.js';
import type { AgentSpec } from '../memory/registry.js';
import { privacyPatterns } from '../policy/privacy.js';
import { reviewPointsPause } from '../policy/task-policy.js';
import { ruleTerms } from '../policy/rule-terms.js';
import { narrowPurpose } from './narrow-purpose.js';
import type { Answers, ReviewPoint } from './questionnaire.js';

/** agents.yaml's entry for the new agent, in the order it is written. */
export type AgentEntry = Pick<
  AgentSpec,
  | 'name'
  | 'persona'
  | 'domain'
  | 'goals'
  | 'hints'
  | 'risk_level'
  | 'autonomy'
  | 'learning'
  | 'budget'
>;

export interface PlannedFile {
  path: string;
  content: string;
}

export interface NewAgentPlan {
  entry: AgentEntry;
  files: PlannedFile[];
  /** One line per answer: `RISK_LEVEL high → …`. */
  changes: string[];
  /** How the purpose was narrowed, when it was. */
  narrowed: string | undefined;
  /** Answers the runtime cannot enforce as written, and what to do. */
  warnings: string[];
}

/** Hint hypotheses start here: priors, low enough that two contradicting tasks refute them. */
export const HINT_CONFIDENCE = 0.2;

const LEARNING_EFFECT: Record<AgentSpec['learning'], string> = {
  none: 'no skills or beliefs are written',
  constrained: 'new claims stay hypotheses; promotion waits for a person',
  active: 'skills and beliefs are learned from verified tasks',
};

// The budget key is model routing's to apply (SPEC §5: "the agent's budget shifts the thresholds").
const BUDGET_EFFECT: Record<AgentSpec['budget'], string> = {
  cheap: 'routing favours cheaper tiers',
  balanced: 'routing keeps its default thresholds',
  premium: 'routing favours stronger tiers',
};

export function planNewAgent(answers: Answers, at: string): NewAgentPlan {
  const name = answers.AGENT_NAME;
  const paths = agentPaths(name);
  const changes: string[] = [];
  const warnings: string[] = [];
  const files: PlannedFile[] = [];
  const narrowed = narrowPurpose(answers.PRIMARY_PURPOSE, answers.TASK_EXAMPLES);

  const learning: AgentSpec['learning'] = answers.LONG_TERM_MEMORY
    ? answers.LEARNING_ALLOWED
    : 'none';
  const hints = hintsFor(answers);
  const entry: AgentEntry = {
    name,
    persona: oneLine(`${capitalise(narrowed.firstVersion)}. ${answers.OUTPUT_STYLE}`),
    domain: answers.DOMAIN,
    goals: answers.SUCCESS_METRICS,
    hints: hints.map((hint) => hint.text),
    risk_level: answers.RISK_LEVEL,
    autonomy: answers.AUTONOMY_LEVEL,
    learning,
    budget: answers.BUDGET_PRIORITY,
  };

  changes.push(`AGENT_NAME ${name} → agents/${name}/ and its entry in agents.yaml`);
  files.push({ path: paths.persona, content: personaFile(answers, narrowed) });
  changes.push(
    `PRIMARY_PURPOSE → persona.md and the agents.yaml persona: "${narrowed.firstVersion}"` +
      (narrowed.reason ? ' (narrowed, see below)' : ''),
  );
  changes.push(`DOMAIN → persona.md and agents.yaml domain: "${answers.DOMAIN}"`);
  changes.push(`TARGET_USERS → persona.md: "${answers.TARGET_USERS}"`);
  changes.push(`OUTPUT_STYLE → persona.md and the agents.yaml persona`);

  files.push({ path: paths.queue, content: queueFile(name, answers.TASK_EXAMPLES, at) });
  changes.push(
    `TASK_EXAMPLES → queue.md: ${answers.TASK_EXAMPLES.length} task(s), example-1..example-${answers.TASK_EXAMPLES.length}`,
  );

  const pause = reviewPointsPause({
    risk_level: answers.RISK_LEVEL,
    autonomy: answers.AUTONOMY_LEVEL,
  });
  changes.push(
    `RISK_LEVEL ${answers.RISK_LEVEL} → agents.yaml risk_level: ${answers.RISK_LEVEL}` +
      (answers.RISK_LEVEL === 'high' || answers.RISK_LEVEL === 'critical'
        ? ' (tasks at a human review point wait for a person’s approval)'
        : ''),
  );
  changes.push(
    `AUTONOMY_LEVEL ${answers.AUTONOMY_LEVEL} → agents.yaml autonomy: ${answers.AUTONOMY_LEVEL}` +
      (pause ? '' : ' (human review points are advice in context, they do not pause tasks)') +
      (answers.AUTONOMY_LEVEL === 'assistant'
        ? ` (each task's memory change waits on a review branch agentos/review/${name}/<task>, a pull request on GitHub, and lands when a person merges it)`
        : ''),
  );

  const constraints = constraintsFile(name, answers, warnings);
  if (constraints) {
    files.push({ path: paths.constraints, content: constraints.content });
    changes.push(...constraints.changes);
  } else
    changes.push(
      'TOOLS_*, DATA_SOURCES, PRIVACY_REQUIREMENTS, HUMAN_REVIEW_POINTS: none given → no constraints.md',
    );
  if (answers.HUMAN_REVIEW_POINTS.length > 0 && !pause)
    warnings.push(
      `HUMAN_REVIEW_POINTS: an autonomous agent at risk ${answers.RISK_LEVEL} is not paused by them; choose semi-autonomous or a higher risk level to have them enforced`,
    );
  if (
    (answers.RISK_LEVEL === 'high' || answers.RISK_LEVEL === 'critical') &&
    answers.HUMAN_REVIEW_POINTS.length === 0
  )
    warnings.push(
      `RISK_LEVEL ${answers.RISK_LEVEL} with no HUMAN_REVIEW_POINTS: no task will pause for a person; name the points where one must look`,
    );

  if (answers.SUCCESS_METRICS.length > 0) {
    files.push({ path: paths.goals, content: goalsFile(name, answers.SUCCESS_METRICS) });
    changes.push(
      `SUCCESS_METRICS → goals.md and agents.yaml goals: ${answers.SUCCESS_METRICS.length} goal(s)`,
    );
  } else changes.push('SUCCESS_METRICS: none given → no goals.md');

  changes.push(
    `DEPLOYMENT_ENV ${answers.DEPLOYMENT_ENV} → ${deploymentEffect(answers.DEPLOYMENT_ENV)}`,
  );
  changes.push(
    `BUDGET_PRIORITY ${answers.BUDGET_PRIORITY} → agents.yaml budget: ${answers.BUDGET_PRIORITY} (${BUDGET_EFFECT[answers.BUDGET_PRIORITY]})`,
  );
  // Nothing to write either way: every agent of a repository reads the shared segments of shared/iac/.
  changes.push(
    `MULTI_AGENT_REQUIRED ${answers.MULTI_AGENT_REQUIRED ? 'yes' : 'no'} → nothing written: ` +
      'the agents of one repository share knowledge through shared/iac/',
  );
  changes.push(
    `LONG_TERM_MEMORY ${answers.LONG_TERM_MEMORY ? 'yes' : 'no'} → ` +
      (answers.LONG_TERM_MEMORY
        ? 'learning as LEARNING_ALLOWED says'
        : 'agents.yaml learning: none, whatever LEARNING_ALLOWED says'),
  );
  changes.push(
    `LEARNING_ALLOWED ${answers.LEARNING_ALLOWED} → agents.yaml learning: ${learning} (${LEARNING_EFFECT[learning]})`,
  );

  for (const hint of hints) files.push(hintFile(name, hint, answers.DOMAIN, at));
  changes.push(
    hints.length > 0
      ? `hints (derived from the task examples) → agents.yaml hints and ${hints.length} hypothesis file(s) at confidence ${HINT_CONFIDENCE}: ${hints.map((h) => h.slug).join(', ')}`
      : 'hints: the task examples name no concept the runtime knows → none',
  );
  return { entry, files, changes, narrowed: narrowed.reason, warnings };
}

function personaFile(answers: Answers, narrowed: ReturnType<typeof narrowPurpose>): string {
  const body = [
    `# ${capitalise(answers.AGENT_NAME)}`,
    '',
    `${capitalise(narrowed.firstVersion)}.`,
    '',
    `Domain: ${answers.DOMAIN}.`,
    '',
    `Works for: ${answers.TARGET_USERS}.`,
    '',
    `Output style: ${answers.OUTPUT_STYLE}`,
    ...(narrowed.later.length > 0
      ? ['', '## Later, outside the first version', '', ...narrowed.later.map((aim) => `- ${aim}`)]
      : []),
  ];
  return renderMarkdown({ name: answers.AGENT_NAME }, body.join('\n'));
}

function constraintsFile(
  name: string,
  answers: Answers,
  warnings: string[],
): { content: string; changes: string[] } | undefined {
  const sections: string[] = [];
  const changes: string[] = [];
  const add = (heading: string, bullets: string[]) => {
    if (bullets.length > 0) sections.push(`## ${heading}`, '', ...bullets.map((b) => `- ${b}`), '');
  };
  add('Tools allowed', answers.TOOLS_ALLOWED);
  if (answers.TOOLS_ALLOWED.length > 0)
    changes.push(
      `TOOLS_ALLOWED → constraints.md "Tools allowed": ${answers.TOOLS_ALLOWED.length} tool(s), in every context`,
    );
  add('Tools forbidden', answers.TOOLS_FORBIDDEN);
  if (answers.TOOLS_FORBIDDEN.length > 0)
    changes.push(
      `TOOLS_FORBIDDEN → constraints.md "Tools forbidden": a task naming ${termList(answers.TOOLS_FORBIDDEN)} is refused before the model, an answer using one fails`,
    );
  const sources = answers.DATA_SOURCES;
  add('Data sources allowed', sources.allowed);
  add('Data sources forbidden', sources.forbidden);
  if (sources.allowed.length + sources.forbidden.length > 0)
    changes.push(
      `DATA_SOURCES → constraints.md: ${sources.allowed.length} allowed` +
        (sources.forbidden.length > 0
          ? `; a task naming ${termList(sources.forbidden)} is refused before the model`
          : ''),
    );
  add('Privacy', answers.PRIVACY_REQUIREMENTS);
  if (answers.PRIVACY_REQUIREMENTS.length > 0) {
    const rules = privacyPatterns(answers.PRIVACY_REQUIREMENTS);
    changes.push(
      `PRIVACY_REQUIREMENTS → constraints.md "Privacy": ${rules.patterns.map((p) => p.name).join(', ') || 'no pattern'} redacted from context, answers and records`,
    );
    for (const bullet of rules.unenforceable)
      warnings.push(
        `PRIVACY_REQUIREMENTS "${bullet}" names no kind of data the runtime knows and no \`/regex/\`: it is advice only; add a \`/regex/\` to enforce it`,
      );
  }
  const points = answers.HUMAN_REVIEW_POINTS.map(reviewPointBullet);
  add('Human review points', points);
  if (points.length > 0)
    changes.push(
      `HUMAN_REVIEW_POINTS → constraints.md "Human review points": a task naming ${termList(points)} waits for approval (\`/agentos approve\`, or approved_by: in queue.md)`,
    );
  for (const point of answers.HUMAN_REVIEW_POINTS)
    if (typeof point === 'string' && !point.includes('`'))
      warnings.push(
        `HUMAN_REVIEW_POINTS "${point}" has no \`words\`: it pauses only a task that names it word for word; give it as {point, when: [words]}`,
      );
  if (sections.length === 0) return undefined;
  const content = [
    `# Constraints — ${name}`,
    '',
    'Human-owned: AgentOS reads this file into every context and never edits it. The runtime checks',
    'each rule: a task naming a forbidden tool or data source is refused before any model is called;',
    'a task naming a human review point waits for approval; privacy patterns are redacted.',
    '',
    ...sections,
  ];
  return { content: `${content.join('\n').trimEnd()}\n`, changes };
}

/** A review point as constraints.md states it: its `when` words backticked, which the runtime reads. */
function reviewPointBullet(point: ReviewPoint): string {
  if (typeof point === 'string') return point;
  return `${point.point} (when a task names ${point.when.map((word) => `\`${word}\``).join(', ')})`;
}

function termList(bullets: readonly string[]): string {
  return bullets
    .flatMap(ruleTerms)
    .map((term) => `"${term}"`)
    .join(', ');
}

function goalsFile(name: string, metrics: readonly string[]): string {
  return [
    `# Goals — ${name}`,
    '',
    'Human-owned: the agent may mark progress, never delete a goal.',
    '',
    ...metrics.map((metric) => `- [ ] ${metric}`),
    '',
  ].join('\n');
}

function queueFile(name: string, tasks: readonly string[], at: string): string {
  let queue: Queue = {
    preamble: [
      `# Queue — ${name}`,
      '',
      'Tasks waiting for the agent. Add one with `agentos enqueue` or by hand:',
    ],
    entries: [],
  };
  tasks.forEach((task, index) => {
    queue = addEntry(queue, { id: `example-${index + 1}`, task, priority: 'normal', created: at });
  });
  return renderQueue(queue);
}

interface Hint {
  slug: string;
  name: string;
  text: string;
  tags: string[];
  aliases: string[];
}

/** Concepts the task examples name that the runtime knows: each a prior, never a fact. */
function hintsFor(answers: Answers): Hint[] {
  const seen = new Map<string, Hint>();
  for (const task of answers.TASK_EXAMPLES) {
    for (const { concept, negated } of findConcepts(task)) {
      if (negated || seen.has(concept.slug)) continue;
      seen.set(concept.slug, {
        slug: concept.slug,
        name: concept.name,
        text: `Tasks often involve ${concept.name.toLowerCase()}`,
        tags: concept.tags,
        aliases: concept.aliases,
      });
    }
  }
  return [...seen.values()];
}

function hintFile(agent: string, hint: Hint, domain: string, at: string): PlannedFile {
  const data = {
    kind: 'hypothesis',
    name: hint.name,
    claim: `${hint.name} is a recurring concept in ${domain}'s tasks.`,
    proposes: 'entity',
    aliases: hint.aliases,
    tags: hint.tags,
    confidence: HINT_CONFIDENCE,
    status: 'open',
    evidence: [],
    created: at,
    valid_at: null,
    invalid_at: null,
    superseded_by: null,
    source: 'hint',
  };
  const body = `A prior from agentos new-agent ("${hint.text}", read in the task examples): it has no evidence yet, and tasks will raise or lower its confidence.`;
  return {
    path: agentPaths(agent).world('hypothesis', hint.slug),
    content: renderMarkdown(data, body),
  };
}

function deploymentEffect(env: Answers['DEPLOYMENT_ENV']): string {
  return env === 'airgapped' || env === 'local laptop'
    ? 'no hosted endpoint assumed: the offline model serves until agents.yaml llm.base_url names a local OpenAI-compatible server (llama.cpp, Ollama, vLLM); nothing written'
    : 'nothing written: agents.yaml models and llm choose the endpoint';
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\.\./g, '.').trim();
}
