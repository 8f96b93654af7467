/**
 * Why the daemon closed or refused a connection (spec/protocol.md §4, §10,
 * §12.4). A {@link SessionError} is a close reason reported in events and
 * logs, never thrown at a peer: the peer only sees the connection end.
 * Tests check `code`, never the message text.
 */
import { PcmkRemoteError } from '../../protocol/errors.js';

/** Stable codes of {@link SessionError}. */
export const SessionErrorCode = {
  /** TLS handshake and `register` did not both finish within the handshake limit (§4.1, §10). */
  HandshakeTimeout: 'SESSION_HANDSHAKE_TIMEOUT',
  /** Nothing arrived from the peer for the idle limit. */
  IdleTimeout: 'SESSION_IDLE_TIMEOUT',
  /** The frame stream cannot be read any more (a stream error of §12.1, e.g. `FRAME_TOO_LARGE`); `cause` is the ProtocolError. */
  StreamError: 'SESSION_STREAM_ERROR',
  /** `register` announced a version below 1.0, or none: answered -71, then closed (§4.5). */
  VersionRefused: 'SESSION_VERSION_REFUSED',
  /** A request or IPC message came before `register` (§4.2). */
  NotRegistered: 'SESSION_NOT_REGISTERED',
  /** The peer did not read what it was sent and its queue passed the limit. */
  SlowConsumer: 'SESSION_SLOW_CONSUMER',
  /** Refused at accept: too many connections in the handshake, or too many connections. */
  LimitReached: 'SESSION_LIMIT_REACHED',
  /** The TLS handshake failed (wrong key, not a TLS peer); `cause` is the TLS error. */
  TlsFailed: 'SESSION_TLS_FAILED',
  /** The peer closed the connection. */
  PeerClosed: 'SESSION_PEER_CLOSED',
  /** A socket error ended the connection; `cause` is the error. */
  ConnectionLost: 'SESSION_CONNECTION_LOST',
  /** The daemon is shutting down. */
  DaemonClosing: 'SESSION_DAEMON_CLOSING',
} as const;

/** Union of the session error codes. */
export type SessionErrorCode = (typeof SessionErrorCode)[keyof typeof SessionErrorCode];

/** The reason a connection ended or was refused. */
export class SessionError extends PcmkRemoteError {
  declare readonly code: SessionErrorCode;

  constructor(code: SessionErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = 'SessionError';
  }
}

/** True when `err` is a {@link SessionError}, optionally with the given code. */
export function isSessionError(err: unknown, code?: SessionErrorCode): err is SessionError {
  return err instanceof SessionError && (code === undefined || err.code === code);
}
