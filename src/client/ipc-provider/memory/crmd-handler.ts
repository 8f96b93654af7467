/**
 * The controller's IPC endpoint (`crmd`) answered in memory, the way the
 * real controller serves its own proxied sessions (spec/protocol.md §8.5,
 * §8.16): an `<ack>` response at once, the real answer as an event.
 * Answers `node-info` (what `crm_node -n` and `crm_attribute` ask),
 * `ping` and `list-nodes`; other tasks get the ack only.
 */
import type { XmlElement } from '../../../protocol/xml/types.js';
import { childElements, el } from '../body.js';
import type { IpcHandler } from '../types.js';
import type { CibStore } from './cib-store.js';

/** The feature set a 2.1.5 controller writes into its messages. */
export const CRM_FEATURE_SET = '3.16.1';

/** `crm_task` values answered here. */
export const CrmdTask = {
  hello: 'hello',
  nodeInfo: 'node-info',
  ping: 'ping',
  listNodes: 'list-nodes',
} as const;

/** Options of {@link createCrmdHandler}. */
export interface CrmdHandlerOptions {
  /** Nodes are looked up in its nodes section. */
  readonly cib?: CibStore;
  /** The remote node's name, answered when a `node-info` names no node (§8.5). */
  readonly nodeName?: string;
  /** `crmd_state` of ping replies; default `S_IDLE`. */
  readonly fsaState?: string;
  /** `have-quorum` of node-info replies; default true. */
  readonly haveQuorum?: boolean;
}

/** A handler for the `crmd` endpoint. */
export function createCrmdHandler(options: CrmdHandlerOptions = {}): IpcHandler {
  return {
    async request(session, req) {
      const msg = req.xml;
      const task = msg.attrs.crm_task ?? '';
      let data: XmlElement | undefined;
      if (task === CrmdTask.nodeInfo) data = nodeInfo(options, msg, session.nodeName ?? options.nodeName);
      else if (task === CrmdTask.ping) data = el('ping_response', { crm_subsystem: msg.attrs.crm_sys_to, crmd_state: options.fsaState ?? 'S_IDLE', result: 'ok' });
      else if (task === CrmdTask.listNodes) data = listNodes(options.cib);
      // The controller acknowledges every waiting request at once (§8.5).
      if (req.expectsResponse) await session.respond(req.msgId, el('ack', { function: 'crmd_remote_proxy_cb', line: 0 }));
      if (data) await session.event(replyTo(msg, data, session.id));
      return undefined;
    },
  };
}

function nodeInfo(options: CrmdHandlerOptions, msg: XmlElement, local: string | undefined): XmlElement {
  const data = el('node', { crm_subsystem: 'crmd', 'have-quorum': options.haveQuorum ?? true });
  const byId = Number.parseInt(msg.attrs.id ?? '0', 10);
  // §8.5: a request naming no node is about the remote node itself.
  const uname = msg.attrs.uname ?? (byId > 0 ? undefined : local);
  const node = findNode(options, uname, byId > 0 ? String(byId) : undefined, local);
  if (node) {
    // 2.1.5 writes the numeric id, then the uuid under the same name `id`:
    // the uuid stays (the name, for a remote node). Measured, §8.16.3.
    data.attrs.id = node.remote ? node.uname : node.id;
    data.attrs.uname = node.uname;
    data.attrs.crmd = 'member';
    data.attrs.remote_node = node.remote ? 'true' : 'false';
  }
  return data;
}

interface NodeEntry {
  readonly id: string;
  readonly uname: string;
  readonly remote: boolean;
}

function nodes(cib: CibStore | undefined): NodeEntry[] {
  const section = cib?.section('nodes');
  if (!section) return [];
  return childElements(section, 'node').flatMap((n) =>
    n.attrs.uname !== undefined ? [{ id: n.attrs.id ?? n.attrs.uname, uname: n.attrs.uname, remote: n.attrs.type === 'remote' }] : [],
  );
}

function findNode(options: CrmdHandlerOptions, uname: string | undefined, id: string | undefined, local: string | undefined): NodeEntry | undefined {
  const all = nodes(options.cib);
  const found = all.find((n) => (uname !== undefined ? n.uname.toLowerCase() === uname.toLowerCase() : n.id === id));
  if (found) return found;
  // The remote node itself is known even when the CIB does not list it.
  if (uname !== undefined && local !== undefined && uname.toLowerCase() === local.toLowerCase()) return { id: local, uname: local, remote: true };
  return undefined;
}

function listNodes(cib: CibStore | undefined): XmlElement {
  return el(
    'nodes',
    {},
    nodes(cib)
      .filter((n) => !n.remote)
      .map((n) => el('node', { id: n.id, uname: n.uname, in_ccm: 'member' })),
  );
}

/**
 * A controller reply (`create_reply`): the request's reference and task,
 * sender and receiver swapped. The controller files a proxied request
 * under its session id, so the reply goes to that id (measured with 2.1.5).
 */
function replyTo(req: XmlElement, data: XmlElement, sessionId: string): XmlElement {
  const a = req.attrs;
  return el(
    'create_reply_adv',
    {
      origin: 'ipc-provider',
      t: 'crmd',
      version: CRM_FEATURE_SET,
      subt: 'response',
      reference: a.reference,
      crm_task: a.crm_task,
      crm_sys_to: sessionId,
      crm_sys_from: a.crm_sys_to,
      crm_host_to: a.src,
    },
    [el('crm_xml', {}, [data])],
  );
}
