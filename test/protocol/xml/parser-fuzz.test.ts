/**
 * Random and mutated documents: the parser either returns a tree or throws a
 * ProtocolError with an XML code. Nothing else may escape, nothing may hang.
 */
import t from 'tap';
import fc from 'fast-check';
import { ProtocolError } from '../../../src/protocol/errors.js';
import { parseXml, parseXmlBytes, serializeXml } from '../../../src/protocol/xml/index.js';
import type { XmlParseOptions } from '../../../src/protocol/xml/index.js';

const XML_CODES = new Set(['XML_SYNTAX', 'XML_FORBIDDEN', 'XML_LIMIT']);

const seeds = [
  '<lrmd_command t="lrmd" lrmd_op="lrmd_rsc_exec" lrmd_remote_msg_id="17"><lrmd_calldata><lrmd_rsc lrmd_rsc_id="vip"><attributes ip="192.0.2.10"/></lrmd_rsc></lrmd_calldata></lrmd_command>',
  '<?xml version="1.0"?><!--c--><cib epoch="1"><configuration><nvpair id="a" value="x &amp; &#x41; &lt;"/><![CDATA[<raw>]]><?pi x?>text</configuration></cib>',
  '<lrmd_ipc_proxy lrmd_ipc_op="response"><lrmd_ipc_msg><cib a=">" b=\'"\'><x/><!-- </cib> --></cib></lrmd_ipc_msg></lrmd_ipc_proxy>',
  '<a x="\t\n\r&#9;" y=\'&apos;\'>\r\n&#x1F600;\u00e9<b/></a>',
];

const tokens = ['<', '>', '/', '/>', '</', '<!--', '-->', '<![CDATA[', ']]>', '<?', '?>', '<!DOCTYPE', '&', ';', '&#', '&#x',
  '&amp;', '&lt;', '"', "'", '=', ' ', '\t', '\n', '\r', 'a', 'b', 'lrmd_ipc_msg', '\u0000', '\u0001', '\ud800', '\udc00',
  '\ufeff', '\ufffe', '\u{1F600}', 'é', '1', '-', ':', 'xml', '<a>', '</a>', '<a/>'];

// Bodies of `lrmd_ipc_msg` and `b` go through the opaque skim.
const opaque: XmlParseOptions = { opaque: (name) => name === 'lrmd_ipc_msg' || name === 'b', maxDepth: 32, maxAttributes: 8 };

function check(text: string, options?: XmlParseOptions): boolean {
  try {
    const tree = parseXml(text, options);
    // A tree we accept must serialize, and that text must parse again.
    parseXml(serializeXml(tree), options);
    return true;
  } catch (err) {
    if (err instanceof ProtocolError && XML_CODES.has(err.code)) return true;
    throw err;
  }
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), token: fc.constantFrom(...tokens) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), token: fc.constantFrom(...tokens) }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), to: fc.nat() }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(doc: string, steps: Mutation[]): string {
  for (const m of steps) {
    const at = doc.length === 0 ? 0 : m.at % doc.length;
    if (m.kind === 'insert') doc = doc.slice(0, at) + m.token + doc.slice(at);
    else if (m.kind === 'delete') doc = doc.slice(0, at) + doc.slice(at + m.len);
    else if (m.kind === 'replace') doc = doc.slice(0, at) + m.token + doc.slice(at + m.token.length);
    else {
      const to = doc.length === 0 ? 0 : m.to % doc.length;
      const chars = [...doc];
      const a = chars[at];
      chars[at] = chars[to] ?? '';
      chars[to] = a ?? '';
      doc = chars.join('');
    }
  }
  return doc;
}

t.test('mutated valid documents', async (t) => {
  fc.assert(
    fc.property(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.boolean(), (seed, steps, useOpaque) =>
      check(mutate(seed, steps), useOpaque ? opaque : undefined),
    ),
    { numRuns: 3000 },
  );
  t.pass('3000 mutated documents');
});

t.test('strings made of XML tokens', async (t) => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...tokens), { maxLength: 40 }), fc.boolean(), (parts, useOpaque) =>
      check(parts.join(''), useOpaque ? opaque : undefined),
    ),
    { numRuns: 3000 },
  );
  t.pass('3000 token strings');
});

t.test('arbitrary strings and bytes', async (t) => {
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => check(s) && check(`<a>${s}</a>`) && check(`<a v="${s}"/>`)), {
    numRuns: 2000,
  });
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 60 }), (bytes) => {
      try {
        parseXmlBytes(bytes);
      } catch (err) {
        if (!(err instanceof ProtocolError && XML_CODES.has(err.code))) throw err;
      }
      return true;
    }),
    { numRuns: 2000 },
  );
  t.pass('4000 strings and byte arrays');
});

t.test('pathological inputs finish quickly', async (t) => {
  const n = 200_000;
  const cases = [
    '<a x="' + '&'.repeat(n),
    '<a>' + '&#x'.repeat(n),
    '<a ' + 'x'.repeat(n),
    '<a>' + '<!--'.repeat(n),
    '<r><lrmd_ipc_msg><b x="' + '>'.repeat(n),
    '<r><lrmd_ipc_msg><b ' + '"\''.repeat(n),
    '<r><lrmd_ipc_msg>' + '<b>'.repeat(n),
    '<r><lrmd_ipc_msg>' + '<c x=">">'.repeat(n / 10) + '</c>'.repeat(n / 10),
    '<a>' + ']]'.repeat(n) + '</a>',
    '<' + 'a'.repeat(n) + '>',
    '<a>' + '<b/>'.repeat(n) + '</a>',
    '<?xml version="1.0"' + ' '.repeat(n),
  ];
  const start = Date.now();
  for (const doc of cases) t.ok(check(doc, opaque), doc.slice(0, 30));
  t.ok(Date.now() - start < 5000, `took ${Date.now() - start} ms`);
});
