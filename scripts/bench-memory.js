// Measures one loop iteration (everything but the model call) against a small and a large agent
// memory generated with the product's own writers, to see how the memory readers' cost grows.
// Needs `npm run build`. Usage: node scripts/bench-memory.js [small-files] [large-files] [iterations]
// With BUILD_ONLY=<files> it only generates a repository and prints its path.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { Git } from '../lib/git/git.js';
import { OfflineModel } from '../lib/llm/offline/offline-model.js';
import { runIteration } from '../lib/loop/iteration.js';
import { agentPaths } from '../lib/memory/layout.js';
import { renderSkill } from '../lib/memory/skills.js';
import { initRepository } from '../lib/scaffold/init.js';
import { renderBelief } from '../lib/world/beliefs.js';
import { Random } from '../lib/bench/random.js';

const [smallCount = 100, largeCount = 10000, iterations = 5] = process.argv.slice(2).map(Number);
const AGENT = 'orion';
const WORDS =
  'api auth token cursor pagination retry backoff webhook queue cache schema migration index shard replica lease lock timeout deadline quota throttle vendor invoice ledger payment refund billing tenant region cluster node pod container image registry deploy rollout canary metric alert incident triage postmortem contract clause liability warranty renewal audit policy secret key rotation certificate dns proxy gateway stream batch cron job worker scheduler'.split(
    ' ',
  );

function phrase(random, n) {
  return Array.from({ length: n }, () => random.pick(WORDS)).join(' ');
}

function write(dir, path, content) {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), content);
}

async function buildRepo(files, seed) {
  const dir = mkdtempSync(join(tmpdir(), 'agentos-bench-memory-'));
  const git = Git.create(dir);
  await initRepository(dir, { git });
  const random = new Random(seed);
  const paths = agentPaths(AGENT);
  const at = '2026-05-01T09:00:00Z';
  const kinds = ['skill', 'entity', 'relation', 'hypothesis'];
  for (let i = 0; i < files; i++) {
    const kind = kinds[i % kinds.length];
    const name = `${phrase(random, 2)} ${i}`;
    const slug = name.replace(/[^a-z0-9]+/g, '-');
    const tags = [random.pick(WORDS), random.pick(WORDS)];
    const body = `${phrase(random, 40)}.\n\n${phrase(random, 30)}.`;
    const evidence = [{ task: `task-${i}`, supports: true, at, note: null }];
    if (kind === 'skill') {
      const data = {
        title: name,
        tags,
        uses: 3,
        successes: 2,
        failures: 1,
        created: at,
        last_used: at,
        source_tasks: [`task-${i}`],
        status: 'active',
      };
      write(dir, paths.skill(slug), renderSkill({ slug, path: paths.skill(slug), data, body }));
    } else {
      const common = {
        name,
        aliases: [],
        tags,
        confidence: 0.5,
        evidence,
        created: at,
        valid_at: at,
        invalid_at: null,
        superseded_by: null,
      };
      const data =
        kind === 'entity'
          ? { kind, ...common, status: 'active' }
          : kind === 'relation'
            ? {
                kind,
                ...common,
                subject: random.pick(WORDS),
                predicate: 'uses',
                object: random.pick(WORDS),
                status: 'active',
              }
            : {
                kind,
                ...common,
                claim: `${phrase(random, 8)}.`,
                proposes: 'entity',
                status: 'open',
              };
      const path = paths.world(kind, slug);
      write(dir, path, renderBelief({ slug, path, data, body }));
    }
  }
  await git.add(['agents']);
  await git.commit('bench: generated memory\n');
  return { dir, git };
}

function largestFileKb(dir) {
  let largest = 0;
  const walk = (folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.name === '.git') continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else largest = Math.max(largest, statSync(path).size);
    }
  };
  walk(join(dir, 'agents'));
  return Math.round(largest / 102.4) / 10;
}

async function measure(files, seed) {
  const built = Date.now();
  const { dir, git } = await buildRepo(files, seed);
  const buildMs = Date.now() - built;
  const model = new OfflineModel();
  const random = new Random(seed + 1);
  const times = [];
  let modelMs = 0;
  // The model's own time is left out: the iteration is what is measured.
  const timed = {
    kind: 'offline',
    solve: async (request) => {
      const start = performance.now();
      try {
        return await model.solve(request);
      } finally {
        modelMs += performance.now() - start;
      }
    },
  };
  for (let i = 0; i < iterations + 1; i++) {
    const task = {
      id: `bench-${i}`,
      text: `Fix the ${phrase(random, 3)} with ${phrase(random, 2)} and retry`,
      agent: AGENT,
      source: 'cli',
    };
    modelMs = 0;
    const start = performance.now();
    await runIteration({ repoRoot: dir, git: git, model: timed }, task);
    const ms = performance.now() - start - modelMs;
    if (i > 0) times.push(ms); // the first warms up the process
  }
  times.sort((a, b) => a - b);
  const result = {
    files,
    build_ms: buildMs,
    iteration_ms: Math.round(times[Math.floor(times.length / 2)]),
    iterations_ms: times.map(Math.round),
    largest_file_kb: largestFileKb(dir),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  rmSync(dir, { recursive: true, force: true });
  return result;
}

if (process.env.BUILD_ONLY) {
  const { dir } = await buildRepo(Number(process.env.BUILD_ONLY), 2);
  console.log(dir);
  process.exit(0);
}
const small = await measure(smallCount, 1);
const large = await measure(largeCount, 2);
console.log(
  JSON.stringify(
    { small, large, growth: Math.round((large.iteration_ms / small.iteration_ms) * 100) / 100 },
    null,
    2,
  ),
);
