// The in-memory backend's handlers, one endpoint at a time (spec/protocol.md
// §8.16), with request shapes as the 2.1.5 tools send them
// (../data/real-tools-capture.json).
import t from 'tap';
import {
  AttributeTable,
  CibStore,
  createAttrdHandler,
  createCibHandler,
  createCrmdHandler,
  createFencerHandler,
  createMemoryBackend,
} from '../../../../src/client/index.js';
import { call, FakeSession } from '../fake-session.js';

const SEED =
  '<cib epoch="3" num_updates="0"><configuration><crm_config/><nodes><node id="1" uname="node1"/><node id="remote1" uname="remote1" type="remote"/></nodes><resources/></configuration><status/></cib>';
const ID = /cib_clientid="[0-9a-f-]{36}"/;

t.test('CIB: sign-on, notify filters, query reply shape, writes, ro refusal', async (t) => {
  const store = new CibStore(SEED);
  const h = createCibHandler(store);
  const s = new FakeSession('cib_rw');
  const reg = await call(h, s, '<cib_command t="cib" cib_op="register" cib_clientname="cibadmin" cib_callopt="4096"/>');
  t.match(reg, /^<cib_common_callback_worker cib_op="register" cib_clientid="[0-9a-f-]{36}"\/>$/);
  t.equal(await call(h, s, '<cib_command t="cib" cib_op="register"/>', 0x100), undefined, 'no answer when nobody waits');
  const id = /cib_clientid="([^"]+)"/.exec(reg!)![1];
  const q = await call(h, s, `<cib_command __name__="cib_command" t="cib" cib_async_id="${id}" cib_op="cib_query" cib_section="nodes" cib_callid="2" cib_callopt="4352"/>`);
  t.equal(
    q,
    `<cib-reply t="cib" cib_op="cib_query" cib_callid="2" cib_clientid="${id}" cib_callopt="4352" cib_rc="0"><cib_calldata><nodes><node id="1" uname="node1"/><node id="remote1" uname="remote1" type="remote"/></nodes></cib_calldata></cib-reply>`,
  );
  t.match(await call(h, s, '<cib_command cib_op="cib_query" cib_section="alerts" cib_callid="3"/>'), /^<cib-reply t="cib" cib_op="cib_query" cib_callid="3" cib_clientid="[^"]+" cib_callopt="0" cib_rc="-6"\/>$/);
  t.equal(await call(h, s, '<cib_command cib_op="cib_notify" cib_notify_type="cib_diff_notify" cib_notify_activate="1"/>'), '<ack function="cib_common_callback_worker" line="199" status="0"/>');
  t.equal(await call(h, s, '<cib_command cib_op="cib_notify" cib_notify_type="cib_diff_notify" cib_notify_activate="0"/>'), '<ack function="cib_common_callback_worker" line="199" status="0"/>');
  t.equal(await call(h, s, '<cib_command cib_op="cib_notify" cib_notify_type="bogus"/>'), '<ack function="cib_common_callback_worker" line="199" status="2"/>');
  const create = await call(h, s, '<cib_command cib_op="cib_create" cib_section="resources" cib_callid="4"><cib_calldata><primitive id="d" class="ocf" provider="pacemaker" type="Dummy"/></cib_calldata></cib_command>');
  t.match(create, /cib_rc="0"\/>$/);
  for (const [op, rc] of [['cib_modify', 0], ['cib_replace', 0], ['cib_delete', 0], ['cib_ismaster', 0], ['noop', 0], ['cib_bump', -95]] as const) {
    const out = await call(h, s, `<cib_command cib_op="${op}" cib_section="resources" cib_callid="5"><cib_calldata><resources/></cib_calldata></cib_command>`);
    t.match(out, new RegExp(`cib_op="${op}".* cib_rc="${rc}"`), op);
  }
  const ro = new FakeSession('cib_ro');
  t.match(await call(h, ro, '<cib_command cib_op="cib_modify" cib_section="resources"><cib_calldata><resources/></cib_calldata></cib_command>'), /cib_rc="-13"/);
  t.match(await call(h, ro, '<cib_command cib_op="cib_query" cib_callopt="2" cib_section="//node[@id=\'1\']"/>'), /<cib_calldata><node id="1" uname="node1"\/><\/cib_calldata>/);
  t.match(await call(h, ro, '<cib_command cib_callid="1"/>'), /cib_rc="-95"/);
  t.match(reg, ID);
});

t.test('attrd: update (and its forms), query, peer-remove, clear-failure, refresh', async (t) => {
  const cib = new CibStore(SEED);
  const h = createAttrdHandler({ cib, nodeName: 'remote1' });
  const s = new FakeSession('attrd', null);
  const ack = '<ack function="handle_update_request" line="0" status="112" ipc-protocol-version="4"/>';
  t.equal(await call(h, s, '<create_attrd_op t="attrd" src="crm_attribute" attr_name="foo" task="update" attr_value="bar" attr_host="remote1" attr_is_remote="1" attr_is_private="0"/>'), ack);
  t.equal(h.table.get('foo', 'remote1'), 'bar');
  t.match(cib.query("//node_state[@id='remote1']//nvpair[@name='foo']", 2).output?.attrs, { id: 'status-remote1-foo', value: 'bar' });
  t.equal(await call(h, s, '<create_attrd_op t="attrd" attr_name="n" task="update" attr_value="5"/>', 0x100), undefined, 'no ack when nobody waits');
  t.equal(h.table.get('n', 'remote1'), '5', 'no attr_host: the node name');
  await call(h, s, '<create_attrd_op t="attrd" attr_name="n" task="update-both" attr_value="n++"/>');
  t.equal(h.table.get('n', 'remote1'), '6');
  await call(h, s, '<create_attrd_op t="attrd" attr_name="n" task="update" attr_value="n+=INFINITY"/>');
  t.equal(h.table.get('n', 'remote1'), 'INFINITY');
  await call(h, s, '<create_attrd_op t="attrd" attr_name="m" task="update" attr_value="m+=x"/>');
  t.equal(h.table.get('m', 'remote1'), '0');
  await call(h, s, '<create_attrd_op t="attrd" attr_name="n" task="update-delay" attr_dampening="5s"/>');
  t.equal(h.table.get('n', 'remote1'), 'INFINITY', 'update-delay keeps the value');
  await call(h, s, '<create_attrd_op t="attrd" task="update"><op attr_name="a1" attr_value="1" attr_host="node1"/><op attr_name="a2" attr_value="2" attr_host="node1"/></create_attrd_op>');
  t.equal(h.table.get('a2', 'node1'), '2', 'several updates as <op> children');
  t.match(cib.query("//node_state[@id='1']//nvpair[@name='a1']", 2).output?.attrs, { value: '1' }, 'cluster node: status entry by node id');
  await call(h, s, '<create_attrd_op t="attrd" task="update" attr_regex="^a[0-9]$" attr_host="node1"/>');
  t.equal(h.table.get('a1', 'node1'), undefined, 'regex without a value deletes');
  await call(h, s, '<create_attrd_op t="attrd" task="update" attr_regex="[" attr_host="node1"/>');
  await call(h, s, '<create_attrd_op t="attrd" task="update" attr_value="1"/>');
  await call(h, s, '<create_attrd_op t="attrd" attr_name="secret" task="update" attr_value="s" attr_is_private="1"/>');
  t.equal(h.table.get('secret', 'remote1'), 's');
  t.equal(cib.query("//nvpair[@name='secret']", 2).rc, -6, 'private values stay out of the CIB');
  const none = new FakeSession('attrd', null);
  const bare = createAttrdHandler();
  await call(bare, none, '<create_attrd_op t="attrd" attr_name="x" task="update" attr_value="1"/>');
  t.equal(bare.table.values.size, 0, 'no host known: nothing to update');
  await call(bare, none, '<create_attrd_op t="attrd" attr_name="x" task="update" attr_value="1" attr_host="h"/>');
  t.equal(bare.table.get('x', 'h'), '1', 'no CIB: table only');

  t.equal(await call(h, s, '<create_attrd_op t="attrd" attr_name="foo" task="query" attr_host="remote1"/>'), '<build_query_reply t="attrd" subt="query" attr_version="4" attr_name="foo"><node attr_host="remote1" attr_value="bar"/></build_query_reply>');
  t.equal(await call(h, s, '<create_attrd_op t="attrd" attr_name="foo" task="query" attr_host="localhost"/>'), '<build_query_reply t="attrd" subt="query" attr_version="4" attr_name="foo"><node attr_host="remote1" attr_value="bar"/></build_query_reply>');
  t.equal(await call(h, s, '<create_attrd_op t="attrd" attr_name="foo" task="query" attr_host="node1"/>'), '<build_query_reply t="attrd" subt="query" attr_version="4" attr_name="foo"><node attr_host="node1"/></build_query_reply>');
  await call(h, s, '<create_attrd_op t="attrd" attr_name="foo" task="update" attr_value="z" attr_host="node1"/>');
  t.equal(await call(h, s, '<create_attrd_op t="attrd" attr_name="foo" task="query"/>'), '<build_query_reply t="attrd" subt="query" attr_version="4" attr_name="foo"><node attr_host="remote1" attr_value="bar"/><node attr_host="node1" attr_value="z"/></build_query_reply>');
  t.equal(await call(h, s, '<create_attrd_op t="attrd" attr_name="nope" task="query"/>'), '<build_query_reply t="attrd" subt="query" attr_version="4"/>', 'unknown attribute: no attr_name');
  t.equal(await call(h, s, '<create_attrd_op t="attrd" task="query"/>'), '<build_query_reply t="attrd" subt="query" attr_version="4"/>');

  for (const [name, v] of [['fail-count-rsc#monitor_10000', '1'], ['last-failure-rsc#monitor_10000', '9'], ['fail-count-rsc#start_0', '1'], ['fail-count-other#start_0', '1'], ['fail-count-rsc', '1']]) {
    await call(h, s, `<create_attrd_op t="attrd" attr_name="${name}" task="update" attr_value="${v}"/>`);
  }
  t.match(await call(h, s, '<create_attrd_op t="attrd" task="clear-failure" attr_resource="rsc" attr_clear_operation="monitor" attr_clear_interval="10000"/>'), /^<ack function="attrd_client_clear_failure"/);
  t.equal(h.table.get('fail-count-rsc#monitor_10000', 'remote1'), undefined);
  t.equal(h.table.get('last-failure-rsc#monitor_10000', 'remote1'), undefined);
  t.equal(h.table.get('fail-count-rsc#start_0', 'remote1'), '1');
  await call(h, s, '<create_attrd_op t="attrd" task="clear-failure" attr_resource="rsc"/>');
  t.equal(h.table.get('fail-count-rsc#start_0', 'remote1'), undefined);
  t.equal(h.table.get('fail-count-other#start_0', 'remote1'), '1');
  await call(h, s, '<create_attrd_op t="attrd" task="clear-failure" attr_host="node9"/>');
  t.equal(h.table.get('fail-count-other#start_0', 'remote1'), '1', 'another node only');
  await call(h, s, '<create_attrd_op t="attrd" task="clear-failure" attr_resource="other" attr_clear_operation="start"/>');
  t.equal(h.table.get('fail-count-other#start_0', 'remote1'), undefined);

  t.match(await call(h, s, '<create_attrd_op t="attrd" task="peer-remove" attr_host="node1"/>'), /^<ack function="attrd_client_peer_remove"/);
  t.equal(h.table.get('foo', 'node1'), undefined);
  t.equal(h.table.get('foo', 'remote1'), 'bar');
  await call(h, s, '<create_attrd_op t="attrd" task="peer-remove"/>');
  t.match(await call(h, s, '<create_attrd_op t="attrd" task="refresh"/>'), /^<ack function="attrd_client_refresh"/);
  t.equal(await call(h, s, '<create_attrd_op t="attrd" task="flush"/>'), undefined, 'unknown task: nothing (the provider acks)');
  const table = new AttributeTable();
  table.set('q', 'h', undefined);
  t.equal(table.values.size, 0);
});

t.test('crmd: ack then the reply as an event; node-info, ping, list-nodes', async (t) => {
  const cib = new CibStore(SEED);
  const h = createCrmdHandler({ cib, nodeName: 'remote1' });
  const s = new FakeSession('crmd');
  t.equal(await call(h, s, '<create_request_adv origin="create_hello_message" t="crmd" subt="request" crm_task="hello"><crm_xml><options client_name="crm_node"/></crm_xml></create_request_adv>', 0x100), undefined);
  t.same(s.sent, [], 'hello: no answer');
  await call(h, s, '<create_request_adv t="crmd" subt="request" reference="node-info-crm_node-1-1" crm_task="node-info" crm_sys_to="crmd" crm_sys_from="42_crm_node"/>', 0x100);
  t.same(s.sent.map((m) => m.kind), ['event']);
  t.equal(
    s.sent[0]!.xml,
    `<create_reply_adv origin="ipc-provider" t="crmd" version="3.16.1" subt="response" reference="node-info-crm_node-1-1" crm_task="node-info" crm_sys_to="${s.id}" crm_sys_from="crmd"><crm_xml><node crm_subsystem="crmd" have-quorum="true" id="remote1" uname="remote1" crmd="member" remote_node="true"/></crm_xml></create_reply_adv>`,
  );
  s.sent.length = 0;
  await call(h, s, '<create_request_adv t="crmd" crm_task="node-info" id="1" src="node1"/>', 0x300);
  t.same(s.sent.map((m) => m.kind), ['response', 'event'], 'a waiting caller: <ack> first');
  t.match(s.sent[0]!.xml, /^<ack function="crmd_remote_proxy_cb" line="0"\/>$/);
  t.match(s.sent[1]!.xml, /crm_host_to="node1".*<node crm_subsystem="crmd" have-quorum="true" id="1" uname="node1" crmd="member" remote_node="false"\/>/);
  s.sent.length = 0;
  await call(h, s, '<create_request_adv t="crmd" crm_task="node-info" uname="stranger"/>', 0x100);
  t.match(s.sent[0]!.xml, /<crm_xml><node crm_subsystem="crmd" have-quorum="true"\/><\/crm_xml>/, 'unknown node: no uname');
  s.sent.length = 0;
  await call(h, s, '<create_request_adv t="crmd" crm_task="ping" crm_sys_to="crmd"/>', 0x100);
  t.match(s.sent[0]!.xml, /<ping_response crm_subsystem="crmd" crmd_state="S_IDLE" result="ok"\/>/);
  s.sent.length = 0;
  await call(h, s, '<create_request_adv t="crmd" crm_task="list-nodes"/>', 0x100);
  t.match(s.sent[0]!.xml, /<nodes><node id="1" uname="node1" in_ccm="member"\/><\/nodes>/);
  const bare = createCrmdHandler({ fsaState: 'S_NOT_DC', haveQuorum: false });
  const s2 = new FakeSession('crmd', null);
  await call(bare, s2, '<r crm_task="ping"/>', 0x100);
  await call(bare, s2, '<r crm_task="node-info"/>', 0x100);
  await call(bare, s2, '<r crm_task="list-nodes"/>', 0x100);
  t.match(s2.sent[0]!.xml, /crmd_state="S_NOT_DC"/);
  t.match(s2.sent[1]!.xml, /<node crm_subsystem="crmd" have-quorum="false"\/>/);
  t.match(s2.sent[2]!.xml, /<crm_xml><nodes\/><\/crm_xml>/);
});

t.test('fencer: sign-on, notify, empty history, the rest unsupported', async (t) => {
  const h = createFencerHandler();
  const s = new FakeSession('stonith-ng');
  t.match(await call(h, s, '<stonith_command t="stonith-ng" st_op="register" st_clientname="crm_mon"/>'), /^<reply st_op="register" st_clientid="[0-9a-f-]{36}"\/>$/);
  t.equal(await call(h, s, '<stonith_command st_op="st_notify" st_notify_activate="st_notify_fence"/>'), '<ack function="handle_notify_request" line="0" status="0"/>');
  t.equal(await call(h, s, '<stonith_command st_op="st_notify"/>', 0x100), undefined);
  t.match(
    await call(h, s, '<stonith_command t="stonith-ng" st_async_id="x" st_op="st_fence_history" st_callid="2" st_callopt="4096"/>'),
    /^<st-reply st_origin="fenced_construct_reply" t="stonith-ng" op-status="0" rc-code="0" st_rc="0" st_op="st_fence_history" st_callid="2" st_clientid="[0-9a-f-]{36}" st_callopt="4096"><st_calldata><st_history\/><\/st_calldata><\/st-reply>$/,
  );
  t.match(await call(h, s, '<stonith_command st_op="st_fence" st_callid="3" st_clientid="c"/>'), /op-status="3" rc-code="3" st_rc="-95" st_op="st_fence" st_callid="3" st_clientid="c"\/>$/);
});

t.test('backend: shared state; the node gets a status entry when unknown', async (t) => {
  const b = createMemoryBackend({ cib: '<cib><configuration/></cib>', nodeName: 'r9' });
  t.same(b.cib.nodeUuid('r9'), { id: 'r9', remote: true });
  t.ok(b.handlers.cib && b.handlers.attrd && b.handlers.crmd && b.handlers['stonith-ng']);
  await call(b.handlers.attrd!, new FakeSession('attrd', 'r9'), '<create_attrd_op t="attrd" attr_name="k" task="update" attr_value="v"/>');
  t.equal(b.attributes.get('k', 'r9'), 'v');
  const kept = createMemoryBackend({ cib: b.cib, nodeName: 'other', registerNode: false });
  t.equal(kept.cib, b.cib, 'a store can be shared');
  t.equal(kept.cib.nodeUuid('other'), undefined);
});
