/**
 * The IPC provider role of a cluster-side client (spec/protocol.md §8): the
 * daemon relays each local IPC session of the remote node's tools; the
 * provider serves it with per-endpoint handlers and answers `shutdown_req`.
 * See {@link createIpcProvider}.
 */
import { EventEmitter } from 'node:events';
import { IpcOp, LrmdRc } from '../../protocol/constants.js';
import type { IpcDestroy, IpcNew, IpcProxy, IpcRequest as WireIpcRequest } from '../../protocol/messages/ipc-proxy.js';
import type { Client } from '../client.js';
import type { DistributiveOmit } from '../session.js';
import { ackBody, nackBody, parseBody } from './body.js';
import { SessionRecord } from './session.js';
import {
  IpcFlag,
  IpcServer,
  type IpcBody,
  type IpcHandler,
  type IpcHandlers,
  type IpcRequest,
  type ProviderSession,
  type SessionCloseReason,
  type ShutdownDecision,
} from './types.js';

/** @internal Sends one provider → daemon message. */
export type IpcSender = (message: DistributiveOmit<IpcProxy, 'msgId' | 'kind'>) => Promise<void>;

/** What the provider needs of a connection: a registered {@link Client} with `isIpcProvider: true`. */
export type IpcProviderConnection = Pick<Client, 'on' | 'off' | 'sendIpc'>;

/** Options of {@link createIpcProvider}. */
export interface IpcProviderOptions {
  readonly handlers: IpcHandlers;
  /** The remote node's cluster name, handed to handlers (§8.6). */
  readonly nodeName?: string;
  /**
   * Decides the answer to `shutdown_req` (§8.9); default `ack`. A callback
   * that throws counts as `ack` (and is reported as `handlerError`).
   */
  readonly onShutdownRequest?: () => ShutdownDecision | Promise<ShutdownDecision>;
}

/** Events of {@link IpcProvider}. */
export interface IpcProviderEvents {
  /** A session was accepted (`new`, §8.3). */
  open: [ProviderSession];
  /** A session ended. */
  close: [ProviderSession, SessionCloseReason];
  /** A `new` for an endpoint without a handler, or whose handler refused; `destroy` was sent. */
  refused: [{ readonly session: string; readonly server: string }];
  /** A request arrived (before its handler runs). */
  request: [ProviderSession, IpcRequest];
  /** `shutdown_req` was answered (§8.9); on `ack` the caller should stop the node's resources. */
  shutdown: [ShutdownDecision];
  /** A handler or a send failed; the provider answered as §8.5 describes and goes on. */
  handlerError: [Error, ProviderSession | undefined];
}

/** A running provider; see {@link createIpcProvider}. */
export class IpcProvider extends EventEmitter<IpcProviderEvents> {
  readonly #conn: IpcProviderConnection;
  readonly #options: IpcProviderOptions;
  readonly #sessions = new Map<string, SessionRecord>();
  readonly #send: IpcSender;
  #stopped = false;
  readonly #onIpc = (m: IpcProxy): void => this.#dispatch(m);
  readonly #onClose = (): void => void this.#closeAll('disconnect', false);

  /** @internal Use {@link createIpcProvider}. */
  constructor(conn: IpcProviderConnection, options: IpcProviderOptions) {
    super();
    this.#conn = conn;
    this.#options = options;
    this.#send = (m) => conn.sendIpc(m);
    conn.on('ipc', this.#onIpc);
    conn.on('close', this.#onClose);
  }

  /** Open sessions by id. */
  get sessions(): ReadonlyMap<string, ProviderSession> {
    return new Map([...this.#sessions.values()].map((s) => [s.id, s]));
  }

  /**
   * Stop serving: every open session is closed (`destroy` sent) and the
   * provider detaches from the connection, which stays open.
   */
  async close(): Promise<void> {
    if (this.#stopped) return;
    await this.#closeAll('provider', true);
    this.#stopped = true;
    this.#conn.off('ipc', this.#onIpc);
    this.#conn.off('close', this.#onClose);
  }

  #dispatch(m: IpcProxy): void {
    if (this.#stopped) return;
    switch (m.ipcOp) {
      case IpcOp.new:
        return this.#onNew(m);
      case IpcOp.request:
        return this.#onRequest(m);
      case IpcOp.destroy:
        return this.#onDestroy(m);
      case IpcOp.shutdownReq:
        void this.#onShutdown();
        return;
      default:
        // response/event/ack copies only flow provider → daemon (§8.3).
        return;
    }
  }

  #handlerFor(server: string): IpcHandler | undefined {
    const h = this.#options.handlers;
    const own = h[server];
    if (own) return own;
    const isCib = server === IpcServer.cibRo || server === IpcServer.cibRw || server === IpcServer.cibShm;
    return isCib ? h.cib : undefined;
  }

  #onNew(m: IpcNew): void {
    const key = m.session.toLowerCase();
    const old = this.#sessions.get(key);
    // A reused id replaces the old session (the daemon never does this).
    if (old) old.markClosed('daemon');
    const handler = this.#handlerFor(m.server);
    if (!handler) {
      this.#refuse(m.session, m.server);
      return;
    }
    const s = new SessionRecord(m.session, m.server, this.#options.nodeName, this.#send, (rec, reason) => {
      if (this.#sessions.get(key) === rec) this.#sessions.delete(key);
      try {
        handler.close?.(rec, reason);
      } catch (err) {
        this.emit('handlerError', asError(err), rec);
      }
      this.emit('close', rec, reason);
    });
    this.#sessions.set(key, s);
    s.queue = (async () => {
      try {
        await handler.open?.(s);
      } catch (err) {
        this.emit('handlerError', asError(err), s);
        if (s.markClosed('provider')) this.#refuse(m.session, m.server);
        return;
      }
      this.emit('open', s);
    })();
  }

  #refuse(session: string, server: string): void {
    this.emit('refused', { session, server });
    this.#sendQuietly({ ipcOp: IpcOp.destroy, session }, undefined);
  }

  #onDestroy(m: IpcDestroy): void {
    this.#sessions.get(m.session.toLowerCase())?.markClosed('daemon');
  }

  #onRequest(m: WireIpcRequest): void {
    const s = this.#sessions.get(m.session.toLowerCase());
    if (!s) {
      // Unknown session: tell the daemon to drop its caller (§8.3 destroy).
      this.#sendQuietly({ ipcOp: IpcOp.destroy, session: m.session }, undefined);
      return;
    }
    const handler = this.#handlerFor(s.server)!;
    s.queue = s.queue.then(() => this.#serve(s, handler, m));
  }

  async #serve(s: SessionRecord, handler: IpcHandler, m: WireIpcRequest): Promise<void> {
    if (s.closed) return;
    const expectsResponse = (m.ipcMsgFlags & IpcFlag.clientResponse) !== 0;
    let result: IpcBody | void | undefined;
    let failure: Error | undefined;
    try {
      if (!m.body) throw new Error('request without a body');
      const req: IpcRequest = {
        msgId: m.ipcMsgId,
        flags: m.ipcMsgFlags,
        expectsResponse,
        raw: m.body,
        xml: parseBody(m.body),
        ...(m.client !== undefined ? { client: m.client } : {}),
        ...(m.user !== undefined ? { user: m.user } : {}),
      };
      this.emit('request', s, req);
      result = await handler.request(s, req);
    } catch (err) {
      failure = asError(err);
      this.emit('handlerError', failure, s);
    }
    const answered = s.answered.delete(m.ipcMsgId);
    if (s.closed) return;
    if (failure) {
      // The caller must not hang (§8.5): nack a waiting request.
      if (expectsResponse && !answered) await this.#quietly(s.respond(m.ipcMsgId, nackBody('ipc-provider', LrmdRc.ECOMM)), s);
      return;
    }
    if (result !== undefined) {
      // A returned body answers a waiting caller, else goes as an event (as a daemon sends async replies).
      await this.#quietly(expectsResponse && !answered ? s.respond(m.ipcMsgId, result) : s.event(result), s);
      s.answered.delete(m.ipcMsgId);
    } else if (expectsResponse && !answered) {
      await this.#quietly(s.respond(m.ipcMsgId, ackBody('ipc-provider')), s);
      s.answered.delete(m.ipcMsgId);
    }
  }

  async #onShutdown(): Promise<void> {
    let decision: ShutdownDecision = 'ack';
    try {
      decision = (await this.#options.onShutdownRequest?.()) ?? 'ack';
    } catch (err) {
      this.emit('handlerError', asError(err), undefined);
    }
    await this.#quietly(this.#send({ ipcOp: decision === 'nack' ? IpcOp.shutdownNack : IpcOp.shutdownAck }), undefined);
    this.emit('shutdown', decision);
  }

  async #closeAll(reason: SessionCloseReason, notify: boolean): Promise<void> {
    const all = [...this.#sessions.values()];
    await Promise.all(all.map((s) => (notify ? this.#quietly(s.close(), s) : Promise.resolve(void s.markClosed(reason)))));
  }

  #sendQuietly(m: DistributiveOmit<IpcProxy, 'msgId' | 'kind'>, s: SessionRecord | undefined): void {
    void this.#quietly(this.#send(m), s);
  }

  async #quietly(p: Promise<void>, s: SessionRecord | undefined): Promise<void> {
    try {
      await p;
    } catch (err) {
      this.emit('handlerError', asError(err), s);
    }
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * Serve the IPC sessions a remote daemon relays over `client` (§8): open a
 * session on `new` (refused with `destroy` when no handler serves the
 * endpoint), run each `request` through its handler in arrival order
 * (message ids echoed; a caller that set flag 0x200 always gets a response,
 * `<nack>` when the handler failed), close on `destroy` from either side,
 * and close every session when the connection ends. `shutdown_req` is
 * answered by `onShutdownRequest` (default `ack`) and reported as `shutdown`.
 * `client` must have registered with `isIpcProvider: true` (§8.1).
 */
export function createIpcProvider(client: IpcProviderConnection, options: IpcProviderOptions): IpcProvider {
  return new IpcProvider(client, options);
}
