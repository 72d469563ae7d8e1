// The columnar encoding of derived copies and the Bloom filter of task ids: what goes in comes out
// (key order, nesting, absent fields), nothing decoded is shared, damage is detected, and a filter
// never says "not here" of what it holds.
import { bloomMayHold, bloomOf } from '../src/memory/bloom-filter.js';
import { decodeColumn, encodeColumn } from '../src/memory/json-columns.js';

const values = [
  { a: 1, b: 'x', nested: { p: 1, q: [1, 2] }, tags: ['t1', 't2'], maybe: null },
  { b: 'x', a: 2, nested: { q: [], p: 2 }, tags: [], maybe: { by: 'ada' } },
  { a: 3, b: 'y', nested: { p: 1, q: [3] }, tags: ['t1'], maybe: null, extra: true },
  { a: 3, b: 'x', nested: { p: 1, q: [3] }, tags: ['t1'], maybe: null, skipped: undefined },
];

describe('json columns', () => {
  it('decodes exactly what was encoded, key order and nesting included, through JSON', () => {
    const stored: unknown = JSON.parse(JSON.stringify(encodeColumn(values)));
    const decoded = decodeColumn(stored, values.length);
    expect(JSON.stringify(decoded)).toBe(JSON.stringify(values));
    expect(decoded?.map((v) => Object.keys(v as object))).toEqual([
      ['a', 'b', 'nested', 'tags', 'maybe'],
      ['b', 'a', 'nested', 'tags', 'maybe'],
      ['a', 'b', 'nested', 'tags', 'maybe', 'extra'],
      ['a', 'b', 'nested', 'tags', 'maybe'],
    ]);
    // Repeated primitives are stored once.
    expect(JSON.stringify(stored).match(/"x"/g)).toHaveLength(1);
  });

  it('never hands out one object or array twice', () => {
    const same = Array.from({ length: 6 }, () => ({ tags: ['a'], tokens: { prompt: 1 } }));
    const decoded = decodeColumn(JSON.parse(JSON.stringify(encodeColumn(same))), 6) as {
      tags: string[];
      tokens: { prompt: number };
    }[];
    decoded[0]?.tags.push('b');
    if (decoded[0]) decoded[0].tokens.prompt = 9;
    expect(decoded[1]).toEqual({ tags: ['a'], tokens: { prompt: 1 } });
  });

  it('keeps a "__proto__" key an own field, never the prototype', () => {
    const hostile = JSON.parse('[{"__proto__": {"polluted": true}, "a": 1}, {"a": 2}]') as object[];
    const decoded = decodeColumn(JSON.parse(JSON.stringify(encodeColumn(hostile))), 2) as Record<
      string,
      unknown
    >[];
    expect(Object.getPrototypeOf(decoded[0])).toBe(Object.prototype);
    expect(Object.keys(decoded[0] ?? {})).toEqual(['__proto__', 'a']);
    expect(JSON.stringify(decoded)).toBe(JSON.stringify(hostile));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reads mixed, empty and primitive columns', () => {
    for (const list of [[], [1, 'a', null, true], [[1], 'a'], [null, { a: 1 }], [1.5, 1.5, 1.5]]) {
      const stored: unknown = JSON.parse(JSON.stringify(encodeColumn(list)));
      expect(decodeColumn(stored, list.length)).toEqual(list);
    }
  });

  it('says a column is damaged instead of decoding it', () => {
    const good = JSON.parse(JSON.stringify(encodeColumn(values))) as Record<string, unknown>;
    expect(decodeColumn(good, values.length + 1)).toBeUndefined();
    const damaged = [
      { ...good, t: 'z' },
      { ...good, shapes: [] },
      { ...good, fields: {} },
      { t: 'd', dict: ['a'], codes: [0, 1] },
      { t: 'a', lengths: [1, 1], items: { t: 'v', values: [1] } },
      'not a column',
    ];
    for (const column of damaged) expect(decodeColumn(column, 2)).toBeUndefined();
  });
});

describe('bloom filter', () => {
  it('holds every item it was made of and rejects most others', () => {
    const items = Array.from({ length: 256 }, (_, i) => `task-${i}`);
    const filter = bloomOf(items);
    expect(items.every((item) => bloomMayHold(filter, item))).toBe(true);
    const others = Array.from({ length: 10_000 }, (_, i) => `other-${i}`);
    const falsePositives = others.filter((item) => bloomMayHold(filter, item)).length;
    expect(falsePositives / others.length).toBeLessThan(0.005);
    // An unreadable filter says "maybe", never "no".
    expect(bloomMayHold('', 'task-1')).toBe(true);
    expect(bloomMayHold(bloomOf([]), 'task-1')).toBe(false);
  });
});
