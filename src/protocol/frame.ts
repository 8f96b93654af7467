/**
 * What a frame is once its bytes are in: header plus payload, and the
 * payload encoding the header's flags name (spec/protocol.md §2, §13.2).
 */
import type { FrameHeader } from './header.js';

/** Header `flags` bit 32: the payload is protobuf, not XML (§13.2). */
export const FLAG_PROTOBUF = 1n << 32n;

/** Payload encodings: Pacemaker's XML, and our negotiated protobuf (§13). */
export const Encoding = { xml: 'xml', protobuf: 'protobuf' } as const;
export type Encoding = (typeof Encoding)[keyof typeof Encoding];

/** A complete, validated frame. */
export interface Frame {
  readonly header: FrameHeader;
  readonly encoding: Encoding;
  /**
   * The payload after decompression. For XML the trailing NUL is removed.
   * May share memory with the chunk it arrived in.
   */
  readonly payload: Uint8Array;
}

/** Encoding named by a header's flags. */
export function encodingOf(flags: bigint): Encoding {
  if (flags === 0n) return Encoding.xml; // Pacemaker's flags: no bigint AND to allocate
  return (flags & FLAG_PROTOBUF) !== 0n ? Encoding.protobuf : Encoding.xml;
}
