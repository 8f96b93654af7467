import t from 'tap';
import { Session } from '../../src/client/session.js';
import { encodeFrame, type Reply } from '../../src/protocol/index.js';
import { FakeServer } from './fixtures/fake-server.js';

const info = (rscId: string) => ({ kind: 'request', op: 'lrmd_rsc_info', rscId }) as const;

t.test('replies are matched by msg id, ids count from 1', async (t) => {
  const srv = new FakeServer();
  const s = new Session(srv.clientEnd);
  t.teardown(() => s.close());
  srv.onRequest = () => {
    if (srv.requests.length === 2) {
      // answer out of order
      srv.reply(srv.requests[1]!, { rc: -19 });
      srv.reply(srv.requests[0]!, { rc: 0, rsc: { rscId: 'A', standard: 'ocf', provider: 'p', agent: 'D' } });
    }
  };
  const [a, b] = await Promise.all([s.request(info('A')), s.request(info('B'))]);
  t.equal(srv.requests[0]!.msgId, 1);
  t.equal(srv.requests[1]!.msgId, 2);
  t.equal(a.rc, 0);
  t.equal(a.rsc?.rscId, 'A');
  t.equal(b.rc, -19);
  t.equal(s.pendingCount, 0);
});

t.test('fire-and-forget resolves on write; its late reply is dropped', async (t) => {
  const srv = new FakeServer();
  const s = new Session(srv.clientEnd);
  t.teardown(() => s.close());
  const late: Reply[] = [];
  s.on('lateReply', (r) => late.push(r));
  srv.onRequest = (req) => srv.reply(req, { rc: 0 });
  t.equal(await s.request({ kind: 'request', op: 'lrmd_rsc_poke' }, { expectReply: false }), undefined);
  t.equal(await s.request({ kind: 'request', op: 'lrmd_check' }, { expectReply: false }), undefined);
  const r = await s.request(info('X'));
  t.equal(r.msgId, 3);
  t.same(late.map((l) => l.msgId), [1, 2]);
});

t.test('notifications before the reply that caused them, in order, as events and iterator', async (t) => {
  const srv = new FakeServer();
  const s = new Session(srv.clientEnd);
  const it = s.notifications();
  const seen: string[] = [];
  s.on('notify', (n) => seen.push(`notify:${n.op}`));
  srv.onRequest = (req) => {
    srv.notifyExec(7, { opStatus: 1 }); // cancelled, before the reply (§5.0)
    srv.notifyExec(8, { opStatus: 1 });
    srv.reply(req, { rc: 0 });
    srv.notifyGeneric('lrmd_rsc_unregister', 0, 'R');
  };
  const reply = await s.request({ kind: 'request', op: 'lrmd_rsc_cancel', rscId: 'R', action: 'monitor', interval: 1000 });
  seen.push('reply');
  t.equal(reply.rc, 0);
  t.same(seen.slice(0, 3), ['notify:lrmd_rsc_exec', 'notify:lrmd_rsc_exec', 'reply']);
  const got: string[] = [];
  for await (const n of it) {
    got.push(`${n.op}:${'callId' in n ? n.callId : ''}`);
    if (got.length === 3) break;
  }
  t.same(got, ['lrmd_rsc_exec:7', 'lrmd_rsc_exec:8', 'lrmd_rsc_unregister:']);
  s.close();
});

t.test('timeout and late reply', async (t) => {
  const srv = new FakeServer();
  const s = new Session(srv.clientEnd, { defaultTimeoutMs: 50 });
  t.teardown(() => s.close());
  const late: Reply[] = [];
  s.on('lateReply', (r) => late.push(r));
  await t.rejects(s.request(info('A')), { code: 'TIMEOUT' });
  await t.rejects(s.request(info('A'), { timeoutMs: 10 }), { code: 'TIMEOUT' });
  t.equal(s.pendingCount, 0);
  srv.reply(srv.requests[0]!, { rc: 0 });
  srv.onRequest = (req) => srv.reply(req, { rc: 0 });
  t.equal((await s.request(info('B'), { timeoutMs: 0 })).msgId, 3);
  t.same(late.map((l) => l.msgId), [1]);
});

t.test('AbortSignal', async (t) => {
  const srv = new FakeServer();
  const s = new Session(srv.clientEnd);
  t.teardown(() => s.close());
  await t.rejects(s.request(info('A'), { signal: AbortSignal.abort() }), { code: 'ABORTED' });
  const ac = new AbortController();
  const p = s.request(info('A'), { signal: ac.signal });
  setTimeout(() => ac.abort(), 10);
  await t.rejects(p, { code: 'ABORTED' });
  t.equal(s.pendingCount, 0);
});

t.test('a lost connection rejects every pending request and ends iterators', async (t) => {
  const srv = new FakeServer();
  const s = new Session(srv.clientEnd);
  const it = s.notifications();
  let closeErr: unknown = 'none';
  s.on('close', (e) => (closeErr = e));
  const a = s.request(info('A'));
  const b = s.request(info('B'), { timeoutMs: 0 });
  await srv.next('lrmd_rsc_info');
  srv.kill();
  await t.rejects(a, { code: 'CONNECTION_LOST' });
  await t.rejects(b, { code: 'CONNECTION_LOST' });
  t.same(await it.next(), { value: undefined, done: true });
  t.match(closeErr, { code: 'CONNECTION_LOST' });
  t.ok(s.closed);
  await t.rejects(s.request(info('C')), { code: 'NOT_CONNECTED' });
  t.same(await s.notifications().next(), { value: undefined, done: true });
});

t.test('an undecodable payload is reported and dropped; the session goes on', async (t) => {
  const srv = new FakeServer();
  const s = new Session(srv.clientEnd);
  t.teardown(() => s.close());
  const errs: string[] = [];
  s.on('decodeError', (e) => errs.push(e.code));
  srv.onRequest = (req) => {
    const f = encodeFrame('<lrmd_reply lrmd_rc="0"');
    srv.sendRaw([f.header, f.payload]);
    const g = encodeFrame('<nonsense/>');
    srv.sendRaw([g.header, g.payload]);
    srv.reply(req, { rc: 0 });
  };
  t.equal((await s.request(info('A'))).rc, 0);
  t.same(errs, ['XML_SYNTAX', 'MESSAGE_UNKNOWN_ROOT']);
});

t.test('a broken frame stream closes the session with PROTOCOL', async (t) => {
  const srv = new FakeServer();
  const s = new Session(srv.clientEnd);
  const p = s.request(info('A'));
  await srv.next('lrmd_rsc_info');
  srv.sendRaw([new Uint8Array(40).fill(0x41)]);
  await t.rejects(p, { code: 'PROTOCOL' });
  t.ok(s.closed);
});

t.test('ipc proxy messages are emitted', async (t) => {
  const srv = new FakeServer();
  const s = new Session(srv.clientEnd);
  t.teardown(() => s.close());
  const got = new Promise((r) => s.once('ipc', r));
  srv.send({ kind: 'ipc', msgId: 0, ipcOp: 'destroy', session: 'abc' } as never);
  t.match(await got, { kind: 'ipc', ipcOp: 'destroy' });
});

t.test('a write on a socket destroyed under the session fails with CONNECTION_LOST', async (t) => {
  const srv = new FakeServer();
  const s = new Session(srv.clientEnd);
  srv.clientEnd.destroy(); // the session hears of it only on the next tick
  await t.rejects(s.request({ kind: 'request', op: 'lrmd_check' }, { expectReply: false }), { code: 'CONNECTION_LOST' });
  await t.rejects(s.request(info('A')), { code: 'CONNECTION_LOST' });
});

t.test('encoding: xml until switched, then every request', async (t) => {
  const srv = new FakeServer();
  const s = new Session(srv.clientEnd);
  t.teardown(() => s.close());
  srv.onRequest = (req) => srv.reply(req, { rc: 0 });
  t.equal(s.encoding, 'xml');
  await s.request(info('A'));
  s.setEncoding('protobuf');
  t.equal(s.encoding, 'protobuf');
  t.match(await s.request(info('B')), { rc: 0, msgId: 2 });
  t.same(srv.requestEncodings, ['xml', 'protobuf']);
  t.match(srv.requests[1], { op: 'lrmd_rsc_info', rscId: 'B' });
});

t.test('close(reason): pending requests and the close event carry it', async (t) => {
  const srv = new FakeServer();
  const s = new Session(srv.clientEnd);
  let closeErr: unknown;
  s.on('close', (e) => (closeErr = e));
  const p = s.request(info('A'));
  const { ClientError } = await import('../../src/client/errors.js');
  s.close(new ClientError('LIVENESS_FAILED', 'x'));
  await t.rejects(p, { code: 'LIVENESS_FAILED' });
  t.match(closeErr, { code: 'LIVENESS_FAILED' });
});
