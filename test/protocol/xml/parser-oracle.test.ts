/**
 * The parser and serializer checked against saxes, an independent
 * conforming XML 1.0 parser, on a corpus and on random trees.
 */
import t from 'tap';
import fc from 'fast-check';
import { SaxesParser } from 'saxes';
import { isXmlName, parseXml, serializeXml } from '../../../src/protocol/xml/index.js';
import type { XmlElement, XmlNode } from '../../../src/protocol/xml/index.js';

/** Parses with saxes into the same tree shape (PIs and content outside the root ignored). */
function saxesTree(xml: string): XmlElement {
  const parser = new SaxesParser({ xmlns: false });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const add = (node: XmlNode) => stack[stack.length - 1]?.children.push(node);
  parser.on('error', (err) => {
    throw err;
  });
  parser.on('opentag', (tag) => {
    const attrs: Record<string, string> = Object.create(null);
    for (const [k, v] of Object.entries(tag.attributes)) attrs[k] = v as string;
    const node: XmlElement = { type: 'element', name: tag.name, attrs, children: [] };
    if (stack.length === 0) root = node;
    else add(node);
    stack.push(node);
  });
  parser.on('closetag', () => void stack.pop());
  parser.on('text', (text) => add({ type: 'text', text }));
  parser.on('cdata', (text) => add({ type: 'cdata', text }));
  parser.on('comment', (text) => add({ type: 'comment', text }));
  parser.write(xml).close();
  if (root === undefined) throw new Error('saxes: no root');
  return root;
}

interface Canon {
  name: string;
  attrs: [string, string][];
  children: (Canon | [string, string])[];
}

/** Comparable form: attributes as ordered pairs; blank text dropped, then adjacent text of one kind merged. */
function canon(el: XmlElement): Canon {
  const children: (Canon | [string, string])[] = [];
  for (const node of el.children) {
    if (node.type === 'element') {
      children.push(canon(node));
      continue;
    }
    if (node.type === 'raw') throw new Error('raw node in canon');
    if (node.type === 'text' && /^[ \t\r\n]*$/.test(node.text)) continue;
    const last = children[children.length - 1];
    if (Array.isArray(last) && last[0] === node.type && node.type !== 'comment') last[1] += node.text;
    else children.push([node.type, node.text]);
  }
  return { name: el.name, attrs: Object.entries(el.attrs), children };
}

const appendixA = [
  `<lrmd_command t="lrmd" lrmd_op="lrmd_rsc_exec" lrmd_timeout="20000" lrmd_callopt="4"
              lrmd_remote_msg_id="17" lrmd_remote_msg_type="request">
  <lrmd_calldata>
    <lrmd_rsc lrmd_origin="lrmd_api_exec" lrmd_rsc_id="vip" lrmd_rsc_action="monitor"
              lrmd_rsc_userdata_str="12:34:0:6fd1b2c3-0000-4a5b-9c8d-123456789abc"
              lrmd_rsc_interval="10000" lrmd_timeout="20000" lrmd_rsc_start_delay="0">
      <attributes CRM_meta_interval="10000" CRM_meta_name="monitor" CRM_meta_timeout="20000"
                  CRM_meta_on_node="remote1" crm_feature_set="3.19.0" ip="192.0.2.10"/>
    </lrmd_rsc>
  </lrmd_calldata>
</lrmd_command>`,
  `<lrmd_reply lrmd_origin="process_lrmd_message" lrmd_rc="41" lrmd_callid="41"
lrmd_remote_msg_id="17" lrmd_remote_msg_type="reply"/>`,
  `<lrmd_notify lrmd_origin="send_cmd_complete_notify" lrmd_timeout="20000"
  lrmd_rsc_interval="10000" lrmd_rsc_start_delay="0" lrmd_exec_rc="0" lrmd_exec_op_status="0"
  lrmd_callid="41" lrmd_rsc_deleted="0" lrmd_run_time="1732230000" lrmd_rcchange_time="0"
  lrmd_exec_time="27" lrmd_queue_time="0" lrmd_op="lrmd_rsc_exec" lrmd_rsc_id="vip"
  lrmd_rsc_action="monitor" lrmd_rsc_userdata_str="12:34:0:6fd1b2c3-0000-4a5b-9c8d-123456789abc"
  lrmd_remote_msg_id="0" lrmd_remote_msg_type="notify">
  <attributes CRM_meta_interval="10000" CRM_meta_name="monitor" CRM_meta_timeout="20000"
              CRM_meta_on_node="remote1" crm_feature_set="3.19.0" ip="192.0.2.10"/>
</lrmd_notify>`,
  `<lrmd_notify lrmd_origin="send_generic_notify" lrmd_rc="0" lrmd_callid="5"
lrmd_op="lrmd_rsc_register" lrmd_rsc_id="vip" lrmd_remote_msg_id="0" lrmd_remote_msg_type="notify"/>`,
  `<lrmd_command t="lrmd" lrmd_op="lrmd_rsc_poke" lrmd_timeout="0"
lrmd_callopt="0" lrmd_remote_msg_id="18" lrmd_remote_msg_type="request"><lrmd_calldata><lrmd_rsc
lrmd_origin="lrmd_api_poke_connection"/></lrmd_calldata></lrmd_command>`,
  `<lrmd_ipc_proxy lrmd_ipc_op="new" lrmd_ipc_server="cib_rw"
lrmd_ipc_session="0b6e9d62-5b4c-4d8e-9c53-2bde3c4ad0f1" lrmd_remote_msg_id="0"
lrmd_remote_msg_type="notify"/>`,
  `<lrmd_ipc_proxy lrmd_ipc_op="shutdown_req" lrmd_ipc_session="0"
lrmd_remote_msg_id="0" lrmd_remote_msg_type="notify"/>`,
  `<lrmd_ipc_proxy
lrmd_ipc_op="shutdown_ack" lrmd_op="ipc_fwd" lrmd_remote_msg_id="23" lrmd_remote_msg_type="request"/>`,
];

const cib = `<?xml version="1.0" encoding="UTF-8"?>
<!-- written by hand for the tests -->
<cib crm_feature_set="3.19.0" validate-with="pacemaker-3.10" epoch="42" num_updates='7' admin_epoch="0"
     cib-last-written="Fri Nov 22 10:00:00 2024" have-quorum="1" dc-uuid="1">
  <configuration>
    <crm_config>
      <!-- cluster options; an ampersand & and <tags> are fine in comments -->
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="opt-1" name="stonith-enabled" value="false"/>
        <nvpair id="opt-2" name="cluster-name" value="caf&#xE9; &amp; th&#233; &lt;lab&gt; &quot;one&quot; &apos;two&apos;"/>
        <nvpair id="opt-3" name="multi" value="line1&#xA;line2&#x9;tab&#13;cr"/>
        <nvpair id="opt-4" name="raw-ws" value="a\tb
c"/>
      </cluster_property_set>
    </crm_config>
    <nodes><node id="1" uname="node1"/><node id="2" uname="n\u00f6de-\u4e8c"/></nodes>
    <resources>
      <primitive id="vip" class="ocf" provider="heartbeat" type="IPaddr2">
        <instance_attributes id="vip-ia"><nvpair id="vip-ip" name="ip" value="192.0.2.10"/></instance_attributes>
        <operations>
          <op id="vip-mon" name="monitor" interval="10s" timeout="20s"/>
        </operations>
      </primitive>
    </resources>
    <rsc_defaults><description>Mixed <b>content</b> &amp; an emoji \u{1F600} &#x1F600;</description></rsc_defaults>
  </configuration>
  <status>
    <node_state id="1"><![CDATA[<raw> & ]] text]]><![CDATA[]]>after cdata<?ignored pi?>more</node_state>
  </status>
</cib>
<!-- trailing comment -->
`;

const extra = [
  '<a/>',
  '<a></a>',
  '<a>text</a>',
  '<a> lead and trail </a>',
  '<a>x<!--c-->y<![CDATA[z]]>w</a>',
  '<a b="1"\n\tc=\'2\'\r\n/>',
  '<a>\r\nCRLF\rCR</a>',
  '<a>\r\n  lead<b/>\r trail \r\n</a>',
  '<a>\r<![CDATA[\r\n]]>\r\n<!--\r-->\r</a>',
  '<a v="\r\n|\r|\n|\t"/>',
  '<ns:a xmlns:ns="urn:x" ns:b="1"><ns:c/></ns:a>',
  '<\u00e9l\u00e9ment \u00e4ttr="\u00fc"/>',
  '<a>]]&gt; ]]</a>',
  '<a><!----><!-- - --></a>',
  '<?xml version="1.0"?><!--a--><?pi x?><a/><?pi y?><!--b-->',
  '<a>&#x10FFFF;&#x7F;&#x85;</a>',
];

const corpus = [...appendixA, cib, ...extra];

t.test('corpus: same tree as saxes', async (t) => {
  for (const doc of corpus) t.same(canon(parseXml(doc)), canon(saxesTree(doc)), doc.slice(0, 60));
});

t.test('corpus: serialize then parse keeps the tree, and saxes agrees', async (t) => {
  for (const doc of corpus) {
    const text = serializeXml(parseXml(doc));
    t.same(canon(parseXml(text)), canon(parseXml(doc)), doc.slice(0, 60));
    t.same(canon(saxesTree(text)), canon(parseXml(doc)), `saxes: ${doc.slice(0, 60)}`);
  }
});

t.test('documents saxes rejects are rejected too', async (t) => {
  const bad = [
    '<a>', '<a></b>', '<a/><b/>', 'x<a/>', '<a/>x', '<a x="1" x="2"/>', '<a x=1/>', '<a x="<"/>',
    '<a>&foo;</a>', '<a>&amp</a>', '<a>&#0;</a>', '<a>&#xD800;</a>', '<a>&#x110000;</a>', '<a>]]></a>',
    '<a><!-- -- --></a>', '<a>\u0001</a>', '<1a/>', '<a\u00d7/>', '<a><![CDATA[x</a>', ' <?xml version="1.0"?><a/>',
    '<a><?xml version="1.0"?></a>', '<a x="1"y="2"/>', '<a>&#xFFFE;</a>',
  ];
  for (const doc of bad) {
    t.throws(() => saxesTree(doc), `saxes rejects ${doc}`);
    t.throws(() => parseXml(doc), { name: 'ProtocolError' }, `we reject ${doc}`);
  }
});

t.test('documented differences from saxes', async (t) => {
  // Pacemaker 3.0 writes C0 controls as references; saxes (XML 1.0) refuses them.
  t.throws(() => saxesTree('<a v="&#x01;"/>'));
  t.equal(parseXml('<a v="&#x01;"/>').attrs['v'], '\u0001');
  // saxes reads a DOCTYPE; we refuse it.
  t.doesNotThrow(() => saxesTree('<!DOCTYPE a><a/>'));
  t.throws(() => parseXml('<!DOCTYPE a><a/>'), { code: 'XML_FORBIDDEN' });
});

// Random trees -------------------------------------------------------------------------------

const startChars = ['a', 'Z', '_', ':', 'é', '中', '\u{10000}'];
const nameChars = [...startChars, '-', '.', '0', '9', '\u00b7', '\u0300'];
const nameArb = fc
  .tuple(fc.constantFrom(...startChars), fc.array(fc.constantFrom(...nameChars), { maxLength: 8 }))
  .map(([a, rest]) => a + rest.join(''))
  .filter((n) => n !== '__proto__');

/** Characters XML 1.0 cannot carry, which the serializer drops. */
function cleanChars(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
}

const special = fc.constantFrom('&', '<', '>', '"', "'", '\t', '\n', '\r', '\r\n', ']]>', ' ', '\u0001', '\u0000', '\ufffe', '&amp;', '--');
const unit = fc.oneof(special, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }));
const valueArb = fc.string({ unit, maxLength: 12 });

const textNode = valueArb.map((text): XmlNode => ({ type: 'text', text }));
const cdataNode = valueArb.map((text): XmlNode => ({ type: 'cdata', text: text.replace(/\r/g, '') }));
const commentNode = valueArb.map(
  (text): XmlNode => ({ type: 'comment', text: cleanChars(text).replace(/\r/g, '').replace(/-+/g, '-').replace(/-$/, '') }),
);

const { tree } = fc.letrec<{ tree: XmlElement; node: XmlNode }>((tie) => ({
  tree: fc
    .record({
      name: nameArb,
      attrs: fc.uniqueArray(fc.tuple(nameArb, valueArb), { selector: ([k]) => k, maxLength: 4 }),
      children: fc.array(tie('node'), { maxLength: 4 }),
    })
    .map(({ name, attrs, children }): XmlElement => {
      const obj: Record<string, string> = Object.create(null);
      for (const [k, v] of attrs) obj[k] = v;
      return { type: 'element', name, attrs: obj, children };
    }),
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, textNode, cdataNode, commentNode, tie('tree')),
}));

/** What a tree should look like after a trip through text: unrepresentable characters gone, adjacent texts merged. */
function expected(el: XmlElement): XmlElement {
  const clean = cleanChars;
  const attrs: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(el.attrs)) attrs[k] = clean(v);
  const children: XmlNode[] = [];
  for (const node of el.children) {
    const last = children[children.length - 1];
    if (node.type === 'element') children.push(expected(node));
    else if (node.type === 'text' && last?.type === 'text') children[children.length - 1] = { type: 'text', text: last.text + clean(node.text) };
    else if (node.type !== 'raw') children.push({ type: node.type, text: clean(node.text) });
  }
  return { type: 'element', name: el.name, attrs, children };
}

t.test('property: serialize → parse gives the same tree back, and saxes agrees', async (t) => {
  t.ok(isXmlName('a\u0300'));
  fc.assert(
    fc.property(tree, (doc) => {
      const text = serializeXml(doc);
      const want = canon(expected(doc));
      const ours = canon(parseXml(text));
      const theirs = canon(saxesTree(text));
      return JSON.stringify(ours) === JSON.stringify(want) && JSON.stringify(theirs) === JSON.stringify(want);
    }),
    { numRuns: 1500 },
  );
  t.pass('1500 random trees');
});

t.test('property: attribute values survive exactly, TAB/LF/CR and specials included', async (t) => {
  fc.assert(
    fc.property(valueArb, (value) => {
      const text = serializeXml({ type: 'element', name: 'a', attrs: { v: value }, children: [] });
      const want = cleanChars(value);
      return parseXml(text).attrs['v'] === want && saxesTree(text).attrs['v'] === want;
    }),
    { numRuns: 3000 },
  );
  t.pass('3000 values');
});
