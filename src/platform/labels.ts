// The labels AgentOS uses on GitHub (the trigger label and the status labels), with the colour and
// description they get when the action creates them on first use in a repository that lacks them.

export interface LabelSpec {
  name: string;
  /** Six hex digits, no `#`, as GitHub's API takes it. */
  color: string;
  description: string;
}

/** The status labels of an issue task (SPEC §4). */
export const STATUS_LABEL_SPECS: readonly LabelSpec[] = [
  { name: 'agentos:running', color: 'fbca04', description: 'AgentOS is working on this task' },
  { name: 'agentos:done', color: '0e8a16', description: 'AgentOS answered this task' },
  {
    name: 'agentos:failed',
    color: 'd93f0b',
    description: 'AgentOS could not answer this task; comment /agentos retry to run it again',
  },
];

/** Every label the action may need, its trigger label first. */
export function agentosLabels(triggerLabel: string): LabelSpec[] {
  return [
    {
      name: triggerLabel,
      color: '5319e7',
      description: 'A task for AgentOS: an agent answers the issue and commits what it learned',
    },
    ...STATUS_LABEL_SPECS.filter((spec) => spec.name !== triggerLabel),
  ];
}

/** The spec of `name` among `known`, or a plain one for a label AgentOS has no colour for. */
export function labelSpec(name: string, known: readonly LabelSpec[]): LabelSpec {
  return (
    known.find((spec) => spec.name === name) ?? {
      name,
      color: 'ededed',
      description: 'Added by AgentOS',
    }
  );
}
