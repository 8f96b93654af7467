/**
 * bzip2 payloads (spec/protocol.md §2.4). Pacemaker never sends them but its
 * receivers accept them, so we accept them too: the output is written into a
 * buffer of exactly the declared size, and decoding stops the moment it would
 * write past it, so a decompression bomb costs at most the declared size
 * (itself capped by the frame limit and the ratio check in header.ts).
 */
import { createRequire } from 'node:module';
import { ErrorCode, ProtocolError } from './errors.js';

interface OutStream {
  writeByte(b: number): void;
}
interface SeekBzip {
  decode(input: Uint8Array, output: OutStream, multistream?: boolean): void;
}

// seek-bzip is CommonJS without types; load it once.
const bunzip = createRequire(import.meta.url)('seek-bzip') as SeekBzip;

class Overflow extends Error {}

/**
 * Inflate a bzip2 stream that must produce exactly `expectedSize` bytes.
 * Throws FRAME_BAD_COMPRESSION when the data is corrupt, inflates to more
 * (stopping at the first extra byte) or to fewer bytes.
 */
export function decompressBzip2(input: Uint8Array, expectedSize: number): Uint8Array {
  const out = new Uint8Array(expectedSize);
  let pos = 0;
  const sink: OutStream = {
    writeByte(b: number) {
      if (pos >= expectedSize) throw new Overflow();
      out[pos++] = b;
    },
  };
  try {
    bunzip.decode(input, sink, false);
  } catch (err) {
    if (err instanceof Overflow) {
      throw new ProtocolError(
        ErrorCode.FrameBadCompression,
        `bzip2 payload inflates beyond its declared ${expectedSize} bytes`,
      );
    }
    throw new ProtocolError(ErrorCode.FrameBadCompression, 'corrupt bzip2 payload', { cause: err });
  }
  if (pos !== expectedSize) {
    throw new ProtocolError(
      ErrorCode.FrameBadCompression,
      `bzip2 payload inflated to ${pos} bytes, declared ${expectedSize}`,
    );
  }
  return out;
}

/**
 * A compressor a sender may supply to {@link encodeFrame}'s `compress`
 * option. None ships by default: real Pacemaker 3.0.2+ rejects compressed
 * frames (§2.4), so sending them is opt-in and the caller brings the codec.
 */
export type Compressor = (payload: Uint8Array) => Uint8Array;
