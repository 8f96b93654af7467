/**
 * spec/vectors/messages.json: every hand-built case through every parser,
 * decoded, encoded back (compared as elements and attribute maps, and for
 * attribute order) and round-tripped.
 */
import { readFileSync } from 'node:fs';
import t from 'tap';
import { isProtocolError } from '../../../src/protocol/errors.js';
import { decodeMessage, encodeMessage, opaqueIpcBodies, type Message } from '../../../src/protocol/messages/index.js';
import { parseXml } from '../../../src/protocol/xml/parser.js';
import type { XmlElement, XmlNode } from '../../../src/protocol/xml/types.js';
import { saxesTree, treeShape } from '../../helpers/saxes-tree.js';

interface Vector {
  name: string;
  source: string;
  xml: string;
  options?: { legacyEscapes?: boolean };
  message?: Message;
  error?: string;
}
const file = new URL('../../../spec/vectors/messages.json', import.meta.url);
const doc = JSON.parse(readFileSync(file, 'utf8')) as { description: string; source: string; vectors: Vector[] };

const parsers: [string, (xml: string) => XmlElement][] = [
  ['saxes', saxesTree],
  ['parseXml', (xml) => parseXml(xml)],
  ['parseXml opaque', (xml) => parseXml(xml, { opaque: opaqueIpcBodies })],
];

/** Plain-object copy with IPC bodies replaced by their parsed tree. */
function comparable(m: unknown): unknown {
  if (Array.isArray(m)) return m.map(comparable);
  if (m === null || typeof m !== 'object') return m;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m)) {
    out[k] = k === 'body' ? treeShape(saxesTree((v as { xml: string }).xml)) : comparable(v);
  }
  return out;
}

/** Attribute names of every element, in order, depth first (raw bodies parsed). */
function attrOrder(node: XmlNode): unknown {
  if (node.type === 'raw') return attrOrder(saxesTree(node.xml));
  return node.type === 'element' ? [node.name, Object.keys(node.attrs), node.children.map(attrOrder)] : node.type;
}

t.ok(doc.vectors.length >= 50, 'vector file has its cases');
const names = new Set(doc.vectors.map((v) => v.name));
t.equal(names.size, doc.vectors.length, 'vector names are unique');

for (const v of doc.vectors) {
  t.test(v.name, async (t) => {
    t.match(v.source, /^hand-built from spec\/protocol\.md §/);
    t.ok((v.message === undefined) !== (v.error === undefined), 'either a message or an error');
    for (const [pname, parse] of parsers) {
      const tree = parse(v.xml);
      if (v.error !== undefined) {
        let caught: unknown;
        try {
          decodeMessage(tree, v.options);
        } catch (e) {
          caught = e;
        }
        t.ok(isProtocolError(caught), `${pname}: throws a ProtocolError`);
        t.equal((caught as { code?: string }).code, v.error, `${pname}: ${v.error}`);
        continue;
      }
      const decoded = decodeMessage(tree, v.options);
      t.same(comparable(decoded), comparable(v.message), `${pname}: decode`);
      if (pname === 'parseXml opaque' && 'body' in decoded && decoded.body) {
        t.equal(decoded.body.xml, (v.message as { body: { xml: string } }).body.xml, 'opaque body is the exact text');
      }
    }
    if (v.message === undefined) return;
    const encoded = encodeMessage(v.message);
    const source = saxesTree(v.xml);
    t.same(treeShape(encoded), treeShape(source), 'encode gives the same elements and attributes');
    t.same(attrOrder(encoded), attrOrder(source), 'attribute order as in the vector (Pacemaker 2.1.5 order)');
    t.same(comparable(decodeMessage(encoded, v.options)), comparable(v.message), 'round trip');
  });
}
