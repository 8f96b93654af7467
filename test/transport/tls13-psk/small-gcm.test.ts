// SmallGcm (the short-record AES-GCM of the built-in engine) against
// node:crypto's AES-GCM: same ciphertext and tag for random keys, IVs,
// sequence numbers (above 2^32 too), lengths around the block and
// keystream-cache sizes; tampering is refused. And RecordProtection's two
// paths open each other's records.
import t from 'tap';
import fc from 'fast-check';
import { createCipheriv, randomBytes } from 'node:crypto';
import { SmallGcm } from '../../../src/transport/tls13-psk/small-gcm.js';
import { RecordProtection } from '../../../src/transport/tls13-psk/record-protection.js';
import { RecordReader } from '../../../src/transport/tls13-psk/record-layer.js';
import { TLS_AES_128_GCM_SHA256, TLS_CHACHA20_POLY1305_SHA256 } from '../../../src/transport/tls13-psk/cipher-suites.js';

function nonceOf(iv: Buffer, seq: number): Buffer {
  const n = Buffer.from(iv);
  n.writeUInt32BE((n.readUInt32BE(4) ^ Math.floor(seq / 2 ** 32)) >>> 0, 4);
  n.writeUInt32BE((n.readUInt32BE(8) ^ seq) >>> 0, 8);
  return n;
}

function reference(key: Buffer, nonce: Buffer, aad: Buffer, plain: Buffer): { ct: Buffer; tag: Buffer } {
  const c = createCipheriv(key.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm', key, nonce);
  c.setAAD(aad);
  const ct = Buffer.concat([c.update(plain), c.final()]);
  return { ct, tag: c.getAuthTag() };
}

t.test('same output as node:crypto AES-GCM', async (t) => {
  fc.assert(
    fc.property(
      fc.boolean(),
      fc.array(fc.record({ skip: fc.integer({ min: 0, max: 20 }), length: fc.integer({ min: 0, max: 1200 }), aad: fc.integer({ min: 0, max: 21 }) }), { minLength: 1, maxLength: 12 }),
      fc.constantFrom(0, 7, 2 ** 32 - 3, 2 ** 40 + 5),
      (aes256, records, firstSeq) => {
        const key = randomBytes(aes256 ? 32 : 16);
        const iv = randomBytes(12);
        const gcm = new SmallGcm(key, iv);
        let seq = firstSeq;
        for (const r of records) {
          seq += r.skip;
          const aad = randomBytes(r.aad);
          const plain = randomBytes(r.length);
          const want = reference(key, nonceOf(iv, seq), aad, plain);
          const buf = Buffer.alloc(plain.length + 16);
          plain.copy(buf);
          gcm.sealInPlace(seq, aad, buf, 0, plain.length);
          if (!buf.equals(Buffer.concat([want.ct, want.tag]))) return false;
          const back = gcm.open(seq, aad, want.ct, want.tag);
          if (!back?.equals(plain)) return false;
          const bad = Buffer.from(want.tag);
          bad[15]! ^= 0x80;
          if (gcm.open(seq, aad, want.ct, bad) !== undefined) return false;
          if (gcm.open(seq, aad, want.ct, want.tag.subarray(0, 12)) !== undefined) return false;
          if (plain.length > 0 && gcm.open(seq + 1, aad, want.ct, want.tag) !== undefined) return false;
          seq++;
        }
        return true;
      },
    ),
    { numRuns: 300 },
  );
  t.pass('matches');
});

t.test('RecordProtection: short and long records, both suites, open each other', async (t) => {
  for (const suite of [TLS_AES_128_GCM_SHA256, TLS_CHACHA20_POLY1305_SHA256]) {
    const keys = { key: randomBytes(suite.keyLength), iv: randomBytes(12) };
    const w = new RecordProtection(suite, keys);
    const r = new RecordProtection(suite, keys);
    const reader = new RecordReader();
    const contents = [0, 1, 40, 300, 1000, 1023, 1024, 2047, 2048, 16_384].map((n) => randomBytes(n));
    const out: Buffer[] = [];
    for (const c of contents) w.sealTo(out, 23, c);
    w.sealTo(out, 22, Buffer.from('padded'), 37);
    const wire = Buffer.concat(out);
    // Deliver in uneven pieces so records span chunks.
    for (let off = 0; off < wire.length; off += 777) reader.push(wire.subarray(off, off + 777));
    for (const c of contents) {
      const rec = reader.next()!;
      t.same(r.open(rec.header, rec.fragment), { type: 23, content: c }, `${suite.name} ${c.length}`);
    }
    const padded = reader.next()!;
    t.same(r.open(padded.header, padded.fragment), { type: 22, content: Buffer.from('padded') });
    t.equal(reader.next(), undefined);
    t.equal(reader.buffered, 0);
    t.equal(r.sequence, contents.length + 1);
    // A flipped bit in a short record fails authentication.
    const bad = w.seal(23, Buffer.from('short'));
    bad[bad.length - 1]! ^= 1;
    reader.push(bad);
    const br = reader.next()!;
    t.throws(() => r.open(br.header, br.fragment), { code: 'TLS_DECRYPT_ERROR' });
  }
});
