import t from 'tap';
import { parseXml as parseXmlString, parseXmlBytes } from '../../../src/protocol/xml/index.js';
import type { XmlElement, XmlNode, XmlParseOptions, XmlRawElement } from '../../../src/protocol/xml/index.js';

const SYNTAX = { code: 'XML_SYNTAX' };

const byName = (...names: string[]): XmlParseOptions => ({ opaque: (name) => names.includes(name) });

function raw(node: XmlNode | undefined): XmlRawElement {
  if (node?.type !== 'raw') throw new Error(`not raw: ${JSON.stringify(node)}`);
  return node;
}

function wrap(body: string): string {
  return `<lrmd_ipc_proxy lrmd_ipc_op="response"><lrmd_ipc_msg>${body}</lrmd_ipc_msg></lrmd_ipc_proxy>`;
}

// Every case runs on a string and on UTF-8 bytes: ASCII bytes take the byte
// skim (skim-bytes.ts), which must accept, refuse and report exactly as the
// string skim does.
const PARSERS: [string, (doc: string, options?: XmlParseOptions) => XmlElement][] = [
  ['from a string', parseXmlString],
  ['from bytes', (doc, options) => parseXmlBytes(Buffer.from(doc, 'utf8'), options)],
];

for (const [mode, parseXml] of PARSERS) t.test(mode, async (t) => {
  t.test('raw slice is the exact source substring', async (t) => {
    const bodies = [
      '<lrmd_ipc_msg/>',
      '<lrmd_ipc_msg a="1" />',
      '<lrmd_ipc_msg >\n  <cib epoch="1">text &amp; &#x41; &unknown; <!-- c --></cib>\n</lrmd_ipc_msg >',
      '<lrmd_ipc_msg><x a=">" b=\'/>\' c="</x>"/><y><![CDATA[</y> <z> ]]></y><?pi </x> ?></lrmd_ipc_msg>',
      '<lrmd_ipc_msg><lrmd_ipc_msg><lrmd_ipc_msg/></lrmd_ipc_msg><lrmd_ipc_msg></lrmd_ipc_msg></lrmd_ipc_msg>',
      '<lrmd_ipc_msg><!-- </lrmd_ipc_msg> --><a\n/></lrmd_ipc_msg>',
      '<lrmd_ipc_msg>\u00e9\u{1F600}<\u00e9l\u00e9ment/></lrmd_ipc_msg>',
    ];
    for (const body of bodies) {
      const doc = `<lrmd_ipc_proxy lrmd_ipc_op="response">  ${body}  <after/></lrmd_ipc_proxy>`;
      const root = parseXml(doc, byName('lrmd_ipc_msg'));
      const node = raw(root.children[0]);
      t.equal(node.name, 'lrmd_ipc_msg');
      t.equal(node.xml, body, body);
      t.equal(doc.indexOf(node.xml), doc.indexOf(body));
      t.same(root.children[1], { type: 'element', name: 'after', attrs: {}, children: [] }, 'parsing resumes after the raw part');
    }
  });

  t.test('the callback sees name, parent and depth; the root is never opaque', async (t) => {
    const seen: [string, string, number][] = [];
    const root = parseXml('<r><a><b/><c><d/></c></a><e/></r>', {
      opaque: (name, parent, depth) => {
        seen.push([name, parent.name, depth]);
        return name === 'c';
      },
    });
    t.same(seen, [
      ['a', 'r', 1],
      ['b', 'a', 2],
      ['c', 'a', 2],
      ['e', 'r', 1],
    ]);
    const a = root.children[0] as XmlElement;
    t.same(a.children[1], { type: 'raw', name: 'c', xml: '<c><d/></c>' });
    t.equal(parseXml('<c/>', byName('c')).type, 'element');
  });

  t.test('parent attributes are complete when the callback runs', async (t) => {
    const root = parseXml('<m kind="body" x="1"><payload><q/></payload></m>', {
      opaque: (_name, parent) => parent.attrs['kind'] === 'body',
    });
    t.equal(raw(root.children[0]).xml, '<payload><q/></payload>');
  });

  t.test('unbalanced or mismatched raw content is XML_SYNTAX', async (t) => {
    const bad = [
      '<a>',
      '<a></b>',
      '<a></ab></a>',
      '<ab></a></ab>',
      '</a>',
      '<a x="></a>',
      '<!-- ',
      '<![CDATA[ ',
      '<?pi ',
      '<!FOO>',
      '<1a/>',
      '< a/>',
      '<a',
    ];
    for (const body of bad) t.throws(() => parseXml(wrap(body), byName('lrmd_ipc_msg')), SYNTAX, body);
    t.throws(() => parseXml('<r><lrmd_ipc_msg></lrmd_ipc_msg x></r>', byName('lrmd_ipc_msg')), SYNTAX);
    t.throws(() => parseXml('<r><lrmd_ipc_msg"x"></lrmd_ipc_msg></r>', byName('lrmd_ipc_msg')), SYNTAX);
    t.throws(() => parseXml('<r><p><a>', byName('p')), SYNTAX, 'unclosed at end of input');
    t.throws(() => parseXml('<r><p><a x="1', byName('p')), SYNTAX, 'unterminated tag at end of input');
    t.throws(() => parseXml('<r><p></p>', byName('p')), SYNTAX, 'root unclosed after raw part');
    t.throws(() => parseXml(wrap('<!DOCTYPE x>'), byName('lrmd_ipc_msg')), { code: 'XML_FORBIDDEN' });
  });

  t.test('raw content is not decoded or checked beyond balance', async (t) => {
    const body = '<a x="1" x="2" y="<">&nbsp;&#0;\u0001</a>';
    t.equal(raw(parseXml(wrap(body), byName('lrmd_ipc_msg')).children[0]).xml, `<lrmd_ipc_msg>${body}</lrmd_ipc_msg>`);
  });

  t.test('raw parts are checked for balance, not depth (spec §10)', async (t) => {
    const body = (n: number) => '<a>'.repeat(n) + '</a>'.repeat(n);
    t.doesNotThrow(() => parseXml(wrap(body(1000)), { ...byName('lrmd_ipc_msg'), maxDepth: 5 }));
    t.throws(() => parseXml(wrap(body(1000)), { ...byName('x'), maxDepth: 5 }), { code: 'XML_LIMIT' }, 'parsed, it is too deep');
    t.throws(() => parseXml('<r><s><lrmd_ipc_msg/></s></r>', { ...byName('lrmd_ipc_msg'), maxDepth: 2 }), { code: 'XML_LIMIT' },
      'the raw element itself counts');
    t.doesNotThrow(() => parseXml(wrap('<a/>'.repeat(100000)), byName('lrmd_ipc_msg')), 'many siblings are fine');
  });

  t.test('a large body is skimmed, not parsed', async (t) => {
    const inner = '<cib>' + '<nvpair id="x" name="n" value="v &amp; w"/>'.repeat(20000) + '</cib>';
    const root = parseXml(wrap(inner), byName('lrmd_ipc_msg'));
    t.equal(raw(root.children[0]).xml, `<lrmd_ipc_msg>${inner}</lrmd_ipc_msg>`);
  });
});
