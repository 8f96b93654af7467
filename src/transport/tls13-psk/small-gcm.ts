/**
 * AES-GCM (NIST SP 800-38D) for short TLS records, without a cipher object
 * per record: the counter blocks are encrypted by one reusable AES-ECB
 * object per key, and GHASH runs in JavaScript with Shoup's 4-bit tables.
 * A record of a few hundred bytes costs a few µs instead of the 15-25 µs
 * of createCipheriv + update + final (measured on the 2-core build
 * machine), which is what a request/reply round trip is made of. Large
 * records still go through createCipheriv (record-protection.ts). GHASH
 * uses Shoup's method with 8-bit tables (4 KiB per key).
 *
 * The table lookups depend on the hash key, so like OpenSSL's portable
 * table-driven GHASH this code is not free of cache-timing effects; it runs
 * only on short records and only in this process.
 */
import { createCipheriv, timingSafeEqual, type Cipher } from 'node:crypto';

const BLOCK = 16;
/** Keystream is made ahead for this many records (one ECB call), each covering this many blocks (tag mask included). */
const AHEAD = 8;
const AHEAD_BLOCKS = 1 + 24;

/** RED[r]: the top word added when eight bits `r` are shifted out of the field element (× x^8, reduced). */
const RED = new Int32Array(256);
for (let r = 0; r < 256; r++) {
  let v = [0, 0, 0, r];
  for (let i = 0; i < 8; i++) v = mulX(v);
  RED[r] = v[0]!;
}

/** One multiplication by x in GCM's bit order: a right shift, reduced by x^128 = x^7 + x^2 + x + 1. */
function mulX(v: readonly number[]): number[] {
  const carry = v[3]! & 1;
  return [(v[0]! >>> 1) ^ (carry ? 0xe1000000 : 0), (v[1]! >>> 1) | (v[0]! << 31), (v[2]! >>> 1) | (v[1]! << 31), (v[3]! >>> 1) | (v[2]! << 31)].map((w) => w | 0);
}

function word(b: Buffer, i: number): number {
  return (b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!;
}

/** The big-endian word at `i`, bytes at or past `end` read as zero (a partial last block). */
function partial(b: Buffer, i: number, end: number): number {
  let v = 0;
  for (let k = 0; k < 4; k++) v = (v << 8) | (i + k < end ? b[i + k]! : 0);
  return v;
}

/**
 * AES-128/256-GCM with a 16-byte tag for the records of one direction: the
 * nonce of record `seq` is the IV XOR seq (RFC 8446 §5.3). For short inputs
 * only (the block counter must stay far below 2^32).
 */
export class SmallGcm {
  readonly #ecb: Cipher;
  readonly #iv: Buffer;
  /** Keystream of records #aheadBase .. #aheadBase + AHEAD - 1, AHEAD_BLOCKS blocks each. */
  #ahead: Buffer | undefined;
  #aheadBase = 0;
  #aheadCount = 1;
  /** Where #keystream put its result. */
  #ks: Buffer = Buffer.alloc(0);
  /** Counter blocks, reused between calls. */
  #ctr: Buffer = Buffer.alloc(0);
  #ksAt = 0;
  /** M[n] = n·H for the 256 byte values, four words each. */
  readonly #m = new Int32Array(1024);
  readonly #x = new Int32Array(4);
  /** GHASH state. */
  #y0 = 0;
  #y1 = 0;
  #y2 = 0;
  #y3 = 0;

  constructor(key: Buffer, iv: Buffer) {
    this.#iv = iv;
    this.#ecb = createCipheriv(key.length === 16 ? 'aes-128-ecb' : 'aes-256-ecb', key, null);
    this.#ecb.setAutoPadding(false);
    const h = this.#ecb.update(Buffer.alloc(BLOCK));
    // Byte 0x80 is the polynomial 1, 0x40 is x, ..., 0x01 is x^7.
    let v = [word(h, 0), word(h, 4), word(h, 8), word(h, 12)];
    for (let n = 0x80; n > 0; n >>= 1) {
      this.#m.set(v, 4 * n);
      v = mulX(v);
    }
    for (let n = 1; n < 256; n++) {
      if ((n & (n - 1)) === 0) continue;
      const low = n & -n;
      for (let i = 0; i < 4; i++) this.#m[4 * n + i] = this.#m[4 * low + i]! ^ this.#m[4 * (n ^ low) + i]!;
    }
  }

  /**
   * Encrypt `length` bytes of `buf` at `offset` in place for record `seq`
   * and write the tag right after them; `aad` is authenticated. `buf` needs
   * 16 bytes of room.
   */
  sealInPlace(seq: number, aad: Buffer, buf: Buffer, offset: number, length: number): void {
    this.#keystream(seq, length);
    const ks = this.#ks;
    const k = this.#ksAt + BLOCK;
    for (let i = 0; i < length; i++) buf[offset + i] = buf[offset + i]! ^ ks[k + i]!;
    this.#ghash(aad, buf, offset, length);
    this.#writeTag(buf, offset + length);
  }

  /** Decrypt `ciphertext` (tag excluded) of record `seq` into a new buffer, or undefined when `tag` does not verify. */
  open(seq: number, aad: Buffer, ciphertext: Buffer, tag: Buffer): Buffer | undefined {
    const length = ciphertext.length;
    this.#keystream(seq, length);
    this.#ghash(aad, ciphertext, 0, length);
    const expected = Buffer.allocUnsafe(BLOCK);
    this.#writeTag(expected, 0);
    if (tag.length !== BLOCK || !timingSafeEqual(tag, expected)) return undefined;
    const ks = this.#ks;
    const k = this.#ksAt + BLOCK;
    const plain = Buffer.allocUnsafe(length);
    for (let i = 0; i < length; i++) plain[i] = ciphertext[i]! ^ ks[k + i]!;
    return plain;
  }

  /** Sets #ks/#ksAt to E(K, J0) followed by the keystream for `length` bytes of record `seq`. */
  #keystream(seq: number, length: number): void {
    const blocks = 1 + Math.ceil(length / BLOCK);
    if (blocks > AHEAD_BLOCKS) {
      this.#ks = this.#counterBlocks(seq, 1, blocks);
      this.#ksAt = 0;
      return;
    }
    if (this.#ahead === undefined || seq < this.#aheadBase || seq >= this.#aheadBase + this.#aheadCount) {
      // Start small, grow to AHEAD: a key may protect only a few records.
      this.#aheadCount = Math.min(AHEAD, 2 * this.#aheadCount);
      this.#ahead = this.#counterBlocks(seq, this.#aheadCount, AHEAD_BLOCKS);
      this.#aheadBase = seq;
    }
    this.#ks = this.#ahead;
    this.#ksAt = (seq - this.#aheadBase) * AHEAD_BLOCKS * BLOCK;
  }

  /** The encrypted counter blocks 1..`blocks` of records `seq`..`seq + records - 1`, one ECB call. */
  #counterBlocks(seq: number, records: number, blocks: number): Buffer {
    const size = records * blocks * BLOCK;
    if (this.#ctr.length < size) this.#ctr = Buffer.allocUnsafe(Math.max(size, AHEAD * AHEAD_BLOCKS * BLOCK));
    const ctr = this.#ctr.subarray(0, size);
    const iv = this.#iv;
    let at = 0;
    for (let r = 0; r < records; r++) {
      const s = seq + r;
      const hi = Math.floor(s / 0x1_0000_0000);
      // Nonce = IV XOR the sequence number, right-aligned (RFC 8446 §5.3); block counters count from 1.
      const n4 = iv[4]! ^ ((hi >>> 24) & 0xff);
      const n5 = iv[5]! ^ ((hi >>> 16) & 0xff);
      const n6 = iv[6]! ^ ((hi >>> 8) & 0xff);
      const n7 = iv[7]! ^ (hi & 0xff);
      const n8 = iv[8]! ^ ((s >>> 24) & 0xff);
      const n9 = iv[9]! ^ ((s >>> 16) & 0xff);
      const n10 = iv[10]! ^ ((s >>> 8) & 0xff);
      const n11 = iv[11]! ^ (s & 0xff);
      for (let i = 1; i <= blocks; i++, at += BLOCK) {
        ctr[at] = iv[0]!;
        ctr[at + 1] = iv[1]!;
        ctr[at + 2] = iv[2]!;
        ctr[at + 3] = iv[3]!;
        ctr[at + 4] = n4;
        ctr[at + 5] = n5;
        ctr[at + 6] = n6;
        ctr[at + 7] = n7;
        ctr[at + 8] = n8;
        ctr[at + 9] = n9;
        ctr[at + 10] = n10;
        ctr[at + 11] = n11;
        ctr[at + 12] = 0;
        ctr[at + 13] = 0;
        ctr[at + 14] = i >>> 8;
        ctr[at + 15] = i & 0xff;
      }
    }
    return this.#ecb.update(ctr);
  }

  /** Tag = E(K, J0) XOR GHASH. */
  #writeTag(out: Buffer, at: number): void {
    const ks = this.#ks;
    const k = this.#ksAt;
    out.writeInt32BE(word(ks, k) ^ this.#y0, at);
    out.writeInt32BE(word(ks, k + 4) ^ this.#y1, at + 4);
    out.writeInt32BE(word(ks, k + 8) ^ this.#y2, at + 8);
    out.writeInt32BE(word(ks, k + 12) ^ this.#y3, at + 12);
  }

  /** GHASH over `aad` and `length` bytes of `data` at `offset`, lengths block included; result in #y0..#y3. */
  #ghash(aad: Buffer, data: Buffer, offset: number, length: number): void {
    this.#y0 = this.#y1 = this.#y2 = this.#y3 = 0;
    this.#absorb(aad, 0, aad.length);
    this.#absorb(data, offset, length);
    // Lengths in bits, 64 bits each; both stay below 2^32 here.
    this.#mul(0, aad.length * 8, 0, length * 8);
  }

  #absorb(b: Buffer, offset: number, length: number): void {
    const end = offset + length;
    let i = offset;
    for (; i + BLOCK <= end; i += BLOCK) this.#mul(word(b, i), word(b, i + 4), word(b, i + 8), word(b, i + 12));
    if (i < end) this.#mul(partial(b, i, end), partial(b, i + 4, end), partial(b, i + 8, end), partial(b, i + 12, end));
  }

  /** Y = (Y ^ X)·H, Horner over the 16 bytes from the last one. */
  #mul(x0: number, x1: number, x2: number, x3: number): void {
    const m = this.#m;
    const xs = this.#x;
    xs[0] = this.#y0 ^ x0;
    xs[1] = this.#y1 ^ x1;
    xs[2] = this.#y2 ^ x2;
    xs[3] = this.#y3 ^ x3;
    let z0 = 0;
    let z1 = 0;
    let z2 = 0;
    let z3 = 0;
    for (let w = 3; w >= 0; w--) {
      let v = xs[w]!;
      for (let k = 0; k < 4; k++) {
        const n = (v & 0xff) << 2;
        v >>>= 8;
        const r = z3 & 0xff;
        z3 = ((z3 >>> 8) | (z2 << 24)) ^ m[n + 3]!;
        z2 = ((z2 >>> 8) | (z1 << 24)) ^ m[n + 2]!;
        z1 = ((z1 >>> 8) | (z0 << 24)) ^ m[n + 1]!;
        z0 = (z0 >>> 8) ^ RED[r]! ^ m[n]!;
      }
    }
    this.#y0 = z0;
    this.#y1 = z1;
    this.#y2 = z2;
    this.#y3 = z3;
  }
}
