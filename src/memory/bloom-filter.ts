// A Bloom filter of strings, stored as base64: "certainly not here" or "maybe here" in a few hundred
// bytes per thousand strings, so a lookup of a task id need not load the ids of every sealed shard.
// About 0.05% false positives at 16 bits per string and 11 probes; never a false negative.

const BITS_PER_ITEM = 16;
const PROBES = 11;

/** Two independent 32-bit FNV-1a hashes of a string (over UTF-16 code units; seeds differ). */
function hashes(text: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193) >>> 0;
    b = Math.imul(b ^ code, 0x5bd1e995) >>> 0;
    b ^= b >>> 15;
  }
  // An odd step, so the probes of double hashing visit distinct bits.
  return [a, (b | 1) >>> 0];
}

function probes(text: string, bits: number): number[] {
  return probesOf(hashes(text), bits);
}

function probesOf(hashed: [number, number], bits: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < PROBES; i++) out.push(probe(hashed, i, bits));
  return out;
}

/** The `i`th bit probed for a string of these hashes (double hashing). */
function probe([a, step]: [number, number], i: number, bits: number): number {
  return ((a + Math.imul(i, step)) >>> 0) % bits;
}

/** A filter holding `items`, as base64 (its length gives its size in bits). */
export function bloomOf(items: Iterable<string>): string {
  const list = [...items];
  const bytes = Math.max(8, Math.ceil((list.length * BITS_PER_ITEM) / 8));
  const bitmap = new Uint8Array(bytes);
  for (const item of list) {
    for (const bit of probes(item, bytes * 8))
      bitmap[bit >>> 3] = (bitmap[bit >>> 3] ?? 0) | (1 << (bit & 7));
  }
  return Buffer.from(bitmap).toString('base64');
}

/**
 * Filters decoded from base64, by their text: a lookup of one task asks every sealed shard's filter
 * (500 of them in a 100,000-record log), and the same filters on every iteration of a process.
 * Dropped whole past this many, so a long-running process keeps it bounded.
 */
const KEPT_FILTERS = 4096;
const decodedFilters = new Map<string, Buffer>();
/** The last item asked about and its hashes: one lookup asks every filter about the same item. */
let lastItem: { item: string; hashes: [number, number] } | undefined;

/** False when `item` is certainly not in the filter; true when it may be (or the filter is unreadable). */
export function bloomMayHold(filter: string, item: string): boolean {
  let bitmap = decodedFilters.get(filter);
  if (bitmap === undefined) {
    if (decodedFilters.size >= KEPT_FILTERS) decodedFilters.clear();
    bitmap = Buffer.from(filter, 'base64');
    decodedFilters.set(filter, bitmap);
  }
  if (bitmap.length === 0) return true;
  if (lastItem?.item !== item) lastItem = { item, hashes: hashes(item) };
  // The bits one at a time: a lookup asks 500 filters, with no list of probes made for each.
  const bits = bitmap.length * 8;
  for (let i = 0; i < PROBES; i++) {
    const bit = probe(lastItem.hashes, i, bits);
    if (((bitmap[bit >>> 3] ?? 0) & (1 << (bit & 7))) === 0) return false;
  }
  return true;
}
