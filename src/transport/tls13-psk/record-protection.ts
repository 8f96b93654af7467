/**
 * AEAD protection of records (RFC 8446 §5.2, §5.3, §5.4): the inner
 * plaintext carries the real content type and optional zero padding; the
 * outer type is always application_data. One instance per direction and key.
 */
// ChaCha20-Poly1305 has the same AEAD interface as GCM; the cast only picks the typed overload.
import { createCipheriv, createDecipheriv, type CipherGCMTypes } from 'node:crypto';
import { AlertDescription, ContentType, LEGACY_VERSION, MAX_CIPHERTEXT, MAX_PLAINTEXT } from './constants.js';
import type { CipherSuite } from './cipher-suites.js';
import { TlsEngineError, badRecord } from './engine-error.js';
import { TransportErrorCode } from '../errors.js';
import type { TrafficKeys } from './key-schedule.js';

const TAG = 16;

/** Content of a record after removing protection. */
export interface OpenedRecord {
  readonly type: number;
  readonly content: Buffer;
}

/** Seals or opens the records of one direction, counting sequence numbers from 0. */
export class RecordProtection {
  readonly #suite: CipherSuite;
  readonly #key: Buffer;
  readonly #iv: Buffer;
  readonly #nonce = Buffer.alloc(12);
  /** Sequence number; 2^53 records are out of reach, so a number suffices. */
  #seq = 0;

  constructor(suite: CipherSuite, keys: TrafficKeys) {
    this.#suite = suite;
    this.#key = keys.key;
    this.#iv = keys.iv;
  }

  get sequence(): number {
    return this.#seq;
  }

  #nextNonce(): Buffer {
    const n = this.#nonce;
    this.#iv.copy(n);
    const seq = this.#seq++;
    const hi = Math.floor(seq / 0x1_0000_0000);
    n.writeUInt32BE((n.readUInt32BE(4) ^ hi) >>> 0, 4);
    n.writeUInt32BE((n.readUInt32BE(8) ^ seq) >>> 0, 8);
    return n;
  }

  /** One protected record holding `content` (at most 2^14 bytes) of `type`, with `padding` zero bytes. */
  seal(type: number, content: Uint8Array, padding = 0): Buffer {
    const innerLength = content.length + 1 + padding;
    const header = Buffer.allocUnsafe(5);
    header[0] = ContentType.applicationData;
    header.writeUInt16BE(LEGACY_VERSION, 1);
    header.writeUInt16BE(innerLength + TAG, 3);
    const cipher = createCipheriv(this.#suite.algorithm as CipherGCMTypes, this.#key, this.#nextNonce(), { authTagLength: TAG });
    cipher.setAAD(header);
    const trailer = Buffer.alloc(1 + padding);
    trailer[0] = type;
    const parts = [header, cipher.update(content), cipher.update(trailer), cipher.final(), cipher.getAuthTag()];
    return Buffer.concat(parts, 5 + innerLength + TAG);
  }

  /**
   * Remove protection from a record (`header` its 5 bytes, `fragment` the
   * rest). Throws TLS_DECRYPT_ERROR (bad_record_mac) when authentication
   * fails, TLS_BAD_RECORD for an oversized record or one without a content type.
   */
  open(header: Buffer, fragment: Buffer): OpenedRecord {
    if (fragment.length > MAX_CIPHERTEXT) throw badRecord('protected record over 2^14+256 bytes', AlertDescription.recordOverflow);
    if (fragment.length <= TAG) throw badRecord('protected record too short', AlertDescription.decodeError);
    const decipher = createDecipheriv(this.#suite.algorithm as CipherGCMTypes, this.#key, this.#nextNonce(), { authTagLength: TAG });
    decipher.setAAD(header);
    decipher.setAuthTag(fragment.subarray(fragment.length - TAG));
    let inner: Buffer;
    try {
      const a = decipher.update(fragment.subarray(0, fragment.length - TAG));
      const b = decipher.final();
      inner = b.length === 0 ? a : Buffer.concat([a, b]);
    } catch (err) {
      throw new TlsEngineError(TransportErrorCode.TlsDecryptError, AlertDescription.badRecordMac, 'a TLS record failed authentication', { cause: err });
    }
    let end = inner.length - 1;
    while (end >= 0 && inner[end] === 0) end--;
    if (end < 0) throw badRecord('protected record without a content type', AlertDescription.unexpectedMessage);
    if (end > MAX_PLAINTEXT) throw badRecord('record plaintext over 2^14 bytes', AlertDescription.recordOverflow);
    return { type: inner[end]!, content: inner.subarray(0, end) };
  }
}
