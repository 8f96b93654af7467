/**
 * AEAD protection of records (RFC 8446 §5.2, §5.3, §5.4): the inner
 * plaintext carries the real content type and optional zero padding; the
 * outer type is always application_data. One instance per direction and key.
 *
 * node:crypto offers no way to give an AEAD object a new nonce, so each
 * record needs a cipher object of its own (about 10 µs, plus as much again
 * for the calls around it). Two savings: a large record leaves as four
 * pieces (header, ciphertext, sealed type byte, tag) that the socket
 * writes with one writev, instead of being concatenated; a short
 * AES-GCM record goes through small-gcm.ts, which needs no new object.
 */
// ChaCha20-Poly1305 has the same AEAD interface as GCM; the cast only picks the typed overload.
import { createCipheriv, createDecipheriv, type CipherGCMTypes } from 'node:crypto';
import { AlertDescription, ContentType, LEGACY_VERSION, MAX_CIPHERTEXT, MAX_PLAINTEXT } from './constants.js';
import type { CipherSuite } from './cipher-suites.js';
import { TlsEngineError, badRecord } from './engine-error.js';
import { TransportErrorCode } from '../errors.js';
import type { TrafficKeys } from './key-schedule.js';
import { SmallGcm } from './small-gcm.js';

const TAG = 16;
const AEAD_OPTIONS = { authTagLength: TAG } as const;
/** Up to this many content bytes a record is built in one buffer; above, it leaves in pieces. */
const PIECES_FROM = 2048;
/** Inner plaintexts up to this size use SmallGcm with AES-GCM (measured break-even near 1 KiB). */
const SMALL_GCM_MAX = 1024;
/**
 * SmallGcm's set-up (an ECB object, a 4 KiB table) pays off only for keys
 * that protect many records: handshake keys protect one or two, so the
 * first records of each key go the native way.
 */
const SMALL_GCM_AFTER = 2;

/** Content of a record after removing protection. */
export interface OpenedRecord {
  readonly type: number;
  readonly content: Buffer;
}

/** Seals or opens the records of one direction, counting sequence numbers from 0. */
export class RecordProtection {
  readonly #algorithm: CipherGCMTypes;
  readonly #key: Buffer;
  readonly #iv: Buffer;
  /** The IV's last 8 bytes as two words, XORed with the sequence number. */
  readonly #ivHead: number;
  readonly #ivMid: number;
  readonly #ivLow: number;
  /** Sequence number; 2^53 records are out of reach, so a number suffices. */
  #seq = 0;
  /** The short-record path; created at the first short AES-GCM record, undefined for ChaCha20-Poly1305. */
  #small: SmallGcm | undefined;
  readonly #smallUsable: boolean;

  constructor(suite: CipherSuite, keys: TrafficKeys) {
    this.#algorithm = suite.algorithm as CipherGCMTypes;
    this.#smallUsable = suite.algorithm === 'aes-128-gcm';
    this.#key = keys.key;
    this.#iv = keys.iv;
    this.#ivHead = keys.iv.readUInt32BE(0);
    this.#ivMid = keys.iv.readUInt32BE(4);
    this.#ivLow = keys.iv.readUInt32BE(8);
  }

  get sequence(): number {
    return this.#seq;
  }

  /** The per-record nonce: the IV XOR the 64-bit sequence number (RFC 8446 §5.3). A fresh buffer: node keeps no reference, but it is cheap. */
  #nextNonce(): Buffer {
    const seq = this.#seq++;
    const n = Buffer.allocUnsafe(12);
    n.writeUInt32BE(this.#ivHead, 0);
    n.writeUInt32BE((this.#ivMid ^ Math.floor(seq / 0x1_0000_0000)) >>> 0, 4);
    n.writeUInt32BE((this.#ivLow ^ seq) >>> 0, 8);
    return n;
  }

  /** One protected record holding `content` (at most 2^14 bytes) of `type`, with `padding` zero bytes, as one buffer. */
  seal(type: number, content: Uint8Array, padding = 0): Buffer {
    const out: Buffer[] = [];
    this.sealTo(out, type, content, padding);
    return out.length === 1 ? out[0]! : Buffer.concat(out);
  }

  /**
   * Append one protected record to `out`: one buffer for small content,
   * else header, ciphertext, sealed type and tag as separate buffers
   * (consecutive on the wire, so still one record).
   */
  sealTo(out: Buffer[], type: number, content: Uint8Array, padding = 0): void {
    const innerLength = content.length + 1 + padding;
    if (this.#takesSmall(innerLength)) {
      const record = plainRecord(type, content, padding, innerLength);
      this.#small ??= new SmallGcm(this.#key, this.#iv);
      this.#small.sealInPlace(this.#seq++, record.subarray(0, 5), record, 5, innerLength);
      out.push(record);
      return;
    }
    const cipher = createCipheriv(this.#algorithm, this.#key, this.#nextNonce(), AEAD_OPTIONS);
    if (content.length < PIECES_FROM) {
      // The inner plaintext is built in the record itself, then encrypted into place.
      const record = plainRecord(type, content, padding, innerLength);
      cipher.setAAD(record.subarray(0, 5));
      const inner = record.subarray(5, 5 + innerLength);
      cipher.update(inner).copy(record, 5);
      cipher.final();
      cipher.getAuthTag().copy(record, 5 + innerLength);
      out.push(record);
      return;
    }
    const header = Buffer.allocUnsafe(5);
    writeHeader(header, innerLength + TAG);
    cipher.setAAD(header);
    const trailer = Buffer.alloc(1 + padding);
    trailer[0] = type;
    out.push(header, cipher.update(content), cipher.update(trailer));
    cipher.final();
    out.push(cipher.getAuthTag());
  }

  /**
   * Remove protection from a record (`header` its 5 bytes, `fragment` the
   * rest). Throws TLS_DECRYPT_ERROR (bad_record_mac) when authentication
   * fails, TLS_BAD_RECORD for an oversized record or one without a content type.
   */
  open(header: Buffer, fragment: Buffer): OpenedRecord {
    if (fragment.length > MAX_CIPHERTEXT) throw badRecord('protected record over 2^14+256 bytes', AlertDescription.recordOverflow);
    if (fragment.length <= TAG) throw badRecord('protected record too short', AlertDescription.decodeError);
    const inner = this.#takesSmall(fragment.length - TAG) ? this.#openSmall(header, fragment) : this.#openNative(header, fragment);
    let end = inner.length - 1;
    while (end >= 0 && inner[end] === 0) end--;
    if (end < 0) throw badRecord('protected record without a content type', AlertDescription.unexpectedMessage);
    if (end > MAX_PLAINTEXT) throw badRecord('record plaintext over 2^14 bytes', AlertDescription.recordOverflow);
    return { type: inner[end]!, content: inner.subarray(0, end) };
  }

  /** Whether the next record, of `innerLength` inner plaintext bytes, goes through SmallGcm. */
  #takesSmall(innerLength: number): boolean {
    return innerLength <= SMALL_GCM_MAX && this.#smallUsable && this.#seq >= SMALL_GCM_AFTER;
  }

  #openSmall(header: Buffer, fragment: Buffer): Buffer {
    this.#small ??= new SmallGcm(this.#key, this.#iv);
    const inner = this.#small.open(this.#seq++, header, fragment.subarray(0, fragment.length - TAG), fragment.subarray(fragment.length - TAG));
    if (inner === undefined) throw authFailed();
    return inner;
  }

  #openNative(header: Buffer, fragment: Buffer): Buffer {
    const decipher = createDecipheriv(this.#algorithm, this.#key, this.#nextNonce(), AEAD_OPTIONS);
    decipher.setAAD(header);
    decipher.setAuthTag(fragment.subarray(fragment.length - TAG));
    let inner: Buffer;
    try {
      inner = decipher.update(fragment.subarray(0, fragment.length - TAG));
      // GCM and ChaCha20-Poly1305 return every byte from update(); final() only checks the tag.
      decipher.final();
    } catch (err) {
      throw authFailed(err);
    }
    return inner;
  }
}

function authFailed(cause?: unknown): TlsEngineError {
  return new TlsEngineError(TransportErrorCode.TlsDecryptError, AlertDescription.badRecordMac, 'a TLS record failed authentication', cause === undefined ? undefined : { cause });
}

/** A record buffer with its header and, unencrypted, its inner plaintext (content, type, zero padding); room for the tag. */
function plainRecord(type: number, content: Uint8Array, padding: number, innerLength: number): Buffer {
  const record = Buffer.allocUnsafe(5 + innerLength + TAG);
  writeHeader(record, innerLength + TAG);
  record.set(content, 5);
  record[5 + content.length] = type;
  if (padding > 0) record.fill(0, 6 + content.length, 5 + innerLength);
  return record;
}

function writeHeader(buf: Buffer, length: number): void {
  buf[0] = ContentType.applicationData;
  buf.writeUInt16BE(LEGACY_VERSION, 1);
  buf.writeUInt16BE(length, 3);
}
