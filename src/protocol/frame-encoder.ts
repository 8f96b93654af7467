/**
 * Frame encoder (spec/protocol.md §2.1, §2.5). Returns the header and the
 * payload as two buffers because they must leave as two TLS records: a real
 * Pacemaker peer stalls when one record holds both.
 */
import type { Compressor } from './compression.js';
import { ErrorCode, ProtocolError } from './errors.js';
import { Encoding, FLAG_PROTOBUF } from './frame.js';
import { DEFAULT_MAX_FRAME_SIZE, encodeHeader, HEADER_SIZE } from './header.js';

/** Options of {@link encodeFrame}. */
export interface EncodeFrameOptions {
  /** Header id; Pacemaker counts per process from 1 (see {@link FrameEncoder}). */
  readonly id?: bigint;
  /** Extra header flag bits; the protobuf bit is set from `encoding`. */
  readonly flags?: bigint;
  /** Default `xml`. */
  readonly encoding?: Encoding;
  /** Compress with this codec; never by default (§2.4). */
  readonly compress?: Compressor;
  /** Refuse to build a larger frame; default 20 MiB. */
  readonly maxFrameSize?: number;
  /** Byte-swapped header, for testing peers only. */
  readonly bigEndian?: boolean;
}

/** The two buffers of one frame, to be written as separate records. */
export interface EncodedFrame {
  readonly header: Uint8Array;
  readonly payload: Uint8Array;
}

/**
 * Build a frame. An XML body (string or UTF-8 bytes, without NUL) gets its
 * NUL terminator; a protobuf body is sent as is. Throws FRAME_BAD_PAYLOAD for
 * an XML body containing NUL and FRAME_TOO_LARGE above the limit.
 */
export function encodeFrame(body: string | Uint8Array, options: EncodeFrameOptions = {}): EncodedFrame {
  const encoding = options.encoding ?? Encoding.xml;
  let payload: Uint8Array;
  if (encoding === Encoding.xml) {
    if (typeof body === 'string') {
      const len = Buffer.byteLength(body, 'utf8');
      const buf = Buffer.allocUnsafe(len + 1);
      buf.write(body, 0, 'utf8');
      buf[len] = 0;
      payload = buf;
    } else {
      payload = new Uint8Array(body.length + 1);
      payload.set(body);
    }
    const nul = payload.indexOf(0);
    if (nul !== payload.length - 1) {
      throw new ProtocolError(ErrorCode.FrameBadPayload, `NUL inside XML payload at byte ${nul}`);
    }
  } else {
    payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  }
  const max = options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
  const uncompressed = payload.length;
  let compressed = 0;
  if (options.compress) {
    payload = options.compress(payload);
    compressed = payload.length;
  }
  if (HEADER_SIZE + payload.length > max || uncompressed > max) {
    throw new ProtocolError(ErrorCode.FrameTooLarge, `frame of ${HEADER_SIZE + payload.length} bytes exceeds ${max}`);
  }
  let flags = options.flags;
  if (encoding === Encoding.protobuf) flags = flags === undefined ? FLAG_PROTOBUF : flags | FLAG_PROTOBUF;
  const header = encodeHeader({
    id: options.id,
    flags,
    payloadCompressed: compressed,
    payloadUncompressed: uncompressed,
    bigEndian: options.bigEndian ?? false,
  });
  return { header, payload };
}

/**
 * Stateful encoder that numbers frames from 1, as Pacemaker does per
 * process (§2.1); ids wrap at 2^64.
 */
export class FrameEncoder {
  #next = 1n;
  readonly #defaults: Omit<EncodeFrameOptions, 'id'>;

  constructor(defaults: Omit<EncodeFrameOptions, 'id'> = {}) {
    this.#defaults = defaults;
  }

  encode(body: string | Uint8Array, options: Omit<EncodeFrameOptions, 'id'> = {}): EncodedFrame {
    const id = this.#next;
    this.#next = id === 0xffff_ffff_ffff_ffffn ? 1n : id + 1n;
    return encodeFrame(body, { ...this.#defaults, ...options, id });
  }
}
