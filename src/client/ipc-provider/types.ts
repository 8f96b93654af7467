/**
 * The shapes of the IPC provider role (spec/protocol.md §8): proxied server
 * names, IPC flag bits, the request a handler receives, the session it
 * answers on, and the handler contract.
 */
import type { RawXml } from '../../protocol/messages/common.js';
import type { XmlElement } from '../../protocol/xml/types.js';

// The wire names and flag bits live with the other constants (§8.2, §8.4).
import { IpcFlag, IpcServer } from '../../protocol/constants.js';
export { IpcFlag, IpcServer };
export type IpcServer = (typeof IpcServer)[keyof typeof IpcServer];

/** A message body: a parsed element, a relayed raw element, or XML text of one element. */
export type IpcBody = XmlElement | RawXml | string;

/** Why a session ended. */
export type SessionCloseReason =
  /** The daemon sent `destroy` (the local tool went away). */
  | 'daemon'
  /** This side closed it (handler, failure, or {@link ProviderSession.close}). */
  | 'provider'
  /** The executor connection ended (§8.8). */
  | 'disconnect';

/** One proxied request as a handler sees it (§8.5). */
export interface IpcRequest {
  /** libqb request id of the local caller; echoed in the response (§8.7). */
  readonly msgId: number;
  /** IPC header flags as relayed (with `proxied` 0x100 added by the daemon). */
  readonly flags: number;
  /** True when the caller waits for a response (flag 0x200). */
  readonly expectsResponse: boolean;
  /** `proxy-<server>-<pid>-<session prefix>` as the daemon names the caller. */
  readonly client?: string;
  /** The local caller's user name (§8.2). */
  readonly user?: string;
  /** The message exactly as relayed. */
  readonly raw: RawXml;
  /** The message, parsed. */
  readonly xml: XmlElement;
}

/** One proxied IPC session (§8.7), as handlers use it. */
export interface ProviderSession {
  /** The daemon's session id (a UUID). */
  readonly id: string;
  /** `lrmd_ipc_server` of the `new` message. */
  readonly server: string;
  /** The remote node's cluster name, when the provider was told it. */
  readonly nodeName?: string;
  readonly closed: boolean;
  /** Per-session scratch space for handlers (registration ids, subscriptions). */
  readonly state: Map<string, unknown>;
  /**
   * Send the response to request `msgId` (§8.3 `response`). Resolves once
   * written; a closed session or connection rejects (IpcProviderError
   * SESSION_CLOSED, or the client's error).
   */
  respond(msgId: number, body: IpcBody): Promise<void>;
  /** Send an unsolicited message (§8.3 `event`). */
  event(body: IpcBody): Promise<void>;
  /** End the session: the daemon is sent `destroy` and drops the local caller. */
  close(): Promise<void>;
}

/**
 * Serves the sessions of one proxied endpoint. `request` may answer with
 * {@link ProviderSession.respond} or by returning the body of the response;
 * when the caller waits for a response and none was sent once `request`
 * settles, the provider sends `<ack>` (a `nack` when it threw), so the local
 * caller never hangs (§8.5).
 */
export interface IpcHandler {
  /** A new session (§8.3 `new`); throwing refuses it (`destroy`). */
  open?(session: ProviderSession): void | Promise<void>;
  request(session: ProviderSession, request: IpcRequest): void | IpcBody | Promise<void | IpcBody | undefined> | undefined;
  /** The session ended; no more messages may be sent on it. */
  close?(session: ProviderSession, reason: SessionCloseReason): void;
}

/**
 * Handlers by endpoint name. `cib` serves `cib_ro`, `cib_rw` and `cib_shm`
 * unless one of those has its own entry; any other name (a future endpoint)
 * may be given as is. An endpoint without a handler is refused (`destroy`).
 */
export interface IpcHandlers {
  readonly cib?: IpcHandler;
  readonly cib_ro?: IpcHandler;
  readonly cib_rw?: IpcHandler;
  readonly cib_shm?: IpcHandler;
  readonly attrd?: IpcHandler;
  readonly 'stonith-ng'?: IpcHandler;
  readonly crmd?: IpcHandler;
  readonly pacemakerd?: IpcHandler;
  readonly [server: string]: IpcHandler | undefined;
}

/** The answer to `shutdown_req` (§8.9). */
export type ShutdownDecision = 'ack' | 'nack';
