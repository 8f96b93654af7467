// Random and mutated frames: only our typed errors may come out, and memory
// stays bounded (spec/protocol.md §2.3, §12).
import t from 'tap';
import fc from 'fast-check';
import { FrameDecoder } from '../../src/protocol/frame-decoder.js';
import { MessageDecoder } from '../../src/protocol/codec.js';
import { ProtocolError } from '../../src/protocol/errors.js';
import { hex, loadVectors } from '../helpers/vectors.js';

const seeds = [
  ...loadVectors('frames.json')!.vectors.filter((v) => !v.error).map((v) => hex(v.hex)),
  ...(loadVectors('captured-2.1.5.json')?.vectors ?? []).map((v) => hex(v.hex)),
].filter((b) => b.length < 4096);

function feed(bytes: Uint8Array, chunk: number, maxFrameSize: number): void {
  const d = new MessageDecoder({ maxFrameSize });
  try {
    for (let i = 0; i < bytes.length; i += chunk) {
      for (const item of d.push(bytes.subarray(i, i + chunk))) {
        if (item.error && !(item.error instanceof ProtocolError)) throw item.error;
      }
    }
    d.end();
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
  }
  // Bounded memory: never more held than one frame's worth.
  if (d.bufferedBytes > maxFrameSize) throw new Error(`held ${d.bufferedBytes} bytes`);
}

t.test('random bytes', async (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 1, max: 64 }), (b, c) => {
      feed(b, c, 4096);
    }),
    { numRuns: 2000 },
  );
  t.pass('only ProtocolError escaped');
});

t.test('mutated valid frames', async (t) => {
  const arb = fc.record({
    seed: fc.constantFrom(...seeds),
    flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
    cut: fc.option(fc.nat()),
    chunk: fc.integer({ min: 1, max: 512 }),
  });
  fc.assert(
    fc.property(arb, ({ seed, flips, cut, chunk }) => {
      const b = new Uint8Array(seed);
      for (const [at, v] of flips) b[at % b.length] = v;
      feed(cut === null ? b : b.subarray(0, cut % (b.length + 1)), chunk, 1 << 20);
    }),
    { numRuns: 3000 },
  );
  t.pass('only ProtocolError escaped');
});

t.test('headers that claim huge sizes never allocate them', async (t) => {
  const d = new FrameDecoder({ maxFrameSize: 1 << 20 });
  const h = Buffer.alloc(40);
  h.writeUInt32LE(0xbadadbbd, 0);
  h.writeUInt32LE(1, 4);
  h.writeUInt32LE(0x7fffffff, 24);
  h.writeUInt32LE(40, 28);
  h.writeUInt32LE(0x7fffffff - 40, 36);
  const before = process.memoryUsage().arrayBuffers;
  t.throws(() => d.push(h), { code: 'FRAME_TOO_LARGE' });
  t.ok(process.memoryUsage().arrayBuffers - before < 1 << 20, 'no large allocation');
});
