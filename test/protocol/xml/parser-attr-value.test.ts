import t from 'tap';
import { parseXml } from '../../../src/protocol/xml/index.js';

// Attribute values take a fast path while they hold only plain characters;
// these cases leave it at each kind of special character (spec/protocol.md §3.11).
const SYNTAX = { code: 'XML_SYNTAX' };

t.test('plain and special attribute values read the same as before', async (t) => {
  const v = (xml: string) => parseXml(xml).attrs['v'];
  t.equal(v('<a v="plain é \u4e2d >"/>'), 'plain é \u4e2d >');
  t.equal(v("<a v='say \"hi\"'/>"), 'say "hi"');
  t.equal(v('<a v="x&amp;y"/>'), 'x&y');
  t.equal(v('<a v="a\tb\nc\r\nd"/>'), 'a b c d');
  t.equal(v('<a v="\ud83d\ude00!"/>'), '\ud83d\ude00!');
  t.equal(v('<a v=""/>'), '');
  t.equal(v('<a v="\uffef"/>'), '\uffef');
});

t.test('bad attribute values still fail', async (t) => {
  t.throws(() => parseXml('<a v="x<y"/>'), SYNTAX);
  t.throws(() => parseXml('<a v="x\u0001"/>'), SYNTAX);
  t.throws(() => parseXml('<a v="\ud800x"/>'), SYNTAX);
  t.throws(() => parseXml('<a v="\ufffe"/>'), SYNTAX);
  t.throws(() => parseXml('<a v="abc'), SYNTAX);
  t.throws(() => parseXml('<a v=\'abc"/>'), SYNTAX);
  t.throws(() => parseXml('<a v="x&bad"/>'), SYNTAX);
});

t.test('opaque skim steps over quoted values and adjacent tags', async (t) => {
  const opaque = () => true;
  const root = parseXml('<r><b x="1>2" y=\'</b>\'><c/><d></d><!--><--></b></r>', { opaque });
  t.same(root.children[0], { type: 'raw', name: 'b', xml: '<b x="1>2" y=\'</b>\'><c/><d></d><!--><--></b>' });
  t.throws(() => parseXml('<r><b x="1></b></r>', { opaque }), SYNTAX);
  t.throws(() => parseXml('<r><b><c></b></c></r>', { opaque }), SYNTAX);
});
