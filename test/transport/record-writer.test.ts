import t from 'tap';
import net from 'node:net';
import type tls from 'node:tls';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { MessageDecoder, encodeMessageFrame, type Message } from '../../src/protocol/index.js';
import { RecordWriter } from '../../src/transport/record-writer.js';
import { connectPskTls, createPskTlsServer } from '../../src/transport/psk-tls.js';
import { TransportErrorCode } from '../../src/transport/errors.js';
import { createMemoryPair } from '../../src/transport/memory.js';

const TLS13_OVERHEAD = 17; // content type byte + 16-byte AEAD tag
const MAX_RECORD = 16384;

function listen(server: net.Server): Promise<number> {
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)));
}

function poke(msgId: number, pad = 0): Message {
  return { kind: 'request', op: 'lrmd_rsc_exec', msgId, rscId: `r${msgId}`, action: 'start', interval: 0, actionTimeout: 1000, startDelay: 0, params: pad ? { big: 'x'.repeat(pad) } : {} };
}

/** Wrap `write` to log each buffer's size and the most writes ever in flight at once. */
function spyWrites(socket: { write: (...args: never[]) => boolean }): { sizes: number[]; maxInFlight: () => number } {
  const sizes: number[] = [];
  let inFlight = 0;
  let max = 0;
  const orig = socket.write.bind(socket) as (chunk: Uint8Array, cb?: (err?: Error | null) => void) => boolean;
  (socket as unknown as { write: typeof orig }).write = (chunk, cb) => {
    sizes.push(chunk.length);
    max = Math.max(max, ++inFlight);
    return orig(chunk, (err) => {
      inFlight--;
      cb?.(err);
    });
  };
  return { sizes, maxInFlight: () => max };
}

t.test('over PSK-TLS 1.3: one write per buffer, one record per write, frames intact and in order', async (t) => {
  const key = randomBytes(256);
  const decoded: Message[] = [];
  let expectedCount = 0;
  let allIn!: () => void;
  const done = new Promise<void>((r) => (allIn = r));
  const open: net.Socket[] = [];
  const server = createPskTlsServer({ key, engine: 'node' }, (s) => {
    open.push(s);
    s.on('error', () => {});
    const dec = new MessageDecoder();
    s.on('data', (d: Buffer) => {
      for (const f of dec.push(d)) decoded.push(f.message!);
      if (decoded.length === expectedCount) allIn();
    });
  });
  const tlsPort = await listen(server);
  // A TCP relay that cuts the client's byte stream into TLS records.
  const records: Array<{ type: number; length: number }> = [];
  const relay = net.createServer((inbound) => {
    const out = net.connect(tlsPort, '127.0.0.1');
    open.push(inbound, out);
    let buf = Buffer.alloc(0);
    inbound.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 5 && buf.length >= 5 + buf.readUInt16BE(3)) {
        records.push({ type: buf[0]!, length: buf.readUInt16BE(3) });
        buf = buf.subarray(5 + buf.readUInt16BE(3));
      }
      out.write(d);
    });
    out.pipe(inbound);
    inbound.on('error', () => out.destroy());
    out.on('error', () => inbound.destroy());
  });
  const relayPort = await listen(relay);
  t.teardown(() => {
    for (const s of open) s.destroy();
    relay.close();
    server.close();
  });

  const socket: tls.TLSSocket = await connectPskTls({ host: '127.0.0.1', port: relayPort, key, engine: 'node' });
  t.teardown(() => socket.destroy());
  t.equal(socket.getProtocol(), 'TLSv1.3');
  const spy = spyWrites(socket as never);
  const writer = new RecordWriter(socket);
  const pads = [0, 10, 0, 20_000, 0, 100_000, 5, 0, 16_000, 0];
  const msgs = Array.from({ length: 40 }, (_, i) => poke(i + 1, pads[i % pads.length]));
  expectedCount = msgs.length;
  const frames = msgs.map((m) => encodeMessageFrame(m));
  // All queued at once: the situation in which Node would merge writes.
  await Promise.all(frames.map((f) => writer.write(f)));
  t.equal(writer.queuedFrames, 0);
  t.equal(writer.queuedBytes, 0);
  await done;
  t.same(decoded.map((m) => m.msgId), msgs.map((m) => m.msgId), 'all frames, in order');
  t.same(decoded, msgs, 'intact');
  t.same(spy.sizes, frames.flatMap((f) => [f.header.length, f.payload.length]), 'header and payload are separate writes');
  t.equal(spy.maxInFlight(), 1, 'never two writes in flight');
  const expected = frames.flatMap((f) => {
    const out = [40];
    for (let n = f.payload.length; n > 0; n -= MAX_RECORD) out.push(Math.min(n, MAX_RECORD));
    return out;
  });
  const app = records.filter((r) => r.type === 23).map((r) => r.length - TLS13_OVERHEAD);
  t.same(app.slice(-expected.length), expected, 'TLS records: 40-byte header alone, payload records of that payload only');
  t.equal(app.length, expected.length + 1, 'only the encrypted Finished precedes them');
});

t.test('over the memory pair: frames decode in order', async (t) => {
  const [a, b] = createMemoryPair();
  const writer = new RecordWriter(a);
  const dec = new MessageDecoder();
  const got: number[] = [];
  b.on('data', (d: Buffer) => dec.push(d).forEach((f) => got.push(f.message!.msgId)));
  await Promise.all([1, 2, 3].map((i) => writer.write(encodeMessageFrame(poke(i, i * 1000)))));
  await new Promise((r) => setImmediate(r));
  t.same(got, [1, 2, 3]);
  a.destroy();
  b.destroy();
});

t.test('empty buffers are skipped', async (t) => {
  const sizes: number[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, cb) {
      sizes.push(chunk.length);
      cb();
    },
  });
  const w = new RecordWriter(sink as never);
  await w.writeBuffers([Buffer.alloc(40), Buffer.alloc(0), Buffer.alloc(3)]);
  t.same(sizes, [40, 3]);
});

t.test('errors: a failed write rejects it and everything queued; later writes reject too', async (t) => {
  const sink = new Writable({
    write(_chunk, _e, cb) {
      cb(Object.assign(new Error('broken pipe'), { code: 'EPIPE' }));
    },
  });
  sink.on('error', () => {});
  const w = new RecordWriter(sink as never);
  const f = { header: Buffer.alloc(40), payload: Buffer.alloc(10) };
  const results = await Promise.allSettled([w.write(f), w.write(f)]);
  for (const r of results) t.match(r, { status: 'rejected', reason: { code: TransportErrorCode.Closed } });
  await t.rejects(w.write(f), { code: TransportErrorCode.Closed });
});

t.test('errors: socket closes with frames queued', async (t) => {
  const s = new PassThrough({ highWaterMark: 1 });
  // Nobody reads: the first write's callback still fires, later ones pile up.
  const w = new RecordWriter(s);
  const f = { header: Buffer.alloc(40), payload: Buffer.alloc(100_000) };
  const ps = [w.write(f), w.write(f), w.write(f)].map((p) => p.catch((e: { code: string }) => e.code));
  await new Promise((r) => setImmediate(r));
  t.ok(w.queuedFrames > 0);
  s.destroy();
  const codes = await Promise.all(ps);
  t.ok(codes.some((c) => c === TransportErrorCode.Closed), `codes: ${codes.join(',')}`);
  await t.rejects(w.write(f), { code: TransportErrorCode.Closed });
});

t.test('errors: writing to an ended socket', async (t) => {
  const s = new PassThrough();
  s.resume();
  s.end();
  const w = new RecordWriter(s);
  await t.rejects(w.write({ header: Buffer.alloc(40), payload: Buffer.alloc(1) }), { code: TransportErrorCode.Closed });
});

t.test('detach rejects pending frames and leaves the socket open', async (t) => {
  const s = new PassThrough({ highWaterMark: 1 });
  const w = new RecordWriter(s);
  const p = w.write({ header: Buffer.alloc(40), payload: Buffer.alloc(100_000) });
  const q = w.write({ header: Buffer.alloc(40), payload: Buffer.alloc(1) });
  w.detach();
  await t.rejects(q, { code: TransportErrorCode.Closed });
  await p.catch(() => {});
  t.notOk(s.destroyed);
  s.destroy();
});
