// Where each file of the agent filesystem lives (SPEC §2, §3). Paths are repository-relative, POSIX.

export const REGISTRY_FILE = 'agents.yaml';
export const PROPOSALS_DIR = 'shared/iac/proposals';
export const SEGMENTS_DIR = 'shared/iac/segments';

export const WORLD_KINDS = ['entity', 'relation', 'hypothesis'] as const;
export type WorldKind = (typeof WORLD_KINDS)[number];

const WORLD_FOLDERS: Record<WorldKind, string> = {
  entity: 'entities',
  relation: 'relations',
  hypothesis: 'hypotheses',
};

/** Slugs name every file the runtime creates: lowercase words joined by hyphens. */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const MAX_SLUG_LENGTH = 80;

export function isSlug(value: string): boolean {
  return value.length <= MAX_SLUG_LENGTH && SLUG_PATTERN.test(value);
}

/** Turns a free-text name into a slug ("Rate Limiter" and "RateLimiter" both give "rate-limiter"). */
export function slugify(text: string): string {
  return (
    text
      .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
      .toLowerCase()
      .normalize('NFKD')
      // An apostrophe joins a word ("vendor's" → "vendors"), it does not split it.
      .replace(/['’]/g, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, MAX_SLUG_LENGTH)
      .replace(/-+$/g, '')
  );
}

/** Paths of one agent's files, relative to the repository root. */
export function agentPaths(agent: string) {
  const root = `agents/${agent}`;
  return {
    root,
    persona: `${root}/persona.md`,
    constraints: `${root}/constraints.md`,
    goals: `${root}/goals.md`,
    skillsDir: `${root}/skills`,
    skill: (slug: string) => `${root}/skills/${slug}.md`,
    skillsIndex: `${root}/skills.md`,
    worldDir: `${root}/world`,
    worldFolder: (kind: WorldKind) => `${root}/world/${WORLD_FOLDERS[kind]}`,
    world: (kind: WorldKind, slug: string) => `${root}/world/${WORLD_FOLDERS[kind]}/${slug}.md`,
    worldIndex: `${root}/world/index.md`,
    /** The reward log (reward-log.ts): sealed shards here, new records in `recent/`. */
    rewardsDir: `${root}/rewards`,
    rewardsRecent: `${root}/rewards/recent`,
    /** The single-file log of earlier versions: still read and rewritten, never appended to. */
    rewardsLegacy: `${root}/rewards.md`,
    reflections: `${root}/reflections.md`,
    routing: `${root}/routing.md`,
    /** The metrics report a learning run commits (metrics/agent-file.ts). */
    metrics: `${root}/metrics.md`,
    queue: `${root}/queue.md`,
    context: `${root}/context.md`,
  };
}

export type AgentPaths = ReturnType<typeof agentPaths>;

/** A path relative to the agent's folder ("skills/x.md"), as memory items are named to the model. */
export function agentRelative(agent: string, repoPath: string): string {
  const prefix = `agents/${agent}/`;
  return repoPath.startsWith(prefix) ? repoPath.slice(prefix.length) : repoPath;
}
