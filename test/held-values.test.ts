// Values held across iterations (src/memory/held-values.ts): brought to the next iteration's values,
// a holder reports exactly the values added, removed and changed, whatever their order, and refuses
// (changing nothing) values it cannot hold: two at one path, or a changed value not frozen.
import fc from 'fast-check';
import { frozenValues, HeldValues, type ValueChange } from '../src/memory/held-values.js';

interface Item {
  path: string;
  data: { version: number };
}

/** A few versions of a few paths; most frozen, as the memory index serves them. */
const items: Item[] = [];
for (const path of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'])
  for (let version = 0; version < 3; version++) {
    const item = { path, data: { version } };
    items.push(version === 2 ? item : Object.freeze({ path, data: Object.freeze(item.data) }));
  }

const list = fc.array(fc.constantFrom(...items), { maxLength: 10 });

function describeChanges(changes: ValueChange<Item>[]): string[] {
  const name = (item?: Item) => (item ? `${item.path}@${item.data.version}` : '-');
  return changes.map((c) => `${name(c.before)}>${name(c.after)}`).sort();
}

describe('held values', () => {
  it('report what changed between any two lists, or refuse them and stay as they were', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            list,
            list.map((l) => [...l].reverse()),
          ),
          { maxLength: 8 },
        ),
        (lists) => {
          const holder = new HeldValues<Item>(frozenValues());
          let held = new Map<string, Item>();
          for (const values of lists) {
            const paths = values.map((v) => v.path);
            const refused =
              new Set(paths).size !== paths.length ||
              values.some((v) => held.get(v.path) !== v && !Object.isFrozen(v));
            const changes = holder.sync(values);
            if (refused) {
              expect(changes).toBeUndefined();
            } else {
              const next = new Map(values.map((v) => [v.path, v]));
              const expected: ValueChange<Item>[] = [];
              for (const [path, before] of held)
                if (next.get(path) !== before) expected.push({ before, after: next.get(path) });
              for (const [path, after] of next) if (!held.has(path)) expected.push({ after });
              expect(describeChanges(changes ?? [])).toEqual(describeChanges(expected));
              held = next;
            }
            expect(holder.size).toBe(held.size);
            for (const item of items) expect(holder.get(item.path)).toBe(held.get(item.path));
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('follow long lists changed in a few places, in order', () => {
    const long = Array.from({ length: 500 }, (_, n) =>
      Object.freeze({ path: `p${n}`, data: Object.freeze({ version: 0 }) }),
    );
    const holder = new HeldValues<Item>(frozenValues());
    expect(holder.sync(long)).toHaveLength(500);
    const changed = Object.freeze({ path: 'p7', data: Object.freeze({ version: 1 }) });
    const added = Object.freeze({ path: 'p7b', data: Object.freeze({ version: 0 }) });
    const next = [...long.slice(0, 7), changed, added, ...long.slice(8, 300), ...long.slice(301)];
    expect(describeChanges(holder.sync(next) ?? [])).toEqual(['->p7b@0', 'p300@0>-', 'p7@0>p7@1']);
    // The same value twice, once in step and once out of it: refused, nothing changed.
    expect(holder.sync([...next, long[3] as Item])).toBeUndefined();
    expect(holder.get('p7')).toBe(changed);
    expect(holder.sync(next)).toEqual([]);
    // Far out of order: looked up by path, with the same answers.
    const reversed = [...next].reverse();
    expect(holder.sync([...reversed, changed])).toBeUndefined();
    expect(holder.sync(reversed)).toEqual([]);
    expect(describeChanges(holder.sync(long) ?? [])).toEqual(['->p300@0', 'p7@1>p7@0', 'p7b@0>-']);
  });
});
