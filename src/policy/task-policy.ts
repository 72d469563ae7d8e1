// The policy checks a task meets before any model is called (SPEC §7, §11): a task that names a
// forbidden tool or data source is refused, quoting the rule; a task that reaches a human review
// point waits for a person's approval unless the agent is autonomous at low or medium risk. Pure:
// constraints and task in, a decision out.
import type { Constraints } from '../memory/human.js';
import type { AgentSpec } from '../memory/registry.js';
import { firstMentioned, ruleTerms } from './rule-terms.js';

/** Risk levels at which human review points pause every task, whatever the autonomy. */
export const REVIEWED_RISK_LEVELS: readonly AgentSpec['risk_level'][] = ['high', 'critical'];

/**
 * Whether the agent's human review points pause its tasks: always at risk high or critical, and
 * below that unless the agent is autonomous (for an autonomous agent they are advice in context).
 */
export function reviewPointsPause(agent: Pick<AgentSpec, 'risk_level' | 'autonomy'>): boolean {
  return REVIEWED_RISK_LEVELS.includes(agent.risk_level) || agent.autonomy !== 'autonomous';
}

export type TaskPolicyDecision =
  | { kind: 'proceed' }
  | {
      kind: 'refused';
      /** The section of constraints.md, as headed there. */
      section: 'Tools forbidden' | 'Data sources forbidden';
      /** The rule as written in constraints.md. */
      rule: string;
      /** The word of the task that reached it. */
      term: string;
      file: string;
    }
  | { kind: 'awaiting-approval'; point: string; term: string; file: string };

export function decideTaskPolicy(input: {
  task: string;
  constraints: Constraints;
  agent: Pick<AgentSpec, 'risk_level' | 'autonomy'>;
  /** Who approved this task, when someone has. */
  approvedBy?: string | undefined;
}): TaskPolicyDecision {
  const { task, constraints } = input;
  const sections = [
    ['Tools forbidden', constraints.toolsForbidden],
    ['Data sources forbidden', constraints.dataSourcesForbidden],
  ] as const;
  for (const [section, rules] of sections) {
    for (const rule of rules) {
      const term = firstMentioned(task, ruleTerms(rule));
      if (term !== undefined)
        return { kind: 'refused', section, rule, term, file: constraints.path };
    }
  }
  if (input.approvedBy === undefined && reviewPointsPause(input.agent)) {
    for (const point of constraints.reviewPoints) {
      const term = firstMentioned(task, ruleTerms(point));
      if (term !== undefined)
        return { kind: 'awaiting-approval', point, term, file: constraints.path };
    }
  }
  return { kind: 'proceed' };
}

/** One line for people: why the task did not reach the model. */
export function describePolicyStop(
  decision: Exclude<TaskPolicyDecision, { kind: 'proceed' }>,
): string {
  return decision.kind === 'refused'
    ? `refused before the model: the task names "${decision.term}", and ${decision.file} (${decision.section}) says: "${decision.rule}"`
    : `waiting for a person's approval: the task names "${decision.term}", a human review point of ${decision.file}: "${decision.point}"`;
}
