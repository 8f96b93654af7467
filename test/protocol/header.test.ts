import t from 'tap';
import { decodeHeader, encodeHeader, assertValidHeader, HEADER_SIZE } from '../../src/protocol/header.js';

t.test('encodeHeader writes the documented layout (spec/protocol.md §2.1)', async (t) => {
  const h = Buffer.from(encodeHeader({ id: 0x1122334455667788n, payloadUncompressed: 101 }));
  // Appendix-style bytes: BD DB DA BA | 01 00 00 00 | id LE | 0×8 | 8D 00 00 00 | 28 00 00 00 | 0 | 65 00 00 00
  t.equal(
    h.toString('hex'),
    'bddbdaba' + '01000000' + '8877665544332211' + '0000000000000000' + '8d000000' + '28000000' + '00000000' + '65000000',
  );
});

t.test('decodeHeader at an offset, big-endian', async (t) => {
  const buf = new Uint8Array(50);
  buf.set(encodeHeader({ id: 7n, flags: 3n, payloadUncompressed: 5, bigEndian: true }), 10);
  const h = decodeHeader(buf, 10);
  t.match(h, { byteOrder: 'be', id: 7n, flags: 3n, sizeTotal: 45, payloadUncompressed: 5 });
});

t.test('ratio and limit options', async (t) => {
  const base = { byteOrder: 'le', version: 1, id: 0n, flags: 0n, payloadOffset: HEADER_SIZE } as const;
  t.throws(() => assertValidHeader({ ...base, sizeTotal: 50, payloadCompressed: 10, payloadUncompressed: 200 }, { maxCompressionRatio: 10 }), { code: 'FRAME_TOO_LARGE' });
  t.doesNotThrow(() => assertValidHeader({ ...base, sizeTotal: 50, payloadCompressed: 10, payloadUncompressed: 100 }, { maxCompressionRatio: 10 }));
  t.throws(() => assertValidHeader({ ...base, sizeTotal: 141, payloadCompressed: 0, payloadUncompressed: 101 }, { maxFrameSize: 100 }), { code: 'FRAME_TOO_LARGE' });
});
