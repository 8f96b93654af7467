/**
 * Caches of short decoded strings for the protobuf fast decoder
 * (spec/protocol.md §13.3), keyed by their UTF-8 bytes.
 *
 * Parameter names and many values are short and repeat from message to
 * message. Returning the string made the first time saves an allocation,
 * and for a name the cached string is already a property key to V8, so
 * storing a parameter under it needs no string-table lookup: with 20
 * parameters, those lookups cost more than all the rest of the decoding.
 *
 * Direct-mapped: a slot holds the last string stored there, so a cache
 * never grows. Results never depend on what is cached.
 */
export class StringCache {
  /** Longest string, in bytes, the cache holds. */
  readonly maxLength: number;
  readonly #bits: number;
  readonly #bytes: Uint8Array;
  readonly #lengths: Int32Array;
  readonly #strings: string[];
  /** Slot of the last {@link lookup}, for the {@link store} after a miss. */
  #slot = 0;

  /** A cache of `2 ** bits` strings of up to `maxLength` bytes. */
  constructor(bits: number, maxLength: number) {
    this.maxLength = maxLength;
    this.#bits = bits;
    this.#bytes = new Uint8Array(maxLength << bits);
    this.#lengths = new Int32Array(1 << bits);
    this.#strings = new Array<string>(1 << bits).fill('');
  }

  /** The cached string of bytes `start`..`start + len` of `buf` (`len` 1 to maxLength), or undefined. */
  lookup(buf: Uint8Array, start: number, len: number): string | undefined {
    // Hash of every byte, four at a time (murmur-style mixing).
    const stop = start + len;
    let h = len;
    let i = start;
    for (; i + 4 <= stop; i += 4) {
      h = Math.imul(h ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24)), 0x5bd1e995);
      h ^= h >>> 13;
    }
    let w = 0;
    for (let shift = 0; i < stop; i++, shift += 8) w |= buf[i]! << shift;
    h = Math.imul(h ^ w, 0x5bd1e995);
    h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
    const slot = h >>> (32 - this.#bits);
    this.#slot = slot;
    if (this.#lengths[slot] !== len) return undefined;
    const bytes = this.#bytes;
    const base = slot * this.maxLength;
    for (let i = 0; i < len; i++) if (bytes[base + i] !== buf[start + i]) return undefined;
    return this.#strings[slot];
  }

  /**
   * Caches `str`, the decoded bytes `start`..`start + len` of `buf`, right
   * after a {@link lookup} of the same bytes missed; returns `str`. `str`
   * should not be a slice of a longer string, which the cache would keep alive.
   */
  store(buf: Uint8Array, start: number, len: number, str: string): string {
    const slot = this.#slot;
    const bytes = this.#bytes;
    const base = slot * this.maxLength;
    for (let i = 0; i < len; i++) bytes[base + i] = buf[start + i]!;
    this.#lengths[slot] = len;
    this.#strings[slot] = str;
    return str;
  }
}

/**
 * The property-key (internalized) form of `s`. The scratch object is
 * prototype-less, which V8 keeps in dictionary mode: a new key adds no
 * hidden-class transition (an object literal `{ [s]: 0 }` would add one per
 * distinct name, and grow ever slower).
 */
export function internalize(s: string): string {
  const o = Object.create(null) as Record<string, number>;
  o[s] = 0;
  return Object.keys(o)[0]!;
}
