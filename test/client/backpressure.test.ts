// Backpressure of notification iterators (spec/protocol.md §4.7): a full
// iterator pauses reading the socket; the memory pair then pushes back on
// the writer, as TCP would on the daemon.
import t from 'tap';
import { Client } from '../../src/client/client.js';
import { Session } from '../../src/client/session.js';
import { FakeServer } from './fixtures/fake-server.js';

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function setup(t: { teardown: (fn: () => void) => void }, opts: { notifyHighWaterMark?: number; notifyLowWaterMark?: number }) {
  const srv = new FakeServer();
  const client = new Client(opts);
  await client.connect(srv.clientEnd);
  t.teardown(() => client.close());
  let execs = 0;
  client.on('exec', () => execs++);
  return { srv, client, execs: () => execs };
}

const N = 1000;

t.test('a full iterator pauses reading, draining resumes it, nothing is lost', async (t) => {
  const { srv, client, execs } = await setup(t, { notifyHighWaterMark: 10, notifyLowWaterMark: 3 });
  const it = client.notifications();
  const bp: boolean[] = [];
  client.on('backpressure', (p) => bp.push(p));
  srv.onRequest = (req, s) => req.op === 'lrmd_rsc_info' && s.reply(req, { rc: -19 });
  for (let i = 1; i <= N; i++) srv.notifyExec(i);
  const info = client.getResourceInfo('R', { timeoutMs: 0 }); // its reply queues behind the notifications

  await until(() => client.paused && srv.queuedFrames > 0);
  await new Promise((r) => setTimeout(r, 50));
  const seen = execs();
  t.ok(seen < 200, `reading stopped early: ${seen} of ${N} notifications read`);
  t.ok(srv.queuedFrames > N - 200, `the writer is pushed back: ${srv.queuedFrames} frames waiting`);
  t.same(bp, [true]);

  const got: number[] = [];
  for await (const n of it) {
    got.push('callId' in n ? (n.callId ?? -1) : -1);
    if (got.length === N) break;
  }
  t.same(got, Array.from({ length: N }, (_, i) => i + 1), 'every notification, in order');
  t.equal(await info, undefined, 'the reply behind them arrived');
  t.equal(execs(), N);
  t.notOk(client.paused);
  t.equal(bp.at(-1), false);
  t.ok(bp.length > 2 && bp.every((p, i) => p === (i % 2 === 0)), `alternating pause/resume (${bp.length} events)`);
});

t.test('breaking out of a full iterator resumes reading', async (t) => {
  const { srv, client, execs } = await setup(t, { notifyHighWaterMark: 5 });
  const it = client.notifications();
  for (let i = 1; i <= 200; i++) srv.notifyExec(i);
  await until(() => client.paused);
  await it.return!();
  await until(() => execs() === 200);
  t.notOk(client.paused);
});

t.test('only when every iterator has drained', async (t) => {
  const srv = new FakeServer();
  const s = new Session(srv.clientEnd, { notifyHighWaterMark: 4, notifyLowWaterMark: 1 });
  t.teardown(() => s.close());
  const a = s.notifications();
  const b = s.notifications();
  for (let i = 1; i <= 50; i++) srv.notifyExec(i);
  await until(() => s.paused);
  const pauses = s.pauseCount;
  t.equal(pauses, 1);
  for (let i = 0; i < 4; i++) await a.next(); // a had at least the high mark
  t.ok(s.paused, 'b is still full');
  while (s.paused) await b.next();
  t.equal(s.pauseCount, pauses, 'one pause so far');
  await b.return!();
  await a.return!();
  for (let i = 1; i <= 50; i++) srv.notifyExec(i);
  const c = s.notifications();
  await until(() => s.paused);
  t.equal(s.pauseCount, pauses + 1);
  await c.return!();
  t.notOk(s.paused);
});

t.test('notifyHighWaterMark 0 never pauses', async (t) => {
  const { srv, client, execs } = await setup(t, { notifyHighWaterMark: 0 });
  client.notifications(); // never consumed
  for (let i = 1; i <= N; i++) srv.notifyExec(i);
  await until(() => execs() === N);
  t.notOk(client.paused);
});

t.test('closing while paused ends the iterator after its queue', async (t) => {
  const { srv, client } = await setup(t, { notifyHighWaterMark: 3 });
  const it = client.notifications();
  for (let i = 1; i <= 100; i++) srv.notifyExec(i);
  await until(() => client.paused);
  client.close();
  let n = 0;
  for await (const _ of it) n++;
  t.ok(n >= 3 && n < 100, `drained ${n} queued items, then done`);
  t.notOk(client.paused, 'a closed client is not paused');
});
