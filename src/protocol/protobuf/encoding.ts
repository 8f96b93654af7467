/**
 * Payload encodings and how a frame names its own (spec/protocol.md §13).
 * The definitions live with the frame layer; this module gives them their
 * protobuf-facing names.
 */
import { Encoding, FLAG_PROTOBUF } from '../frame.js';

export { Encoding };

/**
 * Header flag marking a protobuf payload: bit 32 of the 64-bit flags field
 * (§13.2). Such a payload has no NUL terminator. XML frames leave it clear.
 */
export const PROTOBUF_FLAG: bigint = FLAG_PROTOBUF;

/** True when `flags` (the header's 64-bit flags field) marks a protobuf payload (§13.2). */
export function isProtobufFlagged(flags: bigint): boolean {
  return (flags & FLAG_PROTOBUF) !== 0n;
}
