import t from 'tap';
import { createMemoryPair } from '../../src/transport/memory.js';

const collect = (s: NodeJS.ReadableStream): Promise<Buffer> =>
  new Promise((resolve) => {
    const parts: Buffer[] = [];
    s.on('data', (d: Buffer) => parts.push(d));
    s.on('end', () => resolve(Buffer.concat(parts)));
  });

t.test('bytes flow both ways, in order, and end propagates', async (t) => {
  const [a, b] = createMemoryPair();
  const toB = collect(b);
  const toA = collect(a);
  a.write('hel');
  a.write(Buffer.from('lo'));
  b.write('world');
  a.end();
  t.equal((await toB).toString(), 'hello');
  t.equal((await toA).toString(), 'world', 'b ends itself once a ended (no half-open)');
});

t.test('writes are copied', async (t) => {
  const [a, b] = createMemoryPair();
  const got = collect(b);
  const buf = Buffer.from('abc');
  a.write(buf);
  buf.fill(0);
  a.end();
  t.equal((await got).toString(), 'abc');
});

t.test('backpressure: a write completes only when the reader has room', async (t) => {
  const [a, b] = createMemoryPair();
  let done = 0;
  const big = Buffer.alloc(64 * 1024);
  for (let i = 0; i < 4; i++) a.write(big, () => done++);
  await new Promise((r) => setTimeout(r, 20));
  t.ok(done < 4, `only ${done} writes done while nobody reads`);
  const got = collect(b);
  a.end();
  t.equal((await got).length, 4 * big.length);
  t.equal(done, 4);
});

t.test('destroying one end gives the other EOF, then writes fail', async (t) => {
  const [a, b] = createMemoryPair();
  const ended = collect(b);
  a.destroy();
  await ended;
  const err = await new Promise<NodeJS.ErrnoException | null | undefined>((r) => {
    b.on('error', () => {});
    b.write('x', (e) => r(e));
  });
  t.ok(err?.code === 'EPIPE' || err?.code === 'ERR_STREAM_WRITE_AFTER_END', `write failed with ${err?.code}`);
});

t.test('destroy releases a writer waiting for room', async (t) => {
  const [a, b] = createMemoryPair();
  let done = 0;
  const big = Buffer.alloc(64 * 1024);
  a.on('error', () => {});
  for (let i = 0; i < 3; i++) a.write(big, () => done++);
  await new Promise((r) => setTimeout(r, 20));
  b.destroy();
  await new Promise((r) => setTimeout(r, 20));
  t.ok(done >= 1);
  a.destroy();
});
