// The in-memory CIB (spec/protocol.md §8.16): sections, query shapes, writes,
// transient attributes.
import t from 'tap';
import { CibCallOpt, CibRc, CibStore, IpcProviderErrorCode } from '../../../../src/client/index.js';
import { parseXml } from '../../../../src/protocol/xml/parser.js';
import { serializeXml } from '../../../../src/protocol/xml/serializer.js';

const SEED = `<cib epoch="1" num_updates="0">
  <configuration>
    <crm_config/>
    <nodes><node id="1" uname="node1"/><node id="remote1" uname="remote1" type="remote"/></nodes>
    <resources><primitive id="gw" class="ocf" provider="pacemaker" type="remote"/></resources>
  </configuration>
</cib>`;
const x = (text: string) => parseXml(text);
const ser = (e: ReturnType<typeof x> | undefined): string => (e ? serializeXml(e) : '(none)');

t.test('seed checks and blank text removal', async (t) => {
  t.throws(() => new CibStore('<nope/>'), { code: IpcProviderErrorCode.BadCib });
  t.throws(() => new CibStore('<cib>'), { code: IpcProviderErrorCode.BadCib });
  t.throws(() => new CibStore('<cib><status/></cib>'), { code: IpcProviderErrorCode.BadCib });
  const s = new CibStore(SEED);
  t.equal(ser(s.section('nodes')), '<nodes><node id="1" uname="node1"/><node id="remote1" uname="remote1" type="remote"/></nodes>');
  t.equal(ser(s.section('status')), '<status/>', 'a missing status section is added');
  t.equal(s.section('all'), s.root);
  t.equal(s.section(), s.root);
  t.equal(s.section('bogus'), undefined);
  t.equal(s.section('alerts'), undefined, 'a known but absent section');
  const tree = new CibStore(x('<cib><configuration/><status/></cib>'));
  t.equal(ser(tree.root), '<cib><configuration/><status/></cib>');
});

t.test('queries', async (t) => {
  const s = new CibStore(SEED);
  t.same(s.query('nodes', 0).rc, CibRc.ok);
  t.equal(ser(s.query('crm_config', 0).output), '<crm_config/>');
  t.equal(s.query('alerts', 0).rc, CibRc.ENXIO);
  t.equal(ser(s.query('nodes', CibCallOpt.noChildren).output), '<nodes/>');
  t.equal(ser(s.query("//node[@id='1']", CibCallOpt.xpath).output), '<node id="1" uname="node1"/>', 'one match: the element itself');
  t.equal(ser(s.query('//node', CibCallOpt.xpath).output), '<xpath-query><node id="1" uname="node1"/><node id="remote1" uname="remote1" type="remote"/></xpath-query>');
  t.equal(ser(s.query('//node', CibCallOpt.xpath | CibCallOpt.noChildren).output), '<xpath-query><node id="1" uname="node1"/><node id="remote1" uname="remote1" type="remote"/></xpath-query>');
  t.equal(ser(s.query('//nodes', CibCallOpt.xpath | CibCallOpt.noChildren).output), '<nodes/>');
  t.equal(
    ser(s.query("//node[@id='1']", CibCallOpt.xpath | CibCallOpt.xpathAddress).output),
    `<xpath-query><xpath-query-path id="/cib/configuration/nodes/node[@id='1']"/></xpath-query>`,
  );
  t.equal(s.query('//nothing', CibCallOpt.xpath).rc, CibRc.ENXIO);
  t.equal(ser(s.query(undefined, CibCallOpt.xpath).output).slice(0, 4), '<cib');
});

t.test('modify, create, delete, replace', async (t) => {
  const s = new CibStore(SEED);
  const changes: string[] = [];
  s.on('change', (op) => changes.push(op));
  t.equal(s.modify('nodes', 0, undefined).rc, CibRc.EINVAL);
  t.equal(s.modify('bogus', 0, x('<node id="1"/>')).rc, CibRc.ENXIO);
  t.equal(s.modify('nodes', 0, x('<node id="1" uname="node1"><instance_attributes id="ia"><nvpair id="n" name="a" value="1"/></instance_attributes></node>')).rc, CibRc.ok);
  t.equal(s.modify('nodes', 0, x('<node id="1"><instance_attributes id="ia"><nvpair id="n" value="2"/></instance_attributes></node>')).rc, CibRc.ok, 'merge by id');
  t.equal(ser(s.query("//node[@id='1']", CibCallOpt.xpath).output), '<node id="1" uname="node1"><instance_attributes id="ia"><nvpair id="n" name="a" value="2"/></instance_attributes></node>');
  t.equal(s.modify('nodes', 0, x('<nodes><node id="9" uname="n9"/></nodes>')).rc, CibRc.ok, 'the section itself, merged');
  t.equal(s.modify('nodes', 0, x('<node id="7"/>')).rc, CibRc.ENXIO, 'absent without can_create');
  t.equal(s.modify('nodes', CibCallOpt.canCreate, x('<node id="7" uname="n7"/>')).rc, CibRc.ok);
  t.equal(s.modify("//node[@id='7']", CibCallOpt.xpath, x('<node id="7" type="member"/>')).rc, CibRc.ok);
  t.equal(s.modify('//node', CibCallOpt.xpath | CibCallOpt.multiple, x('<node flag="y"/>')).rc, CibRc.ENXIO, 'no id: matches none by id');
  t.equal(s.modify('//nothing', CibCallOpt.xpath, x('<node/>')).rc, CibRc.ENXIO);
  t.equal(s.create('resources', 0, x('<primitive id="d" class="ocf" provider="heartbeat" type="Dummy"/>')).rc, CibRc.ok);
  t.equal(s.create('resources', 0, x('<primitive id="d"/>')).rc, CibRc.EEXIST);
  t.equal(s.create('resources', 0, undefined).rc, CibRc.EINVAL);
  t.equal(s.create('bogus', 0, x('<a/>')).rc, CibRc.ENXIO);
  t.equal(s.create("//resources", CibCallOpt.xpath, x('<group id="g"/>')).rc, CibRc.ok);
  t.equal(s.delete('resources', 0, x('<primitive id="d"/>')).rc, CibRc.ok);
  t.equal(s.delete('resources', 0, x('<primitive id="zz"/>')).rc, CibRc.ok, 'already gone counts as done');
  t.equal(s.delete('resources', 0, undefined).rc, CibRc.EINVAL);
  t.equal(s.delete('bogus', 0, x('<a/>')).rc, CibRc.ENXIO);
  t.equal(s.delete("//group[@id='g']", CibCallOpt.xpath, undefined).rc, CibRc.ok);
  t.equal(s.delete('/cib', CibCallOpt.xpath, undefined).rc, CibRc.EINVAL, 'not the whole CIB');
  t.equal(s.delete('//node', CibCallOpt.xpath | CibCallOpt.multiple, undefined).rc, CibRc.ok);
  t.equal(ser(s.section('nodes')), '<nodes/>');
  t.equal(s.replace('crm_config', 0, x('<crm_config><cluster_property_set id="c"/></crm_config>')).rc, CibRc.ok);
  t.equal(ser(s.section('crm_config')), '<crm_config><cluster_property_set id="c"/></crm_config>');
  t.equal(s.replace("//cluster_property_set", CibCallOpt.xpath, x('<cluster_property_set id="c2"/>')).rc, CibRc.ok);
  t.equal(s.replace("//nothing", CibCallOpt.xpath, x('<a/>')).rc, CibRc.ENXIO);
  t.equal(s.replace('bogus', 0, x('<a/>')).rc, CibRc.ENXIO);
  t.equal(s.replace('nodes', 0, undefined).rc, CibRc.EINVAL);
  t.equal(s.replace(undefined, 0, x('<nodes/>')).rc, CibRc.EINVAL, 'the whole CIB only by a <cib>');
  t.equal(s.replace(undefined, 0, x('<cib epoch="9"><configuration/><status/></cib>')).rc, CibRc.ok);
  t.equal(s.root.attrs.epoch, '9');
  t.ok(Number(s.root.attrs.num_updates) >= changes.length - 1, 'num_updates counts changes');
  t.ok(changes.includes('cib_modify') && changes.includes('cib_create') && changes.includes('cib_delete') && changes.includes('cib_replace'));
});

t.test('node ids and transient attributes', async (t) => {
  const s = new CibStore(SEED);
  t.same(s.nodeUuid('NODE1'), { id: '1', remote: false });
  t.same(s.nodeUuid('remote1'), { id: 'remote1', remote: true });
  t.same(s.nodeUuid('gw'), { id: 'gw', remote: true }, 'an ocf:pacemaker:remote primitive');
  t.equal(s.nodeUuid('ghost'), undefined);
  s.ensureNodeState('ghost', { in_ccm: 'true' });
  s.ensureNodeState('ghost', { in_ccm: 'false' });
  t.same(s.nodeUuid('ghost'), { id: 'ghost', remote: true }, 'a remote node_state');
  t.equal(ser(s.section('status')), '<status><node_state id="ghost" uname="ghost" remote_node="true" in_ccm="true"/></status>');
  s.setTransientAttribute({ id: '1', uname: 'node1', remote: false }, 'gone', undefined);
  t.equal(s.section('status')!.children.length, 1, 'removing from nothing adds nothing');
  s.setTransientAttribute({ id: '1', uname: 'node1', remote: false }, 'a:b', 'v');
  s.setTransientAttribute({ id: '1', uname: 'node1', remote: false }, 'a:b', 'w');
  s.setTransientAttribute({ id: '1', uname: 'node1', remote: false }, 'c', 'x', 'myset');
  t.equal(
    ser(s.query("//node_state[@id='1']", CibCallOpt.xpath).output),
    '<node_state id="1" uname="node1"><transient_attributes id="1"><instance_attributes id="status-1"><nvpair id="status-1-a.b" name="a:b" value="w"/></instance_attributes><instance_attributes id="myset"><nvpair id="myset-c" name="c" value="x"/></instance_attributes></transient_attributes></node_state>',
  );
  s.setTransientAttribute({ id: '1', uname: 'node1', remote: false }, 'a:b', undefined);
  s.setTransientAttribute({ id: '1', uname: 'node1', remote: false }, 'zz', undefined, 'other');
  s.setTransientAttribute({ id: 'ghost', uname: 'ghost', remote: true }, 'zz', undefined);
  t.equal(s.query("//nvpair[@name='a:b']", CibCallOpt.xpath).rc, CibRc.ENXIO);
});

t.test('the whole-CIB text is cached until a change', async (t) => {
  const s = new CibStore(SEED);
  const a = s.text();
  t.equal(s.text(), a, 'same text object while unchanged');
  s.root.attrs.epoch = '5';
  t.equal(s.text(), a, 'a direct edit is not seen until touch()');
  const changes: string[] = [];
  s.on('change', (op) => changes.push(op));
  s.touch();
  t.match(s.text(), /epoch="5" num_updates="1"/);
  t.same(changes, ['external']);
  s.setTransientAttribute({ id: 'remote1', uname: 'remote1', remote: true }, 'a', 'b');
  t.match(s.text(), /name="a" value="b"/);
});
