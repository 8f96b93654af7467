// The XPath subset of CIB queries (spec/protocol.md §8.16), including the
// exact expressions crm_attribute 2.1.5 sends (see ../data/real-tools-capture.json).
import t from 'tap';
import { compileXpath, evaluateXpath, IpcProviderErrorCode } from '../../../../src/client/index.js';
import { parseXml } from '../../../../src/protocol/xml/parser.js';

const doc = parseXml(
  '<cib><configuration><nodes><node id="1" uname="Node1"/><node id="r1" uname="remote1" type="remote"/></nodes>' +
    '<resources><primitive id="remote1" class="ocf" provider="pacemaker" type="remote"><meta_attributes id="m"><nvpair id="m1" name="remote-node" value="Guest1"/></meta_attributes></primitive>' +
    '<primitive id="d" class="ocf" provider="heartbeat" type="Dummy"><op><x>text</x></op></primitive></resources></configuration>' +
    '<status><node_state id="r1" remote_node="true"><transient_attributes id="r1"><instance_attributes id="status-r1"><nvpair id="a" name="foo" value="bar"/><nvpair id="b" name="baz" value="1"/></instance_attributes></transient_attributes></node_state></status></cib>',
);
const ids = (xpath: string): string[] => evaluateXpath(doc, xpath).map((e) => e.attrs.id ?? e.name);

t.test('paths, descendants, unions, document order', async (t) => {
  t.same(ids('/cib/configuration/nodes/node'), ['1', 'r1']);
  t.same(ids('//cib/status//node_state[@id=\'r1\']//transient_attributes//nvpair[@name=\'foo\']'), ['a']);
  t.same(ids('//nvpair'), ['m1', 'a', 'b']);
  t.same(ids('/cib/status//nvpair | /cib/configuration//nvpair'), ['m1', 'a', 'b'], 'union in document order');
  t.same(ids('/cib/*/nodes/node[2]'), ['r1'], 'position');
  t.same(ids('//nvpair/..'), ['m', 'status-r1']);
  t.same(ids('/cib/configuration//..'), ['cib', 'configuration', 'nodes', 'resources', 'remote1', 'm', 'd', 'op'].map((x) => x), 'parents of every descendant');
  t.same(ids('/nope'), []);
  t.same(ids('//cib'), ['cib']);
});

t.test('predicates', async (t) => {
  t.same(ids("//nvpair[@id='a' and @name='foo']"), ['a']);
  t.same(ids("//nvpair[@id='a' or @name='baz']"), ['a', 'b']);
  t.same(ids("//nvpair[@name!='foo']"), ['m1', 'b']);
  t.same(ids('//node[@type]'), ['r1']);
  t.same(ids('//node[not(@type)]'), ['1']);
  t.same(ids("//primitive[op]"), ['d'], 'child element test');
  t.same(ids("//op[x='text']"), ['op']);
  t.same(ids("//nvpair[@value=1]"), ['b'], 'number comparison');
  t.same(ids("//nvpair[contains(@name,'a')]"), ['b']);
  t.same(ids("//nvpair[starts-with(@name,'f')]"), ['a']);
  t.same(ids("//nvpair[concat(@name,'-',@value)='foo-bar']"), ['a']);
  t.same(ids("//*[name()='op']"), ['op']);
  t.same(ids("//*[local-name()='op']"), ['op']);
  t.same(ids("//nvpair[string(@name)='baz']"), ['b']);
  t.same(ids('//nvpair[true()]').length, 3);
  t.same(ids('//nvpair[false()]'), []);
  t.same(ids("//nvpair[(@name='foo')]"), ['a']);
  t.same(ids('//nvpair[@value=true()]'), ['m1', 'a', 'b'], 'boolean comparison');
  t.same(ids('//nvpair[@missing]'), []);
  t.same(ids("//nvpair[@name]['']"), [], 'an empty string is false');
  t.same(ids('//nvpair[0]'), [], 'position 0 matches nothing');
});

t.test("query_node_uuid's expression (case-insensitive via translate)", async (t) => {
  const up = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const low = 'abcdefghijklmnopqrstuvwxyz';
  const tr = (attr: string, v: string): string => `[translate(@${attr},'${up}','${low}') ='${v}']`;
  const q = (v: string): string =>
    `/cib/configuration/nodes/node${tr('uname', v)}|/cib/configuration/resources/primitive[@class='ocf'][@provider='pacemaker'][@type='remote']${tr('id', v)}` +
    `|/cib/configuration/resources/primitive/meta_attributes/nvpair[@name='remote-node']${tr('value', v)}|/cib/status/node_state[@remote_node='true']${tr('id', v)}`;
  t.same(ids(q('node1')), ['1']);
  t.same(ids(q('remote1')), ['r1', 'remote1']);
  t.same(ids(q('guest1')), ['m1']);
  t.same(ids(q('r1')), ['r1']);
  t.same(evaluateXpath(doc, compileXpath(q('nobody'))), []);
  t.same(ids("//nvpair[translate(@name,'fo','F')='F']"), ['a'], 'translate drops characters without a counterpart');
});

t.test('outside the subset: IPC_BAD_XPATH', async (t) => {
  for (const bad of ['nodes/node', '//node[', '//node[@id=]', '/cib/$', '//node[foo(@id)]', '/cib/123', '//node]', '//node[@id="1"', '//node[)]']) {
    t.throws(() => evaluateXpath(doc, bad), { code: IpcProviderErrorCode.BadXpath }, bad);
  }
});
