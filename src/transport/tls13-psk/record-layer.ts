/**
 * TLS record framing (RFC 8446 §5.1): cuts a byte stream into records and
 * builds plaintext records. Checks the header before the fragment arrives,
 * so a peer cannot make it buffer more than one maximal record.
 */
import { AlertDescription, ContentType, LEGACY_VERSION, MAX_CIPHERTEXT, MAX_PLAINTEXT } from './constants.js';
import { badRecord } from './engine-error.js';

/** One record as read from the wire. */
export interface RawRecord {
  readonly type: number;
  /** The 5 header bytes (the AEAD's additional data). */
  readonly header: Buffer;
  readonly fragment: Buffer;
}

const KNOWN_TYPES = new Set<number>([ContentType.changeCipherSpec, ContentType.alert, ContentType.handshake, ContentType.applicationData]);

/**
 * Splits incoming bytes into records. Chunks are kept as they came: a
 * record inside one chunk is a view of it, only a record spanning chunks is
 * copied. After it throws, discard it.
 */
export class RecordReader {
  readonly #chunks: Buffer[] = [];
  /** Offset of the unread part of the first chunk. */
  #head = 0;
  #length = 0;

  /** Bytes held that do not yet form a whole record. */
  get buffered(): number {
    return this.#length;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#length += chunk.length;
  }

  /**
   * The next complete record, or undefined. Throws TLS_BAD_RECORD for an
   * unknown content type, a version not 3.x, or a length over 2^14+256.
   */
  next(): RawRecord | undefined {
    if (this.#length < 5) {
      if (this.#length >= 1) checkType(this.#byte(0));
      return undefined;
    }
    const type = this.#byte(0);
    checkType(type);
    if (this.#byte(1) !== 3) throw badRecord('not a TLS record (version)', AlertDescription.protocolVersion);
    const length = (this.#byte(3) << 8) | this.#byte(4);
    if (length > MAX_CIPHERTEXT) throw badRecord(`TLS record of ${length} bytes`, AlertDescription.recordOverflow);
    if (this.#length < 5 + length) return undefined;
    const record = this.#take(5 + length);
    return { type, header: record.subarray(0, 5), fragment: record.subarray(5) };
  }

  /** Byte `i` of the held bytes (i < length). */
  #byte(i: number): number {
    let at = this.#head + i;
    for (const c of this.#chunks) {
      if (at < c.length) return c[at]!;
      at -= c.length;
    }
    return 0;
  }

  /** Remove and return the first `n` held bytes (n <= length). */
  #take(n: number): Buffer {
    this.#length -= n;
    const first = this.#chunks[0]!;
    if (first.length - this.#head >= n) {
      const out = first.subarray(this.#head, this.#head + n);
      this.#head += n;
      if (this.#head === first.length) {
        this.#chunks.shift();
        this.#head = 0;
      }
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    let index = 0;
    let start = this.#head;
    while (filled < n) {
      const c = this.#chunks[index]!;
      const want = Math.min(n - filled, c.length - start);
      c.copy(out, filled, start, start + want);
      filled += want;
      start += want;
      if (start === c.length) {
        index++;
        start = 0;
      }
    }
    this.#chunks.splice(0, index);
    this.#head = start;
    return out;
  }
}

function checkType(type: number): void {
  if (!KNOWN_TYPES.has(type)) throw badRecord(`unknown TLS content type ${type}`, AlertDescription.unexpectedMessage);
}

/**
 * Unprotected records of `type` holding `data`, cut at 2^14 bytes. The
 * first ClientHello says 3.1 in the record version, as RFC 8446 §5.1 advises.
 */
export function plainRecords(type: number, data: Uint8Array, version = LEGACY_VERSION): Buffer {
  const parts: Buffer[] = [];
  for (let off = 0; off < data.length || (off === 0 && data.length === 0); off += MAX_PLAINTEXT) {
    const piece = data.subarray(off, Math.min(data.length, off + MAX_PLAINTEXT));
    const header = Buffer.allocUnsafe(5);
    header[0] = type;
    header.writeUInt16BE(version, 1);
    header.writeUInt16BE(piece.length, 3);
    parts.push(header, Buffer.from(piece.buffer, piece.byteOffset, piece.length));
    if (data.length === 0) break;
  }
  return Buffer.concat(parts);
}
