// In-process agents get the daemon's proxy as ctx.proxy, with nodeName from
// CRM_meta_on_node; the example agent sets and reads its attribute through it.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { attrFlag } from '../../../examples/attr-agent.js';
import { createRemoteDaemon } from '../../../src/server/index.js';
import { createMemoryPair } from '../../../src/transport/memory.js';
import { until } from '../session/raw-peer.js';
import { FakeProvider } from './fake-provider.js';

t.test('ctx.proxy and the example agent', async (t) => {
  const daemon = await createRemoteDaemon({ key: randomBytes(32) });
  t.teardown(() => daemon.close());
  daemon.agents.define('ocf', 'acme', 'AttrFlag', attrFlag);
  const seen: (string | undefined)[] = [];
  daemon.agents.define('ocf', 'acme', 'Peek', { monitor: (ctx) => (seen.push(ctx.proxy?.nodeName), 0) });
  const [a, b] = createMemoryPair();
  daemon.acceptStream(b);
  const p = await FakeProvider.connect(a);
  t.teardown(() => p.close());
  await until(() => daemon.proxy.providers.length === 1);

  const run = (agent: string, action: string, params: Record<string, string>) =>
    daemon.agents.run({ rscId: 'r', standard: 'ocf', provider: 'acme', agent, action, intervalMs: 0, timeoutMs: 5000, params, signal: new AbortController().signal })!;
  await run('Peek', 'monitor', { CRM_meta_on_node: 'remote1' });
  await run('Peek', 'monitor', {});
  t.same(seen, ['remote1', undefined]);

  t.match(await run('AttrFlag', 'start', { name: 'site', value: 'A' }), { rc: 0 });
  t.equal(p.attrs.get('site')?.get('remote1'), 'A');
  t.match(await run('AttrFlag', 'monitor', { name: 'site', value: 'A', CRM_meta_on_node: 'remote1' }), { rc: 0 });
  t.match(await run('AttrFlag', 'monitor', { name: 'site', value: 'B', CRM_meta_on_node: 'remote1' }), { rc: 7 });
  t.match(await run('AttrFlag', 'monitor', { name: 'site', value: 'A' }), { rc: 0 });
  t.match(await run('AttrFlag', 'stop', { name: 'site' }), { rc: 0 });
  t.equal(p.attrs.get('site')?.get('remote1'), undefined);
  t.match(await run('AttrFlag', 'meta-data', {}), { rc: 0, output: /AttrFlag/ });
  p.close();
  await until(() => daemon.proxy.providers.length === 0);
  t.match(await run('AttrFlag', 'start', { name: 'site' }), { rc: 1, exitReason: /PROXY_NO_PROVIDER|no IPC provider/ });
});
