// The parser remembers the attribute names of the last tag of each name;
// results and errors must not depend on what it remembers (spec/protocol.md §3.11).
import fc from 'fast-check';
import t from 'tap';
import { ErrorCode } from '../../../src/protocol/errors.js';
import { NullRecord } from '../../../src/protocol/null-record.js';
import { parseXml, parseXmlBytes } from '../../../src/protocol/xml/index.js';

const attrsOf = (xml: string): [string, string][] => Object.entries(parseXml(xml).attrs);

t.test('same names in the same order, then other orders and prefixes', async (t) => {
  t.same(attrsOf('<s1 a="1" bb="2" c="3"/>'), [['a', '1'], ['bb', '2'], ['c', '3']]);
  t.same(attrsOf('<s1 a="4" bb="5" c="6"/>'), [['a', '4'], ['bb', '5'], ['c', '6']]);
  t.same(attrsOf('<s1 bb="1" a="2"/>'), [['bb', '1'], ['a', '2']], 'other order');
  t.same(attrsOf('<s1 bb="1" a="2" c="3" d="4"/>'), [['bb', '1'], ['a', '2'], ['c', '3'], ['d', '4']], 'longer');
  t.same(attrsOf('<s1 bbx="1" a="2"/>'), [['bbx', '1'], ['a', '2']], 'a remembered name as a prefix');
  t.same(attrsOf('<s1 b="1"/>'), [['b', '1']], 'a prefix of a remembered name');
  t.same(attrsOf('<s1 b\u00e9="1"/>'), [['b\u00e9', '1']], 'continued by a non-ASCII name character');
  t.same(attrsOf('<s1/>'), []);
});

t.test('duplicates are refused whatever was remembered', async (t) => {
  parseXml('<s2 x="1" y="2" z="3"/>');
  t.throws(() => parseXml('<s2 x="1" x="2"/>'), { code: ErrorCode.XmlSyntax });
  t.throws(() => parseXml('<s2 x="1" y="2" x="3"/>'), { code: ErrorCode.XmlSyntax });
  t.throws(() => parseXml('<s2 x="1" y="2" z="3" y="4"/>'), { code: ErrorCode.XmlSyntax });
  t.throws(() => parseXml('<s2 x="1" y="2" z="3" z="4"/>'), { code: ErrorCode.XmlSyntax });
  t.same(attrsOf('<s2 x="1" y="2" z="3"/>'), [['x', '1'], ['y', '2'], ['z', '3']], 'still read after the failures');
});

t.test('attribute limit and malformed tags with remembered names', async (t) => {
  parseXml('<s3 p="1" q="2" r="3"/>');
  t.throws(() => parseXml('<s3 p="1" q="2" r="3"/>', { maxAttributes: 2 }), { code: ErrorCode.XmlLimit });
  t.throws(() => parseXml('<s3 p="1" q'), { code: ErrorCode.XmlSyntax });
  t.throws(() => parseXml('<s3 p="1" q="2'), { code: ErrorCode.XmlSyntax });
  t.throws(() => parseXml('<s3 p="1"q="2"/>'), { code: ErrorCode.XmlSyntax });
});

t.test('many element names and many attributes', async (t) => {
  for (let i = 0; i < 1100; i++) t.equal(parseXml(`<e${i} a="${i}"/>`).attrs['a'], String(i));
  const many = Array.from({ length: 70 }, (_, i) => ` a${i}="${i}"`).join('');
  for (let k = 0; k < 2; k++) t.equal(Object.keys(parseXml(`<big${many}/>`).attrs).length, 70);
});

t.test('parseXmlBytes takes a Buffer or a plain Uint8Array', async (t) => {
  const xml = '<b1 k="v"/>';
  t.same(parseXmlBytes(Buffer.from(xml)).attrs, { k: 'v' });
  t.same(parseXmlBytes(new TextEncoder().encode(xml)).attrs, { k: 'v' });
  const inside = Buffer.from(`xx${xml}yy`).subarray(2, 2 + xml.length);
  t.same(parseXmlBytes(inside).attrs, { k: 'v' });
});

t.test('a shape seen many times in a row builds its records from a maker, unchanged', async (t) => {
  const tag = (v: number) => `<s4 id="r${v}" __proto__="p" name="n" value="${v}"/>`;
  for (let i = 0; i < 12; i++) {
    const attrs = parseXml(tag(i)).attrs;
    t.strictSame(Object.entries(attrs), [['id', `r${i}`], ['__proto__', 'p'], ['name', 'n'], ['value', `${i}`]], `tag ${i}`);
    t.equal(Object.getPrototypeOf(attrs), NullRecord.prototype);
  }
  t.throws(() => parseXml('<s4 id="a" __proto__="p" name="n" value="v" id="b"/>'), { code: ErrorCode.XmlSyntax }, 'a duplicate after the full shape');
  t.throws(() => parseXml(tag(1), { maxAttributes: 3 }), { code: ErrorCode.XmlLimit });
  t.strictSame(Object.keys(parseXml(tag(7)).attrs), ['id', '__proto__', 'name', 'value'], 'still made after the failures');
});

t.test('any sequence of tags of one name reads as written (property)', async (t) => {
  // Few names, so shapes repeat (and get a maker), extend and shorten each other.
  const names = fc.uniqueArray(fc.constantFrom('a', 'b', 'ab', 'c', '__proto__', 'x-1'), { maxLength: 5 });
  const tags = fc.array(fc.tuple(names, fc.integer({ min: 1, max: 10 })), { minLength: 1, maxLength: 8 });
  let round = 0;
  fc.assert(
    fc.property(tags, (seq) => {
      const el = `p${round++ % 3}`;
      for (const [list, times] of seq) {
        for (let k = 0; k < times; k++) {
          const xml = `<${el}${list.map((n, i) => ` ${n}="${i}&amp;${k}"`).join('')}/>`;
          const attrs = parseXml(xml).attrs;
          const want = list.map((n, i) => [n, `${i}&${k}`]);
          if (JSON.stringify(Object.entries(attrs)) !== JSON.stringify(want)) return false;
          if (Object.getPrototypeOf(attrs) !== NullRecord.prototype) return false;
        }
      }
      return true;
    }),
    { numRuns: 300 },
  );
  t.pass('read as written');
});
