/**
 * Compact XML writer for protocol payloads (spec/protocol.md §2.2, §3.11):
 * no declaration, no indentation, no trailing newline.
 */
import { ErrorCode, ProtocolError } from '../errors.js';
import * as esc from './escape.js';
import type { XmlElement, XmlNode } from './types.js';

// Module-local copies: a transpiled import is read through a getter on every use.
const { escapeAttr, escapeText, isXmlName, stripInvalidChars } = esc;

/**
 * Serializes an element tree. Childless elements are written self-closing
 * (`<x a="1"/>`); attribute values and text are escaped with
 * {@link escapeAttr} / {@link escapeText}; CDATA is written as a CDATA section
 * (split around `]]>`); a comment has `--` and a trailing `-` broken by a
 * space (XML forbids them); raw nodes are written verbatim.
 *
 * @throws ProtocolError `XML_SYNTAX` when an element or attribute name is not
 *   an XML Name (writing it would change the document's structure).
 */
export function serializeXml(el: XmlElement): string {
  return writeElement(el);
}

function writeElement(el: XmlElement): string {
  const name = checkName(el.name);
  let out = '<' + name;
  const attrs = el.attrs;
  for (const key in attrs) {
    const value = attrs[key];
    if (value === undefined) continue;
    out += ' ' + checkName(key) + '="' + escapeAttr(value) + '"';
  }
  const children = el.children;
  if (children.length === 0) return out + '/>';
  out += '>';
  for (let i = 0; i < children.length; i++) out += writeNode(children[i]!);
  return out + '</' + name + '>';
}

function writeNode(node: XmlNode): string {
  switch (node.type) {
    case 'element':
      return writeElement(node);
    case 'text':
      return escapeText(node.text);
    case 'cdata':
      return '<![CDATA[' + stripInvalidChars(node.text).replaceAll(']]>', ']]]]><![CDATA[>') + ']]>';
    case 'comment':
      return '<!--' + safeComment(stripInvalidChars(node.text)) + '-->';
    case 'raw':
      return node.xml;
  }
}

function safeComment(text: string): string {
  if (text.includes('--')) text = text.replace(/-(?=-)/g, '- ');
  return text.endsWith('-') ? text + ' ' : text;
}

// Names repeat across messages; remembering the good ones skips the check.
const knownNames = new Set<string>();

function checkName(name: string): string {
  if (knownNames.has(name)) return name;
  if (!isXmlName(name)) throw new ProtocolError(ErrorCode.XmlSyntax, `not an XML name: ${JSON.stringify(name)}`);
  if (knownNames.size < 4096) knownNames.add(name);
  return name;
}
