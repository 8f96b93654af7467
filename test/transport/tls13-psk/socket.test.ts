// Tls13PskSocket over real loopback TCP (spec/protocol.md §4.9): backpressure
// both ways with a slow reader, a peer that stalls inside a record, and a
// connection cut inside a record. The misbehaving peer is a ServerConnection
// driven by hand over a raw socket, so it can send partial records.
import t from 'tap';
import net from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { acceptTls13Psk, connectTls13Psk, type Tls13PskSocket } from '../../../src/transport/tls13-psk/index.js';
import { ServerConnection } from '../../../src/transport/tls13-psk/server.js';

const key = randomBytes(1024);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function listen(onRaw: (raw: net.Socket) => void): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer(onRaw);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}

async function dial(port: number, options: { handshakeTimeoutMs?: number } = {}): Promise<Tls13PskSocket> {
  const raw = net.connect(port, '127.0.0.1');
  await new Promise((r) => raw.once('connect', r));
  return connectTls13Psk(raw, { key, ...options });
}

/** A server whose records we control: a ServerConnection over the raw socket. */
async function handPeer(t: { teardown: (fn: () => unknown) => void }): Promise<{ port: number; peer: Promise<{ raw: net.Socket; conn: ServerConnection }> }> {
  let resolve!: (v: { raw: net.Socket; conn: ServerConnection }) => void;
  const peer = new Promise<{ raw: net.Socket; conn: ServerConnection }>((r) => (resolve = r));
  const srv = await listen((raw) => {
    raw.on('error', () => {});
    const conn = new ServerConnection(
      { send: (b) => raw.write(b), data: () => {}, secure: () => resolve({ raw, conn }), closeNotify: () => {} },
      { psk: key },
    );
    raw.on('data', (d: Buffer) => {
      try {
        conn.receive(d);
      } catch {
        // The client's alert after its own failure: this peer only listens.
      }
    });
  });
  t.teardown(srv.close);
  return { port: srv.port, peer };
}

t.test('backpressure: a slow reader holds the writer, nothing is lost', async (t) => {
  let serverSide!: Tls13PskSocket;
  let serverRaw!: net.Socket;
  const accepted = new Promise<void>((resolve) => {
    void listen((raw) => {
      serverRaw = raw;
      serverSide = acceptTls13Psk(raw, { key });
      serverSide.once('secure', () => resolve());
    }).then((srv) => {
      t.teardown(srv.close);
      void dial(srv.port).then((c) => (client = c));
    });
  });
  let client!: Tls13PskSocket;
  await accepted;
  for (let i = 0; i < 100 && client === undefined; i++) await sleep(10);
  t.teardown(() => {
    client.destroy();
    serverSide.destroy();
  });
  // The reader takes nothing yet: its readable buffer fills, then it pauses TCP.
  serverSide.pause();
  const total = 16 * 1024 * 1024;
  const chunk = randomBytes(64 * 1024);
  const sent = createHash('sha256');
  let acked = 0;
  let refused = 0;
  let queued = 0;
  for (; queued < total; queued += chunk.length) {
    sent.update(chunk);
    if (!client.write(chunk, () => (acked += chunk.length))) refused++;
  }
  await sleep(300);
  t.ok(refused > 0, 'write() asked the writer to wait');
  t.ok(acked < total / 2, `write callbacks are held while the reader sleeps (${acked} of ${total} acknowledged)`);
  t.ok(serverRaw.isPaused(), 'the reader paused its TCP socket');
  // Now read everything.
  const got = createHash('sha256');
  let received = 0;
  const done = new Promise<void>((resolve) => {
    serverSide.on('data', (d: Buffer) => {
      got.update(d);
      received += d.length;
      if (received === total) resolve();
    });
  });
  serverSide.resume();
  await done;
  for (let i = 0; i < 100 && acked < total; i++) await sleep(10);
  t.equal(acked, total, 'every write callback ran');
  t.equal(got.digest('hex'), sent.digest('hex'), 'bytes intact and in order');
});

t.test('a peer that stalls inside a record, then finishes it', async (t) => {
  const { port, peer } = await handPeer(t);
  const client = await dial(port);
  t.teardown(() => client.destroy());
  const { conn, raw } = await peer;
  const records = Buffer.concat(conn.encodeApplicationData([Buffer.from('hello, '), Buffer.from('world')]));
  const got: Buffer[] = [];
  client.on('data', (d: Buffer) => got.push(d));
  raw.write(records.subarray(0, 3)); // inside the first record's header
  await sleep(100);
  raw.write(records.subarray(3, 20)); // inside its fragment
  await sleep(200);
  t.equal(got.length, 0, 'nothing delivered from a partial record');
  t.ok(!client.destroyed, 'a stall is no error');
  raw.write(records.subarray(20));
  for (let i = 0; i < 100 && Buffer.concat(got).length < 12; i++) await sleep(10);
  t.equal(Buffer.concat(got).toString(), 'hello, world');
});

t.test('a peer that stalls inside a handshake record: the handshake limit', async (t) => {
  const srv = await listen((raw) => {
    raw.on('error', () => {});
    raw.once('data', () => raw.write(Buffer.from([22, 3, 3, 0, 90, 2, 0, 0])));
  });
  t.teardown(srv.close);
  await t.rejects(dial(srv.port, { handshakeTimeoutMs: 300 }), { code: 'TLS_HANDSHAKE_TIMEOUT' });
});

t.test('a connection cut inside a record, and one cut between records', async (t) => {
  const cut = await handPeer(t);
  const client = await dial(cut.port);
  const { conn, raw } = await cut.peer;
  const records = Buffer.concat(conn.encodeApplicationData([Buffer.from('first'), Buffer.from('second')]));
  const first = records.subarray(0, 5 + records.readUInt16BE(3));
  const got: Buffer[] = [];
  client.on('data', (d: Buffer) => got.push(d));
  const failed = new Promise<Error>((r) => client.once('error', r));
  raw.end(records.subarray(0, first.length + 8));
  const err = await failed;
  t.equal((err as { code?: string }).code, 'TLS_BAD_RECORD', 'the connection ended inside a TLS record');
  t.equal(Buffer.concat(got).toString(), 'first', 'the whole record before the cut was delivered');

  const clean = await handPeer(t);
  const c2 = await dial(clean.port);
  const p2 = await clean.peer;
  const r2 = Buffer.concat(p2.conn.encodeApplicationData([Buffer.from('all of it')]));
  const chunks: Buffer[] = [];
  c2.on('data', (d: Buffer) => chunks.push(d));
  let error: unknown;
  c2.on('error', (e) => (error = e));
  const ended = new Promise((r) => c2.once('end', r));
  p2.raw.end(r2); // no close_notify: treated as the end of the peer's data
  await ended;
  t.equal(Buffer.concat(chunks).toString(), 'all of it');
  t.equal(error, undefined);
  c2.destroy();
});

t.test('close_notify from the peer ends the stream; ours is sent on end()', async (t) => {
  const { port, peer } = await handPeer(t);
  const client = await dial(port);
  const { conn, raw } = await peer;
  const fromClient: Buffer[] = [];
  raw.on('data', (d: Buffer) => fromClient.push(d));
  const ended = new Promise((r) => client.once('end', r));
  client.resume();
  raw.write(conn.closeNotify()!);
  await ended;
  const finished = new Promise((r) => raw.once('end', r));
  client.end();
  await finished;
  t.ok(Buffer.concat(fromClient).length >= 5 + 2 + 1 + 16, 'an encrypted alert record came before the FIN');
  t.equal(client.getProtocol(), 'TLSv1.3');
  t.same(client.getCipher(), { name: 'TLS_AES_128_GCM_SHA256', standardName: 'TLS_AES_128_GCM_SHA256', version: 'TLSv1.3' });
});

t.test('built-in on both ends: writes before the handshake ends, KeyUpdate, socket errors', async (t) => {
  let server!: Tls13PskSocket;
  const srv = await listen((raw) => {
    server = acceptTls13Psk(raw, { key });
    // Queued until the handshake is done, then sent.
    server.write('early words');
  });
  t.teardown(srv.close);
  const client = await dial(srv.port);
  const first = await new Promise<Buffer>((r) => client.once('data', r));
  t.equal(first.toString(), 'early words');
  client.setNoDelay(true).setKeepAlive(true, 1000);
  t.equal(typeof client.localPort, 'number');
  t.equal(client.remotePort, srv.port);
  client.updateKeys(true);
  client.write('after the update');
  const echoed = await new Promise<Buffer>((r) => server.once('data', r));
  t.equal(echoed.toString(), 'after the update');
  server.write('answer under new keys');
  t.equal((await new Promise<Buffer>((r) => client.once('data', r))).toString(), 'answer under new keys');
  // A socket error after the handshake: CLOSED.
  const failed = new Promise<Error>((r) => client.once('error', r));
  client.socket.destroy(Object.assign(new Error('boom'), { code: 'ECONNRESET' }));
  t.equal(((await failed) as { code?: string }).code, 'CLOSED');
  server.destroy();
});

t.test('the peer closes TCP during the handshake; abort signals', async (t) => {
  const srv = await listen((raw) => raw.destroy());
  t.teardown(srv.close);
  await t.rejects(dial(srv.port), { code: 'TLS_HANDSHAKE_FAILED' });

  const mute = await listen((raw) => raw.on('error', () => {}).resume());
  t.teardown(mute.close);
  const raw1 = net.connect(mute.port, '127.0.0.1');
  await new Promise((r) => raw1.once('connect', r));
  await t.rejects(connectTls13Psk(raw1, { key, signal: AbortSignal.abort() }), { code: 'ABORTED' });
  t.ok(raw1.destroyed, 'the socket is destroyed');
  const raw2 = net.connect(mute.port, '127.0.0.1');
  await new Promise((r) => raw2.once('connect', r));
  const ac = new AbortController();
  const pending = connectTls13Psk(raw2, { key, signal: ac.signal });
  setTimeout(() => ac.abort(), 50);
  await t.rejects(pending, { code: 'ABORTED' });
  // Calling updateKeys before the handshake is over fails the connection.
  const raw3 = net.connect(mute.port, '127.0.0.1');
  await new Promise((r) => raw3.once('connect', r));
  const early = acceptTls13Psk(raw3, { key });
  const err = new Promise<Error>((r) => early.once('error', r));
  early.updateKeys();
  t.equal(((await err) as { code?: string }).code, 'CLOSED');
});
