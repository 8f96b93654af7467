/**
 * The TLS 1.3 key schedule for an external PSK with (EC)DHE (RFC 8446 §7.1,
 * §4.2.11.2, §4.4.4, §7.2, §7.3), and the running transcript hash.
 */
import { createHash, type Hash } from 'node:crypto';
import { HandshakeType } from './constants.js';
import { deriveSecret, hkdfExpandLabel, hkdfExtract, hmac, HASH, HASH_LENGTH } from './hkdf.js';

/** Write key and IV of one direction. */
export interface TrafficKeys {
  readonly key: Buffer;
  readonly iv: Buffer;
}

/** Early Secret = HKDF-Extract(0, PSK). */
export function earlySecret(psk: Uint8Array): Buffer {
  return hkdfExtract(undefined, psk);
}

/** finished_key = HKDF-Expand-Label(secret, "finished", "", Hash.length). */
export function finishedKey(secret: Uint8Array): Buffer {
  return hkdfExpandLabel(secret, 'finished', Buffer.alloc(0), HASH_LENGTH);
}

/**
 * The PSK binder over the hash of the transcript up to the truncated
 * ClientHello: "ext binder" for an external PSK (ours), "res binder" for a
 * resumption PSK (only for RFC 8448 §4's known answers).
 */
export function pskBinder(early: Uint8Array, truncatedTranscriptHash: Uint8Array, kind: 'ext' | 'res' = 'ext'): Buffer {
  return hmac(finishedKey(deriveSecret(early, `${kind} binder`)), truncatedTranscriptHash);
}

/** Finished.verify_data = HMAC(finished_key(base), transcript hash). */
export function finishedVerifyData(baseSecret: Uint8Array, transcriptHash: Uint8Array): Buffer {
  return hmac(finishedKey(baseSecret), transcriptHash);
}

/** Handshake Secret and both handshake traffic secrets (hash of ClientHello..ServerHello). */
export function handshakeSecrets(early: Uint8Array, sharedSecret: Uint8Array, helloHash: Uint8Array): { secret: Buffer; client: Buffer; server: Buffer } {
  const secret = hkdfExtract(deriveSecret(early, 'derived'), sharedSecret);
  return { secret, client: deriveSecret(secret, 'c hs traffic', helloHash), server: deriveSecret(secret, 's hs traffic', helloHash) };
}

/** Master Secret and both application traffic secrets (hash of ClientHello..server Finished). */
export function applicationSecrets(handshakeSecret: Uint8Array, serverFinishedHash: Uint8Array): { secret: Buffer; client: Buffer; server: Buffer } {
  const secret = hkdfExtract(deriveSecret(handshakeSecret, 'derived'), undefined);
  return { secret, client: deriveSecret(secret, 'c ap traffic', serverFinishedHash), server: deriveSecret(secret, 's ap traffic', serverFinishedHash) };
}

/** Key and IV from a traffic secret (RFC 8446 §7.3). */
export function trafficKeys(secret: Uint8Array, keyLength: number): TrafficKeys {
  return { key: hkdfExpandLabel(secret, 'key', Buffer.alloc(0), keyLength), iv: hkdfExpandLabel(secret, 'iv', Buffer.alloc(0), 12) };
}

/** application_traffic_secret_N+1 (KeyUpdate, RFC 8446 §7.2). */
export function nextTrafficSecret(secret: Uint8Array): Buffer {
  return hkdfExpandLabel(secret, 'traffic upd', Buffer.alloc(0), HASH_LENGTH);
}

/** The running hash of the handshake messages (RFC 8446 §4.4.1). */
export class Transcript {
  #hash: Hash = createHash(HASH);

  /** Add a whole handshake message, its 4-byte header included. */
  add(message: Uint8Array): void {
    this.#hash.update(message);
  }

  /** Hash of the messages so far. */
  digest(): Buffer {
    return this.#hash.copy().digest();
  }

  /** Hash of the messages so far followed by `extra`, which is not kept. */
  digestWith(extra: Uint8Array): Buffer {
    return this.#hash.copy().update(extra).digest();
  }

  /**
   * After a HelloRetryRequest: ClientHello1 is replaced by the synthetic
   * message_hash message holding its hash (RFC 8446 §4.4.1).
   */
  replaceWithMessageHash(): void {
    const h = this.#hash.digest();
    this.#hash = createHash(HASH).update(Uint8Array.of(HandshakeType.messageHash, 0, 0, h.length)).update(h);
  }
}
