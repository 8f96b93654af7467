/**
 * One proxied IPC session of the daemon (spec/protocol.md §8.7, §8.11): a
 * local client of a cluster daemon (`cib_rw`, `attrd`, …) whose messages
 * travel to the provider the session is bound to. Requests that expect a
 * response go one at a time: a provider remembers only the last request id
 * of a session (§8.5), so a second one waits for the first to settle.
 */
import { EventEmitter } from 'node:events';
import { IpcFlag } from '../../protocol/constants.js';
import type { RawXml } from '../../protocol/messages/common.js';
import type { IpcProxy } from '../../protocol/messages/ipc-proxy.js';
import { toRawBody, type ProxyBody } from './body.js';
import { ProxyError, ProxyErrorCode } from './errors.js';

/** Default time limit of a proxied request. */
export const DEFAULT_PROXY_REQUEST_TIMEOUT_MS = 30_000;

/** Options of {@link ProxySession.request} and {@link ProxySession.waitForEvent}. */
export interface ProxyRequestOptions {
  /** Time limit in ms; default the endpoint's (30 000); 0 = none. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /**
   * false: send without `crm_ipc_client_response` (0x200) and resolve once
   * sent; the daemon's answer, if any, arrives as an `event`. Default true.
   */
  readonly expectResponse?: boolean;
  /** IPC flags to add to `crm_ipc_proxied` and, when a response is expected, `crm_ipc_client_response`. */
  readonly flags?: number;
}

/** Events of {@link ProxySession}. */
export interface ProxySessionEvents {
  /** A message that answers no request (§8.3 `event`). */
  event: [RawXml];
  /** The session ended; the reason says why. */
  close: [ProxyError];
}

/** What a session needs from its endpoint. */
export interface ProxySessionLink {
  /** Send a daemon → provider message to the bound provider; false when it is gone. */
  send(message: IpcProxy): boolean;
  /** The session closed: forget it. */
  closed(session: ProxySession): void;
  readonly defaultTimeoutMs: number;
}

/** Fields of a new session. */
export interface ProxySessionInit {
  readonly id: string;
  /** Endpoint name on the wire (§8.4). */
  readonly server: string;
  readonly providerId: string;
  /** `lrmd_ipc_client` of its requests. */
  readonly client: string;
  /** `lrmd_ipc_user` of its requests. */
  readonly user: string;
}

interface Pending {
  readonly msgId: number;
  resolve(body: RawXml): void;
  reject(err: ProxyError): void;
}

interface EventWaiter {
  readonly match: (body: RawXml) => boolean;
  resolve(body: RawXml): void;
  reject(err: ProxyError): void;
}

/** A proxied session; made by the endpoint's `openSession`. */
export class ProxySession extends EventEmitter<ProxySessionEvents> {
  readonly id: string;
  readonly server: string;
  readonly providerId: string;
  readonly client: string;
  readonly user: string;
  readonly #link: ProxySessionLink;
  #lastMsgId = 0;
  #pending: Pending | undefined;
  #turn: Promise<void> = Promise.resolve();
  readonly #waiters = new Set<EventWaiter>();
  #closed: ProxyError | undefined;

  constructor(init: ProxySessionInit, link: ProxySessionLink) {
    super();
    this.id = init.id;
    this.server = init.server;
    this.providerId = init.providerId;
    this.client = init.client;
    this.user = init.user;
    this.#link = link;
  }

  /** True once the session ended. */
  get closed(): boolean {
    return this.#closed !== undefined;
  }
  /** Why the session ended, once it has. */
  get closeReason(): ProxyError | undefined {
    return this.#closed;
  }

  /**
   * Send one message to the cluster daemon. Resolves with the body of the
   * matching `response` (same session and msg id), or, with
   * `expectResponse: false`, once sent. Rejects with ProxyError
   * PROXY_SESSION_CLOSED, PROXY_PROVIDER_LOST, PROXY_TIMEOUT, PROXY_ABORTED,
   * PROXY_BAD_ARGUMENT (a body that is not one element).
   */
  request(body: ProxyBody, options: ProxyRequestOptions & { expectResponse: false }): Promise<undefined>;
  request(body: ProxyBody, options?: ProxyRequestOptions): Promise<RawXml>;
  async request(body: ProxyBody, options: ProxyRequestOptions = {}): Promise<RawXml | undefined> {
    const raw = toRawBody(body);
    this.#assertOpen();
    if (options.expectResponse === false) {
      this.#sendRequest(raw, (options.flags ?? 0) | IpcFlag.proxied);
      this.#assertOpen();
      return undefined;
    }
    // One request awaiting its response at a time (§8.5).
    const previous = this.#turn;
    let done!: () => void;
    this.#turn = new Promise<void>((r) => (done = r));
    try {
      await previous;
      return await this.#exchange(raw, options);
    } finally {
      done();
    }
  }

  /**
   * Resolve with the first `event` for which `match` is true (an async CIB
   * answer arrives so, §8.5). Register it before sending the request that
   * causes the event. Rejects like {@link request}.
   */
  waitForEvent(match: (body: RawXml) => boolean, options: Omit<ProxyRequestOptions, 'expectResponse' | 'flags'> = {}): Promise<RawXml> {
    return new Promise<RawXml>((resolve, reject) => {
      if (this.#closed) return reject(this.#closed);
      const waiter: EventWaiter = {
        match,
        resolve: (b) => finish(() => resolve(b)),
        reject: (e) => finish(() => reject(e)),
      };
      const stop = this.#limit(options, (e) => waiter.reject(e), 'event');
      const finish = (f: () => void): void => {
        stop();
        this.#waiters.delete(waiter);
        f();
      };
      this.#waiters.add(waiter);
    });
  }

  /**
   * End the session: the provider gets `destroy` (§8.3), pending requests
   * reject with PROXY_SESSION_CLOSED. Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#link.send({ kind: 'ipc', msgId: 0, ipcOp: 'destroy', session: this.id });
    this.end(new ProxyError(ProxyErrorCode.SessionClosed, 'session closed'));
  }

  /** @internal The session ended for `reason` (provider's destroy or loss); nothing is sent. */
  end(reason: ProxyError): void {
    if (this.#closed) return;
    this.#closed = reason;
    this.#pending?.reject(reason);
    for (const w of [...this.#waiters]) w.reject(reason);
    this.#link.closed(this);
    this.emit('close', reason);
  }

  /** @internal A `response` for this session. Returns false when no request waits for that id. */
  onResponse(msgId: number, body: RawXml | undefined): boolean {
    const p = this.#pending;
    if (!p || p.msgId !== msgId) return false;
    if (body === undefined) p.reject(new ProxyError(ProxyErrorCode.BadReply, 'a response without a message'));
    else p.resolve(body);
    return true;
  }

  /** @internal An `event` for this session. */
  onEvent(body: RawXml): void {
    for (const w of this.#waiters) {
      let hit = false;
      try {
        hit = w.match(body);
      } catch {
        hit = false;
      }
      if (hit) {
        w.resolve(body);
        return;
      }
    }
    this.emit('event', body);
  }

  #assertOpen(): void {
    if (this.#closed) throw this.#closed;
  }

  #exchange(raw: RawXml, options: ProxyRequestOptions): Promise<RawXml> {
    return new Promise<RawXml>((resolve, reject) => {
      if (this.#closed) return reject(this.#closed);
      const flags = (options.flags ?? 0) | IpcFlag.proxied | IpcFlag.clientResponse;
      const msgId = this.#nextMsgId();
      const pending: Pending = {
        msgId,
        resolve: (b) => finish(() => resolve(b)),
        reject: (e) => finish(() => reject(e)),
      };
      const stop = this.#limit(options, (e) => pending.reject(e), 'response');
      const finish = (f: () => void): void => {
        stop();
        if (this.#pending === pending) this.#pending = undefined;
        f();
      };
      this.#pending = pending;
      this.#sendRequest(raw, flags, msgId);
    });
  }

  /** Arms the time limit and the abort signal; returns the disarm function. */
  #limit(options: { timeoutMs?: number; signal?: AbortSignal }, fail: (e: ProxyError) => void, what: string): () => void {
    const ms = options.timeoutMs ?? this.#link.defaultTimeoutMs;
    const timer = ms > 0 ? setTimeout(() => fail(new ProxyError(ProxyErrorCode.Timeout, `no ${what} from ${this.server} within ${ms} ms`)), ms) : undefined;
    const signal = options.signal;
    const onAbort = (): void => fail(new ProxyError(ProxyErrorCode.Aborted, 'aborted', { cause: signal?.reason }));
    if (signal?.aborted) queueMicrotask(onAbort);
    else signal?.addEventListener('abort', onAbort, { once: true });
    return () => {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
  }

  #nextMsgId(): number {
    this.#lastMsgId = this.#lastMsgId >= 0x7fff_ffff ? 1 : this.#lastMsgId + 1;
    return this.#lastMsgId;
  }

  #sendRequest(body: RawXml, flags: number, msgId = this.#nextMsgId()): void {
    const sent = this.#link.send({
      kind: 'ipc',
      msgId: 0,
      ipcOp: 'request',
      session: this.id,
      client: this.client,
      user: this.user,
      ipcMsgId: msgId,
      ipcMsgFlags: flags,
      body,
    });
    if (!sent) this.end(new ProxyError(ProxyErrorCode.ProviderLost, 'the IPC provider of this session is gone'));
  }
}
