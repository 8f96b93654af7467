/**
 * Exit status of the `pcmk-remote` client commands, chosen from the `code`
 * of the error that ended the command (spec/protocol.md §12), never from
 * its message text.
 */
import { PcmkRemoteError } from '../protocol/errors.js';
import { TransportError } from '../transport/errors.js';

/** Exit statuses of the client commands. */
export const ExitCode = {
  /** The command did what was asked (an agent result such as rc 7 included). */
  Ok: 0,
  /** The peer refused the request (negative `lrmd_rc`), or the operation failed. */
  Failed: 1,
  /** Bad command line. */
  Usage: 2,
  /** No usable connection: key, TCP, TLS/PSK, register, or the connection was lost. */
  Connection: 3,
  /** A time limit expired (connect, handshake, reply, result). */
  Timeout: 4,
  /** Interrupted (SIGINT) before the command finished; `watch` exits 0 instead. */
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Codes of errors raised by the command line itself. */
export const CliErrorCode = {
  /** A malformed argument or option. */
  Usage: 'USAGE',
  /** `info` of a resource the peer does not know. */
  NotRegistered: 'NOT_REGISTERED',
  /** `pcmk-remoted --agents`: a module that cannot be loaded or defines no usable agent. */
  AgentModule: 'AGENT_MODULE',
} as const;
export type CliErrorCode = (typeof CliErrorCode)[keyof typeof CliErrorCode];

/** A failure detected by the command line (bad argument, missing resource). */
export class CliError extends PcmkRemoteError {
  declare readonly code: CliErrorCode;

  constructor(code: CliErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = 'CliError';
  }
}

/** Error codes (TransportError, ClientError, CliError) with a status other than {@link ExitCode.Failed}. */
const byCode: Readonly<Record<string, ExitCode>> = {
  // Command line.
  USAGE: ExitCode.Usage,
  // Key lookup, TCP, TLS (TransportError).
  AUTHKEY_MISSING: ExitCode.Connection,
  AUTHKEY_UNREADABLE: ExitCode.Connection,
  AUTHKEY_EMPTY: ExitCode.Connection,
  PSK_TOO_LONG: ExitCode.Connection,
  TLS_HANDSHAKE_FAILED: ExitCode.Connection,
  // The built-in TLS 1.3 engine (§4.9): a wrong key, an alert, a broken record.
  TLS_PSK_MISMATCH: ExitCode.Connection,
  TLS_ALERT: ExitCode.Connection,
  TLS_BAD_RECORD: ExitCode.Connection,
  TLS_DECRYPT_ERROR: ExitCode.Connection,
  CONNECT_FAILED: ExitCode.Connection,
  CLOSED: ExitCode.Connection,
  CONNECT_TIMEOUT: ExitCode.Timeout,
  TLS_HANDSHAKE_TIMEOUT: ExitCode.Timeout,
  // Session and handshake (ClientError).
  NOT_CONNECTED: ExitCode.Connection,
  CONNECTION_LOST: ExitCode.Connection,
  REGISTER_FAILED: ExitCode.Connection,
  LIVENESS_FAILED: ExitCode.Connection,
  TIMEOUT: ExitCode.Timeout,
  // Both families.
  ABORTED: ExitCode.Interrupted,
};

/**
 * The exit status for an error, by its `code`. Codes not listed: any other
 * TransportError (X.509 and future ones) is a connection failure; peer
 * errors, PROTOCOL, codec errors and anything else give {@link ExitCode.Failed}.
 */
export function exitCodeFor(err: unknown): ExitCode {
  if (!(err instanceof PcmkRemoteError)) return ExitCode.Failed;
  return byCode[err.code] ?? (err instanceof TransportError ? ExitCode.Connection : ExitCode.Failed);
}

/** One line for stderr: `CODE: message` (newlines folded). */
export function describeError(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = text.replace(/\s*\n\s*/g, ' ');
  return err instanceof PcmkRemoteError ? `${err.code}: ${line}` : line;
}
