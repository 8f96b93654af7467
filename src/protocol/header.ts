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
  const marker = le32(bytes, offset + OFF_ENDIAN);
  let le: boolean;
  if (marker === ENDIAN_MARKER) le = true;
  else if (marker === ENDIAN_MARKER_SWAPPED) le = false;
  else {
    throw new ProtocolError(
      ErrorCode.FrameBadMarker,
      `bad frame marker 0x${marker.toString(16).padStart(8, '0')}`,
    );
  }
  const u32 = le ? le32 : be32;
  const header: FrameHeader = {
    byteOrder: le ? 'le' : 'be',
    version: u32(bytes, offset + OFF_VERSION),
    id: u64(bytes, offset + OFF_ID, le),
    flags: u64(bytes, offset + OFF_FLAGS, le),
    sizeTotal: u32(bytes, offset + OFF_SIZE_TOTAL),
    payloadOffset: u32(bytes, offset + OFF_PAYLOAD_OFFSET),
    payloadCompressed: u32(bytes, offset + OFF_PAYLOAD_COMPRESSED),
    payloadUncompressed: u32(bytes, offset + OFF_PAYLOAD_UNCOMPRESSED),
  };
  assertValidHeader(header, limits);
  return header;
}

// Byte-level readers and writers: a DataView or Buffer method per field costs
// more than the header's whole validation.

function le32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}

function be32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

const TWO_32 = 0x1_0000_0000n;
const MAX_U64 = 0xffff_ffff_ffff_ffffn;

/** A 64-bit field; the common values (0, small ids, bit 32) allocate no new bigint. */
function u64(b: Uint8Array, o: number, le: boolean): bigint {
  const lo = le ? le32(b, o) : be32(b, o + 4);
  const hi = le ? le32(b, o + 4) : be32(b, o);
  if (hi === 0) return lo === 0 ? 0n : BigInt(lo);
  if (hi === 1 && lo === 0) return TWO_32;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** @throws RangeError outside 0..2^32-1, as Buffer's writers do */
function put32(b: Uint8Array, o: number, v: number, le: boolean): void {
  if (v >>> 0 !== v) throw new RangeError(`header field out of range: ${v}`);
  if (le) {
    b[o] = v;
    b[o + 1] = v >>> 8;
    b[o + 2] = v >>> 16;
    b[o + 3] = v >>> 24;
  } else {
    b[o] = v >>> 24;
    b[o + 1] = v >>> 16;
    b[o + 2] = v >>> 8;
    b[o + 3] = v;
  }
}

/** Writes a 64-bit field of a zero-filled header (0 writes nothing). @throws RangeError outside 0..2^64-1 */
function put64(b: Uint8Array, o: number, v: bigint, le: boolean): void {
  if (v === 0n) return;
  if (v === TWO_32) {
    put32(b, le ? o + 4 : o, 1, le); // the protobuf flag (§13.2)
    return;
  }
  if (v < 0n || v > MAX_U64) throw new RangeError(`header field out of range: ${v}`);
  const small = v < TWO_32;
  const lo = small ? Number(v) : Number(v & 0xffff_ffffn);
  const hi = small ? 0 : Number(v >> 32n);
  put32(b, le ? o : o + 4, lo, le);
  put32(b, le ? o + 4 : o, hi, le);
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
  const le = f.bigEndian !== true;
  // Zero-filled, so zero fields need no writes.
  const out = new Uint8Array(HEADER_SIZE);
  put32(out, OFF_ENDIAN, ENDIAN_MARKER, le);
  put32(out, OFF_VERSION, f.version ?? HEADER_VERSION, le);
  if (f.id !== undefined) put64(out, OFF_ID, f.id, le);
  if (f.flags !== undefined) put64(out, OFF_FLAGS, f.flags, le);
  put32(out, OFF_SIZE_TOTAL, total, le);
  put32(out, OFF_PAYLOAD_OFFSET, HEADER_SIZE, le);
  if (compressed !== 0) put32(out, OFF_PAYLOAD_COMPRESSED, compressed, le);
  put32(out, OFF_PAYLOAD_UNCOMPRESSED, f.payloadUncompressed, le);
  return out;
}
