/**
 * Pass-through handlers: every proxied request goes to a user-supplied
 * async function (a real CIB, a cluster API, a test double), after the
 * rewrites a real provider applies (spec/protocol.md §8.6).
 */
import type { XmlElement } from '../../protocol/xml/types.js';
import type { IpcBody, IpcHandler, IpcHandlers, IpcRequest, ProviderSession, SessionCloseReason } from './types.js';

/** One request handed to {@link PassThroughOptions.forward}. */
export interface ForwardCall {
  readonly session: ProviderSession;
  readonly request: IpcRequest;
  /** The message after the §8.6 rewrites (a copy; `request.xml` is untouched). */
  readonly xml: XmlElement;
}

/** Options of {@link createPassThroughHandlers}. */
export interface PassThroughOptions {
  /** The remote node's cluster name: the ACL user and the default `attr_host` (§8.6). */
  readonly nodeName: string;
  /**
   * Serve one request. A returned body answers it (as a response when the
   * caller waits, else as an event); more can follow with `session.event`.
   * Throwing makes the provider answer `<nack>` (§8.5).
   */
  readonly forward: (call: ForwardCall) => Promise<IpcBody | undefined | void> | IpcBody | undefined | void;
  /** A session opened (throw to refuse it). */
  readonly open?: (session: ProviderSession) => void | Promise<void>;
  readonly close?: (session: ProviderSession, reason: SessionCloseReason) => void;
  /** Apply the §8.6 rewrites; default true. */
  readonly rewrite?: boolean;
}

const ATTRD_UPDATES: ReadonlySet<string> = new Set(['update', 'update-both', 'update-delay']);

/**
 * The §8.6 rewrites of a proxied message, on a copy: `acl_role` =
 * `pacemaker-remote`; `acl_target` and `lrmd_ipc_user` = the node name;
 * for attribute updates (`t="attrd"`) without `attr_host`, `attr_host` =
 * the node name.
 */
export function rewriteProxiedRequest(xml: XmlElement, nodeName: string): XmlElement {
  const attrs: Record<string, string> = { ...xml.attrs, acl_role: 'pacemaker-remote', acl_target: nodeName, lrmd_ipc_user: nodeName };
  if (xml.attrs.t === 'attrd' && ATTRD_UPDATES.has(xml.attrs.task ?? '') && xml.attrs.attr_host === undefined) attrs.attr_host = nodeName;
  return { type: 'element', name: xml.name, attrs, children: xml.children };
}

/** One handler that forwards every request of every endpoint. */
export function createPassThroughHandler(options: PassThroughOptions): IpcHandler {
  return {
    ...(options.open ? { open: options.open } : {}),
    ...(options.close ? { close: options.close } : {}),
    request(session, request) {
      const xml = options.rewrite === false ? request.xml : rewriteProxiedRequest(request.xml, options.nodeName);
      return options.forward({ session, request, xml });
    },
  };
}

/** Handlers of every proxied endpoint (§8.4), all forwarding with {@link createPassThroughHandler}. */
export function createPassThroughHandlers(options: PassThroughOptions): IpcHandlers {
  const h = createPassThroughHandler(options);
  return { cib: h, attrd: h, 'stonith-ng': h, crmd: h };
}
