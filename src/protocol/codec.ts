/**
 * Bytes ↔ typed messages in one place, for both directions: frame layer,
 * then XML (or negotiated protobuf), then the typed mapping
 * (spec/protocol.md §2, §3, §13).
 */
import { ErrorCode, ProtocolError } from './errors.js';
import { Encoding, type Frame } from './frame.js';
import { FrameDecoder, type FrameDecoderOptions } from './frame-decoder.js';
import { encodeFrame, type EncodedFrame, type EncodeFrameOptions } from './frame-encoder.js';
import type { Message } from './messages/message.js';
import { decodeMessage, encodeMessage, opaqueIpcBodies, type DecodeMessageOptions } from './messages/index.js';
import { decodeProtobuf, encodeProtobuf } from './protobuf/index.js';
import { parseXmlBytes, serializeXml, type XmlParseOptions } from './xml/index.js';

/** Options for turning payloads into messages. */
export interface MessageDecodeOptions extends DecodeMessageOptions {
  /** XML parser limits; IPC bodies are kept opaque unless `opaque` is overridden. */
  readonly xml?: XmlParseOptions;
}

/**
 * Decode one frame's payload. Throws {@link ProtocolError} (XML_*,
 * MESSAGE_*, PROTOBUF_INVALID); such an error concerns this message only
 * and the stream may go on (§12).
 */
export function decodePayload(frame: Frame, options: MessageDecodeOptions = {}): Message {
  return decodeWith(frame, options, xmlOptions(options));
}

const DEFAULT_XML_OPTIONS: XmlParseOptions = { opaque: opaqueIpcBodies };

function xmlOptions(options: MessageDecodeOptions): XmlParseOptions {
  return options.xml ? { opaque: opaqueIpcBodies, ...options.xml } : DEFAULT_XML_OPTIONS;
}

function decodeWith(frame: Frame, options: MessageDecodeOptions, xml: XmlParseOptions): Message {
  if (frame.encoding === Encoding.protobuf) return decodeProtobuf(frame.payload);
  return decodeMessage(parseXmlBytes(frame.payload, xml), options);
}

/** Serialize a message to its XML payload text (without the NUL). */
export function messageToXml(msg: Message): string {
  return serializeXml(encodeMessage(msg));
}

/**
 * Encode a message into the two buffers of a frame, as XML unless
 * `encoding` says protobuf (only after negotiation, §13.1).
 */
export function encodeMessageFrame(msg: Message, options: EncodeFrameOptions = {}): EncodedFrame {
  if (options.encoding === Encoding.protobuf) return encodeFrame(encodeProtobuf(msg), options);
  return encodeFrame(messageToXml(msg), options);
}

/** One decoded frame: its message, or the error that made it unreadable. */
export type DecodedFrame =
  | { readonly frame: Frame; readonly message: Message; readonly error?: undefined }
  | { readonly frame: Frame; readonly message?: undefined; readonly error: ProtocolError };

/**
 * A frame decoder that also decodes each payload. Frame-level errors throw
 * (the stream is unusable); a bad payload yields an entry with `error` and
 * decoding continues, as a Pacemaker receiver drops just that message.
 */
export class MessageDecoder {
  readonly #frames: FrameDecoder;
  #options: MessageDecodeOptions;
  readonly #xml: XmlParseOptions;

  constructor(options: FrameDecoderOptions & MessageDecodeOptions = {}) {
    this.#frames = new FrameDecoder(options);
    this.#options = options;
    this.#xml = xmlOptions(options);
  }

  get bufferedBytes(): number {
    return this.#frames.bufferedBytes;
  }

  /** Undo 2.1.x backslash escapes from now on (§3.11); set once the peer's version is known. */
  get legacyEscapes(): boolean {
    return this.#options.legacyEscapes === true;
  }
  set legacyEscapes(on: boolean) {
    this.#options = { ...this.#options, legacyEscapes: on };
  }

  push(chunk: Uint8Array): DecodedFrame[] {
    const frames = this.#frames.push(chunk);
    const out: DecodedFrame[] = new Array(frames.length);
    for (let i = 0; i < frames.length; i++) {
      const frame = frames[i]!;
      try {
        out[i] = { frame, message: decodeWith(frame, this.#options, this.#xml) };
      } catch (err) {
        out[i] = { frame, error: ProtocolError.from(err, ErrorCode.XmlSyntax) };
      }
    }
    return out;
  }

  end(): void {
    this.#frames.end();
  }
}
