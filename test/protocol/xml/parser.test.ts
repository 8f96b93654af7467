import t from 'tap';
import { parseXml, parseXmlBytes } from '../../../src/protocol/xml/index.js';
import type { XmlElement, XmlNode } from '../../../src/protocol/xml/index.js';

const SYNTAX = { code: 'XML_SYNTAX' };
const FORBIDDEN = { code: 'XML_FORBIDDEN' };
const LIMIT = { code: 'XML_LIMIT' };

function el(node: XmlNode | undefined): XmlElement {
  if (node?.type !== 'element') throw new Error(`not an element: ${JSON.stringify(node)}`);
  return node;
}

t.test('element tree, attributes in document order', async (t) => {
  const root = parseXml('<a z="1" y=\'2\' x = "3"><b/><c k="v">hi</c></a>');
  t.equal(root.type, 'element');
  t.equal(root.name, 'a');
  t.same(Object.keys(root.attrs), ['z', 'y', 'x']);
  t.same({ ...root.attrs }, { z: '1', y: '2', x: '3' });
  t.equal(root.children.length, 2);
  t.same(el(root.children[0]), { type: 'element', name: 'b', attrs: {}, children: [] });
  const c = el(root.children[1]);
  t.same(c.children, [{ type: 'text', text: 'hi' }]);
});

t.test('attribute objects have no inherited keys', async (t) => {
  const root = parseXml('<a __proto__="p" constructor="c" toString="s" hasOwnProperty="h"/>');
  t.equal(root.attrs['__proto__'], 'p');
  t.equal(root.attrs['constructor'], 'c');
  t.same(Object.keys(root.attrs), ['__proto__', 'constructor', 'toString', 'hasOwnProperty']);
  const empty = parseXml('<a/>').attrs;
  t.notOk('toString' in empty, 'no toString');
  t.notOk('__proto__' in empty, 'no __proto__ accessor');
  t.equal(empty['constructor'], undefined);
  t.equal(({} as Record<string, unknown>)['p'], undefined, 'Object.prototype untouched');
});

t.test('predefined entities and character references', async (t) => {
  const root = parseXml('<a v="&amp;&lt;&gt;&quot;&apos;&#65;&#x42;&#x1F600;&#128512;">&amp;x&#x3c;y&gt;</a>');
  t.equal(root.attrs['v'], '&<>"\'AB\u{1F600}\u{1F600}');
  t.same(root.children, [{ type: 'text', text: '&x<y>' }]);
  t.equal(parseXml('<a v="&#x00041;&#0065;"/>').attrs['v'], 'AA', 'leading zeros');
});

t.test('C0 control character references are decoded (Pacemaker 3.0 writes them)', async (t) => {
  const root = parseXml('<a v="x&#x01;&#x1F;&#x0A;&#9;&#13;y">&#x01;&#27;</a>');
  t.equal(root.attrs['v'], 'x\u0001\u001f\n\t\ry');
  t.same(root.children, [{ type: 'text', text: '\u0001\u001b' }]);
});

t.test('bad character references are XML_SYNTAX', async (t) => {
  for (const ref of ['&#0;', '&#x0;', '&#xD800;', '&#xDFFF;', '&#x110000;', '&#1114112;', '&#99999999999999999999;',
    '&#xFFFE;', '&#xFFFF;', '&#;', '&#x;', '&#X41;', '&#x41', '&#12a;', '&#-1;']) {
    t.throws(() => parseXml(`<a>${ref}</a>`), SYNTAX, ref);
    t.throws(() => parseXml(`<a v="${ref}"/>`), SYNTAX, `${ref} in attribute`);
  }
  t.equal(parseXml('<a>&#x10FFFF;</a>').children.length, 1, 'U+10FFFF is allowed');
});

t.test('unknown entities are XML_FORBIDDEN, malformed ones XML_SYNTAX', async (t) => {
  t.throws(() => parseXml('<a>&nbsp;</a>'), FORBIDDEN);
  t.throws(() => parseXml('<a v="&xxe;"/>'), FORBIDDEN);
  t.throws(() => parseXml('<a>&AMP;</a>'), FORBIDDEN, 'entity names are case-sensitive');
  for (const bad of ['&', '& ', '&amp', '&;', '&1a;', '&a b;']) {
    t.throws(() => parseXml(`<a>${bad}</a>`), SYNTAX, bad);
    t.throws(() => parseXml(`<a v="${bad}"/>`), SYNTAX, `${bad} in attribute`);
  }
});

t.test('DOCTYPE is XML_FORBIDDEN anywhere', async (t) => {
  t.throws(() => parseXml('<!DOCTYPE a><a/>'), FORBIDDEN);
  t.throws(() => parseXml('<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'), FORBIDDEN);
  t.throws(() => parseXml('<a><!DOCTYPE a></a>'), FORBIDDEN);
  t.throws(() => parseXml('<a/><!DOCTYPE a>'), FORBIDDEN);
  t.throws(() => parseXml('<a><!ELEMENT a ANY></a>'), SYNTAX);
  t.throws(() => parseXml('<!ENTITY x "y"><a/>'), SYNTAX);
});

t.test('XML declaration, PIs, comments and whitespace around the root', async (t) => {
  const ok = [
    '<?xml version="1.0"?><a/>',
    '<?xml version="1.0" encoding="UTF-8"?>\n<a/>\n',
    "<?xml version='1.0' encoding='utf-8' standalone='yes' ?><a/>",
    '\ufeff<?xml version="1.0"?><a/>',
    '\ufeff<a/>',
    '<!-- before --><?pi data?>\n  <a/>  <!-- after -->\n<?pi2?>\r\n',
    ' \t\r\n<a/>',
  ];
  for (const doc of ok) t.equal(parseXml(doc).name, 'a', JSON.stringify(doc));
  const bad = [
    ' <?xml version="1.0"?><a/>',
    '<a/><?xml version="1.0"?>',
    '<?xml?><a/>',
    '<?xml version="2.0"?><a/>',
    '<?xml encoding="UTF-8"?><a/>',
    '<?xml version="1.0" foo="bar"?><a/>',
    '<?xml version="1.0"',
    '<?XML version="1.0"?><a/>',
    '<? pi?><a/>',
    '<?pi',
    '<?pi?x?><a/>',
    '<!-- unterminated <a/>',
    '<!-- a -- b --><a/>',
    '<!-- a ---><a/>',
    '<![CDATA[x]]><a/>',
    '<a/><![CDATA[x]]>',
  ];
  for (const doc of bad) t.throws(() => parseXml(doc), SYNTAX, JSON.stringify(doc));
});

t.test('exactly one root element', async (t) => {
  for (const doc of ['', '   ', '<!-- only -->', 'text', 'x<a/>', '<a/>x', '<a/><b/>', '<a/>&amp;', '<a></a></a>']) {
    t.throws(() => parseXml(doc), SYNTAX, JSON.stringify(doc));
  }
});

t.test('tags must match and close', async (t) => {
  const bad = ['<a>', '<a><b></a>', '<a></b>', '<a></ab>', '<ab></a>', '<a><b></b>', '<a></a', '<a></a x>',
    '</a>', '<a', '<a x="1"', '<a/', '<a / >', '<a x="1"/ >', '<a></ a>', '<a>< b/></a>', '<a><', '<a></'];
  for (const doc of bad) t.throws(() => parseXml(doc), SYNTAX, doc);
  t.equal(parseXml('<a></a \n\t>').name, 'a', 'whitespace before > of an end tag');
  t.equal(parseXml('<a\n x="1"\t/>').attrs['x'], '1');
});

t.test('attribute syntax', async (t) => {
  const bad = ['<a x="1" x="2"/>', "<a x='1' x=\"1\"/>", '<a x/>', '<a x=1/>', '<a x="1"y="2"/>', '<a x="1/>',
    '<a ="1"/>', '<a x=="1"/>', '<a x="<"/>', "<a x='a<b'/>", '<a 1x="1"/>', '<a -x="1"/>', '<a .x="1"/>'];
  for (const doc of bad) t.throws(() => parseXml(doc), SYNTAX, doc);
  t.same({ ...parseXml('<a x=">" y="\'" z=\'"\'/>').attrs }, { x: '>', y: "'", z: '"' });
  t.equal(parseXml('<a x=""/>').attrs['x'], '');
});

t.test('attribute value normalisation', async (t) => {
  const root = parseXml('<a v="1\t2\n3\r\n4\r5" w="&#9;&#10;&#13;" x="  two  spaces  "/>');
  t.equal(root.attrs['v'], '1 2 3 4 5', 'raw TAB/LF/CR become a space, CRLF one space');
  t.equal(root.attrs['w'], '\t\n\r', 'references keep the real character');
  t.equal(root.attrs['x'], '  two  spaces  ', 'CDATA attributes are not collapsed');
});

t.test('line ends in text, CDATA and comments are normalised to LF', async (t) => {
  const root = parseXml('<a>x\r\ny\rz<![CDATA[c\r\nd\re]]><!--m\r\nn--></a>');
  t.same(root.children, [
    { type: 'text', text: 'x\ny\nz' },
    { type: 'cdata', text: 'c\nd\ne' },
    { type: 'comment', text: 'm\nn' },
  ]);
  t.same(parseXml('<a>&#13;&#10;</a>').children, [{ type: 'text', text: '\r\n' }]);
  t.same(parseXml('<a>\r\n x</a>').children, [{ type: 'text', text: '\n x' }], 'CR in leading whitespace');
  t.same(parseXml('<a>x \r</a>').children, [{ type: 'text', text: 'x \n' }], 'CR in trailing whitespace');
});

t.test('whitespace-only text is dropped; other text, CDATA and comments are kept', async (t) => {
  const root = parseXml('<a>\n  <b/>\n  <!-- note -->\n  text \n<![CDATA[ ]]>\t<![CDATA[]]><?pi skipped?><c> </c></a>');
  t.same(root.children, [
    { type: 'element', name: 'b', attrs: {}, children: [] },
    { type: 'comment', text: ' note ' },
    { type: 'text', text: '\n  text \n' },
    { type: 'cdata', text: ' ' },
    { type: 'cdata', text: '' },
    { type: 'element', name: 'c', attrs: {}, children: [] },
  ]);
  t.same(parseXml('<a>&#32;</a>').children, [{ type: 'text', text: ' ' }], 'a referenced space is not blank');
  t.same(parseXml('<a>x<!--c-->y</a>').children, [
    { type: 'text', text: 'x' },
    { type: 'comment', text: 'c' },
    { type: 'text', text: 'y' },
  ]);
});

t.test('CDATA content is literal', async (t) => {
  const root = parseXml('<a><![CDATA[<b>&amp; ]] > ]]]]></a>');
  t.same(root.children, [{ type: 'cdata', text: '<b>&amp; ]] > ]]' }]);
  t.throws(() => parseXml('<a><![CDATA[x</a>'), SYNTAX);
  t.throws(() => parseXml('<a><![CDATA x]]></a>'), SYNTAX);
  t.throws(() => parseXml('<a><![cdata[x]]></a>'), SYNTAX);
});

t.test("']]>' in text is XML_SYNTAX, ']]' and '>' alone are fine", async (t) => {
  t.throws(() => parseXml('<a>x]]>y</a>'), SYNTAX);
  t.same(parseXml('<a>]] ]>]</a>').children, [{ type: 'text', text: ']] ]>]' }]);
});

t.test('characters XML 1.0 cannot carry are XML_SYNTAX', async (t) => {
  for (const ch of ['\u0000', '\u0001', '\u0008', '\u000b', '\u000c', '\u001f', '\ufffe', '\uffff', '\ud800', '\udc00', '\ud800x']) {
    const hex = ch.charCodeAt(0).toString(16);
    t.throws(() => parseXml(`<a>x${ch}</a>`), SYNTAX, `text ${hex}`);
    t.throws(() => parseXml(`<a v="${ch}"/>`), SYNTAX, `attribute ${hex}`);
    t.throws(() => parseXml(`<a><!--${ch}--></a>`), SYNTAX, `comment ${hex}`);
    t.throws(() => parseXml(`<a><![CDATA[${ch}]]></a>`), SYNTAX, `cdata ${hex}`);
    t.throws(() => parseXml(`<a><?pi ${ch}?></a>`), SYNTAX, `pi ${hex}`);
  }
  const ok = parseXml('<a v="\u007f\u0085\ud83d\ude00\ufffd">\u007f\ud83d\ude00</a>');
  t.equal(ok.attrs['v'], '\u007f\u0085\u{1F600}\ufffd');
});

t.test('names: XML Name characters, no leading digit, - or .', async (t) => {
  const root = parseXml('<ns:a_b-c.d x:y="1" _z="2" é="3" \u4e2d\u6587="4" a\u00b7b="5"><\u{10000}/></ns:a_b-c.d>');
  t.equal(root.name, 'ns:a_b-c.d');
  t.same(Object.keys(root.attrs), ['x:y', '_z', 'é', '中文', 'a·b']);
  t.equal(el(root.children[0]).name, '\u{10000}');
  for (const bad of ['<1a/>', '<-a/>', '<.a/>', '<\u00d7/>', '<a\u00d7/>', '<\u00b7a/>', '<a b\u00f7="1"/>', '<\ud800/>']) {
    t.throws(() => parseXml(bad), SYNTAX, bad);
  }
});

t.test('limits are XML_LIMIT', async (t) => {
  const deep = (n: number) => '<a>'.repeat(n) + '</a>'.repeat(n);
  t.equal(parseXml(deep(256)).name, 'a', 'default depth 256 allowed');
  t.throws(() => parseXml(deep(257)), LIMIT);
  t.doesNotThrow(() => parseXml(deep(3), { maxDepth: 3 }));
  t.throws(() => parseXml(deep(4), { maxDepth: 3 }), LIMIT);
  t.throws(() => parseXml('<a/>', { maxDepth: 0 }), LIMIT);
  t.throws(() => parseXml(deep(100000)), LIMIT, 'very deep input fails fast, no stack overflow');
  t.doesNotThrow(() => parseXml(deep(5000), { maxDepth: 10000 }), 'iterative: deep trees do not recurse');

  const attrs = (n: number) => `<a ${Array.from({ length: n }, (_, i) => `a${i}="${i}"`).join(' ')}/>`;
  t.equal(Object.keys(parseXml(attrs(10000)).attrs).length, 10000, 'default 10000 attributes allowed');
  t.throws(() => parseXml(attrs(10001)), LIMIT);
  t.throws(() => parseXml(attrs(3), { maxAttributes: 2 }), LIMIT);

  t.doesNotThrow(() => parseXml('<a/>', { maxLength: 4 }));
  t.throws(() => parseXml('<a/> ', { maxLength: 4 }), LIMIT);
  t.throws(() => parseXmlBytes(new Uint8Array(13), { maxLength: 4 }), LIMIT);
});

t.test('parseXmlBytes decodes strict UTF-8', async (t) => {
  const enc = new TextEncoder();
  const root = parseXmlBytes(enc.encode('<a v="café \u{1F600}">ü</a>'));
  t.equal(root.attrs['v'], 'café \u{1F600}');
  t.same(root.children, [{ type: 'text', text: 'ü' }]);
  t.equal(parseXmlBytes(Uint8Array.of(0xef, 0xbb, 0xbf, ...enc.encode('<a/>'))).name, 'a', 'BOM dropped');
  const sub = enc.encode('xx<b/>yy').subarray(2, 6);
  t.equal(parseXmlBytes(sub).name, 'b', 'respects byteOffset of a view');
  for (const bytes of [
    [0x3c, 0x61, 0x3e, 0xff, 0x3c, 0x2f, 0x61, 0x3e], // 0xFF
    [0x3c, 0x61, 0x3e, 0xc3, 0x3c, 0x2f, 0x61, 0x3e], // truncated sequence
    [0x3c, 0x61, 0x3e, 0xc0, 0xaf, 0x3c, 0x2f, 0x61, 0x3e], // overlong '/'
    [0x3c, 0x61, 0x3e, 0xed, 0xa0, 0x80, 0x3c, 0x2f, 0x61, 0x3e], // encoded surrogate
  ]) {
    t.throws(() => parseXmlBytes(Uint8Array.from(bytes)), SYNTAX, bytes.map((b) => b.toString(16)).join(' '));
  }
  t.throws(() => parseXmlBytes(enc.encode('<a>\u0000</a>')), SYNTAX, 'NUL');
});

t.test('errors are ProtocolErrors carrying the offset', async (t) => {
  try {
    parseXml('<a>\n<b></c></a>');
    t.fail('should throw');
  } catch (err) {
    t.equal((err as Error).name, 'ProtocolError');
    t.equal((err as { code: string }).code, 'XML_SYNTAX');
    t.match((err as Error).message, /offset 7/);
  }
});

t.test('Appendix A samples parse', async (t) => {
  const exec = `<lrmd_command t="lrmd" lrmd_op="lrmd_rsc_exec" lrmd_timeout="20000" lrmd_callopt="4"
              lrmd_remote_msg_id="17" lrmd_remote_msg_type="request">
  <lrmd_calldata>
    <lrmd_rsc lrmd_origin="lrmd_api_exec" lrmd_rsc_id="vip" lrmd_rsc_action="monitor"
              lrmd_rsc_userdata_str="12:34:0:6fd1b2c3-0000-4a5b-9c8d-123456789abc"
              lrmd_rsc_interval="10000" lrmd_timeout="20000" lrmd_rsc_start_delay="0">
      <attributes CRM_meta_interval="10000" CRM_meta_name="monitor" CRM_meta_timeout="20000"
                  CRM_meta_on_node="remote1" crm_feature_set="3.19.0" ip="192.0.2.10"/>
    </lrmd_rsc>
  </lrmd_calldata>
</lrmd_command>`;
  const root = parseXml(exec);
  t.equal(root.attrs['lrmd_op'], 'lrmd_rsc_exec');
  const rsc = el(el(root.children[0]).children[0]);
  t.equal(rsc.attrs['lrmd_rsc_userdata_str'], '12:34:0:6fd1b2c3-0000-4a5b-9c8d-123456789abc');
  t.equal(el(rsc.children[0]).attrs['ip'], '192.0.2.10');
  t.equal(root.children.length, 1, 'indentation dropped');
});
