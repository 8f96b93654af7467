/**
 * The protobuf payload codec (spec/protocol.md §13.3): typed message ⇄ the
 * bytes of one `pcmk_remote.v1.Envelope`. Framing (header flag bit 32, no NUL
 * terminator, §13.2) is the frame layer's business, not this module's.
 */
import { ErrorCode, ProtocolError } from '../errors.js';
import type { Message } from '../messages/message.js';
import { fastDecode } from './fast-decode.js';
import { fastEncode } from './fast-encode.js';
import { fromEnvelope } from './from-proto.js';
import { pb } from './pb.js';
import { payloadReader } from './reader.js';
import { toEnvelope } from './to-proto.js';
import { writePayload } from './writer.js';

const { Envelope } = pb;

/**
 * Encodes `msg` as a protobuf Envelope. Absent optional fields stay absent on
 * the wire; parameters keep their order. Numbers are expected to be safe
 * integers (a fraction is truncated); an unpaired surrogate in a string
 * becomes U+FFFD, as in XML. A request or notification whose `op` the types
 * do not know goes out as an unknown one (§3.10).
 *
 * @throws ProtocolError `MESSAGE_BAD_VALUE` when `kind` (or an IPC `ipcOp`)
 *   is none of the union's; never for a well-typed message.
 */
export function encodeProtobuf(msg: Message): Uint8Array {
  const fast = fastEncode(msg);
  if (fast !== undefined) return fast;
  const env = toEnvelope(msg);
  return writePayload((w) => Envelope.encode(env, w));
}

/**
 * Decodes one protobuf Envelope payload into a typed message. Unknown fields
 * are skipped (newer peers may add some).
 *
 * @throws ProtocolError `PROTOBUF_INVALID` when the bytes are not a valid
 *   Envelope (bad wire format, truncation, invalid UTF-8), when no message
 *   variant is set, or when a generic notification names another operation.
 */
export function decodeProtobuf(bytes: Uint8Array): Message {
  const fast = fastDecode(bytes);
  if (fast !== undefined) return fast;
  let env: ReturnType<typeof Envelope.decode>;
  try {
    env = Envelope.decode(payloadReader(bytes));
  } catch (err) {
    throw ProtocolError.from(err, ErrorCode.ProtobufInvalid);
  }
  return fromEnvelope(env);
}
