// The client state machine (src/transport/tls13-psk/client.ts) against
// hand-built server messages (RFC 8446 §4.1.3, §4.1.4, §4.3.1, §4.4.4;
// spec/protocol.md §4.9): every way a ServerHello, HelloRetryRequest,
// EncryptedExtensions or Finished can be refused, and the good path.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { ClientConnection, type ClientConnectionOptions } from '../../../src/transport/tls13-psk/client.js';
import type { ConnectionSink } from '../../../src/transport/tls13-psk/connection.js';
import { ExtensionType, HRR_RANDOM, NamedGroup } from '../../../src/transport/tls13-psk/constants.js';
import { TLS_AES_128_GCM_SHA256 } from '../../../src/transport/tls13-psk/cipher-suites.js';
import { handshakeMessage, HandshakeReader } from '../../../src/transport/tls13-psk/handshake-reader.js';
import { earlySecret, finishedVerifyData, handshakeSecrets, trafficKeys } from '../../../src/transport/tls13-psk/key-schedule.js';
import { generateKeyShare } from '../../../src/transport/tls13-psk/key-share.js';
import { decodeClientHello, decodeClientShares, encodeExtensions, encodeServerHello, encodeShare, findExtension, type Extension } from '../../../src/transport/tls13-psk/messages.js';
import { plainRecords, RecordReader } from '../../../src/transport/tls13-psk/record-layer.js';
import { RecordProtection } from '../../../src/transport/tls13-psk/record-protection.js';
import { sha256 } from '../../../src/transport/tls13-psk/hkdf.js';
import { u16 } from '../../../src/transport/tls13-psk/byte-reader.js';

const psk = randomBytes(2048);

interface Run {
  client: ClientConnection;
  out: Buffer[];
  secure: boolean;
  /** The ClientHello handshake messages sent so far. */
  hellos(): Buffer[];
}

function start(options: Partial<ClientConnectionOptions> = {}): Run {
  const run = { out: [] as Buffer[], secure: false } as Run;
  const sink: ConnectionSink = { send: (b) => run.out.push(b), data: () => {}, secure: () => (run.secure = true), closeNotify: () => {} };
  run.client = new ClientConnection(sink, { psk, identity: Buffer.from('lrmd'), ...options });
  run.hellos = () => {
    const reader = new RecordReader();
    reader.push(Buffer.concat(run.out));
    const hs = new HandshakeReader();
    const msgs: Buffer[] = [];
    for (let r = reader.next(); r; r = reader.next()) {
      if (r.type !== 22) continue;
      hs.push(r.fragment);
      for (let m = hs.next(); m; m = hs.next()) if (m.type === 1) msgs.push(m.raw);
    }
    return msgs;
  };
  run.client.start();
  return run;
}

function clientShare(run: Run, which = 0): { group: number; key: Buffer } {
  const ch = decodeClientHello(run.hellos()[which]!.subarray(4));
  return decodeClientShares(findExtension(ch.extensions, ExtensionType.keyShare)!)[0]!;
}

function serverHello(extensions: Extension[], fields: { suite?: number; random?: Buffer; sessionId?: Buffer } = {}): Buffer {
  return handshakeMessage(
    2,
    encodeServerHello({ random: fields.random ?? randomBytes(32), sessionId: fields.sessionId ?? Buffer.alloc(0), cipherSuite: fields.suite ?? 0x1301, extensions }),
  );
}

const versions = (v = 0x0304): Extension => ({ type: ExtensionType.supportedVersions, data: u16(v) });
const pskExt = (index = 0): Extension => ({ type: ExtensionType.preSharedKey, data: u16(index) });
const shareExt = (group: number, key: Buffer): Extension => ({ type: ExtensionType.keyShare, data: encodeShare({ group, key }) });

function code(fn: () => void): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

/** Feed one plaintext handshake message to a fresh client; the error code, if any. */
function refuse(message: (run: Run) => Buffer, options: Partial<ClientConnectionOptions> = {}): string | undefined {
  const run = start(options);
  return code(() => run.client.receive(plainRecords(22, message(run))));
}

t.test('ServerHello refusals', async (t) => {
  const good = (run: Run): Extension[] => [versions(), shareExt(NamedGroup.x25519, generateKeyShare(NamedGroup.x25519).publicKey), pskExt()];
  t.equal(refuse((r) => serverHello(good(r).slice(1))), 'TLS_HANDSHAKE_FAILED', 'no supported_versions: not TLS 1.3');
  t.equal(refuse((r) => serverHello([versions(0x0303), ...good(r).slice(1)])), 'TLS_HANDSHAKE_FAILED', 'a version not offered');
  t.equal(
    refuse((r) => {
      const m = serverHello(good(r));
      m.writeUInt16BE(0x0301, 4);
      return m;
    }),
    'TLS_HANDSHAKE_FAILED',
    'legacy_version not 0x0303',
  );
  t.equal(refuse((r) => serverHello(good(r), { sessionId: Buffer.alloc(32, 1) })), 'TLS_BAD_RECORD', 'a session id we did not send');
  t.equal(
    refuse((r) => {
      const m = serverHello(good(r));
      m[4 + 2 + 32 + 1 + 2] = 1;
      return m;
    }),
    'TLS_BAD_RECORD',
    'compression',
  );
  t.equal(refuse((r) => serverHello(good(r), { suite: 0x1302 })), 'TLS_HANDSHAKE_FAILED', 'TLS_AES_256_GCM_SHA384, never offered');
  t.equal(refuse((r) => serverHello(good(r), { suite: 0x1303 }), { suites: [TLS_AES_128_GCM_SHA256] }), 'TLS_HANDSHAKE_FAILED', 'a supported suite we did not offer');
  t.equal(refuse((r) => serverHello([...good(r), { type: ExtensionType.serverName, data: Buffer.alloc(0) }])), 'TLS_BAD_RECORD', 'an extension a ServerHello may not carry');
  t.equal(refuse((r) => serverHello(good(r).slice(0, 2))), 'TLS_HANDSHAKE_FAILED', 'no pre_shared_key: the PSK was not accepted');
  t.equal(refuse((r) => serverHello([...good(r).slice(0, 2), pskExt(1)])), 'TLS_HANDSHAKE_FAILED', 'selected_identity 1 of one offered');
  t.equal(refuse((r) => serverHello([versions(), pskExt()])), 'TLS_HANDSHAKE_FAILED', 'no key_share: psk_ke, refused');
  t.equal(
    refuse(() => serverHello([versions(), shareExt(NamedGroup.secp256r1, generateKeyShare(NamedGroup.secp256r1).publicKey), pskExt()])),
    'TLS_HANDSHAKE_FAILED',
    'a key share of another group than ours',
  );
  t.equal(refuse(() => serverHello([versions(), shareExt(NamedGroup.x25519, randomBytes(31)), pskExt()])), 'TLS_HANDSHAKE_FAILED', 'a short X25519 share');
  t.equal(refuse(() => serverHello([versions(), shareExt(NamedGroup.x25519, Buffer.alloc(32)), pskExt()])), 'TLS_HANDSHAKE_FAILED', 'a low-order X25519 point');
  t.equal(
    refuse(() => serverHello([versions(), shareExt(NamedGroup.secp256r1, Buffer.alloc(65, 4)), pskExt()]), { keyShareGroup: NamedGroup.secp256r1 }),
    'TLS_HANDSHAKE_FAILED',
    'a P-256 share off the curve',
  );
  t.equal(refuse(() => handshakeMessage(8, encodeExtensions([]))), 'TLS_BAD_RECORD', 'EncryptedExtensions before ServerHello');
  // Alerts before any ServerHello.
  const a = start();
  t.equal(code(() => a.client.receive(Buffer.from([21, 3, 3, 0, 2, 2, 47]))), 'TLS_PSK_MISMATCH', 'illegal_parameter: GnuTLS refusing our binder');
  const b = start();
  t.equal(code(() => b.client.receive(Buffer.from([21, 3, 3, 0, 2, 2, 40]))), 'TLS_HANDSHAKE_FAILED', 'handshake_failure');
  const c = start();
  c.client.start();
  t.equal(c.hellos().length, 1, 'start() twice sends one ClientHello');
});

t.test('HelloRetryRequest: refusals, a cookie, the second ClientHello', async (t) => {
  const hrr = (extensions: Extension[], suite = 0x1301): Buffer => serverHello(extensions, { random: HRR_RANDOM, suite });
  const group = (g: number): Extension => ({ type: ExtensionType.keyShare, data: u16(g) });
  t.equal(refuse(() => hrr([versions(), group(NamedGroup.secp256r1), pskExt()])), 'TLS_BAD_RECORD', 'pre_shared_key in a HelloRetryRequest');
  t.equal(refuse(() => hrr([versions()])), 'TLS_BAD_RECORD', 'a HelloRetryRequest that changes nothing');
  t.equal(refuse(() => hrr([versions(), group(NamedGroup.x25519)])), 'TLS_HANDSHAKE_FAILED', 'asks for the group we already sent');
  t.equal(refuse(() => hrr([versions(), group(0x0018)])), 'TLS_HANDSHAKE_FAILED', 'asks for a group we did not offer');

  const run = start();
  const cookie = randomBytes(20);
  run.client.receive(plainRecords(22, hrr([versions(), group(NamedGroup.secp256r1), { type: ExtensionType.cookie, data: Buffer.concat([u16(20), cookie]) }])));
  t.equal(run.hellos().length, 2, 'a second ClientHello');
  const second = decodeClientHello(run.hellos()[1]!.subarray(4));
  t.same(findExtension(second.extensions, ExtensionType.cookie), Buffer.concat([u16(20), cookie]), 'the cookie is echoed');
  t.equal(clientShare(run, 1).group, NamedGroup.secp256r1, 'with a share of the asked group');
  t.equal(second.extensions[second.extensions.length - 1]!.type, ExtensionType.preSharedKey, 'pre_shared_key still last');
  t.equal(code(() => run.client.receive(plainRecords(22, hrr([versions(), group(NamedGroup.secp256r1)])))), 'TLS_BAD_RECORD', 'a second HelloRetryRequest');

  const other = start();
  other.client.receive(plainRecords(22, hrr([versions(), group(NamedGroup.secp256r1)])));
  const p256 = generateKeyShare(NamedGroup.secp256r1);
  t.equal(
    code(() => other.client.receive(plainRecords(22, serverHello([versions(), shareExt(NamedGroup.secp256r1, p256.publicKey), pskExt()], { suite: 0x1303 })))),
    'TLS_HANDSHAKE_FAILED',
    'a ServerHello whose suite differs from the HelloRetryRequest',
  );
});

/** A client past a correct ServerHello; `send` delivers server handshake messages under the server's handshake keys. */
function pastServerHello(): { run: Run; send: (...messages: Buffer[]) => string | undefined; verifyData: (extra: Buffer[]) => Buffer } {
  const run = start();
  const ours = generateKeyShare(NamedGroup.x25519);
  const shared = ours.computeSecret(clientShare(run).key);
  const sh = serverHello([versions(), shareExt(NamedGroup.x25519, ours.publicKey), pskExt()]);
  run.client.receive(plainRecords(22, sh));
  const transcript = [run.hellos()[0]!, sh];
  const hs = handshakeSecrets(earlySecret(psk), shared, sha256(Buffer.concat(transcript)));
  const write = new RecordProtection(TLS_AES_128_GCM_SHA256, trafficKeys(hs.server, 16));
  return {
    run,
    send: (...messages) => code(() => run.client.receive(write.seal(22, Buffer.concat(messages)))),
    verifyData: (extra) => finishedVerifyData(hs.server, sha256(Buffer.concat([...transcript, ...extra]))),
  };
}

t.test('EncryptedExtensions and Finished', async (t) => {
  const ee = handshakeMessage(8, encodeExtensions([]));
  const a = pastServerHello();
  t.equal(a.send(handshakeMessage(8, encodeExtensions([{ type: ExtensionType.keyShare, data: Buffer.alloc(2) }]))), 'TLS_BAD_RECORD', 'key_share in EncryptedExtensions');
  const b = pastServerHello();
  t.equal(b.send(handshakeMessage(20, Buffer.alloc(32))), 'TLS_BAD_RECORD', 'Finished without EncryptedExtensions');
  const c = pastServerHello();
  t.equal(c.send(ee, ee), 'TLS_BAD_RECORD', 'EncryptedExtensions twice');
  const d = pastServerHello();
  t.equal(d.send(handshakeMessage(11, Buffer.alloc(4))), 'TLS_BAD_RECORD', 'a Certificate is never accepted');
  const e = pastServerHello();
  t.equal(e.send(ee, handshakeMessage(20, randomBytes(32))), 'TLS_PSK_MISMATCH', "a server Finished that does not verify");
  const f = pastServerHello();
  t.equal(f.send(ee, handshakeMessage(20, Buffer.alloc(31))), 'TLS_PSK_MISMATCH', 'a short Finished');

  const ok = pastServerHello();
  const sent = ok.run.out.length;
  t.equal(ok.send(ee, handshakeMessage(20, ok.verifyData([ee]))), undefined, 'a correct Finished');
  t.ok(ok.run.secure, 'connected');
  t.ok(ok.run.out.length > sent, 'our Finished went out');
  t.equal(ok.run.client.suite, TLS_AES_128_GCM_SHA256);
  t.equal(code(() => ok.run.client.receive(Buffer.from([22, 3, 3, 0, 4, 1, 0, 0, 0]))), 'TLS_BAD_RECORD', 'plaintext after the keys changed');
});
