// The dated reflection a learning run writes (SPEC §7): what the reward log says about the tasks
// since the last reflection, and what this run changed in the agent's mind. Written
// deterministically from the records, so the same log gives the same words.
import { formatReward } from '../loop/commit-message.js';
import { recordChangedAt } from '../memory/reward-log.js';
import type { RewardRecord } from '../memory/rewards.js';
import { skillSuccessRate, type Skill } from '../memory/skills.js';
import { isLive, type Belief } from '../world/beliefs.js';
import type { StepOutcome } from './steps.js';

/** Each entry ends with this marker, so the next run knows which records it has reflected on. */
const MARKER = /<!-- agentos:reflected-through (\S+) -->/g;

/** The newest record time the reflections already cover, if any. */
export function reflectedThrough(reflections: string | undefined): string | undefined {
  let last: string | undefined;
  for (const match of (reflections ?? '').matchAll(MARKER)) {
    const at = match[1];
    if (at !== undefined && !Number.isNaN(Date.parse(at))) last = at;
  }
  return last;
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '—' : `${Math.round((100 * part) / whole)}%`;
}

function mostCommon(values: string[], limit: number): string[] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([value, n]) => `${value} (${n})`);
}

/**
 * The reflection for this run, or undefined when there is nothing to reflect on: no record new or
 * re-scored since the last reflection and no change made by this run.
 */
export function composeReflection(input: {
  records: readonly RewardRecord[];
  previous: string | undefined;
  outcomes: readonly StepOutcome[];
  world: readonly Belief[];
  skills: readonly Skill[];
  proposalBranch?: string;
}): { text: string; through: string } | undefined {
  const since = input.previous;
  const fresh = input.records.filter(
    (r) => since === undefined || Date.parse(recordChangedAt(r)) > Date.parse(since),
  );
  if (fresh.length === 0 && input.outcomes.length === 0 && !input.proposalBranch) return undefined;
  const through = input.records
    .map(recordChangedAt)
    .reduce<string | undefined>(
      (latest, at) => (latest === undefined || Date.parse(at) > Date.parse(latest) ? at : latest),
      since,
    );

  const lines: string[] = [];
  if (fresh.length === 0) {
    lines.push('No new or re-scored tasks since the last reflection.');
  } else {
    const by = (outcome: string) => fresh.filter((r) => r.outcome === outcome).length;
    const total = fresh.reduce((sum, r) => sum + r.reward, 0);
    lines.push(
      `${fresh.length} task(s) since ${since ? `the last reflection (${since})` : 'the start'}: ` +
        `${by('success')} succeeded, ${by('partial')} partial, ${by('failure')} failed ` +
        `(success ${percent(by('success'), fresh.length)}, mean reward ${formatMean(total / fresh.length)}).`,
    );
    const tiers = ['cheap-fast', 'balanced', 'strongest']
      .map((tier) => {
        const on = fresh.filter((r) => r.model_used === tier);
        return on.length === 0
          ? ''
          : `${tier} ${on.filter((r) => r.outcome === 'success').length}/${on.length}`;
      })
      .filter(Boolean);
    lines.push(`Successes by tier: ${tiers.join(', ')}.`);
    const feedback = fresh.filter((r) => r.feedback !== null);
    if (feedback.length > 0) {
      lines.push(
        `Human feedback on ${feedback.length} task(s), which overrides the self-assessment: ` +
          feedback
            .map(
              (r) =>
                `${r.task_id} → ${r.outcome} (${formatReward(r.reward)})${r.feedback?.note ? `: "${r.feedback.note}"` : ''}`,
            )
            .join('; ') +
          '.',
      );
    }
    const failures = fresh.filter((r) => r.outcome === 'failure');
    if (failures.length > 0) {
      lines.push(
        `Failed: ${failures
          .slice(0, 5)
          .map((r) => `${r.task_id} (${r.reasoning_demand} on ${r.model_used})`)
          .join(', ')}${failures.length > 5 ? ` and ${failures.length - 5} more` : ''}.`,
      );
      const tags = mostCommon(
        failures.flatMap((r) => r.context_tags),
        3,
      );
      if (tags.length > 0) lines.push(`Failures cluster around: ${tags.join(', ')}.`);
    }
    const underpowered = fresh.filter((r) => r.model_appropriate === 'no').length;
    if (underpowered > 0)
      lines.push(`The tier did not fit the task ${underpowered} time(s) (model_appropriate: no).`);
  }

  const changed = input.outcomes.filter((o) => o.lines.length > 0);
  if (changed.length > 0 || input.proposalBranch) {
    lines.push('', 'What this learning run changed:');
    for (const o of changed) lines.push(`- ${o.title}`);
    if (input.proposalBranch)
      lines.push(`- promotions proposed for review on branch ${input.proposalBranch}`);
  }

  const live = input.world.filter(isLive);
  const entities = live.filter((b) => b.data.kind === 'entity').length;
  const relations = live.filter((b) => b.data.kind === 'relation').length;
  const open = live.filter((b) => b.data.kind === 'hypothesis').length;
  lines.push(
    '',
    `World model now: ${plural(entities, 'entity', 'entities')}, ${plural(relations, 'relation')}, ${plural(open, 'open hypothesis', 'open hypotheses')}.`,
  );
  const active = input.skills.filter((s) => s.data.status === 'active');
  const best = [...active].sort(
    (a, b) => skillSuccessRate(b.data) - skillSuccessRate(a.data) || a.slug.localeCompare(b.slug),
  )[0];
  if (best) {
    lines.push(
      `Skills: ${active.length} active; the most reliable is "${best.data.title}" ` +
        `(${best.data.successes} of ${best.data.uses} uses succeeded).`,
    );
  }
  lines.push('', `<!-- agentos:reflected-through ${through ?? 'start'} -->`);
  return { text: lines.join('\n'), through: through ?? 'start' };
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function formatMean(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return rounded > 0 ? `+${rounded}` : String(rounded);
}
