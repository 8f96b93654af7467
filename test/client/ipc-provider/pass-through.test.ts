// Pass-through handlers and the §8.6 rewrites (spec/protocol.md §8.6), and the
// body helpers of §8.2/§8.5.
import t from 'tap';
import {
  ackBody,
  createIpcProvider,
  createPassThroughHandler,
  createPassThroughHandlers,
  nackBody,
  parseBody,
  rewriteProxiedRequest,
  toRawBody,
  IpcProviderErrorCode,
  type ForwardCall,
} from '../../../src/client/index.js';
import { serializeXml } from '../../../src/protocol/xml/serializer.js';
import type { IpcProxy } from '../../../src/protocol/index.js';
import { call, FakeSession } from './fake-session.js';
import { FakeDaemon } from './fake-daemon.js';

t.test('rewrites: acl_role, acl_target/lrmd_ipc_user, attrd attr_host', async (t) => {
  const x = (s: string): string => serializeXml(rewriteProxiedRequest(parseBody({ xml: s }), 'remote1'));
  t.equal(x('<cib_command t="cib" cib_op="cib_query" acl_target="root"/>'), '<cib_command t="cib" cib_op="cib_query" acl_target="remote1" acl_role="pacemaker-remote" lrmd_ipc_user="remote1"/>');
  t.equal(x('<create_attrd_op t="attrd" task="update" attr_name="a"/>'), '<create_attrd_op t="attrd" task="update" attr_name="a" acl_role="pacemaker-remote" acl_target="remote1" lrmd_ipc_user="remote1" attr_host="remote1"/>');
  t.match(x('<create_attrd_op t="attrd" task="update-delay" attr_host="n1"/>'), /attr_host="n1"/);
  t.notMatch(x('<create_attrd_op t="attrd" task="query"/>'), /attr_host/);
  t.match(x('<a><b/></a>'), /^<a acl_role="pacemaker-remote" acl_target="remote1" lrmd_ipc_user="remote1"><b\/><\/a>$/, 'children kept');
});

t.test('forward gets the rewritten copy; returns and throws as any handler', async (t) => {
  const calls: ForwardCall[] = [];
  const opened: string[] = [];
  const closed: string[] = [];
  const handlers = createPassThroughHandlers({
    nodeName: 'remote1',
    forward: (c) => {
      calls.push(c);
      if (c.xml.attrs.boom) throw new Error('backend');
      return `<answer to="${c.xml.name}"/>`;
    },
    open: (s) => void opened.push(s.server),
    close: (s, r) => void closed.push(`${s.server}:${r}`),
  });
  t.same(Object.keys(handlers).sort(), ['attrd', 'cib', 'crmd', 'stonith-ng']);
  const daemon = new FakeDaemon();
  const client = await daemon.connect();
  t.teardown(() => client.close());
  createIpcProvider(client, { handlers, nodeName: 'remote1' });
  daemon.open('S1', 'attrd');
  daemon.request('S1', 1, '<create_attrd_op t="attrd" task="update" attr_name="a"/>');
  daemon.request('S1', 2, '<x boom="1"/>');
  await daemon.settle();
  daemon.ipc({ ipcOp: 'destroy', session: 'S1' } as IpcProxy);
  await daemon.settle();
  t.same(opened, ['attrd']);
  t.same(closed, ['attrd:daemon']);
  t.equal(calls[0]!.xml.attrs.attr_host, 'remote1');
  t.equal(calls[0]!.request.xml.attrs.attr_host, undefined, 'the original is untouched');
  t.same(
    daemon.received.map((m) => ('body' in m ? m.body?.xml : m.ipcOp)),
    ['<answer to="create_attrd_op"/>', '<nack function="ipc-provider" line="0" rc="-70"/>'],
  );
});

t.test('rewrite: false forwards the message as relayed', async (t) => {
  const h = createPassThroughHandler({ nodeName: 'n', rewrite: false, forward: (c) => c.xml });
  t.equal(await call(h, new FakeSession('cib_rw'), '<q a="1"/>'), '<q a="1"/>');
});

t.test('body helpers', async (t) => {
  t.equal(serializeXml(ackBody('f')), '<ack function="f" line="0"/>');
  t.equal(serializeXml(ackBody('f', 4)), '<ack function="f" line="0" status="4"/>');
  t.equal(serializeXml(nackBody('f', -70)), '<nack function="f" line="0" rc="-70"/>');
  t.same(toRawBody('  <a/>\n'), { xml: '<a/>' });
  t.throws(() => toRawBody('text'), { code: IpcProviderErrorCode.BadBody });
  t.throws(() => parseBody({ xml: '<a>' }), { code: IpcProviderErrorCode.BadBody });
});
