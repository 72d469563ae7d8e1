// The process-wide cache bounded by recency: by entries, or by the weight of what it keeps.
import { RecentlyUsed } from '../src/memory/recently-used.js';

describe('RecentlyUsed', () => {
  it('drops the entry used longest ago past its count', () => {
    const cache = new RecentlyUsed<string, number>(2);
    cache.use('a', 1);
    cache.use('b', 2);
    cache.use('a', 1); // a is now the most recent
    cache.use('c', 3);
    expect([cache.peek('a'), cache.peek('b'), cache.peek('c')]).toEqual([1, undefined, 3]);
  });

  it('keeps entries up to a total weight, and never one heavier than the bound', () => {
    const cache = new RecentlyUsed<string, number[]>(10, (list) => list.length);
    cache.use('six', [1, 2, 3, 4, 5, 6]);
    cache.use('three', [1, 2, 3]);
    expect(cache.peek('six')).toHaveLength(6);
    cache.use('four', [1, 2, 3, 4]); // 13 > 10: the oldest goes
    expect(cache.peek('six')).toBeUndefined();
    expect(cache.peek('three')).toHaveLength(3);
    const heavy = Array.from({ length: 11 }, (_, i) => i);
    expect(cache.use('heavy', heavy)).toBe(heavy);
    expect(cache.peek('heavy')).toBeUndefined();
    expect(cache.peek('four')).toHaveLength(4);
    cache.use('three', [1]); // a lighter value replaces the old weight
    cache.use('five', [1, 2, 3, 4, 5]);
    expect([cache.peek('three'), cache.peek('four'), cache.peek('five')]).toEqual([
      [1],
      [1, 2, 3, 4],
      [1, 2, 3, 4, 5],
    ]);
  });
});
