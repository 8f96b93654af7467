/**
 * IPC message bodies (the one element inside `<lrmd_ipc_msg>`,
 * spec/protocol.md §8.2): building them, turning caller input into the raw
 * text that is relayed verbatim, and reading answers.
 */
import type { RawXml } from '../../protocol/messages/common.js';
import { parseXml } from '../../protocol/xml/parser.js';
import { serializeXml } from '../../protocol/xml/serializer.js';
import type { XmlElement, XmlNode, XmlParseOptions } from '../../protocol/xml/types.js';
import { ProxyError, ProxyErrorCode } from './errors.js';

/** A request body: XML text of one element, an element tree, or raw text already checked. */
export type ProxyBody = string | XmlElement | RawXml;

/** A fresh element; attributes keep the given order, `undefined` values are left out. */
export function el(name: string, attrs: Readonly<Record<string, string | number | undefined>> = {}, children: XmlNode[] = []): XmlElement {
  const out = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) out[k] = String(v);
  return { type: 'element', name, attrs: out, children };
}

/** The body as relayed text. @throws ProxyError PROXY_BAD_ARGUMENT for text that is not one XML element. */
export function toRawBody(body: ProxyBody): RawXml {
  if (typeof body === 'string') {
    const xml = body.trim();
    try {
      if (!xml.startsWith('<')) throw new Error('not an element');
      parseXml(xml);
    } catch (err) {
      throw new ProxyError(ProxyErrorCode.BadArgument, `an IPC body must be one XML element: ${(err as Error).message}`, { cause: err });
    }
    return { xml };
  }
  if ('type' in body) return { xml: serializeXml(body) };
  return body;
}

/** Parse an answer. @throws ProxyError PROXY_BAD_REPLY. */
export function parseBody(raw: RawXml, options?: XmlParseOptions): XmlElement {
  try {
    return parseXml(raw.xml, options);
  } catch (err) {
    throw new ProxyError(ProxyErrorCode.BadReply, `unreadable IPC answer: ${(err as Error).message}`, { cause: err });
  }
}

/** Child elements of `parent`, optionally only those named `name`. */
export function childElements(parent: XmlElement, name?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of parent.children) if (c.type === 'element' && (name === undefined || c.name === name)) out.push(c);
  return out;
}

/**
 * `<nack rc=…>`: the provider could not pass the request on (§8.5).
 * @throws ProxyError PROXY_NACK with the legacy rc.
 */
export function assertNotNack(body: XmlElement, what: string): void {
  if (body.name !== 'nack') return;
  const rc = Number.parseInt(body.attrs.rc ?? '', 10);
  throw new ProxyError(ProxyErrorCode.Nack, `the provider could not relay the ${what} request (rc ${body.attrs.rc ?? '?'})`, {
    ...(Number.isFinite(rc) ? { rc } : {}),
  });
}
