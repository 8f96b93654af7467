/**
 * Errors of the IPC provider and its in-memory backend (spec/protocol.md
 * §12.3). Callers and tests check `code`, never the message text.
 */
import { PcmkRemoteError } from '../../protocol/errors.js';

/** Stable codes of {@link IpcProviderError}. */
export const IpcProviderErrorCode = {
  /** A message was sent on a session that already ended (§8.7). */
  SessionClosed: 'IPC_SESSION_CLOSED',
  /** A body is not exactly one well-formed XML element (§8.2). */
  BadBody: 'IPC_BAD_BODY',
  /** A CIB query's XPath lies outside the supported subset (§8.16). */
  BadXpath: 'IPC_BAD_XPATH',
  /** The seed CIB is not a `<cib>` document with a configuration (§8.16). */
  BadCib: 'IPC_BAD_CIB',
} as const;
export type IpcProviderErrorCode = (typeof IpcProviderErrorCode)[keyof typeof IpcProviderErrorCode];

/** A failure of the IPC provider role. */
export class IpcProviderError extends PcmkRemoteError {
  declare readonly code: IpcProviderErrorCode;

  constructor(code: IpcProviderErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = 'IpcProviderError';
  }
}

/** True when `err` is an {@link IpcProviderError}, optionally with the given code. */
export function isIpcProviderError(err: unknown, code?: IpcProviderErrorCode): err is IpcProviderError {
  return err instanceof IpcProviderError && (code === undefined || err.code === code);
}
