// TlsListener (src/server/listener.ts) with a 4096-byte key, so the built-in
// TLS 1.3 engine does the handshakes (spec/protocol.md §4.9), serving a
// register handshake and a poke to our own client, in-process; then a wrong
// key, a refused connection and close() with a handshake in flight.
import t from 'tap';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import type tls from 'node:tls';
import { TlsListener } from '../../src/server/listener.js';
import { createExecutor } from '../../src/server/executor/index.js';
import { ServerSession } from '../../src/server/session/server-session.js';
import { connectClient } from '../../src/client/index.js';
import { connectPskTls } from '../../src/transport/psk-tls.js';

const key = randomBytes(4096);

t.test('a register handshake and a poke over the built-in engine', async (t) => {
  const executor = createExecutor({ runner: { run: async () => ({ rc: 0, status: 0 }) } });
  t.teardown(() => executor.close());
  const secured: Array<{ socket: tls.TLSSocket; raw: net.Socket | undefined }> = [];
  const tlsErrors: Array<{ err: Error; remote: string }> = [];
  let admitted = 0;
  let refuseNext = false;
  const sessions: ServerSession[] = [];
  const listener = new TlsListener({
    credentials: { key },
    admit: () => {
      if (refuseNext) {
        refuseNext = false;
        return false;
      }
      admitted++;
      return true;
    },
    onSecure: (socket, raw) => {
      secured.push({ socket, raw });
      sessions.push(new ServerSession(socket, { executor }));
    },
    onTlsError: (err, remote) => tlsErrors.push({ err, remote }),
  });
  const { port } = await listener.listen(0, '127.0.0.1');
  t.equal(listener.address?.port, port);
  t.teardown(async () => {
    for (const s of sessions) s.close();
    await listener.close();
  });

  const client = await connectClient({ host: '127.0.0.1', port, key, clientName: 'listener-builtin' });
  await client.poke();
  t.equal(secured.length, 1, 'onSecure once');
  const { socket, raw } = secured[0]!;
  t.equal(socket.getProtocol(), 'TLSv1.3');
  t.equal(socket.getCipher()?.name, 'TLS_AES_128_GCM_SHA256');
  t.ok(raw instanceof net.Socket, 'the admitted TCP socket is handed over');
  t.match(socket.remoteAddress, /127\.0\.0\.1/);
  t.equal(listener.handshaking, 0);
  client.close();

  // A wrong key: the engine's code on both sides, reported through onTlsError.
  await t.rejects(connectPskTls({ host: '127.0.0.1', port, key: randomBytes(4096) }), { code: 'TLS_PSK_MISMATCH' });
  for (let i = 0; i < 100 && tlsErrors.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  t.equal(tlsErrors.length, 1);
  t.equal((tlsErrors[0]!.err as { code?: string }).code, 'TLS_PSK_MISMATCH');
  t.match(tlsErrors[0]!.remote, /^127\.0\.0\.1:\d+$/);

  // Refused by admit: closed before any TLS work.
  refuseNext = true;
  const before = admitted;
  await t.rejects(connectPskTls({ host: '127.0.0.1', port, key, handshakeTimeoutMs: 5000 }), { code: /^(TLS_HANDSHAKE_FAILED|CLOSED)$/ });
  t.equal(admitted, before, 'admit refused it');

  // close() destroys a connection still in its handshake, which is no TLS failure.
  const errorsBefore = tlsErrors.length;
  const idle = net.connect(port, '127.0.0.1');
  idle.on('error', () => {});
  idle.resume();
  await new Promise((r) => idle.once('connect', r));
  for (let i = 0; i < 100 && listener.handshaking === 0; i++) await new Promise((r) => setTimeout(r, 10));
  t.equal(listener.handshaking, 1, 'one handshake in flight');
  const gone = new Promise((r) => idle.once('close', r));
  for (const s of sessions) s.close();
  await listener.close();
  await gone;
  t.equal(listener.handshaking, 0);
  t.equal(tlsErrors.length, errorsBefore, 'no TLS error for a connection the listener closed');
});

t.test('a handshake that does not finish in time', async (t) => {
  const tlsErrors: string[] = [];
  const listener = new TlsListener({
    credentials: { key },
    handshakeTimeoutMs: 200,
    admit: () => true,
    onSecure: (socket) => socket.destroy(),
    onTlsError: (err) => tlsErrors.push((err as { code?: string }).code ?? '?'),
  });
  const { port } = await listener.listen(0, '127.0.0.1');
  t.teardown(() => listener.close());
  const silent = net.connect(port, '127.0.0.1');
  silent.on('error', () => {});
  const got: Buffer[] = [];
  silent.on('data', (d: Buffer) => got.push(d));
  const closed = new Promise((r) => silent.once('close', r));
  await closed;
  t.same(tlsErrors, ['TLS_HANDSHAKE_TIMEOUT']);
  t.same([...Buffer.concat(got)], [21, 3, 3, 0, 2, 2, 80], 'a plaintext internal_error alert, then the close');
  t.equal(listener.handshaking, 0);
});

t.test('engine node refuses a key over 512 bytes up front', async (t) => {
  t.throws(
    () => new TlsListener({ credentials: { key }, engine: 'node', admit: () => true, onSecure: () => {} }),
    { code: 'PSK_TOO_LONG' },
  );
  t.throws(() => new TlsListener({ credentials: { key: new Uint8Array(0) }, admit: () => true, onSecure: () => {} }), { code: 'AUTHKEY_EMPTY' });
});
