/**
 * Reassembles handshake messages from handshake records (RFC 8446 §5.1): a
 * message may span records and a record may hold several messages. The
 * declared length is checked against the limit before buffering.
 */
import { AlertDescription, MAX_HANDSHAKE_MESSAGE } from './constants.js';
import { badRecord } from './engine-error.js';

/** One whole handshake message. */
export interface HandshakeMessage {
  readonly type: number;
  readonly body: Buffer;
  /** Header and body: what goes into the transcript. */
  readonly raw: Buffer;
}

export class HandshakeReader {
  #buf: Buffer = Buffer.alloc(0);
  readonly #max: number;

  constructor(maxMessage = MAX_HANDSHAKE_MESSAGE) {
    this.#max = maxMessage;
  }

  /** True while part of a message is held (keys must not change then, RFC 8446 §5.1). */
  get pending(): boolean {
    return this.#buf.length > 0;
  }

  push(fragment: Buffer): void {
    if (fragment.length === 0) throw badRecord('empty handshake record', AlertDescription.unexpectedMessage);
    this.#buf = this.#buf.length === 0 ? fragment : Buffer.concat([this.#buf, fragment]);
  }

  /** The next whole message, or undefined. Throws TLS_BAD_RECORD for one over the limit. */
  next(): HandshakeMessage | undefined {
    const buf = this.#buf;
    if (buf.length < 4) return undefined;
    const length = buf.readUIntBE(1, 3);
    if (length > this.#max) throw badRecord(`handshake message of ${length} bytes`, AlertDescription.illegalParameter);
    if (buf.length < 4 + length) return undefined;
    this.#buf = buf.subarray(4 + length);
    const raw = buf.subarray(0, 4 + length);
    return { type: buf[0]!, body: raw.subarray(4), raw };
  }
}

/** A handshake message with its 4-byte header. */
export function handshakeMessage(type: number, body: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(4 + body.length);
  out[0] = type;
  out.writeUIntBE(body.length, 1, 3);
  out.set(body, 4);
  return out;
}
