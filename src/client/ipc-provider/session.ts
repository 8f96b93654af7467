/**
 * One proxied IPC session on the provider side (spec/protocol.md §8.7):
 * the messages it may send, its closed state, and the queue that keeps its
 * requests in arrival order.
 */
import { IpcOp } from '../../protocol/constants.js';
import { toRawBody } from './body.js';
import { IpcProviderError, IpcProviderErrorCode } from './errors.js';
import type { IpcBody, ProviderSession, SessionCloseReason } from './types.js';
import type { IpcSender } from './provider.js';

/** @internal The provider's record of a session. */
export class SessionRecord implements ProviderSession {
  readonly id: string;
  readonly server: string;
  readonly nodeName?: string;
  readonly state = new Map<string, unknown>();
  /** Message ids answered with a `response` (cleared as requests finish). */
  readonly answered = new Set<number>();
  /** Requests run one after another, in arrival order. */
  queue: Promise<void> = Promise.resolve();
  #closed: SessionCloseReason | undefined;
  readonly #send: IpcSender;
  readonly #onClose: (s: SessionRecord, reason: SessionCloseReason) => void;

  constructor(id: string, server: string, nodeName: string | undefined, send: IpcSender, onClose: (s: SessionRecord, reason: SessionCloseReason) => void) {
    this.id = id;
    this.server = server;
    if (nodeName !== undefined) this.nodeName = nodeName;
    this.#send = send;
    this.#onClose = onClose;
  }

  get closed(): boolean {
    return this.#closed !== undefined;
  }

  async respond(msgId: number, body: IpcBody): Promise<void> {
    this.#assertOpen();
    const raw = toRawBody(body);
    this.answered.add(msgId);
    await this.#send({ ipcOp: IpcOp.response, session: this.id, ipcMsgId: msgId, body: raw });
  }

  async event(body: IpcBody): Promise<void> {
    this.#assertOpen();
    await this.#send({ ipcOp: IpcOp.event, session: this.id, body: toRawBody(body) });
  }

  async close(): Promise<void> {
    if (!this.markClosed('provider')) return;
    await this.#send({ ipcOp: IpcOp.destroy, session: this.id });
  }

  /** @internal Record the end once; false when it had already ended. */
  markClosed(reason: SessionCloseReason): boolean {
    if (this.#closed) return false;
    this.#closed = reason;
    this.#onClose(this, reason);
    return true;
  }

  #assertOpen(): void {
    if (this.#closed) throw new IpcProviderError(IpcProviderErrorCode.SessionClosed, `IPC session ${this.id} is closed (${this.#closed})`);
  }
}
