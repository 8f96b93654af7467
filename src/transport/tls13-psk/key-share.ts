/**
 * Ephemeral (EC)DHE key shares for psk_dhe_ke (RFC 8446 §4.2.8, §7.4):
 * X25519 and secp256r1 on node:crypto. A bad peer share throws
 * TLS_HANDSHAKE_FAILED with illegal_parameter.
 */
import { createECDH, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { AlertDescription, NamedGroup } from './constants.js';
import { handshakeFailed } from './engine-error.js';

/** Our half of a key exchange. */
export interface KeyShare {
  readonly group: NamedGroup;
  /** The key_exchange bytes to send. */
  readonly publicKey: Buffer;
  /** The shared secret with the peer's key_exchange bytes. */
  computeSecret(peer: Uint8Array): Buffer;
}

/** Groups supported, in order of preference. */
export const SUPPORTED_GROUPS: readonly NamedGroup[] = [NamedGroup.x25519, NamedGroup.secp256r1];

/** SubjectPublicKeyInfo DER prefix of a raw X25519 key (RFC 8410). */
const X25519_SPKI = Buffer.from('302a300506032b656e032100', 'hex');

function badShare(cause?: unknown): Error {
  const err = handshakeFailed('the peer sent an invalid key share', AlertDescription.illegalParameter);
  if (cause !== undefined) Object.defineProperty(err, 'cause', { value: cause });
  return err;
}

function x25519(): KeyShare {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(X25519_SPKI.length);
  return {
    group: NamedGroup.x25519,
    publicKey: Buffer.from(raw),
    computeSecret(peer) {
      if (peer.length !== 32) throw badShare();
      let secret: Buffer;
      try {
        const peerKey: KeyObject = createPublicKey({ key: Buffer.concat([X25519_SPKI, peer]), format: 'der', type: 'spki' });
        secret = diffieHellman({ privateKey, publicKey: peerKey });
      } catch (err) {
        throw badShare(err);
      }
      // An all-zero result means a low-order point (RFC 8446 §7.4.2).
      if (secret.every((b) => b === 0)) throw badShare();
      return secret;
    },
  };
}

function p256(): KeyShare {
  const ecdh = createECDH('prime256v1');
  const publicKey = ecdh.generateKeys();
  return {
    group: NamedGroup.secp256r1,
    publicKey,
    computeSecret(peer) {
      // Only the uncompressed form is allowed (RFC 8446 §4.2.8.2).
      if (peer.length !== 65 || peer[0] !== 4) throw badShare();
      try {
        return ecdh.computeSecret(peer);
      } catch (err) {
        throw badShare(err);
      }
    },
  };
}

/** A fresh key pair of `group`. */
export function generateKeyShare(group: NamedGroup): KeyShare {
  return group === NamedGroup.x25519 ? x25519() : p256();
}
