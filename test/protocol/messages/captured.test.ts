/**
 * Frames captured from real Pacemaker 2.1.5 (spec/vectors/captured-2.1.5.json,
 * spec/protocol.md §14): every payload the parser accepts decodes, and
 * encodes back to the same elements, attribute values and attribute order.
 */
import { readFileSync } from 'node:fs';
import t from 'tap';
import { decodeMessage, encodeMessage, opaqueIpcBodies } from '../../../src/protocol/messages/index.js';
import { parseXml } from '../../../src/protocol/xml/parser.js';
import type { XmlElement, XmlNode } from '../../../src/protocol/xml/types.js';

interface Captured {
  name: string;
  xml: string;
}
const file = new URL('../../../spec/vectors/captured-2.1.5.json', import.meta.url);
const vectors = (JSON.parse(readFileSync(file, 'utf8')) as { vectors: Captured[] }).vectors;

/** Element names, attributes as ordered pairs, children; raw bodies by text. */
function ordered(node: XmlNode): unknown {
  if (node.type === 'raw') return node.xml;
  if (node.type !== 'element') return [node.type, node.text];
  return [node.name, Object.entries(node.attrs), node.children.map(ordered)];
}

let checked = 0;
for (const v of vectors) {
  let tree: XmlElement;
  try {
    tree = parseXml(v.xml, { opaque: opaqueIpcBodies });
  } catch {
    continue; // e.g. 2.1.5's unescaped '<' after UTF-8 (§3.11): not a message at all
  }
  checked++;
  t.test(v.name, async (t) => {
    const m = decodeMessage(tree);
    t.same(ordered(encodeMessage(m)), ordered(tree), 'same elements, values and attribute order');
    t.doesNotThrow(() => decodeMessage(tree, { legacyEscapes: true }));
  });
}
t.ok(checked >= 70, `${checked} of ${vectors.length} captured payloads checked`);
