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
  /** The PSK is longer than node:tls (OpenSSL) accepts: 512 bytes. */
  PskTooLong: 'PSK_TOO_LONG',
  /** TLS handshake refused or broken: wrong key, not a TLS peer, protocol error. */
  TlsHandshakeFailed: 'TLS_HANDSHAKE_FAILED',
  /** TLS handshake did not finish in time. */
  TlsHandshakeTimeout: 'TLS_HANDSHAKE_TIMEOUT',
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
   */
  static fromSocketError(err: unknown, phase: SocketPhase = 'io'): TransportError {
    if (err instanceof TransportError) return err;
    const sysCode = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : '';
    const text = err instanceof Error ? err.message : String(err);
    const code =
      phase === 'handshake'
        ? TransportErrorCode.TlsHandshakeFailed
        : phase === 'connect'
          ? sysCode === 'ETIMEDOUT'
            ? TransportErrorCode.ConnectTimeout
            : TransportErrorCode.ConnectFailed
          : TransportErrorCode.Closed;
    const where = phase === 'connect' ? 'connect failed' : phase === 'handshake' ? 'TLS handshake failed' : 'connection lost';
    return new TransportError(code, `${where}: ${sysCode ? `${sysCode} ` : ''}${text}`, { cause: err });
  }
}

/** True when `err` is a {@link TransportError}, optionally with the given code. */
export function isTransportError(err: unknown, code?: TransportErrorCode): err is TransportError {
  return err instanceof TransportError && (code === undefined || err.code === code);
}
