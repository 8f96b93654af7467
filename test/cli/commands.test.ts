// The client commands as functions, with a scripted client: arguments in,
// lines and exit status out; no network.
import t from 'tap';
import { runAlert } from '../../src/cli/commands/alert.js';
import type { CliClient, CommandContext, ConnectFn } from '../../src/cli/commands/context.js';
import { runExec } from '../../src/cli/commands/exec.js';
import { runPoke } from '../../src/cli/commands/poke.js';
import { runCancel, runRecurring } from '../../src/cli/commands/recurring.js';
import { runInfo, runRegister, runUnregister } from '../../src/cli/commands/resource.js';
import { runWatch } from '../../src/cli/commands/watch.js';
import { parseConnectionOptions } from '../../src/cli/client-options.js';
import type { ConnectOptions } from '../../src/client/connect.js';
import { ClientError, PeerError } from '../../src/client/errors.js';
import { NotifyQueue } from '../../src/client/notify-queue.js';
import type { SessionNotify } from '../../src/client/session.js';
import type { ExecNotify } from '../../src/protocol/messages/notify.js';
import { TransportError } from '../../src/transport/errors.js';

interface Harness {
  ctx: CommandContext;
  out: string[];
  err: string[];
  calls: { method: string; args: unknown[] }[];
  connects: ConnectOptions[];
  closed: () => number;
}

/** A context whose connect returns `client` (methods not given throw). */
function harness(client: Partial<CliClient> | Error, opts: { json?: boolean; timeout?: string; signal?: AbortSignal } = {}): Harness {
  const out: string[] = [];
  const err: string[] = [];
  const calls: Harness['calls'] = [];
  const connects: ConnectOptions[] = [];
  let closed = 0;
  const connect: ConnectFn = async (o) => {
    connects.push(o);
    if (client instanceof Error) throw client;
    return new Proxy({} as CliClient, {
      get: (_t, name: string) => {
        if (name === 'then') return undefined;
        if (name === 'close') return () => void closed++;
        const fn = (client as Record<string, unknown>)[name] as ((...a: unknown[]) => unknown) | undefined;
        if (!fn) return () => Promise.reject(new Error(`unexpected call ${name}`));
        return (...args: unknown[]) => {
          calls.push({ method: name, args });
          return fn(...args);
        };
      },
    });
  };
  const ctx: CommandContext = {
    connect,
    connection: parseConnectionOptions({ json: opts.json ?? false, ...(opts.timeout ? { timeout: opts.timeout } : {}) }),
    env: {},
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    ...(opts.signal ? { signal: opts.signal } : {}),
  };
  return { ctx, out, err, calls, connects, closed: () => closed };
}

const result = (fields: Partial<ExecNotify> = {}): ExecNotify => ({
  kind: 'notify', msgId: 0, op: 'lrmd_rsc_exec', rscId: 'd1', action: 'start', callId: 5, interval: 0, timeout: 20000, startDelay: 0,
  execRc: 0, opStatus: 0, rscDeleted: false, runTime: 0, rcChangeTime: 0, execTime: 4, queueTime: 0, params: {}, ...fields,
});

t.test('poke: a line with the time, JSON, request limit, close', async (t) => {
  const h = harness({ poke: async () => ({ kind: 'notify', msgId: 0, op: 'lrmd_rsc_poke', rc: 0 }) }, { timeout: '1500' });
  t.equal(await runPoke(h.ctx), 0);
  t.match(h.out, [/^poke: ok in [\d.]+ ms$/]);
  t.same(h.calls[0]!.args, [{ timeoutMs: 1500 }]);
  t.equal(h.closed(), 1);
  t.match(h.connects[0], { host: '127.0.0.1', clientName: 'pcmk-remote-cli', defaultTimeoutMs: 1500 });
  const j = harness({ poke: async () => ({ kind: 'notify', msgId: 0, op: 'lrmd_rsc_poke', rc: 0 }) }, { json: true });
  t.equal(await runPoke(j.ctx), 0);
  t.match(JSON.parse(j.out[0]!), { ok: true, ms: Number });
});

t.test('connection failures and timeouts map to 3 and 4, one stderr line', async (t) => {
  for (const [e, code] of [
    [new TransportError('TLS_HANDSHAKE_FAILED', 'wrong key?'), 3],
    [new TransportError('AUTHKEY_MISSING', 'no key'), 3],
    [new TransportError('CONNECT_FAILED', 'refused'), 3],
    [new TransportError('CONNECT_TIMEOUT', 'slow'), 4],
    [new ClientError('REGISTER_FAILED', 'refused'), 3],
  ] as const) {
    const h = harness(e);
    t.equal(await runPoke(h.ctx), code, e.code);
    t.equal(h.err.length, 1);
    t.match(h.err[0], new RegExp(`^pcmk-remote: ${e.code}: `));
    t.same(h.out, []);
  }
  const h = harness({ poke: () => Promise.reject(new ClientError('TIMEOUT', 'no poke')) });
  t.equal(await runPoke(h.ctx), 4);
  t.equal(h.closed(), 1, 'closed after a failure too');
  const lost = harness({ poke: () => Promise.reject(new ClientError('CONNECTION_LOST', 'gone')) });
  t.equal(await runPoke(lost.ctx), 3);
  const aborted = harness({ poke: () => Promise.reject(new ClientError('ABORTED', 'sigint')) });
  t.equal(await runPoke(aborted.ctx), 130);
});

t.test('info', async (t) => {
  const found = harness({ getResourceInfo: async () => ({ rscId: 'd1', standard: 'ocf', provider: 'pacemaker', agent: 'Dummy' }) });
  t.equal(await runInfo({ rscId: 'd1' }, found.ctx), 0);
  t.same(found.out, ['id: d1', 'class: ocf', 'provider: pacemaker', 'type: Dummy']);
  t.same(found.calls[0]!.args, ['d1', { timeoutMs: 10_000 }]);
  const lsb = harness({ getResourceInfo: async () => ({ rscId: 'n', standard: 'lsb', agent: 'network' }) }, { json: true });
  t.equal(await runInfo({ rscId: 'n' }, lsb.ctx), 0);
  t.same(JSON.parse(lsb.out[0]!), { rscId: 'n', standard: 'lsb', agent: 'network' });
  const plain = harness({ getResourceInfo: async () => ({ rscId: 'n', standard: 'lsb', agent: 'network' }) });
  await runInfo({ rscId: 'n' }, plain.ctx);
  t.same(plain.out, ['id: n', 'class: lsb', 'type: network']);
  const missing = harness({ getResourceInfo: async () => undefined });
  t.equal(await runInfo({ rscId: 'nope' }, missing.ctx), 1);
  t.match(missing.err, [/^pcmk-remote: NOT_REGISTERED: /]);
  const usage = harness({});
  t.equal(await runInfo({ rscId: '' }, usage.ctx), 2);
  t.same(usage.connects, [], 'no connection for a usage error');
});

t.test('register and unregister', async (t) => {
  const h = harness({ registerResource: async () => {} });
  t.equal(await runRegister({ rscId: 'd1', agent: 'ocf:pacemaker:Dummy' }, h.ctx), 0);
  t.same(h.calls[0]!.args[0], { rscId: 'd1', standard: 'ocf', provider: 'pacemaker', agent: 'Dummy', dropRecurring: false });
  t.same(h.out, ['registered: d1 ocf:pacemaker:Dummy']);
  const drop = harness({ registerResource: async () => {} }, { json: true });
  t.equal(await runRegister({ rscId: 's', agent: 'systemd:sshd', dropRecurring: true }, drop.ctx), 0);
  t.match(drop.calls[0]!.args[0], { standard: 'systemd', agent: 'sshd', dropRecurring: true });
  t.same(JSON.parse(drop.out[0]!), { rscId: 's', standard: 'systemd', agent: 'sshd' });
  const bad = harness({});
  t.equal(await runRegister({ rscId: 'd1', agent: 'ocf:Dummy' }, bad.ctx), 2);
  t.match(bad.err, [/^pcmk-remote: USAGE: /]);

  const u = harness({ unregisterResource: async () => ({ inProgress: false }) });
  t.equal(await runUnregister({ rscId: 'd1' }, u.ctx), 0);
  t.same(u.out, ['unregistered: d1']);
  const busy = harness({ unregisterResource: async () => ({ inProgress: true }) });
  t.equal(await runUnregister({ rscId: 'd1' }, busy.ctx), 0);
  t.same(busy.out, ['unregistered: d1', 'in-progress: an action of it is still running']);
  const bj = harness({ unregisterResource: async () => ({ inProgress: true }) }, { json: true });
  await runUnregister({ rscId: 'd1' }, bj.ctx);
  t.same(JSON.parse(bj.out[0]!), { rscId: 'd1', inProgress: true });
});

t.test('exec without and with --wait', async (t) => {
  const queued = harness({ exec: async () => ({ callId: 9 }) });
  t.equal(await runExec({ rscId: 'd1', action: 'monitor', interval: '1000', param: ['state=/tmp/s', 'x=a=b'] }, queued.ctx), 0);
  t.same(queued.calls[0]!.args, [
    { rscId: 'd1', action: 'monitor', interval: 1000, actionTimeoutMs: 20_000, startDelayMs: 0, params: { state: '/tmp/s', x: 'a=b' } },
    { timeoutMs: 10_000 },
  ]);
  t.same(queued.out, ['call-id: 9']);
  const qj = harness({ exec: async () => ({ callId: 9 }) }, { json: true });
  await runExec({ rscId: 'd1', action: 'monitor' }, qj.ctx);
  t.same(JSON.parse(qj.out[0]!), { rscId: 'd1', action: 'monitor', interval: 0, callId: 9 });

  const waited = harness({ exec: async () => ({ callId: 5 }), waitForResult: async () => result({ execRc: 7, output: 'not there\n' }) });
  t.equal(await runExec({ rscId: 'd1', action: 'monitor', wait: true, timeout: '3000', startDelay: '500' }, waited.ctx), 0, 'rc 7 is a successful command');
  t.same(waited.out, ['call-id: 5', 'rc: 7 (not-running)', 'status: 0 (done)', 'output: not there']);
  t.same(waited.calls[1]!.args, [5, { timeoutMs: 500 + 3000 + 10_000 }], 'default wait = start delay + agent timeout + request limit');
  t.match(waited.calls[0]!.args[0], { actionTimeoutMs: 3000, startDelayMs: 500 });

  const wj = harness({ exec: async () => ({ callId: 5 }), waitForResult: async () => result({ exitReason: 'why' }) }, { json: true });
  await runExec({ rscId: 'd1', action: 'start', wait: true, waitTimeout: '42' }, wj.ctx);
  t.equal(wj.out.length, 1);
  t.same(JSON.parse(wj.out[0]!), {
    rscId: 'd1', action: 'start', interval: 0, callId: 5, rc: 0, rcName: 'ok', status: 0, statusName: 'done', exitReason: 'why', execTimeMs: 4, queueTimeMs: 0,
  });
  t.same(wj.calls[1]!.args, [5, { timeoutMs: 42 }]);

  const unlimited = harness({ exec: async () => ({ callId: 5 }), waitForResult: async () => result() });
  await runExec({ rscId: 'd1', action: 'start', wait: true, timeout: '0' }, unlimited.ctx);
  t.same(unlimited.calls[1]!.args, [5, { timeoutMs: 0 }], 'agent without limit: wait without limit');

  const signal = new AbortController().signal;
  const sig = harness({ exec: async () => ({ callId: 5 }), waitForResult: async () => result() }, { signal });
  await runExec({ rscId: 'd1', action: 'start', wait: true }, sig.ctx);
  t.equal((sig.calls[1]!.args[1] as { signal: AbortSignal }).signal, signal);
  t.equal((sig.calls[0]!.args[1] as { signal: AbortSignal }).signal, signal);

  const late = harness({ exec: async () => ({ callId: 5 }), waitForResult: () => Promise.reject(new ClientError('TIMEOUT', 'no result')) });
  t.equal(await runExec({ rscId: 'd1', action: 'start', wait: true }, late.ctx), 4);
  const unknown = harness({ exec: () => Promise.reject(new PeerError(-19, 'lrmd_rsc_exec')) });
  t.equal(await runExec({ rscId: 'nope', action: 'start' }, unknown.ctx), 1);
  t.match(unknown.err, [/^pcmk-remote: ENODEV: /]);
  for (const bad of [{ interval: 'x' }, { timeout: '-1' }, { startDelay: '1.5' }, { waitTimeout: 'soon' }, { param: ['nokey'] }, { action: '' }]) {
    const h = harness({});
    t.equal(await runExec({ rscId: 'd1', action: 'start', ...bad }, h.ctx), 2, JSON.stringify(bad));
    t.same(h.connects, []);
  }
});

t.test('cancel and recurring', async (t) => {
  const c = harness({ cancel: async () => {} });
  t.equal(await runCancel({ rscId: 'd1', action: 'monitor', interval: '1000' }, c.ctx), 0);
  t.same(c.calls[0]!.args[0], { rscId: 'd1', action: 'monitor', interval: 1000 });
  t.same(c.out, ['cancelled: d1 monitor 1000']);
  const nope = harness({ cancel: () => Promise.reject(new PeerError(-95, 'lrmd_rsc_cancel')) });
  t.equal(await runCancel({ rscId: 'd1', action: 'monitor', interval: '5' }, nope.ctx), 1);
  t.match(nope.err, [/^pcmk-remote: EOPNOTSUPP: /]);
  t.equal(await runCancel({ rscId: 'd1', action: 'monitor', interval: 'x' }, harness({}).ctx), 2);

  const list = [
    { rscId: 'd1', ops: [{ action: 'monitor', interval: 1000, timeout: 20000 }, { action: 'monitor', interval: 5000, timeout: 9000 }] },
    { rscId: 'd2', ops: [] },
  ];
  const r = harness({ getRecurring: async () => list });
  t.equal(await runRecurring({}, r.ctx), 0);
  t.same(r.calls[0]!.args, [undefined, { timeoutMs: 10_000 }]);
  t.same(r.out, ['d1 monitor interval=1000 timeout=20000', 'd1 monitor interval=5000 timeout=9000', 'd2 -']);
  const rj = harness({ getRecurring: async () => list }, { json: true });
  t.equal(await runRecurring({ rscId: 'd1' }, rj.ctx), 0);
  t.equal(rj.calls[0]!.args[0], 'd1');
  t.same(JSON.parse(rj.out[0]!), list);
  const none = harness({ getRecurring: async () => [] });
  t.equal(await runRecurring({}, none.ctx), 0);
  t.same(none.out, []);
});

t.test('alert', async (t) => {
  const h = harness({ alertExec: async () => {} });
  t.equal(await runAlert({ alertId: 'a1', alertPath: '/x.sh', param: ['CRM_alert_kind=node'] }, h.ctx), 0);
  t.same(h.calls[0]!.args[0], { alertId: 'a1', alertPath: '/x.sh', alertTimeoutMs: 30_000, params: { CRM_alert_kind: 'node' } });
  t.same(h.out, ['alert: a1 started']);
  const j = harness({ alertExec: async () => {} }, { json: true });
  await runAlert({ alertId: 'a1', alertPath: '/x.sh', timeout: '500' }, j.ctx);
  t.match(j.calls[0]!.args[0], { alertTimeoutMs: 500, params: {} });
  t.same(JSON.parse(j.out[0]!), { alertId: 'a1', alertPath: '/x.sh', started: true });
  t.equal(await runAlert({ alertId: 'a1', alertPath: '' }, harness({}).ctx), 2);
});

t.test('watch: lines until interrupted, then 0', async (t) => {
  const ac = new AbortController();
  const q = new NotifyQueue<SessionNotify>();
  const h = harness({ notifications: () => q }, { signal: ac.signal });
  const done = runWatch(h.ctx);
  q.push({ kind: 'notify', msgId: 0, op: 'lrmd_rsc_poke', rc: 0 });
  q.push(result({ action: 'monitor', interval: 1000 }));
  await new Promise((r) => setTimeout(r, 20));
  ac.abort();
  // The real client ends the stream when closed; the proxy's close does not.
  q.end();
  t.equal(await done, 0);
  t.same(h.out, ['poke rc=0', 'exec d1 monitor interval=1000 call-id=5 rc=0(ok) status=0(done)']);
  t.ok(h.closed() >= 1, 'closed (twice is harmless)');
});

t.test('watch: JSON lines; the peer closing is a connection failure', async (t) => {
  const q = new NotifyQueue<SessionNotify>();
  const h = harness({ notifications: () => q }, { json: true, signal: new AbortController().signal });
  const done = runWatch(h.ctx);
  q.push({ kind: 'notify', msgId: 0, op: 'lrmd_rsc_new_client' });
  q.end();
  t.equal(await done, 3);
  t.same(h.out.map((l) => JSON.parse(l)), [{ kind: 'notify', msgId: 0, op: 'lrmd_rsc_new_client' }]);
  t.match(h.err, [/^pcmk-remote: CONNECTION_LOST: /]);
});

t.test('watch: interrupted while connecting, or already interrupted', async (t) => {
  const ac = new AbortController();
  ac.abort();
  const h = harness(new TransportError('ABORTED', 'aborted'), { signal: ac.signal });
  t.equal(await runWatch(h.ctx), 0);
  t.same(h.err, []);
  const q = new NotifyQueue<SessionNotify>();
  const pre = harness({ notifications: () => q }, { signal: ac.signal });
  t.equal(await runWatch(pre.ctx), 0);
  const fail = harness(new TransportError('CONNECT_FAILED', 'refused'));
  t.equal(await runWatch(fail.ctx), 3);
});
