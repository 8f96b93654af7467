// The IPC provider over an in-memory pair with a fake daemon side
// (spec/protocol.md §8.3, §8.5, §8.7–§8.9).
import t from 'tap';
import { createIpcProvider, IpcProviderErrorCode, isIpcProviderError, type IpcHandler, type ProviderSession, type SessionCloseReason } from '../../../src/client/index.js';
import type { IpcProxy } from '../../../src/protocol/index.js';
import { FakeDaemon } from './fake-daemon.js';

const S1 = '0b6e9d62-5b4c-4d8e-9c53-2bde3c4ad0f1';
const S2 = '1c7f0e73-6c5d-4e9f-8d64-3ceed4be1e02';
const is = (op: string, session?: string) => (m: IpcProxy) => m.ipcOp === op && (session === undefined || ('session' in m && m.session === session));
const bodyOf = (m: IpcProxy): string | undefined => ('body' in m ? m.body?.xml : undefined);

async function setup(handlers: Record<string, IpcHandler>, options: { nodeName?: string; onShutdownRequest?: () => 'ack' | 'nack' | Promise<'ack' | 'nack'> } = {}) {
  const daemon = new FakeDaemon();
  const client = await daemon.connect();
  const provider = createIpcProvider(client, { handlers, ...options });
  const errors: Error[] = [];
  provider.on('handlerError', (e) => errors.push(e));
  t.teardown(() => client.close());
  return { daemon, client, provider, errors };
}

const echo: IpcHandler = { request: (_s, req) => `<echo id="${req.msgId}"/>` };

t.test('request/response: message id echoed, sent as ipc_fwd', async (t) => {
  const { daemon, provider } = await setup({ cib: echo });
  const opened: ProviderSession[] = [];
  provider.on('open', (s) => opened.push(s));
  daemon.open(S1, 'cib_rw');
  daemon.request(S1, 7, '<cib_command cib_op="cib_query"/>', 0x300);
  const r = await daemon.next(is('response'));
  t.match(r, { ipcOp: 'response', session: S1, ipcMsgId: 7, op: 'ipc_fwd', msgType: 'request' });
  t.equal(bodyOf(r), '<echo id="7"/>');
  t.equal(opened.length, 1);
  t.equal(opened[0]!.server, 'cib_rw');
  t.equal(provider.sessions.get(S1)?.server, 'cib_rw');
});

t.test('a returned body goes as an event when the caller does not wait (no 0x200)', async (t) => {
  const { daemon } = await setup({ cib: echo });
  daemon.open(S1, 'cib_ro');
  daemon.request(S1, 3, '<x/>', 0x100);
  const e = await daemon.next(is('event'));
  t.match(e, { ipcOp: 'event', session: S1 });
  t.equal(bodyOf(e), '<echo id="3"/>');
});

t.test('nothing returned: a waiting caller gets <ack>, others nothing', async (t) => {
  const quiet: IpcHandler = { request: () => undefined };
  const { daemon } = await setup({ crmd: quiet });
  daemon.open(S1, 'crmd');
  daemon.request(S1, 1, '<hello/>', 0x100);
  daemon.request(S1, 2, '<ping/>', 0x300);
  const r = await daemon.next(is('response'));
  t.match(r, { ipcMsgId: 2 });
  t.match(bodyOf(r), /^<ack function="ipc-provider"/);
  await daemon.settle();
  t.equal(daemon.received.length, 1, 'no answer to the request nobody waits for');
});

t.test('handler failure: nack to a waiting caller, error reported, session stays', async (t) => {
  let calls = 0;
  const failing: IpcHandler = {
    request: () => {
      calls++;
      throw new Error('backend down');
    },
  };
  const { daemon, errors, provider } = await setup({ attrd: failing });
  daemon.open(S1, 'attrd');
  daemon.request(S1, 4, '<a/>', 0x300);
  const r = await daemon.next(is('response'));
  t.match(bodyOf(r), /^<nack function="ipc-provider" line="0" rc="-70"\/>$/);
  daemon.request(S1, 5, '<a/>', 0x100);
  await daemon.settle();
  t.equal(calls, 2);
  t.equal(errors.length, 2);
  t.ok(provider.sessions.has(S1), 'the session is still open');
  t.equal(daemon.received.length, 1, 'no answer to the failed request nobody waits for');
});

t.test('an unreadable body or none at all: nack', async (t) => {
  const { daemon, errors } = await setup({ cib: echo });
  daemon.open(S1, 'cib_rw');
  daemon.ipc({ ipcOp: 'request', session: S1, ipcMsgId: 9, ipcMsgFlags: 0x300 } as IpcProxy);
  const r = await daemon.next(is('response'));
  t.match(bodyOf(r), /^<nack /);
  t.equal(errors.length, 1);
});

t.test('unknown endpoint: destroy and a refused event', async (t) => {
  const { daemon, provider } = await setup({ cib: echo });
  const refused: unknown[] = [];
  provider.on('refused', (r) => refused.push(r));
  daemon.open(S1, 'stonith-ng');
  const d = await daemon.next(is('destroy'));
  t.match(d, { session: S1, op: 'ipc_fwd' });
  t.same(refused, [{ session: S1, server: 'stonith-ng' }]);
  t.equal(provider.sessions.size, 0);
});

t.test('open() throwing refuses the session', async (t) => {
  const closes: SessionCloseReason[] = [];
  const { daemon, provider, errors } = await setup({
    crmd: {
      open: () => Promise.reject(new Error('no')),
      request: () => undefined,
      close: (_s, reason) => closes.push(reason),
    },
  });
  daemon.open(S1, 'crmd');
  await daemon.next(is('destroy', S1));
  t.equal(errors.length, 1);
  t.same(closes, ['provider']);
  t.equal(provider.sessions.size, 0);
});

t.test('a request for an unknown session is answered with destroy', async (t) => {
  const { daemon } = await setup({ cib: echo });
  daemon.request(S2, 1, '<x/>');
  t.match(await daemon.next(is('destroy')), { session: S2 });
});

t.test('the cib handler serves cib_ro, cib_rw and cib_shm; an own entry wins', async (t) => {
  const own: IpcHandler = { request: () => '<own/>' };
  const { daemon } = await setup({ cib: echo, cib_shm: own });
  daemon.open(S1, 'cib_ro');
  daemon.open(S2, 'cib_shm');
  daemon.request(S1, 1, '<x/>');
  daemon.request(S2, 1, '<x/>');
  const a = await daemon.next(is('response', S1), 0);
  const b = await daemon.next(is('response', S2), 0);
  t.equal(bodyOf(a), '<echo id="1"/>');
  t.equal(bodyOf(b), '<own/>');
});

t.test('sessions: ids case-insensitive, requests in order, destroy from the daemon', async (t) => {
  const seen: number[] = [];
  const closes: Array<[string, SessionCloseReason]> = [];
  const slow: IpcHandler = {
    async request(s, req) {
      // The first request takes longest; order must still hold.
      await new Promise((r) => setTimeout(r, req.msgId === 1 ? 40 : 1));
      seen.push(req.msgId);
      await s.respond(req.msgId, `<r n="${req.msgId}"/>`);
      return undefined;
    },
    close: (s, reason) => closes.push([s.id, reason]),
  };
  const { daemon, provider } = await setup({ attrd: slow });
  const closed: SessionCloseReason[] = [];
  provider.on('close', (_s, r) => closed.push(r));
  daemon.open(S1.toUpperCase(), 'attrd');
  for (const id of [1, 2, 3]) daemon.request(S1, id, '<q/>');
  await daemon.next((m) => m.ipcOp === 'response' && 'ipcMsgId' in m && m.ipcMsgId === 3, 0);
  t.same(seen, [1, 2, 3]);
  t.same(
    daemon.received.map((m) => ('ipcMsgId' in m ? m.ipcMsgId : -1)),
    [1, 2, 3],
    'responses in request order, no extra ack after an explicit respond',
  );
  daemon.ipc({ ipcOp: 'destroy', session: S1 } as IpcProxy);
  await daemon.settle();
  t.same(closes, [[S1.toUpperCase(), 'daemon']]);
  t.same(closed, ['daemon']);
  t.equal(provider.sessions.size, 0);
});

t.test('session.close sends destroy; later sends reject with IPC_SESSION_CLOSED', async (t) => {
  let session: ProviderSession | undefined;
  const { daemon } = await setup({ crmd: { open: (s) => void (session = s), request: () => undefined } });
  daemon.open(S1, 'crmd');
  await daemon.settle();
  t.ok(session);
  await session!.close();
  await session!.close(); // once only
  t.match(await daemon.next(is('destroy'), 0), { session: S1 });
  t.equal(session!.closed, true);
  await t.rejects(session!.respond(1, '<x/>'), { code: IpcProviderErrorCode.SessionClosed });
  await t.rejects(session!.event('<x/>'), { code: IpcProviderErrorCode.SessionClosed });
  await daemon.settle();
  t.equal(daemon.received.filter(is('destroy')).length, 1);
});

t.test('bad bodies are refused before sending', async (t) => {
  let session: ProviderSession | undefined;
  const { daemon } = await setup({ crmd: { open: (s) => void (session = s), request: () => undefined } });
  daemon.open(S1, 'crmd');
  await daemon.settle();
  const err = await session!.event('not xml').catch((e: unknown) => e);
  t.ok(isIpcProviderError(err, IpcProviderErrorCode.BadBody));
  await t.rejects(session!.event('<a><b></a>'), { code: IpcProviderErrorCode.BadBody });
  await session!.event({ type: 'element', name: 'tree', attrs: { a: '1' }, children: [] });
  await session!.event({ xml: '<raw/>' });
  t.same(daemon.received.map(bodyOf), ['<tree a="1"/>', '<raw/>']);
});

t.test('connection loss closes every session with reason disconnect', async (t) => {
  const reasons: SessionCloseReason[] = [];
  const { daemon, provider } = await setup({ cib: echo, crmd: { request: () => undefined, close: (_s, r) => reasons.push(r) } });
  daemon.open(S1, 'crmd');
  daemon.open(S2, 'cib_rw');
  await daemon.settle();
  t.equal(provider.sessions.size, 2);
  const closed = new Promise<void>((r) => provider.on('close', () => provider.sessions.size === 0 && r()));
  daemon.kill();
  await closed;
  t.same(reasons, ['disconnect']);
});

t.test('provider.close destroys open sessions and detaches', async (t) => {
  const { daemon, provider } = await setup({ cib: echo });
  daemon.open(S1, 'cib_rw');
  await daemon.settle();
  await provider.close();
  await provider.close();
  t.match(await daemon.next(is('destroy'), 0), { session: S1 });
  daemon.open(S2, 'cib_rw');
  daemon.request(S2, 1, '<x/>');
  await daemon.settle(60);
  t.equal(daemon.received.length, 1, 'a stopped provider answers nothing');
});

t.test('a reused session id replaces the old session', async (t) => {
  const reasons: SessionCloseReason[] = [];
  const { daemon, provider } = await setup({ crmd: { request: () => undefined, close: (_s, r) => reasons.push(r) } });
  daemon.open(S1, 'crmd');
  daemon.open(S1, 'crmd');
  await daemon.settle();
  t.same(reasons, ['daemon']);
  t.equal(provider.sessions.size, 1);
});

t.test('handler close() throwing is reported, not fatal', async (t) => {
  const { daemon, errors } = await setup({ crmd: { request: () => undefined, close: () => { throw new Error('x'); } } });
  daemon.open(S1, 'crmd');
  daemon.ipc({ ipcOp: 'destroy', session: S1 } as IpcProxy);
  await daemon.settle();
  t.equal(errors.length, 1);
});

t.test('shutdown_req: default ack, policy nack, failing policy acks', async (t) => {
  const run = async (policy?: () => 'ack' | 'nack' | Promise<'ack' | 'nack'>): Promise<{ op: string; decision: string; errors: number }> => {
    const { daemon, provider, errors } = await setup({}, policy ? { onShutdownRequest: policy } : {});
    const decided = new Promise<string>((r) => provider.on('shutdown', r));
    daemon.ipc({ ipcOp: 'shutdown_req', session: '0' } as IpcProxy);
    const m = await daemon.next();
    return { op: m.ipcOp, decision: await decided, errors: errors.length };
  };
  t.same(await run(), { op: 'shutdown_ack', decision: 'ack', errors: 0 });
  t.same(await run(() => 'nack'), { op: 'shutdown_nack', decision: 'nack', errors: 0 });
  t.same(await run(async () => Promise.reject(new Error('boom'))), { op: 'shutdown_ack', decision: 'ack', errors: 1 });
});

t.test('messages only a provider sends are ignored when they arrive', async (t) => {
  const { daemon } = await setup({ cib: echo });
  daemon.ipc({ ipcOp: 'response', session: S1, ipcMsgId: 1 } as IpcProxy);
  daemon.ipc({ ipcOp: 'shutdown_ack' } as IpcProxy);
  await daemon.settle();
  t.equal(daemon.received.length, 0);
});

t.test('send failures after the connection ended are reported as handlerError', async (t) => {
  const gate: { release?: () => void } = {};
  const { daemon, client, errors } = await setup({
    cib: {
      request: () => new Promise<string>((r) => (gate.release = () => r('<late/>'))),
    },
  });
  daemon.open(S1, 'cib_rw');
  daemon.request(S1, 1, '<x/>', 0x100);
  await daemon.settle();
  // The connection goes away while the handler is still working.
  client.close();
  gate.release?.();
  await daemon.settle();
  t.equal(errors.length, 0, 'a closed session swallows the late answer quietly');
});

t.test('Client.sendIpc before connect rejects with NOT_CONNECTED', async (t) => {
  const { Client } = await import('../../../src/client/client.js');
  await t.rejects(new Client().sendIpc({ ipcOp: 'shutdown_ack' }), { code: 'NOT_CONNECTED' });
});
