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

/** Splits incoming bytes into records. After it throws, discard it. */
export class RecordReader {
  #buf: Buffer = Buffer.alloc(0);

  /** Bytes held that do not yet form a whole record. */
  get buffered(): number {
    return this.#buf.length;
  }

  push(chunk: Buffer): void {
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
  }

  /**
   * The next complete record, or undefined. Throws TLS_BAD_RECORD for an
   * unknown content type, a version not 3.x, or a length over 2^14+256.
   */
  next(): RawRecord | undefined {
    const buf = this.#buf;
    if (buf.length < 5) {
      if (buf.length >= 1) checkType(buf[0]!);
      return undefined;
    }
    checkType(buf[0]!);
    if (buf[1] !== 3) throw badRecord('not a TLS record (version)', AlertDescription.protocolVersion);
    const length = buf.readUInt16BE(3);
    if (length > MAX_CIPHERTEXT) throw badRecord(`TLS record of ${length} bytes`, AlertDescription.recordOverflow);
    if (buf.length < 5 + length) return undefined;
    this.#buf = buf.subarray(5 + length);
    return { type: buf[0]!, header: buf.subarray(0, 5), fragment: buf.subarray(5, 5 + length) };
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
