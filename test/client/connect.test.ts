// connectClient and createReconnectingClient over real PSK-TLS on loopback,
// against a small scripted executor: key file lookup, protobuf negotiation
// end to end, backpressure through TCP, reconnect after the server drops us.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type tls from 'node:tls';
import { connectClient, createReconnectingClient, resolvePort } from '../../src/client/connect.js';
import { Encoding, MessageDecoder, encodeMessageFrame, type Message, type Request } from '../../src/protocol/index.js';
import { RecordWriter, createPskTlsServer } from '../../src/transport/index.js';

const key = randomBytes(64);

/** A PSK-TLS executor that answers register (choosing protobuf when offered), info and poke. */
async function executor(t: { teardown: (fn: () => Promise<void> | void) => void }) {
  const sockets: { socket: tls.TLSSocket; writer: RecordWriter; encoding: Encoding; requests: [string, Encoding][] }[] = [];
  const server = createPskTlsServer({ key, engine: 'node' }, (socket) => {
    const conn = { socket, writer: new RecordWriter(socket), encoding: Encoding.xml as Encoding, requests: [] as [string, Encoding][] };
    sockets.push(conn);
    const send = (m: Message): void => void conn.writer.write(encodeMessageFrame(m, { encoding: conn.encoding })).catch(() => {});
    const decoder = new MessageDecoder();
    socket.on('error', () => {});
    socket.on('data', (d: Buffer) => {
      for (const f of decoder.push(d)) {
        const req = f.message as Request;
        conn.requests.push([req.op, f.frame.encoding]);
        if (req.op === 'register') {
          const pb = req.encodings?.includes('protobuf');
          send({ kind: 'reply', msgId: req.msgId, rc: 0, op: 'register', clientId: 'c', protocolVersion: '1.2', ...(pb ? { encoding: 'protobuf' } : {}) });
          if (pb) conn.encoding = Encoding.protobuf;
        } else if (req.op === 'lrmd_rsc_info') {
          send({ kind: 'reply', msgId: req.msgId, rc: -19 });
        } else if (req.op === 'lrmd_rsc_poke') {
          send({ kind: 'reply', msgId: req.msgId, rc: 0 });
          send({ kind: 'notify', msgId: 0, op: 'lrmd_rsc_poke', rc: 0 });
        }
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(async () => {
    for (const s of sockets) s.socket.destroy();
    await new Promise((r) => server.close(r));
  });
  return { port: (server.address() as AddressInfo).port, sockets, send: (i: number, m: Message) => sockets[i]!.writer.write(encodeMessageFrame(m, { encoding: sockets[i]!.encoding })) };
}

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

t.test('resolvePort', async (t) => {
  t.equal(resolvePort(1234, { PCMK_remote_port: '99' }), 1234);
  t.equal(resolvePort(undefined, { PCMK_remote_port: '3199' }), 3199);
  t.equal(resolvePort(undefined, { PCMK_remote_port: 'x' }), 3121);
  t.equal(resolvePort(undefined, { PCMK_remote_port: '70000' }), 3121);
  t.equal(resolvePort(undefined, {}), 3121);
});

t.test('key file, PSK-TLS, register, protobuf end to end', async (t) => {
  const ex = await executor(t);
  const dir = mkdtempSync(join(tmpdir(), 'pcmk-client-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'authkey'), key, { mode: 0o600 });
  const client = await connectClient({
    authkey: { path: join(dir, 'authkey') },
    env: { PCMK_remote_port: String(ex.port) },
    connectTimeoutMs: 5000,
    handshakeTimeoutMs: 5000,
    registerTimeoutMs: 5000,
    maxVersion: 'TLSv1.3',
  });
  t.teardown(() => client.close());
  t.equal(client.encoding, 'protobuf');
  t.equal(await client.getResourceInfo('R'), undefined);
  t.match(await client.poke(), { op: 'lrmd_rsc_poke' });
  t.same(ex.sockets[0]!.requests, [['register', 'xml'], ['lrmd_rsc_info', 'protobuf'], ['lrmd_rsc_poke', 'protobuf']]);

  const xml = await connectClient({ port: ex.port, key, encodings: ['xml'] });
  t.teardown(() => xml.close());
  t.equal(xml.encoding, 'xml');
  t.equal(await xml.getResourceInfo('R'), undefined);
  t.same(ex.sockets[1]!.requests, [['register', 'xml'], ['lrmd_rsc_info', 'xml']]);
});

t.test('backpressure reaches the server through TCP', async (t) => {
  const ex = await executor(t);
  const client = await connectClient({ port: ex.port, key, notifyHighWaterMark: 50 });
  t.teardown(() => client.close());
  const it = client.notifications();
  // ~10 MB: more than loopback's TCP buffers can absorb on both sides
  // (autotuned up to 4 MB send + 6 MB receive), so the server must stall.
  const total = 8000;
  const pad = 'x'.repeat(1200);
  const conn = ex.sockets[0]!;
  let written = 0;
  for (let i = 1; i <= total; i++) {
    void ex.send(0, { kind: 'notify', msgId: 0, op: 'lrmd_rsc_register', rc: 0, rscId: `rsc-${i}-${pad}` }).then(() => written++, () => {});
  }
  await until(() => client.paused);
  await new Promise((r) => setTimeout(r, 300));
  t.ok(conn.writer.queuedFrames > 0, `server stalled: ${written} of ${total} frames written, ${conn.writer.queuedFrames} waiting`);
  let n = 0;
  for await (const m of it) {
    if (m.op === 'lrmd_rsc_register' && 'rscId' in m && m.rscId === `rsc-${n + 1}-${pad}`) n++;
    else break;
    if (n === total) break;
  }
  t.equal(n, total, 'all arrived, in order');
  t.equal(await client.getResourceInfo('R'), undefined);
});

t.test('createReconnectingClient reconnects when the server drops the connection', async (t) => {
  const ex = await executor(t);
  const rc = createReconnectingClient({ port: ex.port, key, initialDelayMs: 20, jitter: 0, livenessIntervalMs: 50 });
  t.teardown(() => rc.close());
  const first = await rc.ready({ timeoutMs: 10_000 });
  await until(() => ex.sockets[0]!.requests.some(([op]) => op === 'lrmd_rsc_poke'));
  ex.sockets[0]!.socket.destroy();
  await until(() => rc.connected && rc.client !== first);
  t.equal(rc.client!.encoding, 'protobuf');
  t.equal(await rc.getResourceInfo('R'), undefined);
});
