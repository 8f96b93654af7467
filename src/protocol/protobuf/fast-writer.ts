/**
 * A minimal protobuf wire writer for the hand-written fast encoders
 * (spec/protocol.md §13.3). Writes straight into one growing Buffer; a
 * length-delimited field reserves one length byte and moves its content when
 * the length needs more. Output is byte-identical to protobufjs's writer.
 */

/** Growable output buffer, reset per payload. Not re-entrant. */
export class FastWriter {
  buf: Buffer = Buffer.allocUnsafe(1024);
  pos = 0;

  reset(): void {
    if (this.buf.length > 64 * 1024) this.buf = Buffer.allocUnsafe(1024);
    this.pos = 0;
  }

  private grow(need: number): void {
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
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

  /** A copy of the bytes written. */
  finish(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }
}
