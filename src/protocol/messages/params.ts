/**
 * Agent and alert parameters: the `<attributes>` element (spec/protocol.md §3.8).
 *
 * A parameter is an attribute `name="value"` of `<attributes>`; a name that
 * cannot be an attribute name travels as a child `<param name="…" value="…"/>`.
 * Pacemaker uses the child form only for digit-leading names; we use it for
 * every name outside `[A-Za-z_][A-Za-z0-9_.-]*` (Pacemaker would write such a
 * name as a broken attribute, while its reader accepts `<param>` for any name).
 */
import { Element } from '../constants.js';
import { ErrorCode, ProtocolError } from '../errors.js';
import { NullRecord } from '../null-record.js';
import type { XmlElement } from '../xml/types.js';
import type { Params } from './common.js';

/**
 * True when `name` is written as an attribute of `<attributes>` (§3.8):
 * `[A-Za-z_][A-Za-z0-9_.-]*`, except `xmlns`, which XML reads as a namespace
 * declaration rather than an attribute.
 */
export function isAttributeParamName(name: string): boolean {
  const len = name.length;
  if (len === 0) return false;
  let c = name.charCodeAt(0);
  if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f)) return false;
  for (let i = 1; i < len; i++) {
    c = name.charCodeAt(i);
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x2d && c <= 0x39 && c !== 0x2f) || c === 0x5f)) {
      return false;
    }
  }
  return name !== 'xmlns';
}

/**
 * Read an `<attributes>` element into one map: its attributes first, then its
 * `<param>` children; the first occurrence of a name wins (§3.8). A `<param>`
 * lacking `name` or `value`, or with an empty name (which cannot be sent
 * back), is skipped. `undefined` gives an empty map.
 */
export function decodeParams(el: XmlElement | undefined): Params {
  const out: Record<string, string> = new NullRecord();
  if (el === undefined) return out;
  const attrs = el.attrs;
  for (const k in attrs) {
    const v = attrs[k];
    if (v !== undefined) out[k] = v; // names are unique here
  }
  const children = el.children;
  for (let i = 0; i < children.length; i++) {
    const child = children[i]!;
    if (child.type !== 'element' || child.name !== Element.param) continue;
    const name = child.attrs['name'];
    const value = child.attrs['value'];
    if (name !== undefined && name !== '' && value !== undefined && out[name] === undefined) out[name] = value;
  }
  return out;
}

/**
 * Build the `<attributes>` element for a parameter map (§3.8).
 * @throws ProtocolError MESSAGE_BAD_VALUE for an empty name.
 */
export function encodeParams(params: Params): XmlElement {
  const attrs: Record<string, string> = new NullRecord();
  const children: XmlElement[] = [];
  const names = Object.keys(params);
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const value = params[name]!;
    if (name === '') throw new ProtocolError(ErrorCode.MessageBadValue, 'empty parameter name');
    if (isAttributeParamName(name)) {
      attrs[name] = value;
    } else {
      const p: Record<string, string> = new NullRecord();
      p['name'] = name;
      p['value'] = value;
      children.push({ type: 'element', name: Element.param, attrs: p, children: [] });
    }
  }
  return { type: 'element', name: Element.attributes, attrs, children };
}
