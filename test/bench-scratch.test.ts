// A bench's scratch repositories are named after the process that made them: a bench that was
// killed (its `finally` never ran) leaves folders the next bench removes, and nothing else goes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchScratchDir } from '../src/bench/scratch.js';
import { tempDir } from './helpers/repo.js';

/** The id of a process that has run and exited (and been reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

describe('a bench scratch folder', () => {
  it('is named after its bench and process, and removes the folders of bench processes that are gone', () => {
    const base = tempDir('agentos-scratch-base-');
    const killed = join(base, `agentos-bench-learning-${deadPid()}-aB3dE9`);
    mkdirSync(join(killed, '.git'), { recursive: true });
    writeFileSync(join(killed, 'agents.yaml'), 'agents: []\n');
    // Still running: this process's own, and its parent's. Not a bench's: a demo, a stray name.
    const kept = [
      `agentos-bench-metrics-${process.pid}-Qr81zz`,
      `agentos-bench-longevity-${process.ppid}-Zk2w0a`,
      'agentos-demo-7Yt1pp',
      'agentos-bench-learning-x1Yt2p',
    ];
    for (const name of kept) mkdirSync(join(base, name));

    const made = benchScratchDir('learning', base);
    expect(made.startsWith(join(base, `agentos-bench-learning-${process.pid}-`))).toBe(true);
    expect(existsSync(made)).toBe(true);
    expect(existsSync(killed)).toBe(false);
    expect(readdirSync(base).sort()).toEqual([...kept, made.slice(base.length + 1)].sort());
  });
});
