/**
 * Errors of the local bridge (spec/protocol.md §8.13, §12.4). An error the
 * daemon reports for a request keeps the daemon's code (`PROXY_*`), so the
 * command line can act on it; the codes here are the bridge's own.
 */
import { PcmkRemoteError } from '../../protocol/errors.js';

/** Stable codes of the bridge itself. */
export const BridgeErrorCode = {
  /** No daemon serves the bridge socket (missing, refused, or not permitted). */
  Unavailable: 'BRIDGE_UNAVAILABLE',
  /** The socket path is served by a live daemon already, or is not a socket. */
  InUse: 'BRIDGE_IN_USE',
  /** No answer within the client's time limit. */
  Timeout: 'BRIDGE_TIMEOUT',
  /** A line that is not a bridge message, or one over the size limit. */
  Protocol: 'BRIDGE_PROTOCOL',
  /** The request names an operation the daemon does not know. */
  UnknownOp: 'BRIDGE_UNKNOWN_OP',
  /** The connection closed before the answer. */
  Closed: 'BRIDGE_CLOSED',
} as const;
export type BridgeErrorCode = (typeof BridgeErrorCode)[keyof typeof BridgeErrorCode];

/**
 * A bridge failure. `code` is a {@link BridgeErrorCode}, or, for an error the
 * daemon answered with, the daemon's code (e.g. `PROXY_NO_PROVIDER`).
 */
export class BridgeError extends PcmkRemoteError {
  /** The `rc` the daemon reported with its error, if any. */
  readonly rc?: number;

  constructor(code: string, message: string, options?: ErrorOptions & { rc?: number }) {
    super(code, message, options);
    this.name = 'BridgeError';
    if (options?.rc !== undefined) this.rc = options.rc;
  }
}

/** True when `err` is a {@link BridgeError}, optionally with the given code. */
export function isBridgeError(err: unknown, code?: string): err is BridgeError {
  return err instanceof BridgeError && (code === undefined || err.code === code);
}
