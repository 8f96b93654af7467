/**
 * A minimal protobuf wire writer for the hand-written fast encoders
 * (spec/protocol.md §13.3). Writes straight into a slab Buffer; a
 * length-delimited field reserves one length byte and moves its content when
 * the length needs more. Output is byte-identical to protobufjs's writer.
 *
 * Payloads are handed out as views of the slab, one after another (as Node's
 * Buffer pool does), so finishing one copies nothing; bytes once handed out
 * are never written again.
 */

/** Size of a fresh slab. */
const SLAB = 8 * 1024;
/** A slab that grew past this (for one big payload) is not reused. */
const KEEP = 64 * 1024;

/** Growable output buffer, reset per payload. Not re-entrant. */
export class FastWriter {
  buf: Buffer = Buffer.allocUnsafe(SLAB);
  pos = 0;
  /** Where the current payload starts in `buf`. */
  private start = 0;

  reset(): void {
    // Next payload on an 8-byte boundary after the last one handed out.
    const next = (this.pos + 7) & ~7;
    if (this.buf.length > KEEP || next + 1024 > this.buf.length) {
      this.buf = Buffer.allocUnsafe(SLAB);
      this.start = this.pos = 0;
    } else {
      this.start = this.pos = next;
    }
  }

  /** A bigger buffer holding the current payload at the same offsets (forks stay valid). */
  private grow(need: number): void {
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, this.start, this.start, this.pos);
    this.buf = next;
  }

  /** Unsigned varint of a value below 2^32. */
  uint32(v: number): void {
    if (this.pos + 5 > this.buf.length) this.grow(this.pos + 5);
    const buf = this.buf;
    let pos = this.pos;
    while (v > 127) {
      buf[pos++] = (v & 127) | 128;
      v >>>= 7;
    }
    buf[pos++] = v;
    this.pos = pos;
  }

  /** Zigzag varint of a number, exactly as protobufjs's LongBits.fromNumber + zzEncode (fractions truncate). */
  sint64(value: number): void {
    let lo = 0;
    let hi = 0;
    if (value !== 0) {
      const sign = value < 0;
      if (sign) value = -value;
      lo = value >>> 0;
      hi = ((value - lo) / 4294967296) >>> 0;
      if (sign) {
        hi = ~hi >>> 0;
        lo = ~lo >>> 0;
        if (++lo > 4294967295) {
          lo = 0;
          if (++hi > 4294967295) hi = 0;
        }
      }
      const mask = hi >> 31;
      hi = (((hi << 1) | (lo >>> 31)) ^ mask) >>> 0;
      lo = ((lo << 1) ^ mask) >>> 0;
    }
    if (this.pos + 10 > this.buf.length) this.grow(this.pos + 10);
    const buf = this.buf;
    let pos = this.pos;
    while (hi) {
      buf[pos++] = (lo & 127) | 128;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    while (lo > 127) {
      buf[pos++] = (lo & 127) | 128;
      lo >>>= 7;
    }
    buf[pos++] = lo;
    this.pos = pos;
  }

  bool(v: boolean): void {
    if (this.pos + 1 > this.buf.length) this.grow(this.pos + 1);
    this.buf[this.pos++] = v ? 1 : 0;
  }

  /**
   * Length-prefixed UTF-8; an unpaired surrogate becomes U+FFFD (as Buffer and
   * TextEncoder write it).
   * @throws TypeError when `s` is not a string
   */
  string(s: string): void {
    if (typeof s !== 'string') throw new TypeError(`not a string: ${typeof s}`);
    const n = s.length;
    if (n < 128) {
      if (this.pos + 1 + n > this.buf.length) this.grow(this.pos + 1 + n);
      const buf = this.buf;
      const start = this.pos + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[start + i] = c;
      }
      if (i === n) {
        buf[this.pos] = n;
        this.pos = start + n;
        return;
      }
    }
    const len = Buffer.byteLength(s, 'utf8');
    this.uint32(len);
    if (this.pos + len > this.buf.length) this.grow(this.pos + len);
    this.pos += this.buf.write(s, this.pos, len, 'utf8');
  }

  /** Raw bytes, copied as they are. */
  raw(bytes: Uint8Array): void {
    const n = bytes.length;
    if (this.pos + n > this.buf.length) this.grow(this.pos + n);
    this.buf.set(bytes, this.pos);
    this.pos += n;
  }

  /** Starts a length-delimited sub-message; pass the result to {@link ldelim}. */
  fork(): number {
    if (this.pos + 1 > this.buf.length) this.grow(this.pos + 1);
    return this.pos++;
  }

  /** Ends the sub-message started at `at`, writing its length there. */
  ldelim(at: number): void {
    const len = this.pos - at - 1;
    if (len < 128) {
      this.buf[at] = len;
      return;
    }
    let extra = 0;
    for (let v = len >>> 7; v > 0; v >>>= 7) extra++;
    if (this.pos + extra > this.buf.length) this.grow(this.pos + extra);
    const buf = this.buf;
    buf.copyWithin(at + 1 + extra, at + 1, this.pos);
    let v = len;
    let p = at;
    while (v > 127) {
      buf[p++] = (v & 127) | 128;
      v >>>= 7;
    }
    buf[p] = v;
    this.pos += extra;
  }

  /** The bytes of the current payload (a view that stays unchanged). */
  finish(): Buffer {
    return this.buf.subarray(this.start, this.pos);
  }
}
