/**
 * The byte skim (src/protocol/xml/skim-bytes.ts) against the string skim it
 * speeds up: on ASCII input it must end at the same position whenever the
 * string skim accepts, and decline (-1) whenever the string skim throws, so
 * that the string skim's error is the one reported (spec/protocol.md §10).
 */
import t from 'tap';
import fc from 'fast-check';
import { nameLength } from '../../../src/protocol/xml/escape.js';
import { skimElement } from '../../../src/protocol/xml/skim.js';
import { skimElementBytes } from '../../../src/protocol/xml/skim-bytes.js';
import { parseXml, parseXmlBytes } from '../../../src/protocol/xml/index.js';

/** Both skims on `doc` (ASCII, starting with a start tag): the string skim's end or error, and the byte skim's end. */
function both(doc: string): { text: number | string; bytes: number } {
  const nameEnd = 1 + nameLength(doc, 1);
  let text: number | string;
  try {
    text = skimElement(doc, 0, nameEnd);
  } catch (err) {
    text = (err as Error).message;
  }
  return { text, bytes: skimElementBytes(Buffer.from(doc, 'latin1'), 0, nameEnd) };
}

function agrees(doc: string): boolean {
  const { text, bytes } = both(doc);
  return typeof text === 'number' ? bytes === text : bytes === -1;
}

t.test('known shapes: same end, or declined where the string skim throws', async (t) => {
  const docs = [
    '<a/>',
    '<a />',
    '<a></a>',
    '<a></a >',
    '<a\n></a\t>rest',
    '<a x="1" y=\'2\'><b c=">"/><c d=\'/>\' e="</a>"></c></a><after/>',
    '<a><!-- </a> --></a>',
    '<a><!--></a>--></a>',
    '<a><![CDATA[</a>]]></a>',
    '<a><?pi </a> ?></a>',
    '<a><a><a/></a><a></a></a>',
    '<ab><a></a></ab>',
    'text-free<a>',
    '<a>',
    '<a></b>',
    '<a></ab>',
    '<ab></a>',
    '<a></a',
    '<a></a x>',
    '<a></>',
    '<a x="1',
    "<a x='1",
    '<a x="1">',
    '<a><!-- x',
    '<a><!-- x --',
    '<a><![CDATA[ x ]]',
    '<a><![CDAT',
    '<a><? x ?',
    '<a><!DOCTYPE x></a>',
    '<a><!x></a>',
    '<a><1/></a>',
    '<a>< b/></a>',
    '<a><',
    '<a"x"></a>',
  ];
  for (const doc of docs) {
    const { text, bytes } = both(doc);
    if (typeof text === 'number') t.equal(bytes, text, doc);
    else t.equal(bytes, -1, `${doc}: ${text}`);
  }
  // Not ASCII: the parser never hands such bytes to the byte skim; if it
  // were, it may decline but must not end anywhere else.
  for (const doc of ['<a\u00e9></a>', '<a><\u00e9/></a>', '<a></\u00e9>', '<a x="\u00e9"></a>']) {
    const { text, bytes } = both(doc);
    t.ok(bytes === -1 || bytes === text, doc);
  }
});

const tokens = ['<', '>', '/', '/>', '</', '<!--', '-->', '<![CDATA[', ']]>', '<?', '?>', '<!DOCTYPE', '<!', '"', "'", '=', ' ',
  '\t', '\n', '\r', 'a', 'b', 'ab', '1', '-', '.', ':', '_', '<a>', '</a>', '<a/>', '<b>', '</b>', '<ab>', '</ab>', '<a x="', '">'];

t.test('token strings after a start tag: the skims agree', async (t) => {
  fc.assert(
    fc.property(fc.constantFrom('<a>', '<a ', '<ab>', '<a/>', '<a'), fc.array(fc.constantFrom(...tokens), { maxLength: 40 }), (start, parts) =>
      agrees(start + parts.join('')),
    ),
    { numRuns: 20000 },
  );
  t.pass('20000 documents');
});

t.test('mutated CIB fragments: the skims agree', async (t) => {
  const seed =
    '<cib epoch="1"><configuration><primitive id="r1" class="ocf" type="IPaddr2"><instance_attributes id="r1-ia">' +
    '<nvpair id="r1-ip" name="ip" value="192.0.2.1"/></instance_attributes><operations><op id="r1-mon" name="monitor" ' +
    "interval='10s' x=\"a>b\"/></operations><!-- note &amp; --></primitive><![CDATA[</cib>]]><?pi ?></configuration></cib><tail/>";
  t.ok(agrees(seed) && typeof both(seed).text === 'number', 'the seed itself is accepted by both');
  const mutation = fc.record({ at: fc.nat(), del: fc.integer({ min: 0, max: 4 }), token: fc.constantFrom('', ...tokens) });
  fc.assert(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (steps) => {
      let doc = seed;
      for (const m of steps) {
        const at = 1 + (m.at % (doc.length - 1));
        doc = doc.slice(0, at) + m.token + doc.slice(at + m.del);
      }
      return agrees(doc);
    }),
    { numRuns: 20000 },
  );
  t.pass('20000 mutations');
});

t.test('parsing from bytes reports the string skim error, with its offset', async (t) => {
  const opaque = { opaque: (name: string) => name === 'p' };
  for (const doc of ['<r><p><a></b></p></r>', '<r><p><a x="1></p></r>', '<r><p><!-- </p></r>', '<r><p><!X></p></r>']) {
    let expected = '';
    try {
      parseXml(doc, opaque);
    } catch (err) {
      expected = (err as Error).message;
    }
    t.not(expected, '', doc);
    t.throws(() => parseXmlBytes(Buffer.from(doc), opaque), { code: 'XML_SYNTAX', message: expected }, doc);
  }
});
