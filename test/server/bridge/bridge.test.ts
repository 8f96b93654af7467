// The local bridge: socket permissions, the line protocol, errors, a stale
// socket, and the proxy calls behind it with a fake provider.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteDaemon } from '../../../src/server/index.js';
import { BridgeErrorCode, callBridge, LineSplitter, resolveBridgePath, startBridge } from '../../../src/server/bridge/index.js';
import { createMemoryPair } from '../../../src/transport/memory.js';
import { until } from '../session/raw-peer.js';
import { FakeProvider } from '../ipc-proxy/fake-provider.js';

const key = randomBytes(32);

function tmp(t: { teardown(f: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'pcmk-bridge-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test('the daemon serves the bridge; calls reach the provider', async (t) => {
  const dir = tmp(t);
  const path = join(dir, 'run', 'bridge.sock');
  const daemon = await createRemoteDaemon({ key, address: '127.0.0.1', port: 0, bridge: { path } });
  t.teardown(() => daemon.close());
  await daemon.listen();
  t.equal(statSync(join(dir, 'run')).mode & 0o777, 0o700);
  t.equal(statSync(path).mode & 0o777, 0o600);
  t.equal(daemon.status().bridge, path);

  await t.rejects(callBridge(path, { op: 'attr.set', name: 'a', value: '1' }), { code: 'PROXY_NO_PROVIDER' });
  const [a, b] = createMemoryPair();
  daemon.acceptStream(b);
  const p = await FakeProvider.connect(a, { cib: '<cib/>' });
  t.teardown(() => p.close());
  await until(() => daemon.proxy.providers.length === 1);

  t.equal(await callBridge(path, { op: 'attr.set', name: 'a', value: '1', pid: 4242, user: 'hacluster' }), null);
  const req = p.received.find((m) => m.ipcOp === 'request');
  t.match(req, { client: /^proxy-attrd-4242-/, user: 'hacluster' });
  t.equal(await callBridge(path, { op: 'attr.get', name: 'a', node: 'remote1' }), '1');
  t.same(await callBridge(path, { op: 'attr.query', name: 'a' }), [{ node: 'remote1', value: '1' }]);
  t.equal(await callBridge(path, { op: 'attr.delete', name: 'a', node: 'remote1' }), null);
  t.equal(await callBridge(path, { op: 'attr.get', name: 'a', node: 'remote1', timeoutMs: 5000 }), null);
  t.equal(await callBridge(path, { op: 'cib.query' }), '<cib/>');
  await t.rejects(callBridge(path, { op: 'cib.query', xpath: '//x' }), { code: 'PROXY_REQUEST_FAILED', rc: -6 });
  t.match(await callBridge(path, { op: 'status' }), { providers: [p.clientId] });
  await t.rejects(callBridge(path, { op: 'nope' }), { code: BridgeErrorCode.UnknownOp });
  await t.rejects(callBridge(path, { op: 'attr.set', name: 'a' }), { code: BridgeErrorCode.Protocol });
  await t.rejects(callBridge(path, { op: 'attr.get', name: 'a', timeoutMs: 300 }), { code: 'PROXY_TIMEOUT' }, 'the name is asked of a cluster that does not answer');
  await t.rejects(callBridge(path, { op: 'node.name', timeoutMs: 300 }), { code: 'PROXY_TIMEOUT' }, 'node.name too');
  await t.rejects(callBridge(path, { op: 'status' }, { signal: AbortSignal.abort() }), { code: 'ABORTED' });

  // Raw lines: garbage, a non-object, a blank line, pipelining.
  const raw = net.connect(path);
  t.teardown(() => raw.destroy());
  const lines: string[] = [];
  const split = new LineSplitter(1 << 20);
  raw.on('data', (c: Buffer) => lines.push(...split.push(c)));
  raw.write('not json\n\n42\n{"id":7,"op":"status"}\n{"id":8,"op":"status"}\n');
  await until(() => lines.length === 4);
  const answers = lines.map((l) => JSON.parse(l) as { id: number; ok: boolean; error?: { code: string } });
  t.same(answers.filter((x) => !x.ok).map((x) => x.error?.code), ['BRIDGE_PROTOCOL', 'BRIDGE_PROTOCOL']);
  t.same(answers.filter((x) => x.ok).map((x) => x.id).sort(), [7, 8]);

  // A live daemon's socket is not taken over.
  await t.rejects(startBridge({ path, api: daemon.proxy }), { code: BridgeErrorCode.InUse });
  await daemon.close();
  t.throws(() => statSync(path), 'the socket file is removed on close');
});

t.test('stale sockets, wrong files, oversized lines, timeouts', async (t) => {
  const dir = tmp(t);
  const daemon = await createRemoteDaemon({ key });
  t.teardown(() => daemon.close());
  const notSock = join(dir, 'file');
  writeFileSync(notSock, 'x');
  await t.rejects(startBridge({ path: notSock, api: daemon.proxy }), { code: BridgeErrorCode.InUse });

  // A socket file nobody serves is replaced.
  const stale = join(dir, 'stale.sock');
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(stale, r));
  await new Promise<void>((r) => {
    // Closing a Unix server unlinks its file; keep one by hard-copying the inode is not possible, so recreate it unserved.
    s.close(() => r());
  });
  const holder = net.createServer();
  await new Promise<void>((r) => holder.listen(stale, r));
  holder.unref();
  // Simulate a crashed daemon: the fd is gone but the file stays.
  (holder as unknown as { _handle: { close(): void } | null })._handle?.close();
  const bridge = await startBridge({ path: stale, api: daemon.proxy });
  t.teardown(() => bridge.close());
  t.equal(await bridge.close().then(() => 'closed'), 'closed');

  const big = join(dir, 'big.sock');
  const b2 = await startBridge({ path: big, api: daemon.proxy });
  t.teardown(() => b2.close());
  const c = net.connect(big);
  const got: string[] = [];
  c.on('data', (d: Buffer) => got.push(d.toString()));
  c.write('x'.repeat(1024 * 1024 + 10));
  await until(() => got.join('').includes('BRIDGE_PROTOCOL'));
  c.destroy();

  // Nobody there.
  await t.rejects(callBridge(join(dir, 'none.sock'), { op: 'status' }), { code: BridgeErrorCode.Unavailable });
  // A server that never answers.
  const mute = join(dir, 'mute.sock');
  const m = net.createServer(() => {});
  await new Promise<void>((r) => m.listen(mute, r));
  t.teardown(() => m.close());
  await t.rejects(callBridge(mute, { op: 'status' }, { timeoutMs: 100 }), { code: BridgeErrorCode.Timeout });
  // A server that answers garbage, or hangs up.
  const junk = join(dir, 'junk.sock');
  const j = net.createServer((sock) => sock.end('garbage\n'));
  await new Promise<void>((r) => j.listen(junk, r));
  t.teardown(() => j.close());
  await t.rejects(callBridge(junk, { op: 'status' }), { code: BridgeErrorCode.Protocol });
  const hang = join(dir, 'hang.sock');
  const h = net.createServer((sock) => sock.end());
  await new Promise<void>((r) => h.listen(hang, r));
  t.teardown(() => h.close());
  await t.rejects(callBridge(hang, { op: 'status' }, { timeoutMs: 0 }), { code: BridgeErrorCode.Closed });

  t.equal(resolveBridgePath('/x', {}), '/x');
  t.equal(resolveBridgePath(undefined, { PCMK_REMOTE_BRIDGE: '/y' }), '/y');
  t.equal(resolveBridgePath(undefined, {}), '/run/pcmk-remote/bridge.sock');
  const ls = new LineSplitter(4);
  t.same(ls.push(Buffer.from('ab\ncd')), ['ab']);
  t.same(ls.push(Buffer.from('\n')), ['cd']);
  t.throws(() => ls.push(Buffer.from('abcdef')));
  t.same(ls.push(Buffer.from('a\n')), []);
});

t.test('an explicit bridge path that cannot be served stops listen; an optional one does not', async (t) => {
  const dir = tmp(t);
  writeFileSync(join(dir, 'f'), 'x');
  const d1 = await createRemoteDaemon({ key, address: '127.0.0.1', port: 0, bridge: { path: join(dir, 'f') } });
  t.teardown(() => d1.close());
  await t.rejects(d1.listen(), { code: BridgeErrorCode.InUse });
  const d2 = await createRemoteDaemon({ key, address: '127.0.0.1', port: 0, bridge: { path: join(dir, 'f'), optional: true } });
  t.teardown(() => d2.close());
  await d2.listen();
  t.equal(d2.status().bridge, undefined);
});

t.test('node.name: the daemon\'s own name, else the one the cluster gives (§8.12.1)', async (t) => {
  const dir = tmp(t);
  const path = join(dir, 'bridge.sock');
  const daemon = await createRemoteDaemon({ key, address: '127.0.0.1', port: 0, bridge: { path } });
  t.teardown(() => daemon.close());
  await daemon.listen();
  await t.rejects(callBridge(path, { op: 'node.name' }), { code: 'PROXY_NO_PROVIDER' });
  const [a, b] = createMemoryPair();
  daemon.acceptStream(b);
  const p = await FakeProvider.connect(a, { nodeName: 'remote5' });
  t.teardown(() => p.close());
  await until(() => daemon.proxy.providers.length === 1);
  t.equal(await callBridge(path, { op: 'node.name', node: 'ignored', timeoutMs: 5000 }), 'remote5');
  daemon.proxy.nodeName = 'given';
  t.equal(await callBridge(path, { op: 'node.name' }), 'given', '--node-name wins');
});
