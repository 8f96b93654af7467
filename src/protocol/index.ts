/**
 * `pcmk-remote/protocol`: the wire codec. Bytes and XML only, no network or
 * file I/O (spec/protocol.md §2–§13).
 *
 * @packageDocumentation
 */

// Messages in and out, the usual entry points.
export {
  MessageDecoder,
  decodePayload,
  encodeMessageFrame,
  messageToXml,
  type DecodedFrame,
  type MessageDecodeOptions,
} from './codec.js';

// Frames.
export { FrameDecoder, type FrameDecoderOptions } from './frame-decoder.js';
export { FrameEncoder, encodeFrame, type EncodeFrameOptions, type EncodedFrame } from './frame-encoder.js';
export { Encoding, FLAG_PROTOBUF, encodingOf, type Frame } from './frame.js';
export {
  DEFAULT_MAX_COMPRESSION_RATIO,
  DEFAULT_MAX_FRAME_SIZE,
  ENDIAN_MARKER,
  ENDIAN_MARKER_SWAPPED,
  HEADER_SIZE,
  assertValidHeader,
  decodeHeader,
  encodeHeader,
  type FrameHeader,
  type HeaderFields,
  type HeaderLimits,
} from './header.js';
export { decompressBzip2, type Compressor } from './compression.js';

// Typed messages and their XML mapping.
export * from './messages/index.js';

// XML.
export * from './xml/index.js';

// Protobuf.
export { decodeProtobuf, encodeProtobuf, PROTOBUF_FLAG, isProtobufFlagged } from './protobuf/index.js';

// Vocabulary, versions, errors.
export * from './constants.js';
export * from './version.js';
export { ErrorCode, PcmkRemoteError, ProtocolError, isProtocolError } from './errors.js';
