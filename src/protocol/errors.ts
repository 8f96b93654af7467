/**
 * Error family of the wire codec. Every failure the codec can produce is a
 * {@link ProtocolError} with a stable {@link ErrorCode}; tests and callers check
 * `code`, never the message text. The full table is in spec/protocol.md §12.
 */

/** Stable error codes raised by `src/protocol`. */
export const ErrorCode = {
  /** Header marker is neither 0xBADADBBD nor its byte swap (§2.1). */
  FrameBadMarker: 'FRAME_BAD_MARKER',
  /** payload_offset is not 40 (§2.3). */
  FrameBadOffset: 'FRAME_BAD_OFFSET',
  /** size_total disagrees with payload_offset and the payload sizes (§2.3). */
  FrameSizeMismatch: 'FRAME_SIZE_MISMATCH',
  /** size_total (or a declared payload size) exceeds the configured maximum (§10). */
  FrameTooLarge: 'FRAME_TOO_LARGE',
  /** The stream ended inside a frame. */
  FrameTruncated: 'FRAME_TRUNCATED',
  /** An XML payload is not NUL-terminated, is empty, or has a NUL inside (§2.2). */
  FrameBadPayload: 'FRAME_BAD_PAYLOAD',
  /** A compressed payload is corrupt or inflates to another size than declared (§2.4). */
  FrameBadCompression: 'FRAME_BAD_COMPRESSION',
  /** The decoder was used after it had failed; discard it. */
  DecoderFailed: 'DECODER_FAILED',
  /** XML is not well formed. */
  XmlSyntax: 'XML_SYNTAX',
  /** XML uses something we refuse on purpose: a DOCTYPE or an entity other than the five predefined. */
  XmlForbidden: 'XML_FORBIDDEN',
  /** XML exceeds a structural limit (depth, attribute count, size). */
  XmlLimit: 'XML_LIMIT',
  /** The root element is not one of the four protocol roots (§3.1). */
  MessageUnknownRoot: 'MESSAGE_UNKNOWN_ROOT',
  /** A field the message type requires is absent. */
  MessageMissingField: 'MESSAGE_MISSING_FIELD',
  /** A field has a value of the wrong form (e.g. not an integer). */
  MessageBadValue: 'MESSAGE_BAD_VALUE',
  /** A protobuf payload could not be decoded (§13). */
  ProtobufInvalid: 'PROTOBUF_INVALID',
} as const;

/** Union of the codec's error code strings. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Base class of every error this package throws. `code` is stable across
 * releases; `cause` keeps the underlying error, if any.
 */
export class PcmkRemoteError extends Error {
  /** Stable machine-readable code. */
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PcmkRemoteError';
    this.code = code;
  }
}

/**
 * A local error about bytes or XML received from (or about to be sent to) a
 * peer: bad frame, bad XML, malformed message. Raised only by `src/protocol`.
 */
export class ProtocolError extends PcmkRemoteError {
  declare readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = 'ProtocolError';
  }

  /** Wrap anything thrown into a ProtocolError, keeping ours unchanged. */
  static from(err: unknown, fallback: ErrorCode): ProtocolError {
    if (err instanceof ProtocolError) return err;
    const msg = err instanceof Error ? err.message : String(err);
    return new ProtocolError(fallback, msg, { cause: err });
  }
}

/** True when `err` is a {@link ProtocolError}, optionally with the given code. */
export function isProtocolError(err: unknown, code?: ErrorCode): err is ProtocolError {
  return err instanceof ProtocolError && (code === undefined || err.code === code);
}
