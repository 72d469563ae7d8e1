import { mkdirSync, symlinkSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryFileError, PathRefusedError } from '../src/errors.js';
import { loadRegistry } from '../src/memory/registry.js';
import { loadSkills } from '../src/memory/skills.js';
import {
  addEntry,
  parseQueue,
  pendingEntries,
  renderQueue,
  setEntryFields,
} from '../src/memory/queue.js';
import {
  appendRewardText,
  parseRewards,
  replaceRewardText,
  type RewardRecord,
} from '../src/memory/rewards.js';
import { checkMemoryPath, PathGuard } from '../src/memory/path-guard.js';
import { slugify } from '../src/memory/layout.js';
import { loadWorld } from '../src/world/beliefs.js';
import { makeRepo, tempDir, type TestRepo } from './helpers/repo.js';

function caught(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

const record: RewardRecord = {
  task: 'paginated sync',
  task_id: 'issue-42',
  at: '2026-04-30T10:00:00Z',
  outcome: 'success',
  reward: 1,
  reward_decomposition: { correctness: 1, efficiency: 0, novelty: 1, generality: 1 },
  context_tags: ['api', 'pagination', 'retry', 'auth'],
  reasoning_demand: 'moderate',
  model_used: 'balanced',
  model_name: 'gpt-4o',
  model_appropriate: 'yes',
  tokens: { prompt: 3120, completion: 640 },
  cost_usd: 0.0132,
  context: { included: 14, used: 6, tokens: 2870 },
  world_model_update: ['world/entities/rate-limiter.md'],
  skills_used: ['skills/retry-with-backoff.md'],
  feedback: null,
};

describe('memory files', () => {
  let repo: TestRepo;
  beforeEach(async () => {
    repo = await makeRepo();
  });
  afterEach(() => repo.cleanup());

  it('names the file, field and line of a skill that breaks its schema', () => {
    repo.write(
      'agents/orion/skills/retry.md',
      '---\ntitle: Retry\ntags: [retry]\nuses: many\ncreated: 2026-05-01T00:00:00Z\n---\nSteps.\n',
    );
    const error = caught(() => loadSkills(repo.dir, 'orion'));
    expect(error).toBeInstanceOf(MemoryFileError);
    expect(error.message).toBe(
      'agents/orion/skills/retry.md:4: field "uses": Invalid input: expected number, received string',
    );
  });

  it('names the line of a YAML syntax error in frontmatter', () => {
    repo.write(
      'agents/orion/world/entities/cache.md',
      '---\nkind: entity\nname: Cache\ntags: [a, b\nconfidence: 0.5\n---\n',
    );
    const error = caught(() => loadWorld(repo.dir, 'orion'));
    expect(error.message).toMatch(
      /^agents\/orion\/world\/entities\/cache\.md:5: invalid YAML: Flow sequence in block collection/,
    );
  });

  it('reports a missing required field of a belief', () => {
    repo.write(
      'agents/orion/world/entities/cache.md',
      '---\nkind: entity\nname: Cache\n---\nA cache.\n',
    );
    expect(caught(() => loadWorld(repo.dir, 'orion')).message).toMatch(
      /^agents\/orion\/world\/entities\/cache\.md: field "confidence": Invalid input: expected number, received undefined/,
    );
  });

  it('names agents.yaml, the field path and its line', () => {
    repo.write(
      'agents.yaml',
      'agents:\n  - name: orion\n    persona: x\n    learning: sometimes\n',
    );
    expect(caught(() => loadRegistry(repo.dir)).message).toMatch(
      /^agents\.yaml:4: field "agents\.0\.learning": Invalid option: expected one of "none"\|"constrained"\|"active"/,
    );
  });

  it('reads agents.yaml again when its text changes, and hands out a registry no one can change', () => {
    const first = loadRegistry(repo.dir);
    expect(loadRegistry(repo.dir)).toBe(first);
    expect(() => {
      (first.agents[0] as { name: string }).name = 'changed';
    }).toThrow(TypeError);
    repo.write('agents.yaml', 'agents:\n  - name: vega\n    persona: x\n');
    expect(loadRegistry(repo.dir).agents.map((agent) => agent.name)).toEqual(['vega']);
    repo.write('agents.yaml', 'agents:\n  - name: vega\n    persona: x\n    learning: sometimes\n');
    expect(caught(() => loadRegistry(repo.dir)).message).toMatch(/^agents\.yaml:4: field/);
  });

  it('rejects duplicate agent names', () => {
    repo.write(
      'agents.yaml',
      'agents:\n  - name: orion\n    persona: x\n  - name: orion\n    persona: y\n',
    );
    expect(caught(() => loadRegistry(repo.dir)).message).toMatch(
      /agents\.yaml:4: field "agents\.1\.name": duplicate agent "orion"/,
    );
  });
});

describe('rewards.md (the legacy single-file log)', () => {
  it('renders a record in the seed shape and parses it back unchanged', () => {
    const text = appendRewardText(undefined, 'orion', record);
    expect(text).toContain('```yaml\n- task: paginated sync\n  task_id: issue-42\n');
    expect(text).toContain('  reward: +1\n');
    expect(text).toContain(
      '  reward_decomposition: { correctness: +1, efficiency: 0, novelty: +1, generality: +1 }\n',
    );
    expect(text).toContain('  model_appropriate: yes\n');
    expect(parseRewards('rewards.md', text)).toEqual([record]);
  });

  it('keeps earlier records when appending and replaces one in place', () => {
    const two = appendRewardText(appendRewardText(undefined, 'orion', record), 'orion', {
      ...record,
      task_id: 'issue-43',
    });
    expect(parseRewards('rewards.md', two).map((r) => r.task_id)).toEqual(['issue-42', 'issue-43']);
    const replaced = replaceRewardText('rewards.md', two, {
      ...record,
      outcome: 'failure',
      reward: -1,
    });
    const records = parseRewards('rewards.md', replaced);
    expect(records.map((r) => [r.task_id, r.outcome])).toEqual([
      ['issue-42', 'failure'],
      ['issue-43', 'success'],
    ]);
  });

  it('names the line of a bad record field', () => {
    const text = appendRewardText(undefined, 'orion', record).replace(
      'outcome: success',
      'outcome: great',
    );
    expect(caught(() => parseRewards('agents/orion/rewards.md', text)).message).toMatch(
      /^agents\/orion\/rewards\.md:9: field "0\.outcome": /,
    );
  });
});

describe('queue.md', () => {
  const text = [
    '# Queue',
    '',
    'Notes a person wrote.',
    '',
    '## sync-vendor-api',
    'task: Build a Python sync process for a paginated API with rate limits.',
    'priority: low',
    'created: 2026-04-30T10:00:00Z',
    'owner: sam   <- a field the runtime does not know',
    '',
    '## urgent',
    'task: Fix the webhook handler.',
    'priority: high',
    'created: 2026-05-01T10:00:00Z',
  ].join('\n');

  it("parses the seed's format and orders pending tasks by priority", () => {
    const queue = parseQueue('queue.md', text);
    expect(pendingEntries(queue).map((e) => e.id)).toEqual(['urgent', 'sync-vendor-api']);
  });

  it('marks a task done keeping every line a person wrote', () => {
    const done = renderQueue(
      setEntryFields(parseQueue('queue.md', text), 'urgent', { status: 'done' }),
    );
    expect(done).toContain('Notes a person wrote.');
    expect(done).toContain('owner: sam   <- a field the runtime does not know');
    expect(done).toContain(
      '## urgent\ntask: Fix the webhook handler.\npriority: high\ncreated: 2026-05-01T10:00:00Z\nstatus: done\n',
    );
    expect(pendingEntries(parseQueue('queue.md', done)).map((e) => e.id)).toEqual([
      'sync-vendor-api',
    ]);
  });

  it('appends an entry in the seed format', () => {
    const added = renderQueue(
      addEntry(parseQueue('queue.md', text), {
        id: 'next',
        task: 'Cache responses.',
        priority: 'normal',
        created: '2026-05-02T00:00:00Z',
      }),
    );
    expect(
      added.endsWith(
        '## next\ntask: Cache responses.\npriority: normal\ncreated: 2026-05-02T00:00:00Z\n',
      ),
    ).toBe(true);
  });

  // Parsing is per entry since bad entries stopped blocking the queue: they carry a problem (the
  // run marks them failed) instead of making the whole file throw.
  it('keeps a bad priority and a duplicate id to their own entries', () => {
    const queue = parseQueue(
      'q.md',
      '## a\ntask: x\npriority: soon\n\n## b\ntask: y\n\n## b\ntask: z\n',
    );
    expect(queue.entries.map((e) => [e.id, e.problem])).toEqual([
      ['a', 'priority "soon" is not one of high, medium, normal, low'],
      ['b', undefined],
      ['b', 'task id "b" is already used on line 5'],
    ]);
    expect(pendingEntries(queue).map((e) => e.task)).toEqual(['y']);
  });

  it('names the file and line of a problem no entry can be blamed for', () => {
    expect(
      caught(() => parseQueue('q.md', '## a\ntask: x\n<<<<<<< HEAD\n## b\ntask: y\n')).message,
    ).toBe('q.md:3: an unresolved merge conflict marker: resolve the conflict and commit');
  });
});

describe('path guard', () => {
  const refusals: [string, RegExp][] = [
    ['agents/orion/../../.github/workflows/ci.yml', /"\.\." is not allowed/],
    ['/etc/passwd', /absolute paths are not allowed/],
    ['.github/workflows/agentos.md', /never writes the product/],
    ['agents.yaml', /never writes the product/],
    ['agents/orion/persona.md', /persona\.md is human-owned/],
    ['agents/orion/constraints.md', /constraints\.md is human-owned/],
    ['agents/iris/skills/x.md', /outside the memory of agent "orion"/],
    ['src/index.md', /never writes the product/],
    ['agents/orion/skills/x.sh', /memory files are Markdown/],
  ];
  it.each(refusals)('refuses %s', (path, reason) => {
    const error = caught(() => checkMemoryPath('orion', path));
    expect(error).toBeInstanceOf(PathRefusedError);
    expect(error.message).toMatch(reason);
  });

  it('admits the agent memory and shared proposals', () => {
    expect(checkMemoryPath('orion', 'agents/orion/world/entities/x.md')).toBe(
      'agents/orion/world/entities/x.md',
    );
    expect(checkMemoryPath('orion', 'shared/iac/proposals/prop-001.md')).toBe(
      'shared/iac/proposals/prop-001.md',
    );
  });

  it('refuses to write through a symlink that leads out of the memory', () => {
    const dir = tempDir();
    const outside = tempDir();
    mkdirSync(join(dir, 'agents/orion'), { recursive: true });
    symlinkSync(outside, join(dir, 'agents/orion/skills'));
    const guard = new PathGuard(dir, 'orion');
    expect(caught(() => guard.resolve('agents/orion/skills/evil.md')).message).toMatch(
      /"agents\/orion\/skills" is a symbolic link/,
    );
    expect(existsSync(join(outside, 'evil.md'))).toBe(false);
  });

  it('refuses files over the size limit', () => {
    const guard = new PathGuard(tempDir(), 'orion');
    expect(caught(() => guard.resolve('agents/orion/skills/big.md', 300 * 1024)).message).toMatch(
      /over the 262144-byte limit/,
    );
  });
});

describe('slugs', () => {
  it.each([
    ['Rate Limiter', 'rate-limiter'],
    ['RateLimiter', 'rate-limiter'],
    ["the billing vendor's API", 'the-billing-vendors-api'],
    ['  Café — “quotes” ', 'cafe-quotes'],
  ])('slugify(%j) is %j', (text, slug) => {
    expect(slugify(text)).toBe(slug);
  });
});
