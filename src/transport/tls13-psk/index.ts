/**
 * The built-in TLS 1.3 external-PSK engine (spec/protocol.md §4.9, §4.10):
 * keys of any length, psk_dhe_ke, X25519 / secp256r1, AES-128-GCM and
 * ChaCha20-Poly1305 with SHA-256. psk-tls.ts chooses it for keys over 512 bytes.
 */
export { Tls13PskSocket, type Tls13PskSocketOptions, type Tls13CipherInfo } from './socket.js';
export { connectTls13Psk, acceptTls13Psk, type Tls13PskConnectOptions, type Tls13PskAcceptOptions } from './connect.js';
export { CIPHER_SUITES, TLS_AES_128_GCM_SHA256, TLS_CHACHA20_POLY1305_SHA256, type CipherSuite } from './cipher-suites.js';
export { NamedGroup } from './constants.js';
export { SUPPORTED_GROUPS } from './key-share.js';
