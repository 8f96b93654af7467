import t from 'tap';
import { readFileSync } from 'node:fs';
import { earlySecret, finishedKey, finishedVerifyData, handshakeSecrets, applicationSecrets, nextTrafficSecret, pskBinder, trafficKeys, Transcript } from '../../../src/transport/tls13-psk/key-schedule.js';
import { deriveSecret, hkdfExpand, hkdfExpandLabel, hkdfExtract, sha256 } from '../../../src/transport/tls13-psk/hkdf.js';
import { decodeClientHello, decodeOfferedPsks, findExtension } from '../../../src/transport/tls13-psk/messages.js';
import { ExtensionType } from '../../../src/transport/tls13-psk/constants.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

t.test('HKDF: RFC 5869 test case 1', async (t) => {
  const prk = hkdfExtract(hex('000102030405060708090a0b0c'), hex('0b'.repeat(22)));
  t.equal(prk.toString('hex'), '077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5');
  t.equal(
    hkdfExpand(prk, hex('f0f1f2f3f4f5f6f7f8f9'), 42).toString('hex'),
    '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
  );
});

t.test('RFC 8448 section 4: early secret of the resumption PSK', async (t) => {
  // {client} extract secret "early": IKM is the PSK of the resumed handshake.
  const psk = hex('4e cd 0e b6 ec 3b 4d 87 f5 d6 02 8f 92 2c a4 c5 85 1a 27 7f d4 13 11 c9 e6 2d 2c 94 92 e1 c4 f3');
  t.equal(earlySecret(psk).toString('hex'), hex('9b 21 88 e9 b2 fc 6d 64 d7 1d c3 29 90 0e 20 bb 41 91 50 00 f6 78 aa 83 9c bb 79 7c b7 d8 33 2c').toString('hex'));
});

// Values of the next two tests: RFC 8448's traces as quoted by two
// independent public test suites (Erlang/OTP's ssl tests and a Java TLS
// library's), which agree with each other.
t.test('RFC 8448 section 4: the binder of the resumed handshake', async (t) => {
  const early = hex('9b 21 88 e9 b2 fc 6d 64 d7 1d c3 29 90 0e 20 bb 41 91 50 00 f6 78 aa 83 9c bb 79 7c b7 d8 33 2c');
  const binderHash = hex('63 22 4b 2e 45 73 f2 d3 45 4c a8 4b 9d 00 9a 04 f6 be 9e 05 71 1a 83 96 47 3a ef a0 1e 92 4a 14');
  const binderKey = deriveSecret(early, 'res binder');
  t.equal(binderKey.toString('hex'), hex('69 fe 13 1a 3b ba d5 d6 3c 64 ee bc c3 0e 39 5b 9d 81 07 72 6a 13 d0 74 e3 89 db c8 a4 e4 72 56').toString('hex'), 'binder key');
  t.equal(finishedKey(binderKey).toString('hex'), hex('55 88 67 3e 72 cb 59 c8 7d 22 0c af fe 94 f2 de a9 a3 b1 60 9f 7d 50 e9 0a 48 22 7d b9 ed 7e aa').toString('hex'), 'finished key');
  const binder = hex('3a dd 4f b2 d8 fd f8 22 a0 ca 3c f7 67 8e f5 e8 8d ae 99 01 41 c5 92 4d 57 bb 6f a3 1b 9e 5f 9d');
  t.equal(pskBinder(early, binderHash, 'res').toString('hex'), binder.toString('hex'), 'binder');
  t.not(pskBinder(early, binderHash).toString('hex'), binder.toString('hex'), 'an external PSK uses another label');
});

t.test('RFC 8448 section 3: application traffic secrets, keys and IVs', async (t) => {
  const early = earlySecret(Buffer.alloc(32));
  const shared = hex('8b d4 05 4f b5 5b 9d 63 fd fb ac f9 f0 4b 9f 0d 35 e6 d6 3f 53 75 63 ef d4 62 72 90 0f 89 49 2d');
  const helloHash = hex('86 0c 06 ed c0 78 58 ee 8e 78 f0 e7 42 8c 58 ed d6 b4 3f 2c a3 e6 e9 5f 02 ed 06 3c f0 e1 ca d8');
  const hs = handshakeSecrets(early, shared, helloHash);
  const finishedHash = hex('96 08 10 2a 0f 1c cc 6d b6 25 0b 7b 7e 41 7b 1a 00 0e aa da 3d aa e4 77 7a 76 86 c9 ff 83 df 13');
  const ap = applicationSecrets(hs.secret, finishedHash);
  t.equal(ap.secret.toString('hex'), hex('18 df 06 84 3d 13 a0 8b f2 a4 49 84 4c 5f 8a 47 80 01 bc 4d 4c 62 79 84 d5 a4 1d a8 d0 40 29 19').toString('hex'), 'master secret');
  t.equal(ap.client.toString('hex'), hex('9e 40 64 6c e7 9a 7f 9d c0 5a f8 88 9b ce 65 52 87 5a fa 0b 06 df 00 87 f7 92 eb b7 c1 75 04 a5').toString('hex'), 'c ap traffic');
  t.equal(ap.server.toString('hex'), hex('a1 1a f9 f0 55 31 f8 56 ad 47 11 6b 45 a9 50 32 82 04 b4 f4 4b fb 6b 3a 4b 4f 1f 3f cb 63 16 43').toString('hex'), 's ap traffic');
  const sk = trafficKeys(ap.server, 16);
  t.equal(sk.key.toString('hex'), hex('9f 02 28 3b 6c 9c 07 ef c2 6b b9 f2 ac 92 e3 56').toString('hex'), 'server write key');
  t.equal(sk.iv.toString('hex'), hex('cf 78 2b 88 dd 83 54 9a ad f1 e9 84').toString('hex'), 'server write iv');
  const ck = trafficKeys(ap.client, 16);
  t.equal(ck.key.toString('hex'), hex('17 42 2d da 59 6e d5 d9 ac d8 90 e3 c6 3f 50 51').toString('hex'), 'client write key');
  t.equal(ck.iv.toString('hex'), hex('5b 78 92 3d ee 08 57 90 33 e5 23 d9').toString('hex'), 'client write iv');
});

t.test('RFC 8448 section 3: the key schedule without a PSK', async (t) => {
  // Early secret with no PSK, then the handshake secret from the x25519 shared secret.
  const early = earlySecret(Buffer.alloc(32));
  t.equal(early.toString('hex'), '33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a');
  const shared = hex('8b d4 05 4f b5 5b 9d 63 fd fb ac f9 f0 4b 9f 0d 35 e6 d6 3f 53 75 63 ef d4 62 72 90 0f 89 49 2d');
  const helloHash = hex('86 0c 06 ed c0 78 58 ee 8e 78 f0 e7 42 8c 58 ed d6 b4 3f 2c a3 e6 e9 5f 02 ed 06 3c f0 e1 ca d8');
  const hs = handshakeSecrets(early, shared, helloHash);
  t.equal(hs.secret.toString('hex'), '1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac');
  t.equal(hs.client.toString('hex'), 'b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21');
  t.equal(hs.server.toString('hex'), 'b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38');
  const sk = trafficKeys(hs.server, 16);
  t.equal(sk.key.toString('hex'), '3fce516009c21727d0f2e4e86ee403bc');
  t.equal(sk.iv.toString('hex'), '5d313eb2671276ee13000b30');
  // The master secret does not depend on the transcript.
  const ap = applicationSecrets(hs.secret, Buffer.alloc(32));
  t.equal(ap.secret.toString('hex'), '18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919');
  // The server Finished of that trace.
  const eeHash = hex('ed b7 72 5f a7 a3 47 3b 03 1e c8 ef 65 a2 48 54 93 90 01 38 a2 b9 12 91 40 7d 79 51 a0 61 10 ed');
  t.equal(finishedVerifyData(hs.server, eeHash).toString('hex'), '9b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718');
  t.equal(nextTrafficSecret(ap.client).length, 32);
});

t.test('binders inside ClientHellos captured from GnuTLS and OpenSSL verify', async (t) => {
  const file = JSON.parse(readFileSync(new URL('./data/binder-vectors.json', import.meta.url), 'utf8')) as {
    vectors: { name: string; keyLength: number; mul: number; add: number; record: string }[];
  };
  t.equal(file.vectors.length, 2);
  for (const v of file.vectors) {
    const key = Buffer.from(Array.from({ length: v.keyLength }, (_, i) => (i * v.mul + v.add) % 256));
    const record = hex(v.record);
    const msg = record.subarray(5);
    const ch = decodeClientHello(msg.subarray(4));
    const offered = decodeOfferedPsks(findExtension(ch.extensions, ExtensionType.preSharedKey)!);
    t.equal(offered.identities[0]!.identity.toString(), 'lrmd', v.name);
    const truncated = msg.subarray(0, msg.length - offered.bindersLength);
    const t2 = new Transcript();
    t.same(pskBinder(earlySecret(key), t2.digestWith(truncated)), offered.binders[0], `${v.name}: binder`);
    t.notSame(pskBinder(earlySecret(key.subarray(1)), sha256(truncated)), offered.binders[0], `${v.name}: another key gives another binder`);
  }
});

t.test('transcript: message_hash after a HelloRetryRequest', async (t) => {
  const ch1 = Buffer.from([1, 0, 0, 2, 9, 9]);
  const tr = new Transcript();
  tr.add(ch1);
  tr.replaceWithMessageHash();
  const expected = sha256(Buffer.concat([Buffer.from([254, 0, 0, 32]), sha256(ch1)]));
  t.same(tr.digest(), expected);
  t.equal(hkdfExpandLabel(Buffer.alloc(32), 'x', Buffer.alloc(0), 40).length, 40);
});
