/**
 * The packed 40-byte frame header (spec/protocol.md §2.1), written by
 * Pacemaker's lib/common/remote.c in the sender's native byte order.
 */
import { ErrorCode, ProtocolError } from './errors.js';
import { HEADER_VERSION } from './version.js';

/** Bytes in a header; also the only valid `payload_offset` (§2.3). */
export const HEADER_SIZE = 40;
/** `endian` field as a little-endian sender writes it: bytes BD DB DA BA. */
export const ENDIAN_MARKER = 0xbadadbbd;
/** The same marker read from a big-endian sender. */
export const ENDIAN_MARKER_SWAPPED = 0xbddbdaba;
/** Default cap on `size_total` and on a decompressed payload (§10). */
export const DEFAULT_MAX_FRAME_SIZE = 20 * 1024 * 1024;

// Field offsets (§2.1).
const OFF_ENDIAN = 0;
const OFF_VERSION = 4;
const OFF_ID = 8; // uint64
const OFF_FLAGS = 16; // uint64
const OFF_SIZE_TOTAL = 24;
const OFF_PAYLOAD_OFFSET = 28;
const OFF_PAYLOAD_COMPRESSED = 32;
const OFF_PAYLOAD_UNCOMPRESSED = 36;

/** A decoded header. 64-bit fields are bigint. */
export interface FrameHeader {
  /** Byte order the sender used; Pacemaker on every real platform: `le`. */
  readonly byteOrder: 'le' | 'be';
  readonly version: number;
  /** Sender's process-wide message counter; receivers ignore it. */
  readonly id: bigint;
  /** 0 from Pacemaker; bit 32 marks a protobuf payload (§13.2). */
  readonly flags: bigint;
  /** 40 + payload bytes on the wire. */
  readonly sizeTotal: number;
  readonly payloadOffset: number;
  /** Non-zero: the payload is bzip2 data of this many bytes (§2.4). */
  readonly payloadCompressed: number;
  /** Payload size after decompression; for XML it counts the NUL. */
  readonly payloadUncompressed: number;
}

/** Limits applied while validating a header. */
export interface HeaderLimits {
  /** Largest accepted `size_total` and decompressed payload; default 20 MiB. */
  readonly maxFrameSize?: number;
  /**
   * Largest accepted ratio of declared uncompressed to compressed size; a
   * bzip2 bomb is refused from its header. Default 1000.
   */
  readonly maxCompressionRatio?: number;
}

/** Default {@link HeaderLimits.maxCompressionRatio}. */
export const DEFAULT_MAX_COMPRESSION_RATIO = 1000;

/**
 * Read and validate a header from the first 40 bytes at `offset`.
 * Throws {@link ProtocolError}: FRAME_BAD_MARKER, FRAME_BAD_OFFSET,
 * FRAME_TOO_LARGE or FRAME_SIZE_MISMATCH (§2.3). The caller guarantees
 * 40 readable bytes.
 */
export function decodeHeader(bytes: Uint8Array, offset = 0, limits: HeaderLimits = {}): FrameHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, HEADER_SIZE);
  const marker = view.getUint32(OFF_ENDIAN, true);
  let le: boolean;
  if (marker === ENDIAN_MARKER) le = true;
  else if (marker === ENDIAN_MARKER_SWAPPED) le = false;
  else {
    throw new ProtocolError(
      ErrorCode.FrameBadMarker,
      `bad frame marker 0x${marker.toString(16).padStart(8, '0')}`,
    );
  }
  const header: FrameHeader = {
    byteOrder: le ? 'le' : 'be',
    version: view.getUint32(OFF_VERSION, le),
    id: view.getBigUint64(OFF_ID, le),
    flags: view.getBigUint64(OFF_FLAGS, le),
    sizeTotal: view.getUint32(OFF_SIZE_TOTAL, le),
    payloadOffset: view.getUint32(OFF_PAYLOAD_OFFSET, le),
    payloadCompressed: view.getUint32(OFF_PAYLOAD_COMPRESSED, le),
    payloadUncompressed: view.getUint32(OFF_PAYLOAD_UNCOMPRESSED, le),
  };
  assertValidHeader(header, limits);
  return header;
}

/**
 * Check a header's sizes against each other and the limits (§2.3, §10).
 * Pacemaker before 3.0.2 checks only the marker; we check everything, before
 * a payload buffer exists.
 */
export function assertValidHeader(h: FrameHeader, limits: HeaderLimits = {}): void {
  const max = limits.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
  if (h.payloadOffset !== HEADER_SIZE) {
    throw new ProtocolError(ErrorCode.FrameBadOffset, `payload_offset ${h.payloadOffset}, expected 40`);
  }
  if (h.sizeTotal > max || h.payloadUncompressed > max) {
    throw new ProtocolError(
      ErrorCode.FrameTooLarge,
      `frame of ${Math.max(h.sizeTotal, h.payloadUncompressed)} bytes exceeds the limit of ${max}`,
    );
  }
  const onWire = h.payloadCompressed !== 0 ? h.payloadCompressed : h.payloadUncompressed;
  if (h.sizeTotal !== HEADER_SIZE + onWire) {
    throw new ProtocolError(
      ErrorCode.FrameSizeMismatch,
      `size_total ${h.sizeTotal} != 40 + ${h.payloadCompressed !== 0 ? 'compressed' : 'uncompressed'} size ${onWire}`,
    );
  }
  if (h.payloadCompressed !== 0) {
    const ratio = limits.maxCompressionRatio ?? DEFAULT_MAX_COMPRESSION_RATIO;
    if (h.payloadUncompressed > h.payloadCompressed * ratio) {
      throw new ProtocolError(
        ErrorCode.FrameTooLarge,
        `declared compression ratio ${Math.round(h.payloadUncompressed / h.payloadCompressed)} exceeds ${ratio}`,
      );
    }
  }
}

/** Fields a sender chooses; everything else follows from the payload. */
export interface HeaderFields {
  readonly id?: bigint;
  readonly flags?: bigint;
  readonly version?: number;
  /** bzip2 size when the payload is compressed, else 0. */
  readonly payloadCompressed?: number;
  readonly payloadUncompressed: number;
  /** Write big-endian; only for tests of byte-swapped peers. */
  readonly bigEndian?: boolean;
}

/** Build a 40-byte header (§2.1). Little-endian unless asked otherwise. */
export function encodeHeader(f: HeaderFields): Uint8Array {
  const compressed = f.payloadCompressed ?? 0;
  const total = HEADER_SIZE + (compressed !== 0 ? compressed : f.payloadUncompressed);
  // Buffer's own writers: no DataView to create per frame on the hot path.
  const out = Buffer.allocUnsafe(HEADER_SIZE);
  if (f.bigEndian) {
    out.writeUInt32BE(ENDIAN_MARKER, OFF_ENDIAN);
    out.writeUInt32BE(f.version ?? HEADER_VERSION, OFF_VERSION);
    out.writeBigUInt64BE(f.id ?? 0n, OFF_ID);
    out.writeBigUInt64BE(f.flags ?? 0n, OFF_FLAGS);
    out.writeUInt32BE(total, OFF_SIZE_TOTAL);
    out.writeUInt32BE(HEADER_SIZE, OFF_PAYLOAD_OFFSET);
    out.writeUInt32BE(compressed, OFF_PAYLOAD_COMPRESSED);
    out.writeUInt32BE(f.payloadUncompressed, OFF_PAYLOAD_UNCOMPRESSED);
  } else {
    out.writeUInt32LE(ENDIAN_MARKER, OFF_ENDIAN);
    out.writeUInt32LE(f.version ?? HEADER_VERSION, OFF_VERSION);
    out.writeBigUInt64LE(f.id ?? 0n, OFF_ID);
    out.writeBigUInt64LE(f.flags ?? 0n, OFF_FLAGS);
    out.writeUInt32LE(total, OFF_SIZE_TOTAL);
    out.writeUInt32LE(HEADER_SIZE, OFF_PAYLOAD_OFFSET);
    out.writeUInt32LE(compressed, OFF_PAYLOAD_COMPRESSED);
    out.writeUInt32LE(f.payloadUncompressed, OFF_PAYLOAD_UNCOMPRESSED);
  }
  return out;
}
