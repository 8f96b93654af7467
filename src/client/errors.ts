/**
 * Error family of the client (spec/protocol.md §12): {@link ClientError} for
 * local failures (timeout, abort, lost connection, failed register) and
 * {@link PeerError} for a negative `lrmd_rc` the peer reported (§5.15).
 * Callers and tests check `code`, never the message text.
 */
import { LrmdRc } from '../protocol/constants.js';
import { PcmkRemoteError } from '../protocol/errors.js';

/** Stable codes of {@link ClientError}. */
export const ClientErrorCode = {
  /** No reply within the request's time limit. */
  Timeout: 'TIMEOUT',
  /** The caller's AbortSignal fired. */
  Aborted: 'ABORTED',
  /** The client is not connected (never was, or was closed). */
  NotConnected: 'NOT_CONNECTED',
  /** The connection was lost while the request was pending. */
  ConnectionLost: 'CONNECTION_LOST',
  /** The register handshake was refused or its reply is unusable (§4.5). */
  RegisterFailed: 'REGISTER_FAILED',
  /** The peer sent something the client cannot use (bad frame, unexpected reply). */
  Protocol: 'PROTOCOL',
  /** A liveness poke went unanswered; the client closed the connection (§4.7, §5.8). */
  LivenessFailed: 'LIVENESS_FAILED',
  /** A required argument is empty; nothing was sent (liblrmd refuses these locally with -22). */
  InvalidArgument: 'INVALID_ARGUMENT',
} as const;

/** Union of the client's local error codes. */
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/** A local failure of the client. */
export class ClientError extends PcmkRemoteError {
  declare readonly code: ClientErrorCode;

  constructor(code: ClientErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = 'ClientError';
  }
}

/** True when `err` is a {@link ClientError}, optionally with the given code. */
export function isClientError(err: unknown, code?: ClientErrorCode): err is ClientError {
  return err instanceof ClientError && (code === undefined || err.code === code);
}

const rcNames = new Map<number, string>(
  Object.entries(LrmdRc)
    .filter(([, v]) => v < 0)
    .map(([k, v]) => [v, k]),
);

/** The errno name of a legacy rc (`-19` → `ENODEV`), or `E<n>` when unknown. */
export function rcName(rc: number): string {
  return rcNames.get(rc) ?? `E${-rc}`;
}

/**
 * A negative `lrmd_rc` from the peer (§5.15). `code` is its errno name
 * (`ENODEV`, `EINVAL`, …; `E<n>` for values outside the table), `rc` the
 * number, `op` the request's operation.
 */
export class PeerError extends PcmkRemoteError {
  readonly rc: number;
  readonly op: string;

  constructor(rc: number, op: string, options?: ErrorOptions) {
    super(rcName(rc), `${op} failed on the peer: rc ${rc} (${rcName(rc)})`, options);
    this.name = 'PeerError';
    this.rc = rc;
    this.op = op;
  }
}

/** True when `err` is a {@link PeerError}, optionally with the given errno name. */
export function isPeerError(err: unknown, code?: string): err is PeerError {
  return err instanceof PeerError && (code === undefined || err.code === code);
}
