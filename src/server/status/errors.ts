/**
 * Errors of the status endpoint. Like every error of this package they carry
 * a stable `code` (spec/protocol.md §12); callers compare it, never the text.
 */
import { PcmkRemoteError } from '../../protocol/errors.js';

/** Stable codes of {@link StatusEndpointError}. */
export const StatusEndpointErrorCode = {
  /** A TCP address other than a loopback one was asked for; the endpoint has no authentication. */
  NotLoopback: 'STATUS_NOT_LOOPBACK',
  /** The socket path or port is taken by a live listener, or the path is not a socket. */
  AddressInUse: 'STATUS_ADDRESS_IN_USE',
  /** Neither or both of a socket path and a TCP port were given, or the port is out of range. */
  InvalidOptions: 'STATUS_INVALID_OPTIONS',
  /** Listening failed for another reason (permissions, a missing directory); `cause` has node's error. */
  ListenFailed: 'STATUS_LISTEN_FAILED',
} as const;

/** Union of the status endpoint's error codes. */
export type StatusEndpointErrorCode = (typeof StatusEndpointErrorCode)[keyof typeof StatusEndpointErrorCode];

/** The status endpoint could not be set up. */
export class StatusEndpointError extends PcmkRemoteError {
  declare readonly code: StatusEndpointErrorCode;

  constructor(code: StatusEndpointErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = 'StatusEndpointError';
  }
}
