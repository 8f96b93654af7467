/**
 * The protobufjs writer behind {@link encodeProtobuf}: one instance reused
 * for every payload, and strings made well-formed on the way in
 * (spec/protocol.md §13.3).
 */
import $protobuf from 'protobufjs/minimal.js';

/** ES2024 string methods (Node ≥ 20); the project's `lib` is ES2022. */
interface WellFormed {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/**
 * protobufjs's Node writer, except that an unpaired surrogate becomes U+FFFD,
 * as TextEncoder does for an XML payload: a receiver rejects a proto3 string
 * that is not UTF-8, and protobufjs would write a short one as is.
 */
class PayloadWriter extends $protobuf.BufferWriter {
  override string(value: string): $protobuf.Writer {
    const v = value as unknown as WellFormed;
    return super.string(v.isWellFormed() ? value : v.toWellFormed());
  }
}

/** A writer whose buffer grew past this is dropped after use rather than kept. */
const KEEP_BYTES = 64 * 1024;

let shared = new PayloadWriter();

/**
 * Runs `write` on the reset shared writer and returns a copy of the bytes it
 * wrote. Synchronous and not re-entrant (`write` must not encode a payload).
 */
export function writePayload(write: (w: $protobuf.Writer) => void): Uint8Array {
  const w = shared;
  w.reset();
  try {
    write(w);
  } catch (err) {
    shared = new PayloadWriter(); // it may hold half-written nested messages
    throw err;
  }
  const out = w.finish();
  if (out.length > KEEP_BYTES) shared = new PayloadWriter();
  return out;
}
