/**
 * The executor's clients and the delivery of what it sends them
 * (spec/protocol.md §6.4): replies go to the requester, notifications to
 * every named client or, for `notify_orig_only` results, to the requester
 * alone. A sink that throws does not stop delivery to the others.
 */
import type { Notify } from '../../protocol/messages/notify.js';
import type { Reply } from '../../protocol/messages/reply.js';
import { ExecutorError, ExecutorErrorCode } from './errors.js';

/** Everything the executor sends to one client, in wire order. */
export type Outgoing = Reply | Notify;

/**
 * Where a client's outgoing messages go. The executor calls `send` in the
 * exact order the messages must be written (§5.13); the session writes them
 * as they come. It should not throw; if it does, the error goes to
 * `onSinkError` and delivery continues.
 */
export interface ClientSink {
  send(message: Outgoing): void;
}

/** One attached client. */
export interface ClientEntry {
  readonly id: string;
  /** `lrmd_clientname`; clients without one get no notifications (§6.4). */
  readonly name: string | undefined;
  readonly sink: ClientSink;
  /** Epoch ms. */
  readonly attachedAt: number;
}

/** Called when a sink throws. */
export type SinkErrorHandler = (clientId: string, error: unknown) => void;

/** Attached clients, in attach order. */
export class ClientRegistry {
  readonly #clients = new Map<string, ClientEntry>();
  readonly #onError: SinkErrorHandler;

  constructor(onError: SinkErrorHandler) {
    this.#onError = onError;
  }

  get size(): number {
    return this.#clients.size;
  }

  /** @throws ExecutorError EXECUTOR_DUPLICATE_CLIENT */
  add(entry: ClientEntry): void {
    if (this.#clients.has(entry.id)) {
      throw new ExecutorError(ExecutorErrorCode.DuplicateClient, `client ${entry.id} is already attached`);
    }
    this.#clients.set(entry.id, entry);
  }

  /** Remove a client; false when it was not attached. */
  remove(id: string): boolean {
    return this.#clients.delete(id);
  }

  get(id: string): ClientEntry | undefined {
    return this.#clients.get(id);
  }

  has(id: string): boolean {
    return this.#clients.has(id);
  }

  list(): ClientEntry[] {
    return [...this.#clients.values()];
  }

  /** Send to one client, if still attached. */
  sendTo(id: string, message: Outgoing): void {
    const c = this.#clients.get(id);
    if (c) this.#deliver(c, message);
  }

  /** Notify one client if it is attached and named (orig-only results, §6.4). */
  notifyOne(id: string, message: Notify): void {
    const c = this.#clients.get(id);
    if (c && c.name !== undefined) this.#deliver(c, message);
  }

  /** Notify every named client, except `exceptId` if given (§6.3, §6.4). */
  notifyAll(message: Notify, exceptId?: string): void {
    if (this.#clients.size === 0) return;
    // A snapshot: a sink may detach clients while we iterate.
    for (const c of [...this.#clients.values()]) {
      if (c.name !== undefined && c.id !== exceptId && this.#clients.has(c.id)) this.#deliver(c, message);
    }
  }

  #deliver(c: ClientEntry, message: Outgoing): void {
    try {
      c.sink.send(message);
    } catch (err) {
      this.#onError(c.id, err);
    }
  }
}
