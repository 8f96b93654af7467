// The daemon's limits and set-up over real sockets on loopback: handshake
// time limit (TLS and register), the pending-handshake cap, the connection
// cap, wrong keys, oversize frames, key and address lookup, X.509 mode.
import t, { type Test } from 'tap';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectClient } from '../../src/client/connect.js';
import { encodeHeader } from '../../src/protocol/header.js';
import { createAgentRunners } from '../../src/server/agents/index.js';
import { createRemoteDaemon, type RemoteDaemon, type RemoteDaemonOptions } from '../../src/server/daemon.js';
import { SessionErrorCode, type SessionError } from '../../src/server/session/errors.js';
import { connectPskTls } from '../../src/transport/psk-tls.js';
import { createMemoryPair } from '../../src/transport/memory.js';
import { connectX509Tls } from '../../src/transport/x509-tls.js';
import { makePki, opensslUnavailable } from '../transport/fixtures/x509/make-pki.js';
import { RawPeer, until } from './session/raw-peer.js';

const key = randomBytes(64);

async function start(t: Test, options: Partial<RemoteDaemonOptions> = {}): Promise<{ daemon: RemoteDaemon; port: number; logs: string[] }> {
  const logs: string[] = [];
  const log = (level: string) => (o: object, msg?: string) => logs.push(`${level} ${msg ?? ''} ${JSON.stringify(o)}`);
  const daemon = await createRemoteDaemon({
    key,
    address: '127.0.0.1',
    port: 0,
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    ...options,
  });
  t.teardown(() => daemon.close());
  const { port } = await daemon.listen();
  return { daemon, port, logs };
}

function tcp(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(s));
    s.on('error', reject);
  });
}

const closedWithin = (s: net.Socket | { once: net.Socket['once'] }) => new Promise<void>((r) => s.once('close', () => r()));

function refused(daemon: RemoteDaemon): Promise<SessionError> {
  return new Promise((r) => daemon.once('refused', (_who, reason) => r(reason)));
}

t.test('a TCP peer that never starts TLS is dropped after handshakeTimeoutMs', async (t) => {
  const { daemon, port } = await start(t, { limits: { handshakeTimeoutMs: 300 } });
  const why = refused(daemon);
  let events = 0;
  daemon.on('refused', () => events++);
  const t0 = Date.now();
  const s = await tcp(port);
  await until(() => daemon.status().pendingHandshakes === 1);
  await closedWithin(s);
  const elapsed = Date.now() - t0;
  t.ok(elapsed >= 250 && elapsed < 5000, `closed after ${elapsed} ms`);
  t.equal((await why).code, SessionErrorCode.HandshakeTimeout);
  await until(() => daemon.status().pendingHandshakes === 0);
  await new Promise((r) => setTimeout(r, 1500));
  t.equal(events, 1, 'reported once, not again by node:tls');
});

t.test('a peer that sends bytes other than TLS is dropped at once', async (t) => {
  const { daemon, port } = await start(t);
  const why = refused(daemon);
  const s = await tcp(port);
  const t0 = Date.now();
  s.on('error', () => {});
  s.write('GET / HTTP/1.0\r\n\r\n');
  await closedWithin(s);
  t.ok(Date.now() - t0 < 3000);
  const reason = await why;
  t.equal(reason.code, SessionErrorCode.TlsFailed);
  t.ok(reason.cause instanceof Error);
});

t.test('a TLS peer that never registers is dropped after handshakeTimeoutMs', async (t) => {
  const { daemon, port } = await start(t, { limits: { handshakeTimeoutMs: 400 } });
  const t0 = Date.now();
  const s = await connectPskTls({ host: '127.0.0.1', port, key, engine: 'node' });
  s.on('error', () => {});
  const gone = new Promise<SessionError>((r) => daemon.once('disconnect', (_i, reason) => r(reason)));
  await closedWithin(s);
  t.ok(Date.now() - t0 < 5000);
  t.equal((await gone).code, SessionErrorCode.HandshakeTimeout);
});

t.test('pending-handshake cap: extra TCP connections are closed at once', async (t) => {
  const { daemon, port } = await start(t, { limits: { maxPendingHandshakes: 2, handshakeTimeoutMs: 20_000 } });
  const a = await tcp(port);
  const b = await tcp(port);
  await until(() => daemon.status().pendingHandshakes === 2);
  const why = refused(daemon);
  const t0 = Date.now();
  const c = await tcp(port);
  await closedWithin(c);
  t.ok(Date.now() - t0 < 2000, 'refused at once');
  t.equal((await why).code, SessionErrorCode.LimitReached);
  t.notOk(a.destroyed || b.destroyed, 'the first two stay');
  const [m] = createMemoryPair();
  t.equal(daemon.acceptStream(createMemoryPair()[1]), false, 'memory streams count against the same cap');
  m.destroy();
  a.destroy();
  await until(() => daemon.status().pendingHandshakes === 1);
  const client = await connectClient({ host: '127.0.0.1', port, key });
  t.teardown(() => client.close());
  await client.poke();
  b.destroy();
});

t.test('connection cap: one more connection is closed at accept', async (t) => {
  const { daemon, port } = await start(t, { limits: { maxClients: 1 } });
  const client = await connectClient({ host: '127.0.0.1', port, key });
  t.teardown(() => client.close());
  const why = refused(daemon);
  const s = await tcp(port);
  await closedWithin(s);
  t.equal((await why).code, SessionErrorCode.LimitReached);
  await client.poke();
});

t.test('a wrong key is refused in the TLS handshake', async (t) => {
  const { daemon, port } = await start(t);
  const why = refused(daemon);
  const err = await connectClient({ host: '127.0.0.1', port, key: randomBytes(64) }).catch((e: unknown) => e);
  t.match(err, { code: 'TLS_HANDSHAKE_FAILED' });
  t.equal((await why).code, SessionErrorCode.TlsFailed);
  await until(() => daemon.status().pendingHandshakes === 0);
  t.equal(daemon.status().connections.length, 0);
});

t.test('an oversize frame closes only that connection', async (t) => {
  const { daemon, port, logs } = await start(t, { limits: { maxFrameSize: 64 * 1024 } });
  const good = await connectClient({ host: '127.0.0.1', port, key, clientName: 'good' });
  t.teardown(() => good.close());
  const raw = new RawPeer(await connectPskTls({ host: '127.0.0.1', port, key }));
  await raw.register({ clientName: 'bad' });
  await raw.reply(1);
  const gone = new Promise<SessionError>((r) => daemon.once('disconnect', (_i, reason) => r(reason)));
  await raw.sendBytes(encodeHeader({ id: 1n, flags: 0n, payloadCompressed: 0, payloadUncompressed: 1024 * 1024, bigEndian: false })).catch(() => {});
  const reason = await gone;
  t.equal(reason.code, SessionErrorCode.StreamError);
  t.equal((reason.cause as { code?: string }).code, 'FRAME_TOO_LARGE');
  await raw.closed;
  for (let i = 0; i < 5; i++) await good.poke();
  t.same(daemon.status().connections.map((c) => c.name), ['good']);
  t.ok(logs.some((l) => l.startsWith('warn unreadable frame stream') && l.includes('FRAME_TOO_LARGE')));
});

t.test('idle timeout over TLS', async (t) => {
  const { daemon, port } = await start(t, { limits: { idleTimeoutMs: 200 } });
  const c = await connectClient({ host: '127.0.0.1', port, key });
  const gone = new Promise<SessionError>((r) => daemon.once('disconnect', (_i, reason) => r(reason)));
  const closed = new Promise((r) => c.once('close', r));
  t.equal((await gone).code, SessionErrorCode.IdleTimeout);
  await closed;
});

t.test('key file, PCMK_remote_port, PCMK_remote_address, node start state', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pcmk-daemon-key-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'authkey'), key, { mode: 0o600 });
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise((r) => probe.close(r));
  const env = { PCMK_authkey_location: join(dir, 'authkey'), PCMK_remote_port: String(port), PCMK_remote_address: '127.0.0.1', PCMK_node_start_state: 'standby' };
  const daemon = await createRemoteDaemon({ env, agents: createAgentRunners() });
  t.teardown(() => daemon.close());
  let announced: unknown;
  daemon.once('listening', (a) => (announced = a));
  const where = await daemon.listen();
  t.same(where, { address: '127.0.0.1', port });
  t.same(announced, where);
  t.equal(await daemon.listen(), where, 'listen twice: the same address');
  t.same(daemon.status().listening, where);
  const c = await connectClient({ host: '127.0.0.1', port, key });
  t.teardown(() => c.close());
  t.equal(c.nodeStartState, 'standby');
});

t.test('set-up failures', async (t) => {
  await t.rejects(createRemoteDaemon({ authkey: { path: '/nonexistent/authkey' } }), { code: 'AUTHKEY_MISSING' });
  await t.rejects(createRemoteDaemon({ key: new Uint8Array(0) }), { code: 'AUTHKEY_EMPTY' });
  await t.rejects(createRemoteDaemon({ key: new Uint8Array(65_537) }), { code: 'PSK_TOO_LONG' }, "over the built-in engine's limit");
  await t.rejects(createRemoteDaemon({ key: new Uint8Array(513), engine: 'node' }), { code: 'PSK_TOO_LONG' }, "over node:tls's limit when node:tls is forced");
  const { port } = await start(t);
  const other = await createRemoteDaemon({ key, address: '127.0.0.1', port });
  t.teardown(() => other.close());
  await t.rejects(other.listen(), { code: 'EADDRINUSE' });
  await t.rejects(other.listen(), { code: 'EADDRINUSE' }, 'a failed listen can be retried');
});

t.test('check and alert requests are logged', async (t) => {
  const { port, logs } = await start(t);
  const c = await connectClient({ host: '127.0.0.1', port, key });
  t.teardown(() => c.close());
  await c.check({ watchdog: '10' });
  await c.alertExec({ alertId: 'a1', alertPath: '/bin/true', alertTimeoutMs: 5000 });
  await c.alertExec({ alertId: 'a2', alertPath: '/nonexistent/alert', alertTimeoutMs: 5000 });
  await until(() => logs.some((l) => l.includes('lrmd_check received')) && logs.filter((l) => l.includes('"alertId"') && !l.startsWith('debug request ')).length === 2, 10_000);
  t.equal(logs.filter((l) => l.startsWith('debug request ') && l.includes('"op":"lrmd_alert_exec"')).length, 2, 'and each request at debug level');
  t.ok(logs.some((l) => l.includes('lrmd_check received') && l.includes('"watchdog":"10"')));
});

t.test('X.509 mode', { skip: opensslUnavailable }, async (t) => {
  const pki = makePki();
  t.teardown(() => rmSync(pki.dir, { recursive: true, force: true }));
  const { daemon, port } = await start(t, { x509: { ca: pki.ca, cert: pki.server.cert, key: pki.server.key } });
  const c = await connectClient({ host: '127.0.0.1', port, x509: { ca: pki.ca, cert: pki.client.cert, key: pki.client.key } });
  t.teardown(() => c.close());
  await c.poke();
  t.equal(daemon.status().connections.length, 1);
  const why = refused(daemon);
  const s = await connectX509Tls({ host: '127.0.0.1', port, ca: pki.ca, cert: pki.otherClient.cert, key: pki.otherClient.key }).catch(() => undefined);
  s?.on('error', () => {});
  t.equal((await why).code, SessionErrorCode.TlsFailed, 'a client of another CA is refused');
  s?.destroy();
});
