// ServerSession over an in-memory pair with a real executor and a stub
// runner, driven byte-wise by RawPeer: register (§4.2-§4.5), encodings
// (§13.1), refusals, IPC (§5.11), bad frames (§12.1), limits.
import t, { type Test } from 'tap';
import { encodeHeader } from '../../../src/protocol/header.js';
import type { Message } from '../../../src/protocol/messages/message.js';
import { createExecutor, type Executor } from '../../../src/server/executor/index.js';
import { isSessionError, SessionError, SessionErrorCode } from '../../../src/server/session/errors.js';
import { errorFields, silentLogger } from '../../../src/server/session/logger.js';
import { ServerSession, type ServerSessionOptions } from '../../../src/server/session/server-session.js';
import { createMemoryPair } from '../../../src/transport/memory.js';
import { RawPeer, until } from './raw-peer.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function executor(t: Test): Executor {
  const ex = createExecutor({ runner: { run: async () => ({ rc: 0, status: 0 }) } });
  t.teardown(() => ex.close());
  return ex;
}

function pair(t: Test, ex: Executor, options: Partial<ServerSessionOptions> = {}) {
  const [a, b] = createMemoryPair();
  const session = new ServerSession(b, { executor: ex, ...options });
  const peer = new RawPeer(a);
  const closed = new Promise<SessionError>((r) => session.once('close', r));
  t.teardown(() => {
    peer.destroy();
    session.close();
  });
  return { session, peer, closed };
}

const poke = (msgId: number): Message => ({ kind: 'request', op: 'lrmd_rsc_poke', msgId, timeout: 0, callOptions: 0 }) as Message;

t.test('register: reply fields, attach, announce to others only', async (t) => {
  const ex = executor(t);
  const first = pair(t, ex, { uptimeSec: () => 42, nodeStartState: 'standby' });
  await first.peer.register({ clientName: 'one' });
  const r1 = await first.peer.reply(1);
  t.equal(r1.rc, 0);
  t.equal(r1.op, 'register');
  t.equal(r1.origin, 'process_lrmd_signon');
  t.match(r1.clientId, UUID);
  t.equal(r1.clientId, first.session.id);
  t.equal(r1.protocolVersion, '1.2');
  t.equal(r1.uptime, 42);
  t.equal(r1.nodeStartState, 'standby');
  t.equal(r1.encoding, undefined, 'no offer, no attribute');
  t.ok(first.session.registered);
  t.equal(first.session.name, 'one');
  t.ok(first.session.since instanceof Date);
  t.equal(first.session.encoding, 'xml');

  const second = pair(t, ex, { clientId: 'fixed-id' });
  let registered = false;
  second.session.once('registered', () => (registered = true));
  await second.peer.register({ clientName: 'two', isIpcProvider: true });
  const r2 = await second.peer.reply(1);
  t.equal(r2.clientId, 'fixed-id');
  t.ok(registered);
  t.ok(second.session.ipcProvider);
  const nc = await first.peer.next((m) => m.kind === 'notify' && m.op === 'lrmd_rsc_new_client');
  t.equal(nc.origin, 'notify_of_new_client');
  await second.peer.send(poke(2));
  await second.peer.reply(2);
  await first.peer.next((m) => m.kind === 'notify' && m.op === 'lrmd_rsc_poke');
  t.notOk(second.peer.received.some((r) => r.message.kind === 'notify' && r.message.op === 'lrmd_rsc_new_client'), 'the newcomer is not told of itself');
  t.same(ex.status().clients.map((c) => c.name), ['one', 'two']);
  t.ok((r2.callId ?? 0) > (r1.callId ?? 0), 'register consumes a call id');
});

t.test('protobuf negotiated: reply in XML, everything after in protobuf, XML requests still served', async (t) => {
  const ex = executor(t);
  let n = 0n;
  const { session, peer } = pair(t, ex, { nextFrameId: () => ++n });
  await peer.register({ encodings: ['protobuf', 'xml'] });
  const r = await peer.reply(1);
  t.equal(r.encoding, 'protobuf');
  t.equal(peer.encodingOf(r), 'xml');
  t.equal(session.encoding, 'protobuf');
  await peer.send(poke(2), 'protobuf');
  const p = await peer.reply(2);
  t.equal(peer.encodingOf(p), 'protobuf');
  await peer.send(poke(3), 'xml');
  t.equal(peer.encodingOf(await peer.reply(3)), 'protobuf');
  t.same(
    peer.received.map((x) => x.id),
    peer.received.map((_, i) => BigInt(i + 1)),
    'header ids count up',
  );
  // §13.1 rule 6: a second register gets the same answer and the same id.
  await peer.register({ encodings: ['xml'] }, 4);
  const again = await peer.reply(4);
  t.equal(again.encoding, 'protobuf');
  t.equal(again.clientId, r.clientId);
  t.equal(peer.encodingOf(again), 'xml', 'a register reply is always XML');
  await peer.register({}, 5);
  t.equal((await peer.reply(5)).encoding, undefined, 'no offer, no attribute');
  t.equal(session.name, 'raw');
});

t.test('encodings option restricts the choice', async (t) => {
  const ex = executor(t);
  const { session, peer } = pair(t, ex, { encodings: ['xml'] });
  await peer.register({ encodings: ['protobuf', 'xml'] });
  t.equal((await peer.reply(1)).encoding, 'xml');
  t.equal(session.encoding, 'xml');
});

t.test('a version below 1.0 gets -71 with op and client id, then the connection closes', async (t) => {
  for (const version of ['0.9', undefined]) {
    const ex = executor(t);
    const { session, peer, closed } = pair(t, ex);
    await peer.send({ kind: 'request', op: 'register', msgId: 1, clientName: 'old', ...(version ? { protocolVersion: version } : {}) } as Message);
    const r = await peer.reply(1);
    t.equal(r.rc, -71);
    t.equal(r.op, 'register');
    t.equal(r.clientId, session.id);
    t.equal(r.protocolVersion, '1.2');
    const reason = await closed;
    t.equal(reason.code, SessionErrorCode.VersionRefused);
    t.equal(session.closeReason?.code, SessionErrorCode.VersionRefused);
    await peer.closed;
    t.same(ex.status().clients, [], 'never attached');
  }
});

t.test('a refused version keeps its reason when the peer closes first', async (t) => {
  const ex = executor(t);
  const { peer, closed } = pair(t, ex);
  await peer.register({ protocolVersion: '0.1' });
  await peer.reply(1);
  peer.destroy();
  t.equal((await closed).code, SessionErrorCode.VersionRefused);
});

t.test('a re-register with a refused version detaches the client', async (t) => {
  const ex = executor(t);
  const { peer, closed } = pair(t, ex);
  await peer.register();
  await peer.reply(1);
  t.equal(ex.status().clients.length, 1);
  await peer.register({ protocolVersion: '0.5' }, 2);
  t.equal((await peer.reply(2)).rc, -71);
  t.equal((await closed).code, SessionErrorCode.VersionRefused);
  t.equal(ex.status().clients.length, 0);
});

t.test('a request or IPC message before register closes the connection', async (t) => {
  const ex = executor(t);
  const a = pair(t, ex);
  await a.peer.push(poke(1));
  t.equal((await a.closed).code, SessionErrorCode.NotRegistered);
  t.equal(a.peer.received.length, 0, 'no reply');
  const b = pair(t, ex);
  await b.peer.push({ kind: 'ipc', ipcOp: 'destroy', session: 's', op: 'ipc_fwd', msgType: 'request', msgId: 1 } as Message);
  t.equal((await b.closed).code, SessionErrorCode.NotRegistered);
  t.equal(ex.status().lastCallId, 0, 'no call id consumed');
});

t.test('ipc_fwd gets -93 from the default handler, other IPC -95, a custom handler its rc', async (t) => {
  const ex = executor(t);
  const { peer } = pair(t, ex);
  await peer.register({ isIpcProvider: true });
  await peer.reply(1);
  await peer.send({ kind: 'ipc', ipcOp: 'destroy', session: 's', op: 'ipc_fwd', msgType: 'request', msgId: 2 } as Message);
  t.equal((await peer.reply(2)).rc, -93);
  await peer.send({ kind: 'ipc', ipcOp: 'event', session: 's', msgType: 'notify', msgId: 3 } as Message);
  t.equal((await peer.reply(3)).rc, -95, 'not ipc_fwd: an unknown operation');

  const seen: string[] = [];
  const custom = pair(t, ex, {
    ipc: {
      forward: (id, m) => {
        seen.push(`${id} ${m.ipcOp}`);
        if (m.ipcOp === 'new') throw new Error('boom');
        return 0;
      },
    },
    clientId: 'prov',
  });
  await custom.peer.register();
  await custom.peer.reply(1);
  await custom.peer.send({ kind: 'ipc', ipcOp: 'destroy', session: 's', op: 'ipc_fwd', msgType: 'request', msgId: 2 } as Message);
  t.equal((await custom.peer.reply(2)).rc, 0);
  await custom.peer.send({ kind: 'ipc', ipcOp: 'new', session: 's', server: 'cib_rw', op: 'ipc_fwd', msgType: 'request', msgId: 3 } as Message);
  t.equal((await custom.peer.reply(3)).rc, -71, 'a failing handler answers -71');
  t.same(seen, ['prov destroy', 'prov new']);
});

t.test('a message that does not decode is dropped; the session goes on', async (t) => {
  const ex = executor(t);
  const warnings: string[] = [];
  const { session, peer } = pair(t, ex, { logger: { ...silentLogger, warn: (o: object, m?: string) => warnings.push(`${m} ${JSON.stringify(o)}`) } });
  await peer.register();
  await peer.reply(1);
  const bad = Buffer.from('<lrmd_command lrmd_op="x"\0');
  await peer.sendBytes(Buffer.concat([encodeHeader({ id: 1n, flags: 0n, payloadCompressed: 0, payloadUncompressed: bad.length, bigEndian: false }), bad]));
  await peer.send({ kind: 'reply', msgId: 9, rc: 0 } as Message);
  await peer.send({ kind: 'notify', msgId: 0, op: 'lrmd_rsc_poke', rc: 0 } as Message);
  await peer.send(poke(2));
  t.equal((await peer.reply(2)).rc, 0);
  t.ok(session.registered);
  t.equal(warnings.length, 1);
  t.match(warnings[0], /XML_SYNTAX/);
});

t.test('a stream error closes the connection with the codec error as cause', async (t) => {
  const ex = executor(t);
  const { peer, closed } = pair(t, ex, { maxFrameSize: 1024 });
  await peer.register();
  await peer.reply(1);
  await peer.sendBytes(encodeHeader({ id: 1n, flags: 0n, payloadCompressed: 0, payloadUncompressed: 4096, bigEndian: false })).catch(() => {});
  const reason = await closed;
  t.equal(reason.code, SessionErrorCode.StreamError);
  t.equal((reason.cause as { code?: string }).code, 'FRAME_TOO_LARGE');
  t.equal(ex.status().clients.length, 0, 'detached');
  await peer.closed;
});

t.test('peer close, truncated frame at end, socket error', async (t) => {
  const ex = executor(t);
  const a = pair(t, ex);
  await a.peer.register();
  await a.peer.reply(1);
  await a.peer.sendBytes(Buffer.from([0xbd, 0xdb])).catch(() => {});
  a.peer.socket.end();
  t.equal((await a.closed).code, SessionErrorCode.PeerClosed);

  const [, end] = createMemoryPair();
  const c = new ServerSession(end, { executor: ex });
  const cClosed = new Promise<SessionError>((r) => c.once('close', r));
  end.destroy(new Error('reset'));
  t.equal((await cClosed).code, SessionErrorCode.ConnectionLost);
});

t.test('idle timeout closes a silent peer; traffic keeps it open', async (t) => {
  const ex = executor(t);
  const { peer, closed, session } = pair(t, ex, { idleTimeoutMs: 150 });
  await peer.register();
  await peer.reply(1);
  for (let i = 2; i < 6; i++) {
    await new Promise((r) => setTimeout(r, 60));
    await peer.send(poke(i));
  }
  t.notOk(session.closed, 'kept open by traffic');
  const t0 = Date.now();
  t.equal((await closed).code, SessionErrorCode.IdleTimeout);
  t.ok(Date.now() - t0 < 2000);
});

t.test('a client that does not read its notifications is closed; the others go on', async (t) => {
  const ex = executor(t);
  const slow = pair(t, ex, { pauseQueuedBytes: 2000, maxQueuedBytes: 8000 });
  await slow.peer.register({ clientName: 'slow' });
  await slow.peer.reply(1);
  slow.peer.socket.pause();
  const busy = pair(t, ex);
  await busy.peer.register({ clientName: 'busy' });
  await busy.peer.reply(1);
  for (let i = 2; i < 200; i++) void busy.peer.push(poke(i));
  t.equal((await slow.closed).code, SessionErrorCode.SlowConsumer);
  t.ok(slow.session.closed);
  t.equal((await busy.peer.reply(199, 10_000)).rc, 0);
  t.ok(busy.session.registered);
});

t.test('pause, then resume once the client reads again', async (t) => {
  const ex = executor(t);
  const { peer, session } = pair(t, ex, { pauseQueuedBytes: 1500, maxQueuedBytes: 1_000_000 });
  await peer.register();
  await peer.reply(1);
  peer.socket.pause();
  for (let i = 2; i < 60; i++) void peer.send(poke(i)).catch(() => {});
  await new Promise((r) => setTimeout(r, 100));
  peer.socket.resume();
  await peer.reply(59, 10_000);
  t.ok(session.registered);
});

t.test('a closed executor closes the session on the next request', async (t) => {
  const ex = createExecutor({ runner: { run: async () => ({ rc: 0, status: 0 }) } });
  const { peer, closed } = pair(t, ex);
  await peer.register();
  await peer.reply(1);
  await ex.close();
  await peer.push(poke(2));
  t.equal((await closed).code, SessionErrorCode.DaemonClosing);

  const b = pair(t, ex);
  await b.peer.push({ kind: 'request', op: 'register', msgId: 1, clientName: 'late', protocolVersion: '1.2' } as Message);
  t.equal((await b.closed).code, SessionErrorCode.DaemonClosing, 'attach refused');
});

t.test('a message that cannot be encoded is logged, not sent', async (t) => {
  const ex = executor(t);
  const errors: string[] = [];
  const { peer } = pair(t, ex, { logger: { ...silentLogger, error: (o: object) => errors.push(JSON.stringify(o)) } });
  await peer.register();
  await peer.reply(1);
  await peer.send({ kind: 'request', op: 'lrmd_rsc_register', msgId: 2, timeout: 0, callOptions: 0, rscId: 'r', standard: 'ocf', provider: 'p', agent: 'a' } as Message);
  await peer.reply(2);
  // Protobuf can carry an empty parameter name; the XML exec result echoing it cannot (§3.8).
  await peer.send(
    { kind: 'request', op: 'lrmd_rsc_exec', msgId: 3, timeout: 1000, callOptions: 0, rscId: 'r', action: 'start', interval: 0, actionTimeout: 1000, startDelay: 0, params: { '': 'x' } } as Message,
    'protobuf',
  );
  t.ok((await peer.reply(3)).rc > 0);
  await until(() => errors.length > 0);
  t.match(errors[0], /MESSAGE_BAD_VALUE/);
  await peer.send(poke(4));
  t.equal((await peer.reply(4)).rc, 0, 'the session goes on');
});

t.test('SessionError and helpers', async (t) => {
  const e = new SessionError(SessionErrorCode.IdleTimeout, 'x');
  t.equal(e.name, 'SessionError');
  t.ok(isSessionError(e));
  t.ok(isSessionError(e, SessionErrorCode.IdleTimeout));
  t.notOk(isSessionError(e, SessionErrorCode.PeerClosed));
  t.notOk(isSessionError(new Error('x')));
  t.same(errorFields(new SessionError(SessionErrorCode.StreamError, 'm', { cause: Object.assign(new Error('c'), { code: 'FRAME_TOO_LARGE' }) })), {
    err: { code: 'SESSION_STREAM_ERROR', message: 'm', cause: 'FRAME_TOO_LARGE' },
  });
  t.same(errorFields('plain'), { err: { message: 'plain' } });
  t.same(errorFields(new Error('m', { cause: new Error('inner') })), { err: { message: 'm', cause: 'inner' } });
  silentLogger.debug({});
  silentLogger.info({});
  silentLogger.warn({});
  silentLogger.error({});
});

