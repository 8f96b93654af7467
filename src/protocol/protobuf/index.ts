/**
 * Protobuf payload encoding, negotiated between pcmk-remote peers (spec/protocol.md §13).
 */
export { decodeProtobuf, encodeProtobuf } from './codec.js';
export { Encoding, PROTOBUF_FLAG, isProtobufFlagged } from './encoding.js';
