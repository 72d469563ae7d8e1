// A process-wide cache bounded by recency: past `max` (entries, or the total weight `weigh` gives
// them), the ones used longest ago go. What a process keeps across tasks (context corpora, folder
// reads, decoded reward shards) stays bounded in a process that visits many repositories or agents.
export class RecentlyUsed<K, V> {
  /** In order of use, the most recent last. */
  private readonly entries = new Map<K, V>();
  private total = 0;

  constructor(
    private readonly max: number,
    private readonly weigh: (value: V) => number = () => 1,
  ) {}

  /** The value kept for `key`, without counting as a use. */
  peek(key: K): V | undefined {
    return this.entries.get(key);
  }

  /**
   * Keeps `value` for `key` as the most recently used, dropping the oldest past `max`; a value
   * heavier than `max` on its own is returned but not kept.
   */
  use(key: K, value: V): V {
    this.forget(key);
    const weight = this.weigh(value);
    if (weight > this.max) return value;
    this.entries.set(key, value);
    this.total += weight;
    for (const oldest of this.entries.keys()) {
      if (this.total <= this.max) break;
      this.forget(oldest);
    }
    return value;
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }

  private forget(key: K): void {
    const value = this.entries.get(key);
    if (value === undefined && !this.entries.has(key)) return;
    this.total -= this.weigh(value as V);
    this.entries.delete(key);
  }
}
