/**
 * Error family of the transport: key loading, TCP, TLS and the record writer
 * (spec/protocol.md §4.1, §12). Callers and tests check `code`, never the
 * message text. Node socket and TLS errors are translated in one place,
 * {@link TransportError.fromSocketError}.
 */
import { PcmkRemoteError } from '../protocol/errors.js';

/** Stable error codes raised by `src/transport`. */
export const TransportErrorCode = {
  /** No key file found at any place of the lookup order (§4.1). */
  AuthkeyMissing: 'AUTHKEY_MISSING',
  /** A key file exists but cannot be read (permissions, a directory, I/O error). */
  AuthkeyUnreadable: 'AUTHKEY_UNREADABLE',
  /** The key file is empty; Pacemaker treats that as no key. */
  AuthkeyEmpty: 'AUTHKEY_EMPTY',
  /**
   * The PSK is too long for the engine asked for: over 512 bytes with the
   * node:tls engine (OpenSSL's cap), over 65 536 bytes with the built-in one.
   */
  PskTooLong: 'PSK_TOO_LONG',
  /**
   * TLS handshake refused or broken: wrong key (node:tls engine), not a TLS
   * peer, no common version, suite, group or PSK mode, or the peer closed
   * the connection during the handshake.
   */
  TlsHandshakeFailed: 'TLS_HANDSHAKE_FAILED',
  /** TLS handshake did not finish in time. */
  TlsHandshakeTimeout: 'TLS_HANDSHAKE_TIMEOUT',
  /**
   * Built-in engine (§4.9): the key or the identity does not match the
   * peer's (PSK binder or Finished check failed, or the peer said so with a
   * decrypt_error, bad_record_mac or unknown_psk_identity alert in the handshake).
   */
  TlsPskMismatch: 'TLS_PSK_MISMATCH',
  /** Built-in engine (§4.9): the peer sent a fatal TLS alert (its description is in the message). */
  TlsAlert: 'TLS_ALERT',
  /**
   * Built-in engine (§4.9): a malformed or oversized TLS record or handshake
   * message, or a message not allowed at that point.
   */
  TlsBadRecord: 'TLS_BAD_RECORD',
  /** Built-in engine (§4.9): a protected record failed authentication (bad_record_mac). */
  TlsDecryptError: 'TLS_DECRYPT_ERROR',
  /**
   * X.509 (§4.6): we refused the peer's certificate (unknown CA, revoked,
   * expired, wrong key purpose, pinned name not matched) or it sent none.
   */
  TlsCertInvalid: 'TLS_CERT_INVALID',
  /** X.509 (§4.6): the peer refused our certificate (a certificate alert arrived). */
  TlsCertRejected: 'TLS_CERT_REJECTED',
  /** X.509 settings name some of the files but not all of CA, certificate and key. */
  X509ConfigIncomplete: 'X509_CONFIG_INCOMPLETE',
  /** An X.509 CA, certificate, key or CRL file cannot be read. */
  X509FileUnreadable: 'X509_FILE_UNREADABLE',
  /** X.509 data is not usable: not PEM, an encrypted key, a key not matching the certificate, a bad CRL. */
  X509CredentialsInvalid: 'X509_CREDENTIALS_INVALID',
  /** TCP connect failed (refused, unreachable, name not found). */
  ConnectFailed: 'CONNECT_FAILED',
  /** TCP connect did not finish in time. */
  ConnectTimeout: 'CONNECT_TIMEOUT',
  /** The connection is closed or was lost; nothing more can be sent. */
  Closed: 'CLOSED',
  /** The caller aborted the operation through its AbortSignal. */
  Aborted: 'ABORTED',
} as const;

/** Union of the transport's error code strings. */
export type TransportErrorCode = (typeof TransportErrorCode)[keyof typeof TransportErrorCode];

/** Which step was running when a socket error happened; chooses the fallback code. */
export type SocketPhase = 'connect' | 'handshake' | 'io';

/** A local error of the transport layer. */
export class TransportError extends PcmkRemoteError {
  declare readonly code: TransportErrorCode;

  constructor(code: TransportErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = 'TransportError';
  }

  /**
   * Translate an error thrown or emitted by node:net / node:tls during
   * `phase` into a TransportError, keeping ours unchanged and the original
   * as `cause`. Connect phase: CONNECT_FAILED (ETIMEDOUT: CONNECT_TIMEOUT).
   * Handshake phase: TLS_HANDSHAKE_FAILED whatever happened (wrong key,
   * reset, not a TLS peer). Afterwards: CLOSED (reset, broken pipe, destroyed).
   * In the handshake and afterwards (a TLS 1.3 server judges the client's
   * certificate after the client finished), certificate failures become
   * TLS_CERT_INVALID (ours refused the peer's) or TLS_CERT_REJECTED (a
   * certificate alert from the peer).
   */
  static fromSocketError(err: unknown, phase: SocketPhase = 'io'): TransportError {
    if (err instanceof TransportError) return err;
    const sysCode = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : '';
    const text = err instanceof Error ? err.message : String(err);
    const code =
      (phase === 'connect' ? undefined : certificateErrorCode(sysCode)) ??
      (phase === 'handshake'
        ? TransportErrorCode.TlsHandshakeFailed
        : phase === 'connect'
          ? sysCode === 'ETIMEDOUT'
            ? TransportErrorCode.ConnectTimeout
            : TransportErrorCode.ConnectFailed
          : TransportErrorCode.Closed);
    const where = phase === 'connect' ? 'connect failed' : phase === 'handshake' ? 'TLS handshake failed' : 'connection lost';
    return new TransportError(code, `${where}: ${sysCode ? `${sysCode} ` : ''}${text}`, { cause: err });
  }
}

/**
 * Verification results node:tls reports as `code` when our side refuses a
 * certificate: OpenSSL's X509_V_ERR names without the prefix, the server's
 * handshake errors, and the failed name check.
 */
const LOCAL_CERT_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_CRL',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECRYPT_CRL_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CRL_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CRL_NOT_YET_VALID',
  'CRL_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_CERTIFICATE_VERIFY_FAILED',
  'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE',
]);

/** OpenSSL's names for a received alert about our certificate. */
const PEER_CERT_ALERT = /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13)_ALERT_(?:UNKNOWN_CA|\w*CERTIFICATE\w*)$/;

function certificateErrorCode(sysCode: string): TransportErrorCode | undefined {
  if (LOCAL_CERT_CODES.has(sysCode)) return TransportErrorCode.TlsCertInvalid;
  if (PEER_CERT_ALERT.test(sysCode)) return TransportErrorCode.TlsCertRejected;
  return undefined;
}

/** True when `err` is a {@link TransportError}, optionally with the given code. */
export function isTransportError(err: unknown, code?: TransportErrorCode): err is TransportError {
  return err instanceof TransportError && (code === undefined || err.code === code);
}
