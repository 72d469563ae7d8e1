// A process-wide cache bounded by recency: past `max` entries, the one used longest ago goes. What a
// process keeps across tasks (context corpora, folder reads, decoded reward shards) stays bounded
// in a process that visits many repositories or agents.
export class RecentlyUsed<K, V> {
  /** In order of use, the most recent last. */
  private readonly entries = new Map<K, V>();

  constructor(private readonly max: number) {}

  /** The value kept for `key`, without counting as a use. */
  peek(key: K): V | undefined {
    return this.entries.get(key);
  }

  /** Keeps `value` for `key` as the most recently used, dropping the oldest past `max`. */
  use(key: K, value: V): V {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.max) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}
