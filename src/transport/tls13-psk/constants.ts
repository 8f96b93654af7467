/**
 * Wire numbers and limits of the built-in TLS 1.3 PSK engine
 * (spec/protocol.md §4.9; RFC 8446 §4, §5, §6, appendix B).
 */

/** TLSPlaintext.type values (RFC 8446 §5.1). */
export const ContentType = {
  changeCipherSpec: 20,
  alert: 21,
  handshake: 22,
  applicationData: 23,
} as const;

/** HandshakeType values (RFC 8446 §4). */
export const HandshakeType = {
  clientHello: 1,
  serverHello: 2,
  newSessionTicket: 4,
  endOfEarlyData: 5,
  encryptedExtensions: 8,
  certificate: 11,
  certificateRequest: 13,
  certificateVerify: 15,
  finished: 20,
  keyUpdate: 24,
  messageHash: 254,
} as const;

/** ExtensionType values used here (RFC 8446 §4.2). */
export const ExtensionType = {
  serverName: 0,
  supportedGroups: 10,
  signatureAlgorithms: 13,
  preSharedKey: 41,
  earlyData: 42,
  supportedVersions: 43,
  cookie: 44,
  pskKeyExchangeModes: 45,
  keyShare: 51,
} as const;

/** AlertDescription values (RFC 8446 §6). */
export const AlertDescription = {
  closeNotify: 0,
  unexpectedMessage: 10,
  badRecordMac: 20,
  recordOverflow: 22,
  handshakeFailure: 40,
  illegalParameter: 47,
  decodeError: 50,
  decryptError: 51,
  protocolVersion: 70,
  internalError: 80,
  userCanceled: 90,
  missingExtension: 109,
  unsupportedExtension: 110,
  unknownPskIdentity: 115,
} as const;

/** TLS 1.3 in supported_versions; 0x0303 in every legacy version field. */
export const TLS13 = 0x0304;
export const LEGACY_VERSION = 0x0303;

/** psk_dhe_ke, the only PskKeyExchangeMode used (RFC 8446 §4.2.9). */
export const PSK_DHE_KE = 1;

/** Named groups offered and accepted (RFC 8446 §4.2.7). */
export const NamedGroup = {
  secp256r1: 0x0017,
  x25519: 0x001d,
} as const;
export type NamedGroup = (typeof NamedGroup)[keyof typeof NamedGroup];

/** Largest TLSInnerPlaintext content (2^14, RFC 8446 §5.1). */
export const MAX_PLAINTEXT = 16_384;
/** Largest TLSCiphertext fragment (2^14 + 256, RFC 8446 §5.2). */
export const MAX_CIPHERTEXT = MAX_PLAINTEXT + 256;
/** Largest handshake message accepted; PSK-only messages are far smaller. */
export const MAX_HANDSHAKE_MESSAGE = 65_536;

/** ServerHello.random of a HelloRetryRequest: SHA-256("HelloRetryRequest") (RFC 8446 §4.1.3). */
export const HRR_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');
