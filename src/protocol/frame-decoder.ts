/**
 * Incremental frame decoder (spec/protocol.md §2.6): feed it bytes as they
 * arrive, in any split; it returns every frame completed so far. Synchronous,
 * no I/O. After it throws, it is failed for good: discard it and the
 * connection (a stream with a bad header has no resynchronisation point).
 */
import { decompressBzip2 } from './compression.js';
import { ErrorCode, ProtocolError } from './errors.js';
import { encodingOf, type Frame } from './frame.js';
import { decodeHeader, HEADER_SIZE, type FrameHeader, type HeaderLimits } from './header.js';

/** Options of {@link FrameDecoder}. */
export interface FrameDecoderOptions extends HeaderLimits {}

export class FrameDecoder {
  readonly #limits: HeaderLimits;
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  #header: FrameHeader | undefined;
  #failed: ProtocolError | undefined;

  constructor(options: FrameDecoderOptions = {}) {
    this.#limits = options;
  }

  /** Bytes held that do not yet make a complete frame. */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  /**
   * Add bytes; returns the frames they complete (possibly none, possibly
   * several). Throws {@link ProtocolError} on a bad header or payload, and
   * DECODER_FAILED on any call after that.
   */
  push(chunk: Uint8Array): Frame[] {
    if (this.#failed) {
      throw new ProtocolError(ErrorCode.DecoderFailed, 'frame decoder already failed', {
        cause: this.#failed,
      });
    }
    if (chunk.length === 0) return [];
    if (this.#buffered === 0) return this.#pushAligned(chunk);
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    const frames: Frame[] = [];
    try {
      for (;;) {
        if (!this.#header) {
          if (this.#buffered < HEADER_SIZE) break;
          // Validated here, before any payload buffer is allocated (§2.3).
          this.#header = decodeHeader(this.#peek(HEADER_SIZE), 0, this.#limits);
        }
        const h = this.#header;
        if (this.#buffered < h.sizeTotal) break;
        const bytes = this.#take(h.sizeTotal);
        this.#header = undefined;
        frames.push(finishFrame(h, bytes, HEADER_SIZE, bytes.length));
      }
    } catch (err) {
      this.#failed = ProtocolError.from(err, ErrorCode.FrameBadPayload);
      this.#chunks = [];
      this.#buffered = 0;
      throw this.#failed;
    }
    return frames;
  }

  /**
   * The common case: nothing held and the chunk starts at a frame boundary.
   * Frames are cut straight out of the chunk; only a tail is buffered.
   */
  #pushAligned(chunk: Uint8Array): Frame[] {
    const frames: Frame[] = [];
    let at = 0;
    try {
      while (chunk.length - at >= HEADER_SIZE) {
        const h = decodeHeader(chunk, at, this.#limits);
        if (chunk.length - at < h.sizeTotal) {
          this.#header = h;
          break;
        }
        frames.push(finishFrame(h, chunk, at + HEADER_SIZE, at + h.sizeTotal));
        at += h.sizeTotal;
      }
    } catch (err) {
      this.#failed = ProtocolError.from(err, ErrorCode.FrameBadPayload);
      throw this.#failed;
    }
    if (at < chunk.length) {
      this.#chunks.push(at === 0 ? chunk : chunk.subarray(at));
      this.#buffered = chunk.length - at;
    }
    return frames;
  }

  /**
   * Declare the end of the stream. Throws FRAME_TRUNCATED when bytes of an
   * unfinished frame are still held.
   */
  end(): void {
    if (this.#buffered > 0 && !this.#failed) {
      const n = this.#buffered;
      this.#failed = new ProtocolError(
        ErrorCode.FrameTruncated,
        `stream ended inside a frame (${n} bytes held${this.#header ? ` of ${this.#header.sizeTotal}` : ''})`,
      );
      throw this.#failed;
    }
  }

  /** The first n buffered bytes, joined if they span chunks (n ≤ buffered). */
  #peek(n: number): Uint8Array {
    const first = this.#chunks[0]!;
    if (first.length >= n) return first;
    const joined = concat(this.#chunks, this.#buffered);
    this.#chunks = [joined];
    return joined;
  }

  /** Remove and return the first n bytes, without copying when one chunk holds them. */
  #take(n: number): Uint8Array {
    let first = this.#chunks[0]!;
    if (first.length < n) {
      first = concat(this.#chunks, this.#buffered);
      this.#chunks = [first];
    }
    const out = first.subarray(0, n);
    if (first.length === n) this.#chunks.shift();
    else this.#chunks[0] = first.subarray(n);
    this.#buffered -= n;
    return out;
  }
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

/**
 * The frame whose payload is bytes `start`..`end` of `buf`: decompressed if
 * needed, the XML terminator checked (§2.2, §2.4). An uncompressed payload
 * is cut from `buf` in one view.
 */
function finishFrame(header: FrameHeader, buf: Uint8Array, start: number, end: number): Frame {
  const encoding = encodingOf(header.flags);
  if (header.payloadCompressed !== 0) {
    const payload = decompressBzip2(buf.subarray(start, end), header.payloadUncompressed);
    return encoding === 'protobuf' ? { header, encoding, payload } : xmlFrame(header, payload, 0, payload.length);
  }
  if (encoding === 'protobuf') return { header, encoding, payload: buf.subarray(start, end) };
  return xmlFrame(header, buf, start, end);
}

/** XML: exactly one NUL, at the end (a receiver stops at the first NUL). */
function xmlFrame(header: FrameHeader, buf: Uint8Array, start: number, end: number): Frame {
  // Searched from `start` in place; a valid payload stops the search at its end.
  const at = start < end ? buf.indexOf(0, start) : -1;
  const nul = at < 0 || at >= end ? -1 : at - start;
  if (end === start || nul !== end - start - 1) {
    throw new ProtocolError(
      ErrorCode.FrameBadPayload,
      end === start
        ? 'empty XML payload'
        : nul < 0
          ? 'XML payload is not NUL-terminated'
          : `NUL inside XML payload at byte ${nul}`,
    );
  }
  return { header, encoding: 'xml', payload: buf.subarray(start, end - 1) };
}
