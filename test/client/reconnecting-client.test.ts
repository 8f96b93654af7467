// ReconnectingClient over fake servers (spec/protocol.md §4.7): each
// connection attempt gets a fresh FakeServer; tests kill them to simulate loss.
import t from 'tap';
import { Client } from '../../src/client/client.js';
import { createReconnectingClient } from '../../src/client/connect.js';
import { ClientError, ClientErrorCode } from '../../src/client/errors.js';
import { ReconnectingClient, type ReconnectInfo, type ReconnectOptions } from '../../src/client/reconnecting-client.js';
import { FakeServer } from './fixtures/fake-server.js';

const FAST: ReconnectOptions = { initialDelayMs: 10, factor: 2, jitter: 0, livenessIntervalMs: 0 };

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A factory that connects a new Client to a new FakeServer; `fail` makes the next attempts reject. */
function harness(answer?: (srv: FakeServer) => void) {
  const servers: FakeServer[] = [];
  const clients: Client[] = [];
  const h = {
    servers,
    clients,
    fail: 0,
    calls: 0,
    factory: async (): Promise<Client> => {
      h.calls++;
      if (h.fail > 0) {
        h.fail--;
        throw new ClientError(ClientErrorCode.Timeout, 'scripted failure');
      }
      const srv = new FakeServer();
      answer?.(srv);
      servers.push(srv);
      const c = new Client();
      await c.connect(srv.clientEnd);
      clients.push(c);
      return c;
    },
    get srv(): FakeServer {
      return servers.at(-1)!;
    },
  };
  return h;
}

function record(rc: ReconnectingClient) {
  const log: string[] = [];
  const infos: ReconnectInfo[] = [];
  rc.on('connected', () => log.push('connected'));
  rc.on('disconnected', (e) => log.push(`disconnected:${e.code}`));
  rc.on('reconnecting', (i) => (infos.push(i), log.push(`reconnecting:${i.attempt}`)));
  rc.on('gaveUp', () => log.push('gaveUp'));
  rc.on('close', () => log.push('close'));
  return { log, infos };
}

t.test('reconnects after a loss; calls fail fast meanwhile', async (t) => {
  const h = harness((srv) => {
    const base = srv.onRequest;
    srv.onRequest = (req, s) => {
      base(req, s);
      if (req.op === 'lrmd_rsc_register') s.reply(req, { rc: 0 });
      if (req.op === 'lrmd_rsc_exec') s.reply(req, { rc: 7, callId: 7 });
    };
  });
  const rc = new ReconnectingClient(h.factory, { ...FAST, initialDelayMs: 40 });
  t.teardown(() => rc.close());
  const { log, infos } = record(rc);
  await t.rejects(rc.getResourceInfo('R'), { code: 'NOT_CONNECTED' }, 'before start');
  const first = await rc.start().ready();
  t.equal(rc.start(), rc, 'start is idempotent');
  t.equal(rc.client, first);
  t.ok(rc.connected);
  await rc.registerResource({ rscId: 'R', standard: 'ocf', provider: 'pacemaker', agent: 'Dummy' });
  const { callId } = await rc.exec({ rscId: 'R', action: 'start' });
  const result = rc.waitForResult(callId);
  const pending = rc.getResourceInfo('R', { timeoutMs: 0 }); // never answered
  await h.srv.next('lrmd_rsc_info');
  h.srv.kill();
  await t.rejects(pending, { code: 'CONNECTION_LOST' });
  await t.rejects(result, { code: 'CONNECTION_LOST' }, 'results of calls before the loss are lost');
  t.notOk(rc.connected);
  t.equal(rc.client, undefined);
  for (const call of [() => rc.getResourceInfo('R'), () => rc.poke(), () => rc.check(), () => rc.getRecurring()] as (() => Promise<unknown>)[]) {
    await t.rejects(call(), { code: 'NOT_CONNECTED' });
  }
  const second = await rc.ready();
  t.not(second, first);
  h.srv.notifyExec(callId, { execRc: 0 }); // the old action completes after the reconnect (§6.4)
  t.match(await rc.waitForResult(callId), { callId: 7, execRc: 0 }, 'claimable on the new connection');
  t.same(log, ['connected', 'disconnected:CONNECTION_LOST', 'reconnecting:1', 'connected']);
  t.match(infos[0], { attempt: 1, delayMs: 40, error: { code: 'CONNECTION_LOST' } });
  t.equal(h.calls, 2);
});

t.test('failed attempts back off; success resets the count', async (t) => {
  const h = harness();
  h.fail = 3;
  const rc = new ReconnectingClient(h.factory, FAST).start();
  t.teardown(() => rc.close());
  const { log, infos } = record(rc);
  await rc.ready();
  t.same(infos.map((i) => [i.attempt, i.delayMs, (i.error as ClientError).code]), [[1, 10, 'TIMEOUT'], [2, 20, 'TIMEOUT'], [3, 40, 'TIMEOUT']]);
  h.srv.kill();
  await until(() => h.clients.length === 2 && rc.connected);
  t.same(log.slice(-3), ['disconnected:CONNECTION_LOST', 'reconnecting:1', 'connected']);
  t.equal(infos.at(-1)!.delayMs, 10);
});

t.test('maxRetries: gives up and closes', async (t) => {
  const h = harness();
  h.fail = 100;
  const rc = new ReconnectingClient(h.factory, { ...FAST, maxRetries: 2 });
  const { log } = record(rc);
  const ready = rc.ready();
  let gaveUpWith: Error | undefined;
  rc.on('gaveUp', (e) => (gaveUpWith = e));
  rc.start();
  await t.rejects(ready, { code: 'NOT_CONNECTED' });
  t.same(log, ['reconnecting:1', 'reconnecting:2', 'gaveUp', 'close']);
  t.match(gaveUpWith, { code: 'TIMEOUT' });
  t.equal(h.calls, 3);
  t.ok(rc.closed);
  await t.rejects(rc.ready(), { code: 'NOT_CONNECTED' });
  for (const call of [
    () => rc.exec({ rscId: 'R', action: 'start' }),
    () => rc.unregisterResource('R'),
    () => rc.cancel({ rscId: 'R', action: 'monitor', interval: 1000 }),
    () => rc.alertExec({ alertId: 'a', alertPath: '/bin/true' }),
    () => rc.waitForResult(1),
    () => rc.registerResource({ rscId: 'R', standard: 'lsb', agent: 'x' }),
  ] as (() => Promise<unknown>)[]) {
    await t.rejects(call(), { code: 'NOT_CONNECTED' });
  }
  rc.close();
  t.equal(rc.start(), rc, 'start after close does nothing');
  t.equal(h.calls, 3);
});

t.test('close() during the backoff wait leaves no timer behind', async (t) => {
  const h = harness();
  h.fail = 1;
  const rc = new ReconnectingClient(h.factory, { ...FAST, initialDelayMs: 600_000 }).start();
  const { log } = record(rc);
  await until(() => log.includes('reconnecting:1'));
  rc.close();
  rc.close();
  t.same(log, ['reconnecting:1', 'close']);
  // this test would keep the process alive for 10 minutes if the timer survived
});

t.test('close() during an attempt: aborts it, or closes what it yields', async (t) => {
  let seen: AbortSignal | undefined;
  const honours = new ReconnectingClient((signal) => {
    seen = signal;
    return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
  }).start();
  const { log } = record(honours);
  await until(() => seen !== undefined);
  honours.close();
  t.ok(seen!.aborted);
  t.match(seen!.reason, { code: 'NOT_CONNECTED' });
  await new Promise((r) => setTimeout(r, 10));
  t.same(log, ['close'], 'no retry after close');

  const h = harness();
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const ignores = new ReconnectingClient(async () => {
    await gate;
    return h.factory();
  }).start();
  ignores.close();
  release();
  await until(() => h.clients.length === 1);
  await until(() => !h.clients[0]!.connected);
  t.equal(ignores.client, undefined);
});

t.test('ready(): time limit and abort', async (t) => {
  const rc = new ReconnectingClient(() => new Promise<Client>(() => {}), FAST).start();
  t.teardown(() => rc.close());
  await t.rejects(rc.ready({ timeoutMs: 20 }), { code: 'TIMEOUT' });
  await t.rejects(rc.ready({ signal: AbortSignal.abort() }), { code: 'ABORTED' });
  const ac = new AbortController();
  const p = rc.ready({ signal: ac.signal });
  ac.abort();
  await t.rejects(p, { code: 'ABORTED' });
});

t.test('liveness: a silent peer is dropped and replaced', async (t) => {
  let answerPokes = false;
  const h = harness((srv) => {
    const base = srv.onRequest;
    srv.onRequest = (req, s) => {
      base(req, s);
      if (req.op === 'lrmd_rsc_poke' && answerPokes) s.notifyGeneric('lrmd_rsc_poke');
    };
  });
  const rc = new ReconnectingClient(h.factory, { ...FAST, livenessIntervalMs: 20, livenessTimeoutMs: 30 }).start();
  t.teardown(() => rc.close());
  const { log } = record(rc);
  await until(() => log.includes('disconnected:LIVENESS_FAILED'));
  answerPokes = true;
  await until(() => rc.connected && h.clients.length === 2);
  await until(() => h.srv.requests.filter((r) => r.op === 'lrmd_rsc_poke').length >= 2);
  t.ok(rc.connected, 'answered pokes keep the second connection');
  t.same(log.slice(0, 4), ['connected', 'disconnected:LIVENESS_FAILED', 'reconnecting:1', 'connected']);
});

t.test('liveness defaults to every 10 s; 0 leaves the client alone', async (t) => {
  for (const [opts, expected] of [[{}, [{ intervalMs: 10_000 }]], [{ livenessIntervalMs: 0 }, []], [{ livenessIntervalMs: 50, livenessTimeoutMs: 7 }, [{ intervalMs: 50, timeoutMs: 7 }]]] as const) {
    const h = harness();
    const calls: unknown[] = [];
    const rc = new ReconnectingClient(async () => {
      const c = await h.factory();
      c.monitorLiveness = (o) => void calls.push(o);
      return c;
    }, { ...FAST, livenessIntervalMs: undefined, ...opts }).start();
    await rc.ready();
    rc.close();
    t.same(calls, expected, JSON.stringify(opts));
  }
});

t.test('events of the current connection are forwarded', async (t) => {
  const h = harness();
  const rc = new ReconnectingClient(h.factory, FAST).start();
  t.teardown(() => rc.close());
  await rc.ready();
  const got: string[] = [];
  rc.on('notify', (n) => got.push(`notify:${n.op}`));
  rc.on('exec', (n) => got.push(`exec:${n.callId}`));
  rc.on('ipc', (m) => got.push(`ipc:${m.ipcOp}`));
  h.srv.notifyExec(3);
  h.srv.send({ kind: 'ipc', msgId: 0, ipcOp: 'destroy', session: 's' } as never);
  await until(() => got.length === 3);
  t.same(got, ['notify:lrmd_rsc_exec', 'exec:3', 'ipc:destroy']);
  const old = h.srv;
  old.kill();
  await until(() => h.clients.length === 2 && rc.connected);
  t.equal(h.clients[0]!.listenerCount('notify'), 0, 'the old client is released');
});

t.test('a factory that returns a dead client counts as a loss', async (t) => {
  const h = harness();
  let n = 0;
  const rc = new ReconnectingClient(async () => {
    const c = await h.factory();
    if (++n === 1) c.close();
    return c;
  }, FAST).start();
  t.teardown(() => rc.close());
  const { log } = record(rc);
  await rc.ready();
  t.same(log, ['disconnected:CONNECTION_LOST', 'reconnecting:1', 'connected']);
});

t.test('listeners may close it from disconnected or reconnecting', async (t) => {
  for (const ev of ['disconnected', 'reconnecting'] as const) {
    const h = harness();
    const rc = new ReconnectingClient(h.factory, FAST).start();
    await rc.ready();
    rc.once(ev, () => rc.close());
    h.srv.kill();
    await until(() => rc.closed);
    await new Promise((r) => setTimeout(r, 30));
    t.equal(h.calls, 1, `${ev}: no further attempt`);
  }
});

t.test('createReconnectingClient over connectClient', async (t) => {
  const servers: FakeServer[] = [];
  const rc = createReconnectingClient({
    ...FAST,
    clientName: 'rc',
    transport: async () => {
      const s = new FakeServer();
      servers.push(s);
      return s.clientEnd;
    },
  });
  t.teardown(() => rc.close());
  const c = await rc.ready();
  t.match(servers[0]!.requests[0], { op: 'register', clientName: 'rc' });
  t.ok(c.connected);
  servers[0]!.kill();
  await until(() => servers.length === 2 && rc.connected);
  t.not(rc.client, c);
});
