// Long lists of maps (a belief's evidence) are rendered item by item, and frozen items once per
// process: the text must be exactly what rendering the whole frontmatter at once gives.
import { stringify } from 'yaml';
import { Random } from '../src/bench/random.js';
import { parseMarkdownFull, renderMarkdown } from '../src/memory/markdown.js';
import { z } from 'zod';

const AWKWARD = [
  '',
  ' leading and trailing ',
  'a: colon',
  '# hash',
  'line one\nline two',
  'line one\n\nafter a blank line\n',
  'it\'s "quoted"',
  '- dash',
  'true',
  '123',
  'null',
  'ünïcødé ✓',
  '{"json": [1, 2]}',
  '*not an alias',
  '&not-an-anchor',
  '@at',
  '`tick`',
  '? question',
  'a'.repeat(300),
];

function value(rng: Random, depth: number): unknown {
  switch (rng.int(0, depth > 1 ? 4 : 6)) {
    case 0:
      return rng.pick(AWKWARD);
    case 1:
      return rng.int(-5, 100_000);
    case 2:
      return rng.chance(0.5);
    case 3:
      return null;
    case 4:
      return `word-${rng.int(0, 50)}`;
    case 5:
      return Object.fromEntries(
        Array.from({ length: rng.int(0, 3) }, (_, i) => [`k${i}`, value(rng, depth + 1)]),
      );
    default:
      return Array.from({ length: rng.int(0, 3) }, () => value(rng, depth + 1));
  }
}

function item(rng: Random, shared: object): Record<string, unknown> {
  const entries: [string, unknown][] = [
    ['task', `t${rng.int(0, 999)}`],
    ['supports', rng.chance(0.7)],
    ['at', '2026-05-01T09:00:00Z'],
    ['note', rng.pick(AWKWARD)],
  ];
  if (rng.chance(0.3)) entries.push(['source', shared]);
  if (rng.chance(0.3)) entries.push(['extra', value(rng, 0)]);
  return Object.fromEntries(entries);
}

const whole = (data: Record<string, unknown>, body: string) =>
  `---\n${stringify(data, { lineWidth: 0, aliasDuplicateObjects: false }).trimEnd()}\n---\n${body ? `\n${body}\n` : ''}`;

describe('rendering long lists item by item', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])(
    'writes what a whole render writes (seed %i)',
    (seed) => {
      const rng = new Random(seed);
      const shared = { kind: 'issue', login: 'ana', association: 'OWNER' };
      const list = (n: number) => Array.from({ length: n }, () => item(rng, shared));
      const data: Record<string, unknown> = {
        kind: 'entity',
        name: rng.pick(AWKWARD) || 'Name',
        tags: ['a', 'b'],
        evidence: list(rng.int(16, 60)),
        short: list(rng.int(0, 15)),
        more: list(rng.int(16, 30)),
        mixed: [...list(20), 'a string among maps'],
        scalar: rng.pick(AWKWARD),
      };
      const expected = whole(data, 'Body.');
      expect(renderMarkdown(data, 'Body.')).toBe(expected);
      // Again, from items rendered lately: the same content in new objects (a file read again).
      const copy = JSON.parse(JSON.stringify(data)) as Record<string, unknown>;
      expect(renderMarkdown(copy, 'Body.')).toBe(whole(copy, 'Body.'));
      // An item whose content changed is rendered anew.
      const changed = { ...copy, evidence: [...(copy.evidence as object[])] };
      (changed.evidence as Record<string, unknown>[])[3] = { task: 'changed', note: 'a: b\nc' };
      expect(renderMarkdown(changed, 'Body.')).toBe(whole(changed, 'Body.'));
      const read = parseMarkdownFull('x.md', expected, z.looseObject({}));
      expect(read.data).toEqual(JSON.parse(JSON.stringify(data)));
    },
  );

  it('renders values JSON cannot tell apart without taking them from another item', () => {
    const items = (n: number, extra: Record<string, unknown>) =>
      Array.from({ length: 20 }, (_, i) => ({ task: `t${i}`, n, ...extra }));
    for (const data of [
      { evidence: items(0, {}) },
      { evidence: items(-0, {}) },
      { evidence: items(Number.NaN, {}) },
      { evidence: items(Number.POSITIVE_INFINITY, {}) },
      { evidence: items(1, { list: [undefined, 2] }) },
      { evidence: items(1, { list: [null, 2] }) },
    ])
      expect(renderMarkdown(data, '')).toBe(whole(data, ''));
  });

  it('never writes a YAML alias for an object met twice', () => {
    const source = { kind: 'cli' };
    const text = renderMarkdown({ evidence: [{ source }, { source }] }, '');
    expect(text).not.toMatch(/[&*]a1/);
    expect(text).toBe(
      '---\nevidence:\n  - source:\n      kind: cli\n  - source:\n      kind: cli\n---\n',
    );
  });
});
