/**
 * Transient node attributes through the proxied `attrd` endpoint
 * (spec/protocol.md §8.12). The messages are those of Pacemaker 2.1.5's
 * own tools, read from lib/common/ipc_attrd.c and daemons/attrd:
 *
 *   update (`attrd_updater -U`, and `crm_attribute -l reboot` on a remote
 *   node, which sets attr_is_remote):
 *     <create_attrd_op t="attrd" src="…" attr_name="N" task="update"
 *         attr_value="V" [attr_host="H"] attr_is_remote="0|1" attr_is_private="0"/>
 *     sent with crm_ipc_client_response; the answer is
 *     <ack function="handle_update_request" line="…" status="112" ipc-protocol-version="4"/>
 *   query (`attrd_updater -Q -n N [-N H]`):
 *     <create_attrd_op t="attrd" src="…" attr_name="N" task="query" [attr_host="H"]/>
 *     answered by <build_query_reply t="attrd" subt="query" attr_version="4" [attr_name="N"]>
 *     with one <node attr_host="H" [attr_value="V"]/> per node; no attr_name = no such attribute.
 *
 * The element name is the C function that built it; the attribute manager
 * ignores it. Without `attr_host` the provider fills in the remote node's
 * name for updates (§8.6); a query without it returns every node's value.
 */
import type { RawXml } from '../../protocol/messages/common.js';
import type { XmlElement } from '../../protocol/xml/types.js';
import { assertNotNack, childElements, el, parseBody } from './body.js';
import { ProxyError, ProxyErrorCode } from './errors.js';

/** `src` of our requests: the program name, as Pacemaker's tools put theirs. */
export const ATTRD_CLIENT_NAME = 'pcmk-remote';

/** Fields of an attribute update. */
export interface AttrdUpdate {
  readonly name: string;
  /** Absent: delete the value (as `attrd_updater -D`). */
  readonly value?: string;
  /** Absent: this node (the provider fills it in, §8.6). */
  readonly node?: string;
  /** Do not write the value to the CIB. */
  readonly private?: boolean;
}

/** One node's value in a query answer. */
export interface AttributeValue {
  readonly node: string;
  /** Absent when the node has no value. */
  readonly value?: string;
}

function assertName(name: string): void {
  if (typeof name !== 'string' || name === '') throw new ProxyError(ProxyErrorCode.BadArgument, 'an attribute name is required');
}

/** The update request. Without a node it is for this remote node, so `attr_is_remote="1"` (as `crm_attribute`). */
export function buildAttrdUpdate(u: AttrdUpdate, src = ATTRD_CLIENT_NAME): XmlElement {
  assertName(u.name);
  return el('create_attrd_op', {
    t: 'attrd',
    src,
    attr_name: u.name,
    task: 'update',
    attr_value: u.value,
    attr_host: u.node,
    attr_is_remote: u.node === undefined ? 1 : 0,
    attr_is_private: u.private ? 1 : 0,
  });
}

/** The query request (`attrd_updater -Q`). */
export function buildAttrdQuery(name: string, node?: string, src = ATTRD_CLIENT_NAME): XmlElement {
  assertName(name);
  return el('create_attrd_op', { t: 'attrd', src, attr_name: name, task: 'query', attr_host: node });
}

/** Check the answer to an update: an `ack` (any status, as `attrd_updater`). @throws ProxyError PROXY_NACK, PROXY_BAD_REPLY. */
export function checkUpdateReply(raw: RawXml): void {
  const body = parseBody(raw);
  assertNotNack(body, 'attribute update');
  if (body.name !== 'ack') throw new ProxyError(ProxyErrorCode.BadReply, `unexpected answer <${body.name}> to an attribute update`);
}

/**
 * The values in a query answer; undefined when the attribute does not
 * exist. @throws ProxyError PROXY_NACK, PROXY_BAD_REPLY.
 */
export function parseQueryReply(raw: RawXml): AttributeValue[] | undefined {
  const body = parseBody(raw);
  assertNotNack(body, 'attribute query');
  if (body.attrs.t !== 'attrd' || (body.attrs.subt !== undefined && body.attrs.subt !== 'query')) {
    throw new ProxyError(ProxyErrorCode.BadReply, `unexpected answer <${body.name}> to an attribute query`);
  }
  if (body.attrs.attr_name === undefined) return undefined;
  const out: AttributeValue[] = [];
  for (const n of childElements(body, 'node')) {
    const node = n.attrs.attr_host;
    if (node === undefined) continue;
    out.push({ node, ...(n.attrs.attr_value !== undefined ? { value: n.attrs.attr_value } : {}) });
  }
  return out;
}
