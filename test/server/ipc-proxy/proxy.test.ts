// The daemon's IPC proxy endpoint against a fake provider (our Session as
// provider), over the in-memory pair and over PSK-TLS on loopback: attribute
// and CIB calls of the in-process API, the wire shapes, provider loss,
// several providers, time limits, a 5 MiB CIB.
import t, { type Test } from 'tap';
import { randomBytes } from 'node:crypto';
import { IpcFlag } from '../../../src/protocol/constants.js';
import type { IpcNew, IpcRequest } from '../../../src/protocol/messages/ipc-proxy.js';
import { createRemoteDaemon, type RemoteDaemon, type RemoteDaemonOptions } from '../../../src/server/index.js';
import { ProxyErrorCode, type ProxyError } from '../../../src/server/ipc-proxy/errors.js';
import { connectPskTls } from '../../../src/transport/psk-tls.js';
import { createMemoryPair } from '../../../src/transport/memory.js';
import { until } from '../session/raw-peer.js';
import { FakeProvider, type FakeProviderOptions } from './fake-provider.js';

const key = randomBytes(32);

interface Rig {
  daemon: RemoteDaemon;
  provider(o?: FakeProviderOptions, asProvider?: boolean): Promise<FakeProvider>;
}

const transports: { name: string; start(t: Test, o?: Partial<RemoteDaemonOptions>): Promise<Rig> }[] = [
  {
    name: 'memory pair',
    async start(t, o = {}) {
      const daemon = await createRemoteDaemon({ key, ...o });
      t.teardown(() => daemon.close());
      return {
        daemon,
        async provider(po = {}, asProvider = true) {
          const [a, b] = createMemoryPair();
          daemon.acceptStream(b, { remote: 'memory' });
          const p = await FakeProvider.connect(a, po, asProvider);
          t.teardown(() => p.close());
          return p;
        },
      };
    },
  },
  {
    name: 'PSK-TLS loopback',
    async start(t, o = {}) {
      const daemon = await createRemoteDaemon({ key, address: '127.0.0.1', port: 0, ...o });
      t.teardown(() => daemon.close());
      const { port } = await daemon.listen();
      return {
        daemon,
        async provider(po = {}, asProvider = true) {
          const socket = await connectPskTls({ host: '127.0.0.1', port, key });
          const p = await FakeProvider.connect(socket, po, asProvider);
          t.teardown(() => p.close());
          return p;
        },
      };
    },
  },
];

const code = (c: string) => ({ code: c });

for (const tr of transports) {
  t.test(tr.name, async (t) => {
    t.test('attributes and the CIB through the in-process API', async (t) => {
      const { daemon, provider } = await tr.start(t);
      const p = await provider({ cib: '<cib epoch="1"><configuration/><status/></cib>' });
      await until(() => daemon.proxy.providers.length === 1);
      t.same(daemon.status().proxy, { providers: [p.clientId], sessions: {} });

      await daemon.proxy.setAttribute('color', 'blue');
      t.equal(p.attrs.get('color')?.get('remote1'), 'blue', 'the provider filled in the node (§8.6)');
      const news = p.received.filter((m): m is IpcNew => m.ipcOp === 'new');
      t.equal(news[0]?.server, 'attrd');
      const req = p.received.find((m): m is IpcRequest => m.ipcOp === 'request')!;
      t.equal(req.session, news[0]!.session);
      t.match(req.client, new RegExp(`^proxy-attrd-${process.pid}-${req.session.slice(0, 8)}$`));
      t.equal(req.ipcMsgFlags, IpcFlag.proxied | IpcFlag.clientResponse);
      t.equal(req.ipcMsgId, 1);
      t.ok(req.user);
      t.match(req.body?.xml, /^<create_attrd_op t="attrd" src="pcmk-remote" attr_name="color" task="update" attr_value="blue" attr_is_remote="1" attr_is_private="0"\/>$/);
      await until(() => p.received.some((m) => m.ipcOp === 'destroy'));

      t.equal(await daemon.proxy.getAttribute('color', { node: 'remote1' }), 'blue');
      t.equal(await daemon.proxy.getAttribute('nope', { node: 'remote1' }), undefined);
      t.equal(await daemon.proxy.withNode('remote1').getAttribute('color'), 'blue');
      await t.rejects(daemon.proxy.getAttribute('color', { timeoutMs: 300 }), code(ProxyErrorCode.Timeout), 'the name is asked of a cluster that does not answer');
      t.same(await daemon.proxy.queryAttribute('color'), [{ node: 'remote1', value: 'blue' }]);
      t.equal(await daemon.proxy.queryAttribute('nope'), undefined);
      await daemon.proxy.setAttribute('color', 'red', { node: 'other', private: true });
      t.same(await daemon.proxy.queryAttribute('color', { node: 'other' }), [{ node: 'other', value: 'red' }]);
      await daemon.proxy.deleteAttribute('color', { node: 'other' });
      t.equal(p.attrs.get('color')?.get('other'), undefined);

      t.equal(await daemon.proxy.queryCib(), '<cib epoch="1"><configuration/><status/></cib>');
      t.equal(await daemon.proxy.queryCib(undefined, { sync: true }), '<cib epoch="1"><configuration/><status/></cib>');
      const cibReqs = p.received.filter((m): m is IpcRequest => m.ipcOp === 'request' && /cib_command/.test(m.body?.xml ?? ''));
      t.match(cibReqs[0]!.body!.xml, /^<cib_command t="cib" cib_op="register" cib_clientname="pcmk-remote" cib_callopt="4096"\/>$/);
      t.equal(cibReqs[0]!.ipcMsgFlags, 0x300);
      t.match(cibReqs[1]!.body!.xml, /^<cib_command __name__="cib_command" t="cib" cib_async_id="[0-9a-f-]+" cib_op="cib_query" cib_callid="1" cib_callopt="0"\/>$/);
      t.equal(cibReqs[1]!.ipcMsgFlags, IpcFlag.proxied, "cibadmin -Q's default: no response expected, the reply comes as an event");
      await t.rejects(daemon.proxy.queryCib("//nothing[@id='x']"), { code: ProxyErrorCode.RequestFailed, rc: -6 });
      await until(() => daemon.status().proxy.sessions['cib_rw'] === undefined);
      t.equal(p.rcs.every((rc) => rc === 0), true, 'every ipc_fwd got rc 0');
    });

    t.test('permanent attributes go to the nodes section as crm_attribute -l forever does', async (t) => {
      const { daemon, provider } = await tr.start(t, { proxy: { nodeName: 'remote1' } });
      const p = await provider();
      await until(() => daemon.proxy.providers.length === 1);
      await daemon.proxy.setAttribute('site', 'A', { lifetime: 'forever' });
      t.match(
        p.modifies[0],
        /<cib_calldata><nodes><node type="remote" id="remote1" uname="remote1"><instance_attributes id="nodes-remote1"><nvpair id="nodes-remote1-site" name="site" value="A"\/><\/instance_attributes><\/node><\/nodes><\/cib_calldata>/,
      );
      t.match(p.modifies[0], /cib_section="nodes" cib_callid="2" cib_callopt="1052672"/);
      await daemon.proxy.setAttribute('site', 'B', { lifetime: 'forever' });
      t.match(p.modifies[1], /<cib_calldata><nvpair id="nodes-remote1-site" name="site" value="B"\/><\/cib_calldata>/);
      t.equal(await daemon.proxy.getAttribute('site', { lifetime: 'forever' }), 'old');
      t.equal(await daemon.proxy.getAttribute('gone', { lifetime: 'forever' }), undefined);
      await t.rejects(daemon.proxy.withNode(undefined).setAttribute('x', '1', { lifetime: 'forever', timeoutMs: 300 }), code(ProxyErrorCode.Timeout));
      await t.rejects(daemon.proxy.setAttribute("it's", '1', { lifetime: 'forever' }), code(ProxyErrorCode.BadArgument));
    });

    t.test('a 5 MiB CIB through the proxy', async (t) => {
      const { daemon, provider } = await tr.start(t);
      const rows = Array.from({ length: 40_000 }, (_, i) => `<nvpair id="n${i}" name="attr-${i}" value="${'v'.repeat(90)}"/>`).join('');
      const cib = `<cib epoch="7"><configuration><crm_config><cluster_property_set id="big">${rows}</cluster_property_set></crm_config></configuration><status/></cib>`;
      t.ok(cib.length > 5 * 1024 * 1024);
      await provider({ cib });
      await until(() => daemon.proxy.providers.length === 1);
      const got = await daemon.proxy.queryCib(undefined, { timeoutMs: 60_000 });
      t.equal(got.length, cib.length);
      t.ok(got === cib, 'relayed verbatim');
    });
  });
}

t.test('no provider: sessions fail at once', async (t) => {
  const { daemon, provider } = await transports[0]!.start(t);
  t.throws(() => daemon.proxy.openSession('attrd'), code(ProxyErrorCode.NoProvider));
  await t.rejects(daemon.proxy.setAttribute('a', '1'), code(ProxyErrorCode.NoProvider));
  await t.rejects(daemon.proxy.queryCib(), code(ProxyErrorCode.NoProvider));
  // A plain client is no provider.
  await provider({}, false);
  t.throws(() => daemon.proxy.openSession('cib_ro'), code(ProxyErrorCode.NoProvider));
  t.throws(() => daemon.proxy.openSession('pacemakerd'), code(ProxyErrorCode.BadServer));
  t.throws(() => daemon.proxy.openSession('nonsense'), code(ProxyErrorCode.BadServer));
});

t.test('provider loss mid-request: typed error, nothing hangs', async (t) => {
  const { daemon, provider } = await transports[0]!.start(t);
  const p = await provider({ onRequest: () => 'silent' });
  await until(() => daemon.proxy.providers.length === 1);
  const s = daemon.proxy.openSession('cib_shm');
  t.equal(s.server, 'cib_rw', 'cib_shm travels as cib_rw (§8.4)');
  const closed = new Promise((r) => s.once('close', r));
  const pending = s.request('<cib_command cib_op="cib_query"/>', { timeoutMs: 0 });
  const waiting = s.waitForEvent(() => true, { timeoutMs: 0 });
  await until(() => p.received.some((m) => m.ipcOp === 'request'));
  const t0 = Date.now();
  p.close();
  await t.rejects(pending, code(ProxyErrorCode.ProviderLost));
  await t.rejects(waiting, code(ProxyErrorCode.ProviderLost));
  t.ok(Date.now() - t0 < 5000);
  t.equal(((await closed) as ProxyError).code, ProxyErrorCode.ProviderLost);
  t.equal(s.closed, true);
  await t.rejects(s.request('<x/>'), code(ProxyErrorCode.ProviderLost));
  t.same(daemon.proxy.providers, []);
});

t.test('time limits, aborts, destroy and nack', async (t) => {
  const { daemon, provider } = await transports[0]!.start(t, { proxy: { requestTimeoutMs: 200 } });
  const p = await provider({
    refuse: ['stonith-ng'],
    onRequest: (server, _req, body) => {
      if (body.name === 'hang') return 'silent';
      if (body.name === 'bye') return 'destroy';
      if (body.name === 'fail') return { response: '<nack function="remote_proxy_cb" line="1" rc="-107"/>' };
      if (body.name === 'junk') return { response: '<other/>', events: ['<evt n="1"/>'] };
      return server === 'attrd' && body.name === 'nackme' ? { response: '<nack function="f" line="2" rc="-107"/>' } : undefined;
    },
  });
  await until(() => daemon.proxy.providers.length === 1);
  const s = daemon.proxy.openSession('crmd');
  await t.rejects(s.request('<hang/>'), code(ProxyErrorCode.Timeout));
  const ctl = new AbortController();
  const r = s.request('<hang/>', { timeoutMs: 0, signal: ctl.signal });
  ctl.abort();
  await t.rejects(r, code(ProxyErrorCode.Aborted));
  await t.rejects(s.request('<hang/>', { signal: AbortSignal.abort() }), code(ProxyErrorCode.Aborted));
  await t.rejects(s.request('not xml'), code(ProxyErrorCode.BadArgument));
  const events: string[] = [];
  s.on('event', (b) => events.push(b.xml));
  t.equal((await s.request('<junk/>')).xml, '<other/>');
  await until(() => events.length === 1);
  t.same(events, ['<evt n="1"/>']);
  t.equal(await s.request('<fire/>', { expectResponse: false }), undefined);
  const fire = p.received.filter((m): m is IpcRequest => m.ipcOp === 'request').at(-1);
  await until(() => p.received.filter((m) => m.ipcOp === 'request').length === 5);
  t.ok(fire);
  const nack = await s.request('<fail/>');
  t.match(nack.xml, /^<nack/);
  await t.rejects(s.request('<bye/>'), code(ProxyErrorCode.SessionClosed));
  t.equal(s.closeReason?.code, ProxyErrorCode.SessionClosed);

  const refused = daemon.proxy.openSession('stonith-ng');
  const why = await new Promise<ProxyError>((res) => refused.once('close', res));
  t.equal(why.code, ProxyErrorCode.SessionClosed);

  const a = daemon.proxy.openSession('attrd');
  const nacked = await a.request('<nackme/>');
  t.match(nacked.xml, /rc="-107"/);
  a.close();
  a.close();
  t.equal(a.closeReason?.code, ProxyErrorCode.SessionClosed);
  await t.rejects(daemon.proxy.setAttribute('', '1'), code(ProxyErrorCode.BadArgument));
});

t.test('ipc_fwd for unknown sessions, wrong directions, other providers', async (t) => {
  const { daemon, provider } = await transports[0]!.start(t);
  const old = await provider({ onRequest: () => 'silent' });
  await until(() => daemon.proxy.providers.length === 1);
  const s1 = daemon.proxy.openSession('attrd');
  const newer = await provider({ onRequest: () => 'silent' });
  await until(() => daemon.proxy.providers.length === 2);
  t.same(daemon.proxy.providers, [newer.clientId, old.clientId], 'newest first');
  const s2 = daemon.proxy.openSession('attrd');
  t.equal(s1.providerId, old.clientId);
  t.equal(s2.providerId, newer.clientId, 'a new session binds to the newest provider (§8.4)');

  // Unknown session: rc 0 and a destroy back (Pacemaker 2.1.5 remoted_proxy.c).
  t.equal(await newer.send({ ipcOp: 'response', session: 'nope', ipcMsgId: 1, body: { xml: '<x/>' } }), 0);
  await until(() => newer.received.some((m) => m.ipcOp === 'destroy' && m.session === 'nope'));
  // A session bound to another provider counts as unknown here.
  t.equal(await newer.send({ ipcOp: 'event', session: s1.id, body: { xml: '<x/>' } }), 0);
  await until(() => newer.received.some((m) => m.ipcOp === 'destroy' && m.session === s1.id));
  t.equal(s1.closed, false);
  t.equal(await newer.send({ ipcOp: 'destroy', session: 'nope2' }), 0);
  // Daemon → provider operations coming back are logged and dropped.
  t.equal(await newer.send({ ipcOp: 'new', session: 'z', server: 'attrd' }), 0);
  // A response for no waiting request becomes an event.
  const ev = new Promise<string>((r) => s2.once('event', (b) => r(b.xml)));
  t.equal(await newer.send({ ipcOp: 'response', session: s2.id, ipcMsgId: 99, body: { xml: '<late/>' } }), 0);
  t.equal(await ev, '<late/>');
  t.same(daemon.status().proxy.sessions, { attrd: 2 });

  // Connection migration (§9.5): the newest provider leaves; old sessions stay on theirs.
  newer.close();
  await until(() => s2.closed);
  t.equal(s2.closeReason?.code, ProxyErrorCode.ProviderLost);
  t.equal(s1.closed, false);
  t.same(daemon.proxy.providers, [old.clientId]);
  t.equal(daemon.proxy.openSession('attrd').providerId, old.clientId);
});

t.test('the node name is asked of the cluster as crm_node -n asks, once per provider (§8.12.1)', async (t) => {
  const daemon = await createRemoteDaemon({ key });
  t.teardown(() => daemon.close());
  const connect = async (nodeName: string): Promise<FakeProvider> => {
    const [a, b] = createMemoryPair();
    daemon.acceptStream(b, { remote: 'memory' });
    const p = await FakeProvider.connect(a, { nodeName });
    t.teardown(() => p.close());
    return p;
  };
  const p = await connect('remote7');
  await until(() => daemon.proxy.providers.length === 1);
  await daemon.proxy.setAttribute('color', 'blue');
  t.equal(await daemon.proxy.getAttribute('color'), 'blue', 'read for the learned name');
  const crmd = p.received.filter((m): m is IpcRequest => m.ipcOp === 'request' && /t="crmd"/.test(m.body?.xml ?? ''));
  t.same(crmd.map((m) => /crm_task="([^"]+)"/.exec(m.body!.xml)?.[1]), ['hello', 'node-info']);
  t.same(crmd.map((m) => m.ipcMsgFlags), [IpcFlag.proxied, IpcFlag.proxied], 'no response expected: the answer is an event');
  t.match(crmd[1]!.body!.xml, /^<create_request_adv origin="create_controller_request" t="crmd" version="[\d.]+" subt="request" reference="node-info-pcmk-remote-\d+-\d+" crm_task="node-info" crm_sys_to="crmd" crm_sys_from="\d+_pcmk-remote"\/>$/);
  t.equal(await daemon.proxy.learnNodeName(), 'remote7');
  t.equal(p.received.filter((m) => m.ipcOp === 'new' && m.server === 'crmd').length, 1, 'remembered');

  const q = await connect('remote7');
  await until(() => daemon.proxy.providers.length === 2);
  t.equal(await daemon.proxy.learnNodeName(), 'remote7');
  t.equal(q.received.filter((m) => m.ipcOp === 'new' && m.server === 'crmd').length, 1, 'asked again of the newest provider');

  // A controller answer without a name.
  const r = await connect('');
  await until(() => daemon.proxy.providers.length === 3);
  await t.rejects(daemon.proxy.learnNodeName({ timeoutMs: 5000 }), code(ProxyErrorCode.BadReply), 'an answer without a name');
  t.equal(r.received.filter((m) => m.ipcOp === 'new' && m.server === 'crmd').length, 1);
});

t.test('the node name: given names win; silence, abort and provider loss are typed errors, asked again next time (§8.12.1)', async (t) => {
  const { daemon, provider } = await transports[0]!.start(t);
  await t.rejects(daemon.proxy.learnNodeName(), code(ProxyErrorCode.NoProvider));
  await t.rejects(daemon.proxy.getAttribute('a'), code(ProxyErrorCode.NoProvider));
  // No nodeName: this controller never answers node-info.
  const p = await provider({});
  await until(() => daemon.proxy.providers.length === 1);
  const asked = (): number => p.received.filter((m) => m.ipcOp === 'new' && m.server === 'crmd').length;
  const t0 = Date.now();
  await t.rejects(daemon.proxy.getAttribute('a', { timeoutMs: 150 }), code(ProxyErrorCode.Timeout));
  await t.rejects(daemon.proxy.setAttribute('a', '1', { lifetime: 'forever', timeoutMs: 150 }), code(ProxyErrorCode.Timeout));
  t.ok(Date.now() - t0 < 10_000, 'within the limits');
  t.equal(asked(), 2, 'a failed question is not remembered');
  t.same(daemon.proxy.status().sessions, {}, 'the crmd sessions were closed');

  // A name given by the caller, the API's nodeName (--node-name, CRM_meta_on_node) or a reboot set: nobody asks.
  await daemon.proxy.setAttribute('a', '1');
  t.equal(await daemon.proxy.getAttribute('a', { node: 'remote1' }), '1');
  t.equal(await daemon.proxy.withNode('remote1').getAttribute('a'), '1');
  t.equal(asked(), 2);

  const ac = new AbortController();
  const aborted = daemon.proxy.learnNodeName({ signal: ac.signal, timeoutMs: 0 });
  await until(() => asked() === 3);
  ac.abort();
  await t.rejects(aborted, code(ProxyErrorCode.Aborted));

  // The provider leaves while the question is open (no time limit): PROXY_PROVIDER_LOST.
  const lost = daemon.proxy.learnNodeName({ timeoutMs: 0 });
  await until(() => asked() === 4);
  p.close();
  await t.rejects(lost, code(ProxyErrorCode.ProviderLost));
  await t.rejects(daemon.proxy.learnNodeName(), code(ProxyErrorCode.NoProvider));

  // The next provider is asked afresh.
  await provider({ nodeName: 'remote9' });
  await until(() => daemon.proxy.providers.length === 1);
  t.equal(await daemon.proxy.learnNodeName(), 'remote9');
});

t.test('the node name: callers in flight do not share a question, so one abort reaches only its caller (§8.12.1)', async (t) => {
  const { daemon, provider } = await transports[0]!.start(t);
  let questions = 0;
  // The first node-info stays unanswered; later ones are answered.
  await provider({ nodeName: 'remote3', onRequest: (server, _m, body) => (server === 'crmd' && body.attrs.crm_task === 'node-info' && questions++ === 0 ? 'silent' : undefined) });
  await until(() => daemon.proxy.providers.length === 1);
  const ac = new AbortController();
  const first = daemon.proxy.learnNodeName({ signal: ac.signal, timeoutMs: 0 });
  await until(() => questions === 1);
  t.equal(await daemon.proxy.learnNodeName({ timeoutMs: 5000 }), 'remote3', 'a second caller asks for itself');
  ac.abort();
  await t.rejects(first, code(ProxyErrorCode.Aborted));
  t.equal(await daemon.proxy.learnNodeName(), 'remote3');
  t.equal(questions, 2, 'the answer is remembered');
});
