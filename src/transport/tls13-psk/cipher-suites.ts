/**
 * The cipher suites of the engine (spec/protocol.md §4.9). Only SHA-256
 * suites: an external PSK is bound to one hash, SHA-256 unless agreed
 * otherwise (RFC 8446 §4.2.11), and GnuTLS binds its PSKs to SHA-256, so
 * TLS_AES_256_GCM_SHA384 could never be chosen with them.
 */

/** A supported TLS 1.3 cipher suite. */
export interface CipherSuite {
  readonly id: number;
  /** IANA name. */
  readonly name: string;
  /** node:crypto cipher name. */
  readonly algorithm: 'aes-128-gcm' | 'chacha20-poly1305';
  readonly keyLength: number;
}

export const TLS_AES_128_GCM_SHA256: CipherSuite = { id: 0x1301, name: 'TLS_AES_128_GCM_SHA256', algorithm: 'aes-128-gcm', keyLength: 16 };
export const TLS_CHACHA20_POLY1305_SHA256: CipherSuite = {
  id: 0x1303,
  name: 'TLS_CHACHA20_POLY1305_SHA256',
  algorithm: 'chacha20-poly1305',
  keyLength: 32,
};

/** Every supported suite, in our order of preference. */
export const CIPHER_SUITES: readonly CipherSuite[] = [TLS_AES_128_GCM_SHA256, TLS_CHACHA20_POLY1305_SHA256];

/** The suite with that IANA name; undefined if not supported. */
export function suiteByName(name: string): CipherSuite | undefined {
  return CIPHER_SUITES.find((s) => s.name === name);
}

/** The suite with that code point; undefined if not supported. */
export function suiteById(id: number): CipherSuite | undefined {
  return CIPHER_SUITES.find((s) => s.id === id);
}
