/**
 * Converting IPC message bodies (the one element inside `<lrmd_ipc_msg>`,
 * spec/protocol.md §8.2) between raw text and element trees, and the small
 * `<ack>` / `<nack>` answers of §8.5.
 */
import type { RawXml } from '../../protocol/messages/common.js';
import { parseXml } from '../../protocol/xml/parser.js';
import { serializeXml } from '../../protocol/xml/serializer.js';
import type { XmlElement, XmlNode } from '../../protocol/xml/types.js';
import { IpcProviderError, IpcProviderErrorCode } from './errors.js';
import type { IpcBody } from './types.js';

/** A fresh element (attributes in the given order, `undefined` values left out). */
export function el(name: string, attrs: Readonly<Record<string, string | number | boolean | undefined>> = {}, children: XmlNode[] = []): XmlElement {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) out[k] = String(v);
  return { type: 'element', name, attrs: out, children };
}

/** The body as raw XML text for the wire. @throws IpcProviderError IPC_BAD_BODY for text that is not one element. */
export function toRawBody(body: IpcBody): RawXml {
  if (typeof body === 'string') {
    const text = body.trim();
    if (!text.startsWith('<')) throw new IpcProviderError(IpcProviderErrorCode.BadBody, 'an IPC body must be one XML element');
    // Checked here, so a bad body fails the sender and not the daemon's parser.
    parseBody({ xml: text });
    return { xml: text };
  }
  if ('type' in body) return { xml: serializeXml(body) };
  return body;
}

/** Parse a relayed body. @throws IpcProviderError IPC_BAD_BODY. */
export function parseBody(raw: RawXml): XmlElement {
  try {
    return parseXml(raw.xml);
  } catch (err) {
    throw new IpcProviderError(IpcProviderErrorCode.BadBody, `unreadable IPC body: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * `<ack function=… line=…/>`: the immediate response of an endpoint that
 * answers later by event, as the controller does for its own sessions (§8.5).
 */
export function ackBody(fn: string, status?: number): XmlElement {
  return el('ack', { function: fn, line: 0, status });
}

/** `<nack function=… line=… rc=…/>`: the response when a request cannot be served (§8.5). */
export function nackBody(fn: string, rc: number): XmlElement {
  return el('nack', { function: fn, line: 0, rc });
}

/** Child elements of `parent` (optionally only those named `name`). */
export function childElements(parent: XmlElement, name?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of parent.children) if (c.type === 'element' && (name === undefined || c.name === name)) out.push(c);
  return out;
}

/** The first child element of the child `field` (Pacemaker's "message data" wrapper, e.g. `cib_calldata`). */
export function messageData(msg: XmlElement, field: string): XmlElement | undefined {
  const holder = childElements(msg, field)[0];
  return holder ? childElements(holder)[0] : undefined;
}
