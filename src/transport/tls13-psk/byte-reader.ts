/**
 * Bounds-checked reading of TLS presentation-language fields (RFC 8446 §3):
 * big-endian integers and length-prefixed vectors. Running past the end
 * throws TLS_BAD_RECORD (decode_error).
 */
import { badRecord } from './engine-error.js';

export class ByteReader {
  readonly #buf: Buffer;
  #off = 0;

  constructor(buf: Buffer) {
    this.#buf = buf;
  }

  get offset(): number {
    return this.#off;
  }

  get remaining(): number {
    return this.#buf.length - this.#off;
  }

  #need(n: number): void {
    if (this.#buf.length - this.#off < n) throw badRecord('truncated handshake field');
  }

  u8(): number {
    this.#need(1);
    return this.#buf[this.#off++]!;
  }

  u16(): number {
    this.#need(2);
    const v = this.#buf.readUInt16BE(this.#off);
    this.#off += 2;
    return v;
  }

  u24(): number {
    this.#need(3);
    const v = this.#buf.readUIntBE(this.#off, 3);
    this.#off += 3;
    return v;
  }

  u32(): number {
    this.#need(4);
    const v = this.#buf.readUInt32BE(this.#off);
    this.#off += 4;
    return v;
  }

  bytes(n: number): Buffer {
    this.#need(n);
    const v = this.#buf.subarray(this.#off, this.#off + n);
    this.#off += n;
    return v;
  }

  /** A vector with a 1-, 2- or 3-byte length prefix. */
  vec(prefix: 1 | 2 | 3): Buffer {
    return this.bytes(prefix === 1 ? this.u8() : prefix === 2 ? this.u16() : this.u24());
  }

  /** Throws decode_error unless every byte was read. */
  end(what: string): void {
    if (this.remaining !== 0) throw badRecord(`trailing bytes in ${what}`);
  }
}

/** Builds a length-prefixed vector. */
export function vec(prefix: 1 | 2 | 3, ...parts: Uint8Array[]): Buffer {
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(prefix);
  head.writeUIntBE(body.length, 0, prefix);
  return Buffer.concat([head, body]);
}

export function u16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v);
  return b;
}
