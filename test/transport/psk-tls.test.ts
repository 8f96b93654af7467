import t from 'tap';
import net from 'node:net';
import type tls from 'node:tls';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { MAX_BUILTIN_PSK_LENGTH, MAX_PSK_LENGTH, connectPskTls, createPskTlsServer, selectPskEngine, type PskTlsSocket } from '../../src/transport/psk-tls.js';
import { Tls13PskSocket } from '../../src/transport/tls13-psk/socket.js';
import { TransportErrorCode } from '../../src/transport/errors.js';

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

function close(server: net.Server): Promise<void> {
  return new Promise((r) => server.close(() => r()));
}

/** An echo server over PSK-TLS; returns the port and the server. */
async function echoServer(key: Buffer, opts: { identity?: string } = {}): Promise<{ port: number; server: tls.Server; sockets: tls.TLSSocket[] }> {
  const sockets: tls.TLSSocket[] = [];
  const server = createPskTlsServer({ key, ...opts, engine: 'node' }, (s) => {
    sockets.push(s);
    s.on('error', () => {});
    s.on('data', (d) => s.write(d));
  });
  return { port: await listen(server), server, sockets };
}

async function roundTrip(s: PskTlsSocket, data: Buffer): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  return new Promise((resolve, reject) => {
    s.on('data', (d: Buffer) => {
      parts.push(d);
      n += d.length;
      if (n >= data.length) resolve(Buffer.concat(parts));
    });
    s.once('error', reject);
    s.write(data);
  });
}

for (const size of [64, 256, MAX_PSK_LENGTH]) {
  for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
    t.test(`loopback with a ${size}-byte key over ${maxVersion}`, async (t) => {
      const key = randomBytes(size);
      const { port, server, sockets } = await echoServer(key);
      t.teardown(() => close(server));
      const s = await connectPskTls({ host: '127.0.0.1', port, key: new Uint8Array(key), maxVersion, engine: 'node' });
      t.teardown(() => s.destroy());
      t.equal(s.getProtocol(), maxVersion);
      t.match(s.getCipher().name, maxVersion === 'TLSv1.3' ? /^TLS_/ : /PSK/);
      const data = randomBytes(40_000);
      t.ok((await roundTrip(s, data)).equals(data), 'client → server → client');
      // Server-initiated direction.
      const got = new Promise<Buffer>((r) => s.once('data', r));
      sockets[0]!.write('hello from the server');
      t.equal((await got).toString(), 'hello from the server');
    });
  }
}

t.test('the node engine refuses keys over 512 bytes before connecting; the built-in one over 64 KiB', async (t) => {
  for (const size of [513, 4096]) {
    await t.rejects(connectPskTls({ host: '127.0.0.1', port: 1, key: randomBytes(size), engine: 'node' }), { code: TransportErrorCode.PskTooLong });
    t.throws(() => createPskTlsServer({ key: randomBytes(size), engine: 'node' }, () => {}), { code: TransportErrorCode.PskTooLong });
  }
  const huge = randomBytes(MAX_BUILTIN_PSK_LENGTH + 1);
  await t.rejects(connectPskTls({ host: '127.0.0.1', port: 1, key: huge }), { code: TransportErrorCode.PskTooLong });
  t.throws(() => createPskTlsServer({ key: huge }, () => {}), { code: TransportErrorCode.PskTooLong });
  await t.rejects(connectPskTls({ host: '127.0.0.1', port: 1, key: Buffer.alloc(0) }), { code: TransportErrorCode.AuthkeyEmpty });
  await t.rejects(connectPskTls({ host: '127.0.0.1', port: 1, key: Buffer.alloc(0), engine: 'builtin' }), { code: TransportErrorCode.AuthkeyEmpty });
});

t.test('engine selection', async (t) => {
  t.equal(selectPskEngine(new Uint8Array(512)), 'node');
  t.equal(selectPskEngine(new Uint8Array(513)), 'builtin');
  t.equal(selectPskEngine(new Uint8Array(4096), 'auto'), 'builtin');
  t.equal(selectPskEngine(new Uint8Array(16), 'builtin'), 'builtin');
  t.equal(selectPskEngine(new Uint8Array(4096), 'node'), 'node');
});

for (const [size, server, client] of [
  [4096, 'auto', 'auto'],
  [513, 'builtin', 'builtin'],
  [256, 'builtin', 'node'],
  [256, 'node', 'builtin'],
  [MAX_PSK_LENGTH, 'builtin', 'node'],
] as const) {
  t.test(`${size}-byte key: ${client} client, ${server} server`, async (t) => {
    const key = randomBytes(size);
    const sockets: PskTlsSocket[] = [];
    const srv = createPskTlsServer({ key, identity: 'lrmd', engine: server }, (s) => {
      sockets.push(s);
      s.on('error', () => {});
      s.on('data', (d) => s.write(d));
    });
    const port = await listen(srv);
    t.teardown(() => close(srv));
    const s = await connectPskTls({ host: '127.0.0.1', port, key, engine: client });
    t.teardown(() => s.destroy());
    t.equal(s instanceof Tls13PskSocket, selectPskEngine(key, client) === 'builtin');
    t.equal(s.getProtocol(), 'TLSv1.3');
    t.match(s.getCipher()?.name, /^TLS_(AES_128_GCM|CHACHA20_POLY1305)_SHA256$/);
    const data = randomBytes(100_000);
    t.ok((await roundTrip(s, data)).equals(data), 'client → server → client');
    const got = new Promise<Buffer>((r) => s.once('data', r));
    sockets[0]!.write('hello from the server');
    t.equal((await got).toString(), 'hello from the server');
    t.equal(sockets[0]!.remoteAddress, '127.0.0.1');
    t.equal(typeof sockets[0]!.remotePort, 'number');
    const ended = new Promise((r) => s.once('end', r));
    sockets[0]!.end();
    await ended;
  });
}

t.test('built-in engine: wrong key, wrong identity, abort, timeout', async (t) => {
  const key = randomBytes(4096);
  const errors: string[] = [];
  const srv = createPskTlsServer({ key, identity: 'lrmd', handshakeTimeoutMs: 300 }, (s) => s.end());
  srv.on('tlsClientError', (e: { code?: string }) => errors.push(e.code ?? '?'));
  const port = await listen(srv);
  t.teardown(() => close(srv));
  await t.rejects(connectPskTls({ host: '127.0.0.1', port, key: randomBytes(4096) }), { code: TransportErrorCode.TlsPskMismatch });
  await t.rejects(connectPskTls({ host: '127.0.0.1', port, key, identity: 'other' }), { code: TransportErrorCode.TlsPskMismatch });
  await t.rejects(connectPskTls({ host: '127.0.0.1', port, key, signal: AbortSignal.abort() }), { code: TransportErrorCode.Aborted });
  const ac = new AbortController();
  const p = connectPskTls({ host: '127.0.0.1', port: 9, key, signal: ac.signal, connectTimeoutMs: 5000 });
  ac.abort();
  await t.rejects(p, { code: TransportErrorCode.Aborted });
  // A TCP client that never speaks: the server's limit ends it.
  const c = net.connect(port, '127.0.0.1');
  c.on('error', () => {});
  c.resume();
  await new Promise((r) => c.once('close', r));
  t.same(errors, [TransportErrorCode.TlsPskMismatch, TransportErrorCode.TlsPskMismatch, TransportErrorCode.TlsHandshakeTimeout]);
  // A server that never answers: the client's limit.
  const mute = net.createServer((s) => s.on('error', () => {}).resume());
  const mutePort = await listen(mute);
  t.teardown(() => close(mute));
  await t.rejects(connectPskTls({ host: '127.0.0.1', port: mutePort, key, handshakeTimeoutMs: 200 }), { code: TransportErrorCode.TlsHandshakeTimeout });
});

t.test('wrong key fails the handshake quickly', async (t) => {
  const { port, server } = await echoServer(randomBytes(256));
  t.teardown(() => close(server));
  for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
    const t0 = performance.now();
    await t.rejects(connectPskTls({ host: '127.0.0.1', port, key: randomBytes(256), maxVersion }), { code: TransportErrorCode.TlsHandshakeFailed });
    t.ok(performance.now() - t0 < 2000, `${maxVersion}: refused in ${(performance.now() - t0).toFixed(1)} ms`);
  }
});

t.test('server can require the lrmd identity', async (t) => {
  const key = randomBytes(64);
  const { port, server } = await echoServer(key, { identity: 'lrmd' });
  t.teardown(() => close(server));
  const ok = await connectPskTls({ host: '127.0.0.1', port, key });
  ok.destroy();
  await t.rejects(connectPskTls({ host: '127.0.0.1', port, key, identity: 'other' }), { code: TransportErrorCode.TlsHandshakeFailed });
});

/** A TCP server that accepts and never says anything. */
async function silentServer(t: { teardown(fn: () => unknown): void }): Promise<number> {
  const conns: net.Socket[] = [];
  const server = net.createServer((c) => {
    c.on('error', () => {});
    c.resume();
    conns.push(c);
  });
  const port = await listen(server);
  t.teardown(() => {
    for (const c of conns) c.destroy();
    return close(server);
  });
  return port;
}

t.test('handshake timeout against a TCP peer that never answers', async (t) => {
  const port = await silentServer(t);
  const t0 = performance.now();
  await t.rejects(connectPskTls({ host: '127.0.0.1', port, key: randomBytes(32), handshakeTimeoutMs: 200 }), { code: TransportErrorCode.TlsHandshakeTimeout });
  const ms = performance.now() - t0;
  t.ok(ms >= 190 && ms < 2000, `timed out after ${ms.toFixed(0)} ms`);
});

t.test('a peer that is not TLS', async (t) => {
  const server = net.createServer((c) => {
    c.on('error', () => {});
    c.resume();
    c.end('HTTP/1.0 400 Bad Request\r\n\r\n');
  });
  const port = await listen(server);
  t.teardown(() => close(server));
  await t.rejects(connectPskTls({ host: '127.0.0.1', port, key: randomBytes(32) }), { code: TransportErrorCode.TlsHandshakeFailed });
});

t.test('a peer that closes at once', async (t) => {
  const server = net.createServer((c) => {
    c.on('error', () => {});
    c.resume();
    c.destroy();
  });
  const port = await listen(server);
  t.teardown(() => close(server));
  await t.rejects(connectPskTls({ host: '127.0.0.1', port, key: randomBytes(32) }), { code: TransportErrorCode.TlsHandshakeFailed });
});

t.test('connect refused', async (t) => {
  const server = net.createServer();
  const port = await listen(server);
  await close(server);
  await t.rejects(connectPskTls({ host: '127.0.0.1', port, key: randomBytes(32) }), { code: TransportErrorCode.ConnectFailed });
});

t.test('connect timeout', async (t) => {
  // 0 ms: the timer fires before any connect can complete.
  await t.rejects(connectPskTls({ host: '127.0.0.1', port: 9, key: randomBytes(32), connectTimeoutMs: 0 }), { code: TransportErrorCode.ConnectTimeout });
});

t.test('abort signal', async (t) => {
  const port = await silentServer(t);
  await t.rejects(connectPskTls({ host: '127.0.0.1', port, key: randomBytes(32), signal: AbortSignal.abort() }), { code: TransportErrorCode.Aborted });
  const ac = new AbortController();
  const p = connectPskTls({ host: '127.0.0.1', port, key: randomBytes(32), signal: ac.signal });
  setTimeout(() => ac.abort(new Error('stop')), 50);
  await t.rejects(p, { code: TransportErrorCode.Aborted });
});

t.test('server drops a client that never finishes the handshake', async (t) => {
  const server = createPskTlsServer({ key: randomBytes(32), handshakeTimeoutMs: 150 }, () => {});
  const errors: string[] = [];
  server.on('tlsClientError', (e: NodeJS.ErrnoException) => errors.push(e.code ?? e.message));
  const port = await listen(server);
  t.teardown(() => close(server));
  const c = net.connect(port, '127.0.0.1');
  c.on('error', () => {});
  c.resume();
  const t0 = performance.now();
  await new Promise((r) => c.once('close', r));
  t.ok(performance.now() - t0 < 2000);
  t.same(errors, ['ERR_TLS_HANDSHAKE_TIMEOUT']);
});
