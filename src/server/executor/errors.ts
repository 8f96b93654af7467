/**
 * Error family of the executor core (spec/protocol.md §12). Requests never
 * throw for protocol reasons (those become `lrmd_rc` values, §5.15); an
 * {@link ExecutorError} means the caller misused the API. Tests check `code`.
 */
import { PcmkRemoteError } from '../../protocol/errors.js';

/** Stable codes of {@link ExecutorError}. */
export const ExecutorErrorCode = {
  /** `handle()` or `detachClient()` named a client that is not attached. */
  UnknownClient: 'EXECUTOR_UNKNOWN_CLIENT',
  /** `attachClient()` with an id that is already attached. */
  DuplicateClient: 'EXECUTOR_DUPLICATE_CLIENT',
  /** The executor was closed; it takes no more requests or clients. */
  Closed: 'EXECUTOR_CLOSED',
} as const;

/** Union of the executor's error codes. */
export type ExecutorErrorCode = (typeof ExecutorErrorCode)[keyof typeof ExecutorErrorCode];

/** A misuse of the executor API. */
export class ExecutorError extends PcmkRemoteError {
  declare readonly code: ExecutorErrorCode;

  constructor(code: ExecutorErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = 'ExecutorError';
  }
}

/** True when `err` is an {@link ExecutorError}, optionally with the given code. */
export function isExecutorError(err: unknown, code?: ExecutorErrorCode): err is ExecutorError {
  return err instanceof ExecutorError && (code === undefined || err.code === code);
}
