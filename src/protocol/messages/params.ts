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
import type { XmlElement } from '../xml/types.js';
import type { Params } from './common.js';
import { emptyRecord } from './fields.js';

const ATTR_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * True when `name` is written as an attribute of `<attributes>` (§3.8):
 * `[A-Za-z_][A-Za-z0-9_.-]*`, except `xmlns`, which XML reads as a namespace
 * declaration rather than an attribute.
 */
export function isAttributeParamName(name: string): boolean {
  return ATTR_NAME.test(name) && name !== 'xmlns';
}

/**
 * Read an `<attributes>` element into one map: its attributes first, then its
 * `<param>` children; the first occurrence of a name wins (§3.8). A `<param>`
 * lacking `name` or `value`, or with an empty name (which cannot be sent
 * back), is skipped. `undefined` gives an empty map.
 */
export function decodeParams(el: XmlElement | undefined): Params {
  const out = emptyRecord();
  if (el === undefined) return out;
  const seen = (k: string): boolean => Object.prototype.hasOwnProperty.call(out, k);
  for (const [k, v] of Object.entries(el.attrs)) out[k] = v; // names are unique here
  for (const child of el.children) {
    if (child.type !== 'element' || child.name !== Element.param) continue;
    const name = child.attrs['name'];
    const value = child.attrs['value'];
    if (name !== undefined && name !== '' && value !== undefined && !seen(name)) out[name] = value;
  }
  return out;
}

/**
 * Build the `<attributes>` element for a parameter map (§3.8).
 * @throws ProtocolError MESSAGE_BAD_VALUE for an empty name.
 */
export function encodeParams(params: Params): XmlElement {
  const attrs = emptyRecord();
  const children: XmlElement[] = [];
  for (const [name, value] of Object.entries(params)) {
    if (name === '') throw new ProtocolError(ErrorCode.MessageBadValue, 'empty parameter name');
    if (isAttributeParamName(name)) {
      attrs[name] = value;
    } else {
      const p = emptyRecord();
      p['name'] = name;
      p['value'] = value;
      children.push({ type: 'element', name: Element.param, attrs: p, children: [] });
    }
  }
  return { type: 'element', name: Element.attributes, attrs, children };
}
