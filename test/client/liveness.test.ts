// The liveness check (spec/protocol.md §4.7, §5.8): unit tests of the
// monitor with a scripted target, then through Client and a fake server.
import t from 'tap';
import { Client } from '../../src/client/client.js';
import { ClientError, ClientErrorCode } from '../../src/client/errors.js';
import { LivenessMonitor, type LivenessTarget } from '../../src/client/liveness.js';
import { FakeServer } from './fixtures/fake-server.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(2);
  }
}

type Answer = 'ok' | 'timeout' | 'lost' | 'hang';

/** A target whose pokes answer as scripted (the last answer repeats). */
function target(answers: Answer[], state: { paused?: boolean; pauseCount?: number } = {}) {
  const pokes: number[] = [];
  const tgt: LivenessTarget & { pokes: number[]; aborted: number } = {
    pokes,
    aborted: 0,
    get paused() { return state.paused ?? false; },
    get pauseCount() { return state.pauseCount ?? 0; },
    poke({ signal }) {
      pokes.push(Date.now());
      const a = answers.length > 1 ? answers.shift()! : answers[0]!;
      if (a === 'ok') return Promise.resolve();
      if (a === 'lost') return Promise.reject(new ClientError(ClientErrorCode.ConnectionLost, 'lost'));
      return new Promise((_, reject) => {
        const timer = a === 'timeout' ? setTimeout(() => reject(new ClientError(ClientErrorCode.Timeout, 'late')), 5) : undefined;
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          tgt.aborted++;
          reject(new ClientError(ClientErrorCode.Aborted, 'aborted'));
        });
      });
    },
  };
  return tgt;
}

t.test('pokes every interval while answered; stop() ends it', async (t) => {
  const tgt = target(['ok']);
  const fails: ClientError[] = [];
  const m = new LivenessMonitor(tgt, { intervalMs: 10 }, (e) => fails.push(e)).start();
  await until(() => tgt.pokes.length >= 3);
  m.stop();
  const n = tgt.pokes.length;
  t.ok(tgt.pokes[2]! - tgt.pokes[0]! >= 15, 'spaced by the interval');
  await sleep(40);
  t.equal(tgt.pokes.length, n, 'no poke after stop');
  t.same(fails, []);
  t.notOk(m.running);
});

t.test('an unanswered poke fails once with LIVENESS_FAILED', async (t) => {
  const tgt = target(['ok', 'timeout']);
  const fails: ClientError[] = [];
  const m = new LivenessMonitor(tgt, { intervalMs: 5, timeoutMs: 5 }, (e) => fails.push(e)).start();
  await until(() => fails.length > 0);
  await sleep(30);
  t.equal(fails.length, 1);
  t.match(fails[0], { code: 'LIVENESS_FAILED', cause: { code: 'TIMEOUT' } });
  t.equal(tgt.pokes.length, 2);
  t.notOk(m.running);
});

t.test('a timeout while reading is paused is inconclusive', async (t) => {
  const state = { paused: true, pauseCount: 1 };
  const tgt = target(['timeout'], state);
  const fails: ClientError[] = [];
  const m = new LivenessMonitor(tgt, { intervalMs: 5 }, (e) => fails.push(e)).start();
  await sleep(40);
  t.equal(tgt.pokes.length, 0, 'no poke while paused');
  t.ok(m.running);
  m.stop();
  // a pause that begins during the wait, or begins and ends, makes a timeout inconclusive too
  const inner = target(['timeout']);
  let count = 1;
  let pausedNow = false;
  const flaky: LivenessTarget = {
    get paused() { return pausedNow; },
    get pauseCount() { return count; },
    poke: (o) => {
      if (inner.pokes.length % 2 === 0) count++;
      else pausedNow = true;
      return inner.poke(o).finally(() => setTimeout(() => (pausedNow = false), 1));
    },
  };
  const m2 = new LivenessMonitor(flaky, { intervalMs: 5 }, (e) => fails.push(e)).start();
  await until(() => inner.pokes.length >= 3);
  t.ok(inner.pokes.length >= 3, `retried after inconclusive checks (${inner.pokes.length})`);
  t.same(fails, []);
  m2.stop();
});

t.test('a poke that fails otherwise stops the monitor silently', async (t) => {
  const tgt = target(['lost']);
  const fails: ClientError[] = [];
  const m = new LivenessMonitor(tgt, { intervalMs: 5 }, (e) => fails.push(e)).start();
  await until(() => !m.running);
  await sleep(20);
  t.equal(tgt.pokes.length, 1);
  t.same(fails, []);
  t.notOk(m.running);
});

t.test('stop() aborts a poke in flight; interval 0 never starts', async (t) => {
  const tgt = target(['hang']);
  const fails: ClientError[] = [];
  const m = new LivenessMonitor(tgt, { intervalMs: 5 }, (e) => fails.push(e)).start();
  await until(() => tgt.pokes.length === 1);
  m.stop();
  await sleep(5);
  t.equal(tgt.aborted, 1);
  t.same(fails, []);
  const off = new LivenessMonitor(tgt, { intervalMs: 0 }, () => {}).start();
  t.notOk(off.running);
});

t.test('Client: livenessIntervalMs pokes; a dead peer closes with LIVENESS_FAILED', async (t) => {
  const srv = new FakeServer();
  let answer = true;
  srv.onRequest = (req, s) => {
    if (req.op === 'register') s.reply(req, { rc: 0, op: 'register', clientId: 'c1', protocolVersion: '1.1' });
    if (req.op === 'lrmd_rsc_poke' && answer) s.notifyGeneric('lrmd_rsc_poke');
  };
  const client = new Client({ livenessIntervalMs: 20, livenessTimeoutMs: 60 });
  await client.connect(srv.clientEnd);
  t.teardown(() => client.close());
  await until(() => srv.requests.filter((r) => r.op === 'lrmd_rsc_poke').length >= 2);
  const pokes = srv.requests.filter((r) => r.op === 'lrmd_rsc_poke').length;
  t.ok(pokes >= 2, `${pokes} pokes`);
  t.ok(client.connected);
  const closed = new Promise<ClientError | undefined>((r) => client.once('close', r));
  answer = false;
  const pending = client.getResourceInfo('R', { timeoutMs: 0 }); // never answered
  t.match(await closed, { code: 'LIVENESS_FAILED' });
  await t.rejects(pending, { code: 'LIVENESS_FAILED' });
  t.notOk(client.connected);
});

t.test('Client.monitorLiveness: restart, stop, and NOT_CONNECTED', async (t) => {
  t.throws(() => new Client().monitorLiveness(), { code: 'NOT_CONNECTED' });
  const srv = new FakeServer();
  srv.onRequest = (req, s) => {
    if (req.op === 'register') s.reply(req, { rc: 0, op: 'register', clientId: 'c1' });
    if (req.op === 'lrmd_rsc_poke') s.notifyGeneric('lrmd_rsc_poke');
  };
  const client = new Client();
  await client.connect(srv.clientEnd);
  t.teardown(() => client.close());
  client.monitorLiveness({ intervalMs: 10 });
  await until(() => srv.requests.length >= 3);
  client.monitorLiveness({ intervalMs: 0 });
  const n = srv.requests.length;
  t.ok(n >= 3);
  await sleep(40);
  t.equal(srv.requests.length, n, 'stopped');
});
