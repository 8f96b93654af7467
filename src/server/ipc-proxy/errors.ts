/**
 * Errors of the daemon's IPC proxy endpoint and of its in-process API
 * (spec/protocol.md §8.11, §12.4). Local conditions (no provider, provider
 * lost, time limit) and answers of the cluster's daemons (a `nack`, a CIB
 * `cib_rc`) have separate codes; tests check `code`, never the message.
 */
import { PcmkRemoteError } from '../../protocol/errors.js';

/** Stable codes of {@link ProxyError}. */
export const ProxyErrorCode = {
  /** No IPC provider is registered: nobody relays to the cluster (§8.4). */
  NoProvider: 'PROXY_NO_PROVIDER',
  /** The provider the session was bound to disconnected (§8.8). */
  ProviderLost: 'PROXY_PROVIDER_LOST',
  /** The session ended: the provider sent `destroy`, or it was closed locally. */
  SessionClosed: 'PROXY_SESSION_CLOSED',
  /** The endpoint is not relayed (`pacemakerd`) or unknown (§8.4). */
  BadServer: 'PROXY_BAD_SERVER',
  /** No answer within the request's time limit. */
  Timeout: 'PROXY_TIMEOUT',
  /** The caller's signal aborted the request. */
  Aborted: 'PROXY_ABORTED',
  /** The provider could not pass the request on and answered `<nack rc=…>` (§8.5); `rc` is set. */
  Nack: 'PROXY_NACK',
  /** The cluster daemon answered with a failure (`cib_rc` ≠ 0, attribute manager error); `rc` is set. */
  RequestFailed: 'PROXY_REQUEST_FAILED',
  /** An answer that does not have the expected shape; `cause` may hold the parse error. */
  BadReply: 'PROXY_BAD_REPLY',
  /** A bad argument: an empty attribute name, a body that is not one XML element. */
  BadArgument: 'PROXY_BAD_ARGUMENT',
  /** The daemon is shutting down or closed. */
  Closed: 'PROXY_CLOSED',
} as const;

/** Union of the proxy error codes. */
export type ProxyErrorCode = (typeof ProxyErrorCode)[keyof typeof ProxyErrorCode];

/** A failure of a proxied session or request. */
export class ProxyError extends PcmkRemoteError {
  declare readonly code: ProxyErrorCode;
  /** The legacy rc of a `nack`, or the `cib_rc` / status of a failed request. */
  readonly rc?: number;

  constructor(code: ProxyErrorCode, message: string, options?: ErrorOptions & { rc?: number }) {
    super(code, message, options);
    this.name = 'ProxyError';
    if (options?.rc !== undefined) this.rc = options.rc;
  }
}

/** True when `err` is a {@link ProxyError}, optionally with the given code. */
export function isProxyError(err: unknown, code?: ProxyErrorCode): err is ProxyError {
  return err instanceof ProxyError && (code === undefined || err.code === code);
}
