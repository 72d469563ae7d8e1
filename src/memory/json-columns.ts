// A columnar encoding of a list of JSON values (records), for derived copies that are read far more
// often than written: objects become one column per field, arrays a column of lengths and one of
// items, and repetitive primitives a dictionary and codes. Parsing it allocates little beyond the
// values themselves (no repeated keys, one string per distinct value), and decoding builds fresh
// objects and arrays, so no two decoded values share a mutable part.

/** One column: the values of one field (or one list of items) across records, in order. */
export type Column =
  /** Plain objects: the distinct key lists, each value's key list, and one column per key. */
  | { t: 'o'; shapes: string[][]; shapeOf: number[] | null; fields: Record<string, Column> }
  /** Arrays: each one's length, then every item of every array in order. */
  | { t: 'a'; lengths: number[]; items: Column }
  /** Primitives that repeat: the distinct values and each value's position among them. */
  | { t: 'd'; dict: Primitive[]; codes: number[] }
  /** Anything else, as it is. */
  | { t: 'v'; values: unknown[] };

type Primitive = string | number | boolean | null;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPrimitive(value: unknown): value is Primitive {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

/** The column of `values` (JSON values: undefined fields of objects are left out, as JSON does). */
export function encodeColumn(values: readonly unknown[]): Column {
  if (values.length > 0 && values.every(isPlainObject)) {
    const shapes: string[][] = [];
    const shapeIds = new Map<string, number>();
    const shapeOf: number[] = [];
    // Maps, not objects: a "__proto__" key must stay a field.
    const fieldValues = new Map<string, unknown[]>();
    for (const value of values) {
      const keys = Object.keys(value).filter((key) => value[key] !== undefined);
      const name = keys.join('\0');
      let id = shapeIds.get(name);
      if (id === undefined) {
        id = shapes.length;
        shapes.push(keys);
        shapeIds.set(name, id);
      }
      shapeOf.push(id);
      for (const key of keys) {
        const column = fieldValues.get(key);
        if (column) column.push(value[key]);
        else fieldValues.set(key, [value[key]]);
      }
    }
    const fields = Object.fromEntries(
      [...fieldValues].map(([key, column]) => [key, encodeColumn(column)]),
    ) as Record<string, Column>;
    return { t: 'o', shapes, shapeOf: shapes.length === 1 ? null : shapeOf, fields };
  }
  if (values.length > 0 && values.every(Array.isArray)) {
    const arrays = values as readonly unknown[][];
    return { t: 'a', lengths: arrays.map((a) => a.length), items: encodeColumn(arrays.flat()) };
  }
  if (values.every(isPrimitive)) {
    const dict: Primitive[] = [];
    const codeOf = new Map<Primitive, number>();
    const codes = values.map((value) => {
      let code = codeOf.get(value);
      if (code === undefined) {
        code = dict.length;
        dict.push(value);
        codeOf.set(value, code);
      }
      return code;
    });
    // A dictionary pays only when values repeat.
    if (dict.length * 2 <= values.length) return { t: 'd', dict, codes };
  }
  return { t: 'v', values: [...values] };
}

/** A stored column that does not hold together. */
class DamagedColumn extends Error {}

function check(condition: boolean): asserts condition {
  if (!condition) throw new DamagedColumn();
}

function isIntArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((n) => Number.isInteger(n) && n >= 0);
}

/** The `count` values of a stored column; throws DamagedColumn when it does not hold together. */
function decode(value: unknown, count: number): unknown[] {
  check(isPlainObject(value));
  switch (value.t) {
    case 'v': {
      check(Array.isArray(value.values) && value.values.length === count);
      // Values are fresh from JSON.parse, read once: nothing else holds them.
      return value.values as unknown[];
    }
    case 'd': {
      const { dict, codes } = value;
      check(Array.isArray(dict) && isIntArray(codes) && codes.length === count);
      const out = new Array<unknown>(count);
      for (let i = 0; i < count; i++) {
        const code = codes[i] as number;
        check(code < dict.length);
        out[i] = dict[code];
      }
      return out;
    }
    case 'a': {
      const { lengths } = value;
      check(isIntArray(lengths) && lengths.length === count);
      let total = 0;
      for (const length of lengths) total += length;
      const items = decode(value.items, total);
      const out = new Array<unknown>(count);
      let at = 0;
      for (let i = 0; i < count; i++) {
        const length = lengths[i] as number;
        out[i] = items.slice(at, at + length);
        at += length;
      }
      return out;
    }
    case 'o':
      return decodeObjects(value, count);
    default:
      throw new DamagedColumn();
  }
}

function decodeObjects(value: Record<string, unknown>, count: number): unknown[] {
  const { shapes, shapeOf, fields } = value;
  check(Array.isArray(shapes) && shapes.length > 0 && isPlainObject(fields));
  check(shapeOf === null ? shapes.length === 1 : isIntArray(shapeOf) && shapeOf.length === count);
  const shapeAt = (i: number): number =>
    shapeOf === null ? 0 : ((shapeOf as number[])[i] as number);
  // How many values each field holds, so each field's column is decoded to exactly that many.
  const perShape = new Array<number>(shapes.length).fill(0);
  for (let i = 0; i < count; i++) {
    const id = shapeAt(i);
    check(id < shapes.length);
    perShape[id] = (perShape[id] as number) + 1;
  }
  const wanted = new Map<string, number>();
  shapes.forEach((shape: unknown, id) => {
    check(Array.isArray(shape) && shape.every((key) => typeof key === 'string'));
    for (const key of shape as string[])
      wanted.set(key, (wanted.get(key) ?? 0) + (perShape[id] as number));
  });
  const keys = [...wanted.keys()];
  const columns = keys.map((key) => {
    check(Object.hasOwn(fields, key));
    return decode(fields[key], wanted.get(key) as number);
  });
  const fieldAt = new Map(keys.map((key, i) => [key, i]));
  const shapeFields = (shapes as string[][]).map((shape) =>
    shape.map((key) => fieldAt.get(key) as number),
  );
  // A field's values are stored in object order: its cursor is how many objects had it so far.
  const cursors = new Array<number>(keys.length).fill(0);
  const builders = (shapes as string[][]).map((shape, id) =>
    objectBuilder(shape, shapeFields[id] as number[]),
  );
  const out = new Array<unknown>(count);
  for (let i = 0; i < count; i++)
    out[i] = (builders[shapeAt(i)] as ObjectBuilder)(columns, cursors);
  return out;
}

/** Builds the next object of a shape from the columns, moving the cursors of its fields. */
type ObjectBuilder = (columns: unknown[][], cursors: number[]) => Record<string, unknown>;

const builders = new Map<string, ObjectBuilder>();
/** Compiled builders are kept per shape; a memory holds a handful of shapes, not thousands. */
const MAX_BUILDERS = 256;

/**
 * A builder for objects of one shape. Setting a varying key in a loop (`object[key] = value`) is
 * what made decoding 100,000 records slow; an object literal with the shape's keys is several times
 * faster, so one is compiled per shape. The keys enter the code only as JSON string literals, and a
 * shape with `__proto__` (which a literal would take for the prototype) is built key by key.
 */
function objectBuilder(shape: readonly string[], fields: readonly number[]): ObjectBuilder {
  if (shape.includes('__proto__')) {
    return (columns, cursors) => {
      const object: Record<string, unknown> = {};
      shape.forEach((key, k) => {
        const field = fields[k] as number;
        Object.defineProperty(object, key, {
          value: (columns[field] as unknown[])[cursors[field] as number],
          enumerable: true,
          writable: true,
          configurable: true,
        });
        cursors[field] = (cursors[field] as number) + 1;
      });
      return object;
    };
  }
  const signature = JSON.stringify([shape, fields]);
  let builder = builders.get(signature);
  if (builder === undefined) {
    const properties = shape.map((key, k) => {
      const field = fields[k] as number;
      return `${JSON.stringify(key)}: columns[${field}][cursors[${field}]++]`;
    });
    // The keys enter the code only as JSON string literals (see above).
    builder = new Function(
      'columns',
      'cursors',
      `return {${properties.join(', ')}};`,
    ) as ObjectBuilder;
    if (builders.size >= MAX_BUILDERS) builders.clear();
    builders.set(signature, builder);
  }
  return builder;
}

/** The `count` values of a stored column, or undefined when it does not hold together. */
export function decodeColumn(value: unknown, count: number): unknown[] | undefined {
  try {
    return decode(value, count);
  } catch (error) {
    if (error instanceof DamagedColumn) return undefined;
    throw error;
  }
}
