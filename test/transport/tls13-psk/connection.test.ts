import t from 'tap';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { ClientConnection, type ClientConnectionOptions } from '../../../src/transport/tls13-psk/client.js';
import { ServerConnection, type ServerConnectionOptions } from '../../../src/transport/tls13-psk/server.js';
import type { Connection, ConnectionSink } from '../../../src/transport/tls13-psk/connection.js';
import { TLS_AES_128_GCM_SHA256, TLS_CHACHA20_POLY1305_SHA256 } from '../../../src/transport/tls13-psk/cipher-suites.js';
import { NamedGroup } from '../../../src/transport/tls13-psk/constants.js';
import { handshakeMessage } from '../../../src/transport/tls13-psk/handshake-reader.js';
import { RecordProtection } from '../../../src/transport/tls13-psk/record-protection.js';
import { RecordReader } from '../../../src/transport/tls13-psk/record-layer.js';
import { alertName, fromReceivedAlert } from '../../../src/transport/tls13-psk/engine-error.js';
import { TransportError } from '../../../src/transport/errors.js';

interface Side {
  conn: Connection;
  out: Buffer[];
  data: Buffer[];
  secure: boolean;
  closed: boolean;
  error?: unknown;
}

function sink(side: Omit<Side, 'conn'>): ConnectionSink {
  return {
    send: (b) => side.out.push(b),
    data: (b) => side.data.push(b),
    secure: () => (side.secure = true),
    closeNotify: () => (side.closed = true),
  };
}

function pair(client: Partial<ClientConnectionOptions> = {}, server: Partial<ServerConnectionOptions> = {}): { c: Side; s: Side } {
  const key = randomBytes(4096);
  const cs = { out: [], data: [], secure: false, closed: false } as unknown as Side;
  const ss = { out: [], data: [], secure: false, closed: false } as unknown as Side;
  cs.conn = new ClientConnection(sink(cs), { psk: key, identity: Buffer.from('lrmd'), ...client });
  ss.conn = new ServerConnection(sink(ss), { psk: key, identity: Buffer.from('lrmd'), ...server });
  return { c: cs, s: ss };
}

/** Deliver queued bytes both ways until nothing moves; errors are caught per side (the alert is delivered). */
function pump(a: Side, b: Side, chunk?: number): void {
  for (let moved = true; moved; ) {
    moved = false;
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      const bytes = from.out.splice(0);
      if (bytes.length === 0 || to.error) continue;
      moved = true;
      const all = Buffer.concat(bytes);
      const step = chunk ?? all.length;
      for (let off = 0; off < all.length && !to.error; off += step) {
        try {
          to.conn.receive(all.subarray(off, off + step));
        } catch (err) {
          to.error = err;
          const alert = to.conn.alertFor(err);
          if (alert) to.out.push(alert);
        }
      }
    }
  }
}

function code(err: unknown): string | undefined {
  return (err as { code?: string } | undefined)?.code;
}

t.test('handshake, data both ways, for each suite and group, in 1-byte and whole chunks', async (t) => {
  for (const suite of [TLS_AES_128_GCM_SHA256, TLS_CHACHA20_POLY1305_SHA256]) {
    for (const group of [NamedGroup.x25519, NamedGroup.secp256r1]) {
      for (const chunk of [1, undefined]) {
        const { c, s } = pair({ suites: [suite], keyShareGroup: group });
        (c.conn as ClientConnection).start();
        pump(c, s, chunk);
        t.ok(c.secure && s.secure, `${suite.name} ${group} ${chunk}`);
        t.equal(s.conn.suite, suite);
        c.out.push(...c.conn.encodeApplicationData([Buffer.from('ping'), randomBytes(40_000)]));
        s.out.push(...s.conn.encodeApplicationData([Buffer.from('pong')]));
        pump(c, s, chunk);
        t.equal(Buffer.concat(s.data).length, 40_004);
        t.equal(Buffer.concat(c.data).toString(), 'pong');
      }
    }
  }
});

t.test('HelloRetryRequest: the server wants secp256r1, the client offered an X25519 share', async (t) => {
  const { c, s } = pair({}, { groups: [NamedGroup.secp256r1] });
  (c.conn as ClientConnection).start();
  pump(c, s);
  t.ok(c.secure && s.secure);
  // No common group at all.
  const p = pair({ groups: [NamedGroup.x25519] }, { groups: [NamedGroup.secp256r1] });
  (p.c.conn as ClientConnection).start();
  pump(p.c, p.s);
  t.equal(code(p.s.error), 'TLS_HANDSHAKE_FAILED');
  t.equal(code(p.c.error), 'TLS_HANDSHAKE_FAILED');
});

t.test('KeyUpdate with update_requested is answered; tickets are ignored; close_notify', async (t) => {
  const { c, s } = pair();
  (c.conn as ClientConnection).start();
  pump(c, s);
  c.conn.updateKeys(true);
  pump(c, s);
  s.out.push(...s.conn.encodeApplicationData([Buffer.from('after s update')]));
  c.out.push(...c.conn.encodeApplicationData([Buffer.from('after c update')]));
  // A NewSessionTicket from the server: dropped by the client.
  (s.conn as unknown as { sendHandshake(m: Buffer[]): void }).sendHandshake([handshakeMessage(4, Buffer.alloc(20))]);
  s.conn.updateKeys(false);
  s.out.push(...s.conn.encodeApplicationData([Buffer.from('!')]));
  pump(c, s);
  t.equal(c.error, undefined);
  t.equal(s.error, undefined);
  t.equal(Buffer.concat(c.data).toString(), 'after s update!');
  t.equal(Buffer.concat(s.data).toString(), 'after c update');
  const bye = c.conn.closeNotify();
  t.ok(bye);
  t.equal(c.conn.closeNotify(), undefined, 'once');
  s.out.length = 0;
  c.out.push(bye!);
  pump(c, s);
  t.ok(s.closed);
  t.throws(() => c.conn.encodeApplicationData([Buffer.from('x')]), { code: 'CLOSED' });
  t.throws(() => c.conn.updateKeys(false), { code: 'CLOSED' });
});

t.test('wrong key, wrong identity, any identity', async (t) => {
  const wrong = pair({ psk: randomBytes(4096) });
  (wrong.c.conn as ClientConnection).start();
  pump(wrong.c, wrong.s);
  t.equal(code(wrong.s.error), 'TLS_PSK_MISMATCH');
  t.equal(code(wrong.c.error), 'TLS_PSK_MISMATCH');
  const id = pair({ identity: Buffer.from('other') });
  (id.c.conn as ClientConnection).start();
  pump(id.c, id.s);
  t.equal(code(id.s.error), 'TLS_PSK_MISMATCH');
  t.equal(code(id.c.error), 'TLS_PSK_MISMATCH');
  const any = pair({ identity: Buffer.from('other') }, { identity: undefined } as never);
  const key = randomBytes(64);
  const cs = { out: [], data: [], secure: false, closed: false } as unknown as Side;
  const ss = { out: [], data: [], secure: false, closed: false } as unknown as Side;
  cs.conn = new ClientConnection(sink(cs), { psk: key, identity: Buffer.from('anything') });
  ss.conn = new ServerConnection(sink(ss), { psk: key });
  (cs.conn as ClientConnection).start();
  pump(cs, ss);
  t.ok(cs.secure && ss.secure, 'a server without an identity accepts any');
  t.ok(any);
});

t.test('handshake message split across records, and records that break the rules', async (t) => {
  const { c, s } = pair();
  (c.conn as ClientConnection).start();
  const rec = Buffer.concat(c.out.splice(0));
  // Re-frame the ClientHello into three handshake records.
  const body = rec.subarray(5);
  const parts = [body.subarray(0, 10), body.subarray(10, 100), body.subarray(100)];
  for (const p of parts) s.conn.receive(Buffer.concat([Buffer.from([22, 3, 3, p.length >> 8, p.length & 255]), p]));
  t.ok(s.out.length > 0, 'the server answered');
  const bad = (bytes: Buffer, conn: Connection = new ServerConnection(sink({ out: [], data: [], secure: false, closed: false }), { psk: Buffer.alloc(1) })): string | undefined => {
    try {
      conn.receive(bytes);
    } catch (err) {
      t.ok(err instanceof TransportError);
      return code(err);
    }
    return undefined;
  };
  t.equal(bad(Buffer.from([99, 3, 3, 0, 1, 0])), 'TLS_BAD_RECORD', 'unknown content type');
  t.equal(bad(Buffer.from([22, 4, 3, 0, 1, 0])), 'TLS_BAD_RECORD', 'not version 3');
  t.equal(bad(Buffer.from([22, 3, 3, 0x41, 0x01])), 'TLS_BAD_RECORD', 'over 2^14 + 256');
  t.equal(bad(Buffer.concat([Buffer.from([22, 3, 3, 0x40, 0x01]), Buffer.alloc(0x4001, 1)])), 'TLS_BAD_RECORD', 'plaintext over 2^14');
  t.equal(bad(Buffer.from([23, 3, 3, 0, 1, 0])), 'TLS_BAD_RECORD', 'application data before the handshake');
  t.equal(bad(Buffer.from([22, 3, 3, 0, 0])), 'TLS_BAD_RECORD', 'empty handshake record');
  t.equal(bad(Buffer.from([22, 3, 3, 0, 4, 1, 0x01, 0, 1])), 'TLS_BAD_RECORD', 'handshake message over the limit');
  t.equal(bad(Buffer.from([22, 3, 3, 0, 4, 2, 0, 0, 0])), 'TLS_BAD_RECORD', 'ServerHello to a server');
  t.equal(bad(Buffer.from([20, 3, 3, 0, 1, 2])), 'TLS_BAD_RECORD', 'bad ChangeCipherSpec');
  t.equal(bad(Buffer.from([20, 3, 3, 0, 1, 1])), undefined, 'ChangeCipherSpec tolerated in the handshake');
  t.equal(bad(Buffer.from([21, 3, 3, 0, 2, 2, 40])), 'TLS_HANDSHAKE_FAILED', 'handshake_failure alert');
  t.equal(bad(Buffer.from([21, 3, 3, 0, 2, 2, 51])), 'TLS_PSK_MISMATCH', 'decrypt_error alert');
  t.equal(bad(Buffer.from([21, 3, 3, 0, 2, 2, 10])), 'TLS_ALERT', 'other alert');
  t.equal(bad(Buffer.from([21, 3, 3, 0, 3, 2, 10, 0])), 'TLS_BAD_RECORD', 'bad alert record');
  t.equal(bad(Buffer.from([21, 3, 3, 0, 2, 1, 90])), undefined, 'user_canceled is ignored');
  t.equal(fromReceivedAlert(10, false).code, 'TLS_ALERT');
  t.equal(alertName(51), 'decrypt_error');
  t.equal(alertName(200), 'alert 200');
});

t.test('after the handshake: tampered records, alerts, unexpected messages', async (t) => {
  const { c, s } = pair();
  (c.conn as ClientConnection).start();
  pump(c, s);
  const rec = Buffer.concat(c.conn.encodeApplicationData([Buffer.from('hello')]));
  rec[rec.length - 1]! ^= 1;
  t.throws(() => s.conn.receive(rec), { code: 'TLS_DECRYPT_ERROR' });
  t.ok(s.conn.alertFor(new Error('x')), 'an unexpected error sends internal_error');
  t.equal(s.conn.alertFor(new Error('x')), undefined, 'one alert only');
  t.equal(s.conn.closeNotify(), undefined, 'no close_notify after an alert');
  const p = pair();
  (p.c.conn as ClientConnection).start();
  pump(p.c, p.s);
  t.throws(() => p.c.conn.receive(Buffer.from([22, 3, 3, 0, 1, 1])), { code: 'TLS_BAD_RECORD' }, 'plaintext after keys');
  const q = pair();
  (q.c.conn as ClientConnection).start();
  pump(q.c, q.s);
  (q.s.conn as unknown as { sendHandshake(m: Buffer[]): void }).sendHandshake([handshakeMessage(13, Buffer.alloc(4))]);
  pump(q.c, q.s);
  t.equal(code(q.c.error), 'TLS_BAD_RECORD', 'CertificateRequest after the handshake');
  t.equal(code(q.s.error), 'TLS_ALERT', 'the server got our unexpected_message alert');
  const r = pair();
  (r.c.conn as ClientConnection).start();
  pump(r.c, r.s);
  (r.c.conn as unknown as { sendHandshake(m: Buffer[]): void }).sendHandshake([handshakeMessage(4, Buffer.alloc(4))]);
  pump(r.c, r.s);
  t.equal(code(r.s.error), 'TLS_BAD_RECORD', 'NewSessionTicket from a client');
  const u = pair();
  (u.c.conn as ClientConnection).start();
  pump(u.c, u.s);
  (u.c.conn as unknown as { sendHandshake(m: Buffer[]): void }).sendHandshake([handshakeMessage(24, Buffer.from([7]))]);
  pump(u.c, u.s);
  t.equal(code(u.s.error), 'TLS_BAD_RECORD', 'bad KeyUpdate');
});

t.test('record protection: padding tolerated, no content type refused, sequence numbers', async (t) => {
  const keys = { key: randomBytes(16), iv: randomBytes(12) };
  const w = new RecordProtection(TLS_AES_128_GCM_SHA256, keys);
  const r = new RecordProtection(TLS_AES_128_GCM_SHA256, keys);
  const reader = new RecordReader();
  reader.push(Buffer.concat([w.seal(23, Buffer.from('abc'), 100), w.seal(23, Buffer.alloc(0), 0), w.seal(0, Buffer.alloc(0), 5)]));
  const a = reader.next()!;
  t.same(r.open(a.header, a.fragment), { type: 23, content: Buffer.from('abc') });
  const b = reader.next()!;
  t.same(r.open(b.header, b.fragment).content.length, 0);
  const z = reader.next()!;
  t.throws(() => r.open(z.header, z.fragment), { code: 'TLS_BAD_RECORD' }, 'all zeros: no content type');
  t.equal(reader.next(), undefined);
  t.equal(r.sequence, 3);
  t.throws(() => r.open(Buffer.from([23, 3, 3, 0, 16]), Buffer.alloc(16)), { code: 'TLS_BAD_RECORD' }, 'too short');
  t.throws(() => r.open(Buffer.from([23, 3, 3, 0x41, 1]), Buffer.alloc(0x4101)), { code: 'TLS_BAD_RECORD' }, 'too long');
  const big = w.seal(23, Buffer.alloc(0x4001));
  reader.push(big);
  const bigRec = reader.next()!;
  t.throws(() => r.open(bigRec.header, bigRec.fragment), { code: 'TLS_BAD_RECORD' }, 'plaintext over 2^14');
});

t.test('fuzz: random bytes and mutated handshakes raise only TransportErrors', async (t) => {
  const key = randomBytes(32);
  const { c } = pair();
  (c.conn as ClientConnection).start();
  const hello = Buffer.concat(c.out);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 0, max: 2 }), (bytes, mode) => {
      const side = { out: [], data: [], secure: false, closed: false };
      let input = Buffer.from(bytes);
      if (mode === 1) {
        input = Buffer.from(hello);
        for (let i = 0; i < bytes.length && i < 8; i++) {
          const at = (bytes[i]! * 7 + i * 131) % input.length;
          input[at] = input[at]! ^ (bytes[i]! | 1);
        }
      }
      const conn =
        mode === 2
          ? new ClientConnection(sink(side), { psk: key, identity: Buffer.from('lrmd') })
          : new ServerConnection(sink(side), { psk: key, identity: Buffer.from('lrmd') });
      if (conn instanceof ClientConnection) conn.start();
      try {
        conn.receive(mode === 2 ? Buffer.concat([Buffer.from([22, 3, 3, bytes.length >> 8, bytes.length & 255]), input]) : input);
      } catch (err) {
        if (!(err instanceof TransportError)) throw err;
      }
    }),
    { numRuns: 3000 },
  );
  t.pass('no other error escaped');
});
