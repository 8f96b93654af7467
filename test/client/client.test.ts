import t from 'tap';
import { Client } from '../../src/client/client.js';
import { isPeerError } from '../../src/client/errors.js';
import type { Request, RscExecRequest } from '../../src/protocol/index.js';
import { FakeServer } from './fixtures/fake-server.js';

async function connected(t: { teardown: (fn: () => void) => void }, opts = {}): Promise<{ srv: FakeServer; client: Client }> {
  const srv = new FakeServer();
  const client = new Client({ clientName: 'test', ...opts });
  await client.connect(srv.clientEnd);
  t.teardown(() => client.close());
  return { srv, client };
}

t.test('register handshake', async (t) => {
  const { srv, client } = await connected(t, { isIpcProvider: true });
  const reg = srv.requests[0]!;
  t.match(reg, { op: 'register', msgId: 1, clientName: 'test', protocolVersion: '1.2', isIpcProvider: true });
  t.equal(client.clientId, '0b6e9d62-5b4c-4d8e-9c53-2bde3c4ad0f1');
  t.equal(client.peerProtocolVersion, '1.1');
  t.equal(client.uptime, undefined);
  t.ok(client.connected);
  await t.rejects(client.connect(srv.clientEnd), { code: 'PROTOCOL' });
});

t.test('register reply fields', async (t) => {
  const srv = new FakeServer();
  srv.onRequest = (req) => srv.reply(req, { rc: -13, op: 'REGISTER', clientId: 'x', uptime: 42, nodeStartState: 'standby' });
  const client = new Client();
  await client.connect(srv.clientEnd);
  t.teardown(() => client.close());
  t.equal(client.peerProtocolVersion, '1.0', 'missing version means 1.0');
  t.equal(client.uptime, 42);
  t.equal(client.nodeStartState, 'standby');
  t.match(srv.requests[0], { clientName: 'pcmk-remote', protocolVersion: '1.2' });
  t.notOk('isIpcProvider' in srv.requests[0]!);
});

t.test('register failures (liblrmd rule)', async (t) => {
  const cases: [string, (req: Request, srv: FakeServer) => void, string][] = [
    ['rc -71', (req, srv) => srv.reply(req, { rc: -71, op: 'register', clientId: 'x' }), 'REGISTER_FAILED'],
    ['no client id', (req, srv) => srv.reply(req, { rc: 0, op: 'register' }), 'REGISTER_FAILED'],
    ['wrong op', (req, srv) => srv.reply(req, { rc: 0, op: 'lrmd_rsc_info', clientId: 'x' }), 'REGISTER_FAILED'],
    ['no reply (3.0.2+)', () => {}, 'TIMEOUT'],
    ['connection lost', (_req, srv) => srv.kill(), 'CONNECTION_LOST'],
  ];
  for (const [name, answer, code] of cases) {
    const srv = new FakeServer();
    srv.onRequest = answer;
    const client = new Client({ defaultTimeoutMs: 50 });
    await t.rejects(client.connect(srv.clientEnd), { code }, name);
    t.notOk(client.connected);
    await t.rejects(client.poke(), { code: 'NOT_CONNECTED' });
  }
});

t.test('resource operations', async (t) => {
  const { srv, client } = await connected(t);
  srv.onRequest = (req, s) => {
    switch (req.op) {
      case 'lrmd_rsc_register': return s.reply(req, { rc: 0 });
      case 'lrmd_rsc_info':
        if (req.rscId === 'R') return s.reply(req, { rc: 0, rsc: { rscId: 'R', standard: 'ocf', provider: 'pacemaker', agent: 'Dummy' } });
        if (req.rscId === 'half') return s.reply(req, { rc: 0, rsc: { rscId: 'half', standard: 'ocf', agent: 'Dummy' } });
        return s.reply(req, { rc: -19 });
      case 'lrmd_rsc_unregister': return s.reply(req, { rc: req.rscId === 'busy' ? -115 : req.rscId === 'none' ? -19 : 0 });
      case 'lrmd_rsc_cancel': return s.reply(req, { rc: -95 });
      case 'lrmd_get_recurring': return s.reply(req, { rc: 0, recurring: [{ rscId: 'R', ops: [{ action: 'monitor', interval: 1000, timeout: 20000 }] }] });
      case 'lrmd_alert_exec': return s.reply(req, { rc: req.alertId ? 0 : -22 });
    }
  };
  await client.registerResource({ rscId: 'R', standard: 'ocf', provider: 'pacemaker', agent: 'Dummy', dropRecurring: true });
  await client.registerResource({ rscId: 'S', standard: 'lsb', agent: 'x' });
  t.match(srv.requests[1], { op: 'lrmd_rsc_register', callOptions: 3, rscId: 'R', standard: 'ocf', provider: 'pacemaker', agent: 'Dummy' });
  t.match(srv.requests[2], { callOptions: 0 });
  t.notOk('provider' in srv.requests[2]!);
  t.same(await client.getResourceInfo('R'), { rscId: 'R', standard: 'ocf', provider: 'pacemaker', agent: 'Dummy' });
  t.equal(await client.getResourceInfo('nope'), undefined);
  t.equal(await client.getResourceInfo('half'), undefined, 'ocf without provider = not registered');
  t.same(await client.unregisterResource('R'), { inProgress: false });
  t.same(await client.unregisterResource('busy'), { inProgress: true });
  const err = await client.unregisterResource('none').catch((e: unknown) => e);
  t.ok(isPeerError(err, 'ENODEV'));
  t.match(err, { rc: -19, op: 'lrmd_rsc_unregister' });
  await t.rejects(client.cancel({ rscId: 'R', action: 'monitor', interval: 5 }), { code: 'EOPNOTSUPP', rc: -95 });
  t.same(await client.getRecurring('R'), [{ rscId: 'R', ops: [{ action: 'monitor', interval: 1000, timeout: 20000 }] }]);
  await client.alertExec({ alertId: 'a1', alertPath: '/bin/true', params: { CRM_alert_kind: 'node' } });
  t.match(srv.requests.at(-1), { op: 'lrmd_alert_exec', callOptions: 2, timeout: 30000, alertTimeout: 30000, params: { CRM_alert_kind: 'node' } });
  await t.rejects(client.alertExec({ alertId: '', alertPath: '/bin/true' }), { code: 'INVALID_ARGUMENT' });
  const sent = srv.requests.length;
  await t.rejects(client.registerResource({ rscId: 'X', standard: 'ocf', agent: 'Dummy' }), { code: 'INVALID_ARGUMENT' }, 'ocf needs a provider');
  await t.rejects(client.exec({ rscId: '', action: 'start' }), { code: 'INVALID_ARGUMENT' });
  await t.rejects(client.cancel({ rscId: 'R', action: '', interval: 0 }), { code: 'INVALID_ARGUMENT' });
  await t.rejects(client.getResourceInfo(''), { code: 'INVALID_ARGUMENT' });
  await t.rejects(client.unregisterResource(''), { code: 'INVALID_ARGUMENT' });
  t.equal(srv.requests.length, sent, 'nothing was sent');
});

t.test('exec and waitForResult, result before reply', async (t) => {
  const { srv, client } = await connected(t);
  let callId = 100;
  srv.onRequest = (req, s) => {
    if (req.op !== 'lrmd_rsc_exec') return;
    const id = ++callId;
    if (req.action === 'fast') s.notifyExec(id, { action: 'fast', execRc: 7 }); // result before the reply
    if (req.action === 'bad') return s.reply(req, { rc: -19 });
    s.reply(req, { rc: id, callId: id });
  };
  const execs: number[] = [];
  client.on('exec', (n) => execs.push(n.callId));
  const { callId: fast } = await client.exec({ rscId: 'R', action: 'fast', params: { a: '1' }, notifyChangesOnly: true, notifyOrigOnly: true, userData: 'u', interval: 0, startDelayMs: 5, actionTimeoutMs: 3000 });
  t.equal(fast, 101);
  const req = srv.requests.at(-1) as RscExecRequest;
  t.match(req, { op: 'lrmd_rsc_exec', callOptions: 6, timeout: 3000, actionTimeout: 3000, startDelay: 5, userData: 'u', params: { a: '1' } });
  t.match(await client.waitForResult(fast), { callId: 101, execRc: 7 });

  const { callId: slow } = await client.exec({ rscId: 'R', action: 'start' });
  t.match(srv.requests.at(-1), { actionTimeout: 20000, interval: 0, callOptions: 0 });
  const w = client.waitForResult(slow);
  srv.notifyExec(slow, { execRc: 0 });
  t.match(await w, { callId: 102, execRc: 0 });
  t.same(execs, [101, 102]);

  await t.rejects(client.exec({ rscId: 'X', action: 'bad' }), { code: 'ENODEV' });
  await t.rejects(client.waitForResult(999, { timeoutMs: 20 }), { code: 'TIMEOUT' });
  await t.rejects(client.waitForResult(999, { signal: AbortSignal.abort() }), { code: 'ABORTED' });
  const ac = new AbortController();
  const p = client.waitForResult(998, { signal: ac.signal });
  ac.abort();
  await t.rejects(p, { code: 'ABORTED' });
  const lost = client.waitForResult(997);
  srv.kill();
  await t.rejects(lost, { code: 'CONNECTION_LOST' });
  await t.rejects(client.waitForResult(996), { code: 'CONNECTION_LOST' });
});

t.test('exec reply without call id', async (t) => {
  const { srv, client } = await connected(t);
  srv.onRequest = (req, s) => s.reply(req, { rc: 0 });
  await t.rejects(client.exec({ rscId: 'R', action: 'start' }), { code: 'PROTOCOL' });
});

t.test('poke: fire-and-forget, resolves on the notify; late reply dropped', async (t) => {
  const { srv, client } = await connected(t);
  const late: number[] = [];
  client.on('lateReply', (r) => late.push(r.msgId));
  srv.onRequest = (req, s) => {
    if (req.op !== 'lrmd_rsc_poke') return;
    s.reply(req, { rc: 0 });
    s.notifyGeneric('lrmd_rsc_poke');
  };
  t.match(await client.poke(), { op: 'lrmd_rsc_poke', rc: 0 });
  t.same(late, [2]);
  srv.onRequest = () => {};
  await t.rejects(client.poke({ timeoutMs: 20 }), { code: 'TIMEOUT' });
  const ac = new AbortController();
  const p = client.poke({ signal: ac.signal });
  ac.abort();
  await t.rejects(p, { code: 'ABORTED' });
  const q = client.poke();
  await srv.next('lrmd_rsc_poke');
  srv.kill();
  await t.rejects(q, { code: 'CONNECTION_LOST' });
});

t.test('check is never answered and never hangs', async (t) => {
  const { srv, client } = await connected(t);
  await client.check({ watchdog: '0' });
  await client.check();
  t.match(srv.requests.slice(1), [{ op: 'lrmd_check', watchdog: '0' }, { op: 'lrmd_check' }]);
});

t.test('notifications iterator and events through the client', { timeout: 5000 }, async (t) => {
  const { srv, client } = await connected(t);
  const it = client.notifications();
  const events: string[] = [];
  client.on('notify', (n) => events.push(n.op));
  let closed = false;
  client.on('close', () => (closed = true));
  srv.notifyGeneric('lrmd_rsc_register', 0, 'R');
  srv.send({ kind: 'notify', msgId: 0, op: 'lrmd_rsc_new_client' });
  srv.notifyExec(5);
  const ops: string[] = [];
  for await (const n of it) {
    ops.push(n.op);
    if (ops.length === 3) srv.kill(); // the loop ends with the connection
  }
  t.same(ops, ['lrmd_rsc_register', 'lrmd_rsc_new_client', 'lrmd_rsc_exec']);
  t.same(events, ops);
  t.ok(closed);
});

t.test('poke on a socket destroyed under the client', async (t) => {
  const { srv, client } = await connected(t);
  srv.clientEnd.destroy();
  await t.rejects(client.poke(), { code: 'CONNECTION_LOST' });
});

t.test('legacy escapes follow the peer version (§3.11)', async (t) => {
  const output = 'line1\\nline2\\011tab';
  const cases: [string, object, string][] = [
    ['1.1', {}, 'line1\nline2\ttab'],
    ['1.2', {}, output],
    ['1.1', { decoder: { legacyEscapes: false } }, output],
  ];
  for (const [version, opts, expected] of cases) {
    const srv = new FakeServer();
    srv.onRequest = (req, s) => {
      if (req.op === 'register') s.reply(req, { rc: 0, op: 'register', clientId: 'c1', protocolVersion: version });
    };
    const client = new Client({ clientName: 'test', ...opts });
    await client.connect(srv.clientEnd);
    const result = client.waitForResult(7);
    srv.notifyExec(7, { output });
    t.equal((await result).output, expected, `peer ${version} ${JSON.stringify(opts)}`);
    client.close();
  }
});

t.test('many pokes in flight: one notify settles one poke, no listener leak', async (t) => {
  const { srv, client } = await connected(t);
  const warnings: string[] = [];
  const onWarning = (w: Error): void => void warnings.push(w.name);
  process.on('warning', onWarning);
  t.teardown(() => void process.off('warning', onWarning));
  let settled = 0;
  const pokes = Array.from({ length: 20 }, () => client.poke().then(() => settled++));
  while (srv.requests.filter((r) => r.op === 'lrmd_rsc_poke').length < 20) await new Promise((r) => setImmediate(r));
  for (let i = 0; i < 5; i++) srv.notifyGeneric('lrmd_rsc_poke');
  await new Promise((r) => setTimeout(r, 50));
  t.equal(settled, 5, 'five notifies, five pokes done');
  for (let i = 0; i < 15; i++) srv.notifyGeneric('lrmd_rsc_poke');
  await Promise.all(pokes);
  t.equal(settled, 20);
  await new Promise((r) => setImmediate(r));
  t.same(warnings, [], 'no MaxListenersExceededWarning');
});
