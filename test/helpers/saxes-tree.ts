/**
 * Test oracle for the XML layer: saxes (an independent, conformant parser)
 * turned into our element tree, and a plain serializer that shares no code
 * with src/protocol/xml. Used to check the message codec without trusting
 * the project's own parser and serializer.
 */
import { SaxesParser } from 'saxes';
import type { XmlElement, XmlNode } from '../../src/protocol/xml/types.js';

/**
 * Parse one XML document into the tree shape of src/protocol/xml/types.ts:
 * null-prototype attribute objects in document order, adjacent text merged,
 * whitespace-only text dropped, CDATA and comments kept. Throws on any
 * well-formedness error.
 */
export function saxesTree(xml: string): XmlElement {
  const parser = new SaxesParser({ xmlns: false });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let text = '';

  const flushText = (): void => {
    const top = stack[stack.length - 1];
    if (top && text !== '' && text.trim() !== '') top.children.push({ type: 'text', text });
    text = '';
  };
  const push = (node: XmlNode): void => {
    flushText();
    stack[stack.length - 1]?.children.push(node);
  };

  parser.on('opentag', (tag) => {
    const attrs = Object.create(null) as Record<string, string>;
    for (const [k, v] of Object.entries(tag.attributes)) attrs[k] = v;
    const el: XmlElement = { type: 'element', name: tag.name, attrs, children: [] };
    push(el);
    if (stack.length === 0) root = el;
    stack.push(el);
  });
  parser.on('closetag', () => {
    flushText();
    stack.pop();
  });
  parser.on('text', (t) => {
    if (stack.length > 0) text += t;
  });
  parser.on('cdata', (t) => {
    if (stack.length > 0) push({ type: 'cdata', text: t });
  });
  parser.on('comment', (t) => {
    if (stack.length > 0) push({ type: 'comment', text: t });
  });
  parser.on('error', (err) => {
    throw err;
  });
  parser.write(xml).close();
  if (root === undefined) throw new Error('no root element');
  return root;
}

const escapeAttr = (s: string): string =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');

const escapeText = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');

/**
 * Write a tree as XML text, independently of src/protocol/xml. Raw nodes are
 * copied verbatim; names are not checked; CDATA and comment text must
 * already be legal.
 */
export function treeToXml(node: XmlNode): string {
  switch (node.type) {
    case 'element': {
      let out = `<${node.name}`;
      for (const [k, v] of Object.entries(node.attrs)) out += ` ${k}="${escapeAttr(v)}"`;
      if (node.children.length === 0) return `${out}/>`;
      return `${out}>${node.children.map(treeToXml).join('')}</${node.name}>`;
    }
    case 'text':
      return escapeText(node.text);
    case 'cdata':
      return `<![CDATA[${node.text}]]>`;
    case 'comment':
      return `<!--${node.text}-->`;
    case 'raw':
      return node.xml;
  }
}

/**
 * A comparable form of a tree: attributes as a plain map (order ignored), raw
 * nodes parsed with saxes so that an opaque body and a parsed one compare equal.
 */
export function treeShape(node: XmlNode): unknown {
  switch (node.type) {
    case 'element':
      return {
        name: node.name,
        attrs: { ...node.attrs },
        children: node.children.map(treeShape),
      };
    case 'raw':
      return treeShape(saxesTree(node.xml));
    default:
      return { type: node.type, text: node.text };
  }
}
