// pcmk-remote attr / cib: through the daemon's bridge to a fake provider,
// via runCli, and the real executable for the "no daemon" case.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attributeNode, runNodeName } from '../../src/cli/commands/attr.js';
import { runCli } from '../../src/cli/program.js';
import { createRemoteDaemon } from '../../src/server/index.js';
import { createMemoryPair } from '../../src/transport/memory.js';
import { childEnv } from '../helpers/child-env.js';
import { FakeProvider } from '../server/ipc-proxy/fake-provider.js';
import { until } from '../server/session/raw-peer.js';

async function cli(argv: string[], env: NodeJS.ProcessEnv): Promise<{ status: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runCli(argv, {
    connect: () => Promise.reject(new Error('no TLS here')),
    env,
    input: (async function* () {})(),
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  return { status, out, err };
}

t.test('attr and cib through the bridge', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pcmk-attr-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'bridge.sock');
  const daemon = await createRemoteDaemon({ key: randomBytes(32), address: '127.0.0.1', port: 0, bridge: { path } });
  t.teardown(() => daemon.close());
  await daemon.listen();
  const env = { PCMK_REMOTE_BRIDGE: path };

  let r = await cli(['attr', 'set', 'color', 'blue'], env);
  t.equal(r.status, 3, 'no provider: connection failure');
  t.match(r.err, [/^pcmk-remote: PROXY_NO_PROVIDER: /]);
  t.equal(r.err.length, 1);

  const [a, b] = createMemoryPair();
  daemon.acceptStream(b);
  const p = await FakeProvider.connect(a, { cib: '<cib epoch="3">\n<status/>\n</cib>', nodeName: 'remote1' });
  t.teardown(() => p.close());
  await until(() => daemon.proxy.providers.length === 1);

  r = await cli(['attr', 'set', 'color', 'blue'], env);
  t.same(r, { status: 0, out: [], err: [] });
  r = await cli(['attr', 'get', 'color'], env);
  t.same(r.out, ['blue'], 'no node given: this node, as the cluster names it (§8.12.1)');
  const named: string[] = [];
  const ctx = { env, out: (l: string) => named.push(l), err: (l: string) => named.push(`err: ${l}`) };
  t.equal(await runNodeName({}, ctx), 0);
  t.equal(await runNodeName({ json: true }, ctx), 0);
  t.equal(await runNodeName({}, { ...ctx, env: { ...env, OCF_RESKEY_CRM_meta_on_node: 'from-env' } }), 0);
  t.same(named, ['remote1', '{"name":"remote1"}', 'from-env'], 'node name: as crm_node -n (the agent environment first)');
  r = await cli(['attr', 'get', 'color', '--all'], env);
  t.same(r.out, ['remote1=blue'], '--all: every node, as attrd_updater -Q -A');
  r = await cli(['attr', 'get', 'color', '--all', '--json'], env);
  t.same(JSON.parse(r.out[0]!), { name: 'color', values: [{ node: 'remote1', value: 'blue' }] });
  r = await cli(['attr', 'get', 'color'], { ...env, OCF_RESKEY_CRM_meta_on_node: 'remote1' });
  t.same(r.out, ['blue'], 'the node from the agent environment');
  r = await cli(['attr', 'get', 'color', '--node', 'remote1', '--json'], env);
  t.same(JSON.parse(r.out[0]!), { name: 'color', node: 'remote1', value: 'blue' });
  r = await cli(['attr', 'get', 'shape', '--node', 'remote1'], env);
  t.equal(r.status, 1);
  r = await cli(['attr', 'get', 'shape'], env);
  t.equal(r.status, 1);
  r = await cli(['attr', 'set', 'size', '3', '--lifetime', 'forever', '--node', 'remote1', '--json'], env);
  t.equal(r.status, 0);
  t.same(JSON.parse(r.out[0]!), { ok: true, name: 'size', value: '3', node: 'remote1' });
  t.match(p.modifies[0], /name="size" value="3"/);
  r = await cli(['attr', 'set', 'size', '4', '--lifetime', 'forever'], env);
  t.equal(r.status, 0, 'forever without a node: the cluster is asked for the name');
  t.match(p.modifies.at(-1), /uname="remote1"|name="size" value="4"/);
  r = await cli(['attr', 'set', 'size', '3', '--lifetime', 'always'], env);
  t.equal(r.status, 2);
  r = await cli(['attr', 'set', 'size', '3', '--timeout', 'soon'], env);
  t.equal(r.status, 2);
  r = await cli(['attr', 'delete', 'color', '--json', '--timeout', '5000'], env);
  t.same(r, { status: 0, out: ['{"ok":true,"name":"color"}'], err: [] });
  r = await cli(['attr', 'delete', 'color'], env);
  t.equal(r.status, 0);

  r = await cli(['cib', 'query'], env);
  t.same(r.out, ['<cib epoch="3">', '<status/>', '</cib>']);
  r = await cli(['cib', 'query', '--json'], env);
  t.same(JSON.parse(r.out[0]!), { xml: '<cib epoch="3">\n<status/>\n</cib>' });
  r = await cli(['cib', 'query', '//nothing'], env);
  t.equal(r.status, 1);
  t.match(r.err, [/PROXY_REQUEST_FAILED/]);
});

t.test('the node an attribute is for (pcmk__node_attr_target)', async (t) => {
  t.equal(attributeNode('n1', {}), 'n1');
  t.equal(attributeNode(undefined, {}), undefined);
  t.equal(attributeNode('localhost', { OCF_RESKEY_CRM_meta_on_node: 'r1' }), 'r1');
  t.equal(attributeNode(undefined, { OCF_RESKEY_CRM_meta_on_node: 'r1', OCF_RESKEY_CRM_meta_physical_host: 'h', OCF_RESKEY_CRM_meta_container_attribute_target: 'host' }), 'h');
});

t.test('the executable: no daemon gives one line and exit 3', async (t) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/pcmk-remote.ts', 'cib', 'query', '--bridge', '/nonexistent/bridge.sock'], {
    env: childEnv,
    encoding: 'utf8',
    timeout: 120_000,
  });
  t.equal(r.status, 3);
  t.match(r.stderr, /^pcmk-remote: BRIDGE_UNAVAILABLE: .*\n$/);
  t.equal(r.stderr.trim().split('\n').length, 1);
});
