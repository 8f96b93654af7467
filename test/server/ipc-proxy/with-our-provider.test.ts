// Both ends ours: the daemon's proxy endpoint (§8.11–§8.14) against the
// client's IPC-provider role with the in-memory backend (§8.15, §8.16), over
// PSK-TLS on loopback. Attributes and the CIB through the in-process API and
// through the bridge's CLI commands, a 5 MiB CIB, the provider leaving in the
// middle of a request, and graceful shutdown with ack and with nack.
import t, { type Test } from 'tap';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectClient } from '../../../src/client/connect.js';
import type { Client } from '../../../src/client/client.js';
import { createIpcProvider, type IpcProvider } from '../../../src/client/ipc-provider/index.js';
import { createMemoryBackend, type MemoryBackend } from '../../../src/client/ipc-provider/memory/index.js';
import { runCli } from '../../../src/cli/program.js';
import { createRemoteDaemon, type RemoteDaemon } from '../../../src/server/index.js';
import { until } from '../session/raw-peer.js';

const key = randomBytes(64);
const NODE = 'remote1';
const CIB = `<cib epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.9"><configuration><crm_config/><nodes><node id="${NODE}" uname="${NODE}" type="remote"/></nodes><resources/><constraints/></configuration><status/></cib>`;

interface Rig {
  daemon: RemoteDaemon;
  client: Client;
  provider: IpcProvider;
  backend: MemoryBackend;
  bridge: string;
}

async function rig(t: Test, cib = CIB, onShutdownRequest?: () => 'ack' | 'nack'): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'pcmk-proxy-ours-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const bridge = join(dir, 'bridge.sock');
  const daemon = await createRemoteDaemon({ key, address: '127.0.0.1', port: 0, bridge: { path: bridge } });
  t.teardown(() => daemon.close());
  const { port } = await daemon.listen();
  const client = await connectClient({ host: '127.0.0.1', port, key, isIpcProvider: true });
  t.teardown(() => client.close());
  const backend = createMemoryBackend({ cib, nodeName: NODE });
  const provider = createIpcProvider(client, { handlers: backend.handlers, nodeName: NODE, ...(onShutdownRequest ? { onShutdownRequest } : {}) });
  await until(() => daemon.proxy.providers.length === 1);
  return { daemon, client, provider, backend, bridge };
}

/** Runs `pcmk-remote` in process against the bridge; returns status and output. */
async function cli(bridge: string, argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    connect: () => Promise.reject(new Error('no TLS connection expected')),
    env: { PCMK_REMOTE_BRIDGE: bridge, OCF_RESKEY_CRM_meta_on_node: NODE },
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    input: (async function* () {})(),
  });
  return { code, out, err };
}

t.test('attributes and the CIB through the in-process API', async (t) => {
  const { daemon, backend } = await rig(t);
  await daemon.proxy.setAttribute('site', 'A', { node: NODE });
  t.equal(await daemon.proxy.getAttribute('site', { node: NODE }), 'A', 'read back through attrd');
  t.equal(await daemon.proxy.learnNodeName(), NODE, 'the name, as the memory backend answers node-info');
  t.equal(await daemon.proxy.withNode(undefined).getAttribute('site'), 'A', 'read for the learned name');
  t.match(backend.cib.text(), /site/, 'the backend keeps the transient attribute');
  await daemon.proxy.setAttribute('rack', '7', { node: NODE, lifetime: 'forever' });
  const nodes = await daemon.proxy.queryCib('//nodes');
  t.match(nodes, /rack/, 'a permanent attribute lands in the nodes section');
  t.match(await daemon.proxy.queryCib(), /^<cib[\s\S]*<configuration>/, 'the whole CIB');
});

t.test('the CLI through the bridge: attr set/get, cib query', async (t) => {
  const { bridge } = await rig(t);
  const set = await cli(bridge, ['attr', 'set', 'color', 'blue']);
  t.equal(set.code, 0, `attr set (${set.err.join(' | ')})`);
  const get = await cli(bridge, ['attr', 'get', 'color']);
  t.equal(get.code, 0, `attr get (${get.err.join(' | ')})`);
  t.match(get.out.join('\n'), /blue/);
  const n = await cli(bridge, ['node', 'name']);
  t.same([n.code, n.out], [0, [NODE]], 'node name');
  const q = await cli(bridge, ['cib', 'query', '//nodes']);
  t.equal(q.code, 0, `cib query (${q.err.join(' | ')})`);
  t.match(q.out.join('\n'), new RegExp(`uname="${NODE}"`));
});

t.test('a 5 MiB CIB through the proxy, byte for byte', async (t) => {
  const filler = Array.from({ length: 48_000 }, (_, i) => `<primitive id="r${i}" class="ocf" provider="heartbeat" type="Dummy"><meta_attributes id="r${i}-m"/></primitive>`).join('');
  const big = CIB.replace('<resources/>', `<resources>${filler}</resources>`);
  t.ok(big.length > 5 * 1024 * 1024, `${big.length} bytes`);
  const { daemon } = await rig(t, big);
  const got = await daemon.proxy.queryCib(undefined, { timeoutMs: 60_000 });
  t.equal(got.length, big.length);
  t.equal(got, big);
});

t.test('the provider leaves in the middle of a request: typed error, nothing hangs', async (t) => {
  const { daemon, client, provider } = await rig(t);
  // The request reaches the provider; the connection ends before any answer.
  provider.once('request', () => client.close());
  await t.rejects(daemon.proxy.queryCib(undefined, { timeoutMs: 20_000 }), { code: 'PROXY_PROVIDER_LOST' });
  await until(() => daemon.proxy.providers.length === 0);
  await t.rejects(daemon.proxy.queryCib(), { code: 'PROXY_NO_PROVIDER' });
});

t.test('graceful shutdown: ack waits for the cluster to leave; nack stops at once', async (t) => {
  const ack = await rig(t, CIB, () => 'ack');
  const decided = new Promise((r) => ack.provider.once('shutdown', r));
  const done = ack.daemon.shutdown({ waitMs: 30_000 });
  t.equal(await decided, 'ack', 'the provider was asked and acked');
  await new Promise((r) => setTimeout(r, 300));
  t.equal(ack.daemon.status().shuttingDown, true, 'still running after the ack');
  ack.client.close(); // the cluster has stopped the resources and disconnects
  t.equal(await done, 'acked', 'resolved once the cluster left');

  const nack = await rig(t, CIB, () => 'nack');
  t.equal(await nack.daemon.shutdown({ waitMs: 30_000 }), 'nack');
});
