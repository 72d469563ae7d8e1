// The daemon's health file: one JSON object, rewritten atomically at every change of state, so a
// container health check (or a person) sees what the daemon is doing and when it last moved.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../memory/files.js';

export type DaemonState = 'starting' | 'idle' | 'working' | 'learning' | 'stopping' | 'stopped';

export interface DaemonHealth {
  state: DaemonState;
  pid: number;
  started_at: string;
  /** When the file was last written; a live daemon writes it at least once per poll. */
  updated_at: string;
  data_dir: string;
  poll_interval_seconds: number;
  /** The task being worked on, as `agent/task-id`, or null. */
  current_task: string | null;
  tasks_done: number;
  tasks_failed: number;
  last_task: { task: string; outcome: string; at: string; commit: string | null } | null;
  /** The UTC day of the last learning run this daemon ran, or null. */
  last_learning_day: string | null;
  /** Where the remote is, or null when memory is not pushed. */
  push_target: string | null;
  /** The last error the daemon recovered from, or null. */
  last_error: { at: string; message: string } | null;
}

/** The health the file last recorded, or undefined when there is none (or it cannot be read). */
export function readHealth(file: string): DaemonHealth | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DaemonHealth;
  } catch {
    return undefined;
  }
}

export class HealthFile {
  private health: DaemonHealth;

  constructor(
    readonly file: string,
    initial: DaemonHealth,
    private readonly now: () => Date,
  ) {
    this.health = initial;
  }

  get current(): Readonly<DaemonHealth> {
    return this.health;
  }

  update(change: Partial<DaemonHealth>): void {
    this.health = { ...this.health, ...change, updated_at: this.now().toISOString() };
    writeFileAtomic(this.file, `${JSON.stringify(this.health, null, 2)}\n`);
  }
}
