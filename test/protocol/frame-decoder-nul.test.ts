// The XML terminator check when frames share a chunk (spec/protocol.md §2.2, §2.6):
// the NUL search must not be fooled by the bytes of the next frame.
import t from 'tap';
import { FrameDecoder } from '../../src/protocol/frame-decoder.js';
import { encodeHeader } from '../../src/protocol/header.js';
import { FLAG_PROTOBUF } from '../../src/protocol/frame.js';

/** A frame with exactly these payload bytes (terminator included or not). */
function frame(payload: Uint8Array, flags?: bigint): Buffer {
  return Buffer.concat([encodeHeader({ payloadUncompressed: payload.length, flags }), payload]);
}
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const good = frame(text('<a/>\0'));

t.test('frames back to back in one chunk', async (t) => {
  const frames = new FrameDecoder().push(Buffer.concat([good, good, good]));
  t.same(frames.map((f) => Buffer.from(f.payload).toString()), ['<a/>', '<a/>', '<a/>']);
});

t.test('unterminated payload followed by a good frame', async (t) => {
  const d = new FrameDecoder();
  t.throws(() => d.push(Buffer.concat([frame(text('<a/>')), good])), { code: 'FRAME_BAD_PAYLOAD' });
  t.throws(() => d.push(good), { code: 'DECODER_FAILED' });
});

t.test('NUL inside, empty payload, in one chunk and split', async (t) => {
  for (const bad of [frame(text('<a>\0</a>\0')), frame(new Uint8Array(0))]) {
    t.throws(() => new FrameDecoder().push(Buffer.concat([bad, good])), { code: 'FRAME_BAD_PAYLOAD' });
    const d = new FrameDecoder();
    d.push(bad.subarray(0, 20));
    t.throws(() => d.push(Buffer.concat([bad.subarray(20), good])), { code: 'FRAME_BAD_PAYLOAD' });
  }
});

t.test('protobuf payloads may hold NUL anywhere', async (t) => {
  const pb = frame(Uint8Array.of(0, 1, 0), FLAG_PROTOBUF);
  const frames = new FrameDecoder().push(Buffer.concat([pb, good]));
  t.same(frames.map((f) => f.encoding), ['protobuf', 'xml']);
  t.same([...frames[0]!.payload], [0, 1, 0]);
});

t.test('header 64-bit fields: ids of every size, range checks', async (t) => {
  const d = new FrameDecoder();
  for (const id of [0n, 1n, 0xffff_ffffn, 0x1_0000_0000n, 0x1_0000_0001n, 0xffff_ffff_ffff_ffffn]) {
    for (const bigEndian of [false, true]) {
      const h = encodeHeader({ id, flags: id, payloadUncompressed: 5, bigEndian });
      const [f] = d.push(Buffer.concat([h, text('<a/>\0')]));
      t.equal(f!.header.id, id);
      t.equal(f!.header.flags, id);
    }
  }
  t.throws(() => encodeHeader({ id: -1n, payloadUncompressed: 1 }), RangeError);
  t.throws(() => encodeHeader({ id: 1n << 64n, payloadUncompressed: 1 }), RangeError);
  t.throws(() => encodeHeader({ version: -1, payloadUncompressed: 1 }), RangeError);
  t.throws(() => encodeHeader({ payloadUncompressed: 2 ** 32 }), RangeError);
});
