/**
 * The `(program, id)` pairs seen so far, as 64-bit hashes in typed arrays
 * (two independent 32-bit hashes, worked out where the line was parsed)
 * instead of a Set of strings. Two pairs whose hashes agree are compared for
 * real by `sameKey`, which reads the events back: a collision can cost time,
 * never a wrong answer.
 */
export class SeenEvents {
  private slots: Int32Array; // 0 empty, else the event's index + 1
  private hashHi: Int32Array;
  private hashLo: Int32Array;
  private count = 0;

  constructor(
    expected: number,
    /** Whether the event kept at `index` has the same `(program, id)` as the one being added (reads both back). */
    private readonly sameKey: (index: number) => boolean,
    /**
     * Where the kept events' hashes go, by kept index: arrays of their own by
     * default. A caller adding hashes it reads from arrays of its own, in
     * order, can hand those in: a kept index is never ahead of the index read,
     * so they are compacted in place and no second pair is held.
     */
    hashes?: { readonly hashHi: Int32Array; readonly hashLo: Int32Array },
  ) {
    this.slots = new Int32Array(tableSize(expected));
    this.hashHi = hashes?.hashHi ?? new Int32Array(Math.max(16, expected));
    this.hashLo = hashes?.hashLo ?? new Int32Array(Math.max(16, expected));
  }

  /**
   * Records an event by the two hashes of its `(program, id)` (see `murmur`) as the
   * next kept one (index `size`); false, and nothing kept, if it was seen before.
   */
  add(hi: number, lo: number): boolean {
    const index = this.count;
    const mask = this.slots.length - 1;
    for (let slot = lo & mask; ; slot = (slot + 1) & mask) {
      const held = this.slots[slot];
      if (held === 0) break;
      const other = held - 1;
      if (this.hashHi[other] === hi && this.hashLo[other] === lo && this.sameKey(other))
        return false;
    }
    if (index >= this.hashHi.length) this.growHashes(index);
    this.hashHi[index] = hi;
    this.hashLo[index] = lo;
    this.count++;
    if (this.count * 2 > this.slots.length) this.rehash();
    else this.place(index);
    return true;
  }

  get size(): number {
    return this.count;
  }

  private place(index: number) {
    const mask = this.slots.length - 1;
    let slot = this.hashLo[index] & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = index + 1;
  }

  /** A table twice the size, with every event placed again (the hashes are kept per event). */
  private rehash() {
    this.slots = new Int32Array(this.slots.length * 2);
    for (let index = 0; index < this.count; index++) this.place(index);
  }

  private growHashes(index: number) {
    const size = Math.max(index + 1, this.hashHi.length * 2);
    const hi = new Int32Array(size);
    const lo = new Int32Array(size);
    hi.set(this.hashHi);
    lo.set(this.hashLo);
    this.hashHi = hi;
    this.hashLo = lo;
  }
}

/** At most half full: short probes. */
const tableSize = (n: number) => {
  let size = 16;
  while (size < n * 2) size *= 2;
  return size;
};

/** A 32-bit murmur-style hash of `program \0 id`, by UTF-16 code unit; no string is built. */
export function murmur(program: string, id: string, seed: number): number {
  let h = seed ^ (program.length + id.length + 1);
  h = mixString(h, program);
  h = mix(h, 0);
  h = mixString(h, id);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function mixString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = mix(h, s.charCodeAt(i));
  return h;
}

function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}
