import t from 'tap';
import { parseXml, serializeXml } from '../../../src/protocol/xml/index.js';
import type { XmlElement, XmlNode } from '../../../src/protocol/xml/index.js';

function e(name: string, attrs: Record<string, string> = {}, children: XmlNode[] = []): XmlElement {
  return { type: 'element', name, attrs, children };
}

t.test('compact output, self-closing childless elements', async (t) => {
  const doc = e('lrmd_command', { t: 'lrmd', lrmd_op: 'lrmd_rsc_exec' }, [
    e('lrmd_calldata', {}, [e('lrmd_rsc', { lrmd_rsc_id: 'vip' }, [e('attributes', { ip: '192.0.2.10' })])]),
  ]);
  t.equal(
    serializeXml(doc),
    '<lrmd_command t="lrmd" lrmd_op="lrmd_rsc_exec"><lrmd_calldata><lrmd_rsc lrmd_rsc_id="vip">' +
      '<attributes ip="192.0.2.10"/></lrmd_rsc></lrmd_calldata></lrmd_command>',
  );
  t.equal(serializeXml(e('a')), '<a/>');
  t.equal(serializeXml(e('a', {}, [{ type: 'text', text: '' }])), '<a></a>', 'an empty text child still opens the element');
});

t.test('attributes in object order, null-prototype objects work', async (t) => {
  const attrs: Record<string, string> = Object.create(null);
  attrs['z'] = '1';
  attrs['__proto__'] = '2';
  attrs['a'] = '3';
  t.equal(serializeXml(e('x', attrs)), '<x z="1" __proto__="2" a="3"/>');
  t.equal(serializeXml(e('x', { a: undefined as unknown as string, b: '1' })), '<x b="1"/>', 'undefined values are skipped');
});

t.test('attribute escaping', async (t) => {
  t.equal(serializeXml(e('a', { v: `&<>"'` })), '<a v="&amp;&lt;&gt;&quot;\'"/>');
  t.equal(serializeXml(e('a', { v: 'x\ty\nz\rw' })), '<a v="x&#x9;y&#xA;z&#xD;w"/>', 'TAB LF CR as references, never raw');
  t.equal(serializeXml(e('a', { v: 'a\u0000b\u0001c\u001fd\u000be\ufffef\uffffg' })), '<a v="abcdefg"/>', 'C0, NUL and non-characters dropped');
  t.equal(serializeXml(e('a', { v: 'é\u{1F600}\u007f\u0085' })), '<a v="é\u{1F600}\u007f\u0085"/>', 'non-ASCII passes through');
  t.equal(serializeXml(e('a', { v: 'x\ud800y\udc00' })), '<a v="x\ufffdy\ufffd"/>', 'unpaired surrogates become U+FFFD');
});

t.test('text, CDATA, comments and raw nodes', async (t) => {
  const doc = e('a', {}, [
    { type: 'text', text: 'x & <y> "q" \'s\' \t\n\r' },
    { type: 'cdata', text: '<b>&amp;</b>' },
    { type: 'cdata', text: 'a]]>b]]>' },
    { type: 'comment', text: ' note ' },
    { type: 'comment', text: 'a--b-' },
    { type: 'raw', name: 'r', xml: '<r x="&amp;"><s/></r>' },
    { type: 'text', text: 'bad\u0001\u0000chars' },
  ]);
  const out = serializeXml(doc);
  t.equal(
    out,
    '<a>x &amp; &lt;y&gt; "q" \'s\' \t\n&#xD;' +
      '<![CDATA[<b>&amp;</b>]]>' +
      '<![CDATA[a]]]]><![CDATA[>b]]]]><![CDATA[>]]>' +
      '<!-- note -->' +
      '<!--a- -b- -->' +
      '<r x="&amp;"><s/></r>' +
      'badchars</a>',
  );
  const back = parseXml(out);
  t.same(back.children[0], { type: 'text', text: 'x & <y> "q" \'s\' \t\n\r' });
  const cdata = back.children.filter((n) => n.type === 'cdata').map((n) => (n as { text: string }).text);
  t.equal(cdata.slice(1).join(''), 'a]]>b]]>', 'split CDATA joins back to the original');
});

t.test('invalid names are refused (they would change the structure)', async (t) => {
  for (const name of ['', '1a', 'a b', 'a"', 'a=', '<a', 'a>', '-x', 'a/b']) {
    t.throws(() => serializeXml(e(name)), { code: 'XML_SYNTAX' }, `element ${JSON.stringify(name)}`);
    t.throws(() => serializeXml(e('a', { [name]: 'v' })), { code: 'XML_SYNTAX' }, `attribute ${JSON.stringify(name)}`);
  }
  t.equal(serializeXml(e('é:x-1.b', { 'ns:é_1': 'v' })), '<é:x-1.b ns:é_1="v"/>');
});

t.test('round trip of a typical message through the parser', async (t) => {
  const text =
    '<lrmd_notify lrmd_origin="send_cmd_complete_notify" lrmd_exec_rc="0" lrmd_rsc_output="line1&#xA;line2&#x9;&lt;b&gt; &amp; caf\u00e9">' +
    '<attributes CRM_meta_interval="10000" ip="192.0.2.10"/></lrmd_notify>';
  t.equal(serializeXml(parseXml(text)), text);
});
