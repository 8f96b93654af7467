/**
 * A client that survives connection loss (spec/protocol.md §4.7): it gets
 * a registered {@link Client} from a factory, watches it with the liveness
 * check, and after a loss makes a new one, waiting between attempts with
 * exponential backoff and jitter (see {@link backoffDelay}).
 *
 * What a reconnect keeps and loses: resources registered on the executor
 * stay registered (the daemon keeps them, and recurring actions go on unless
 * registered with `dropRecurring`, §5.14.9). Calls pending on the lost
 * connection reject (CONNECTION_LOST, or LIVENESS_FAILED after a failed
 * poke), `waitForResult` included. Exec results produced while no
 * connection exists are lost (§6.4); one that completes after the new
 * register reaches the new connection like any exec notification (not for
 * `notifyOrigOnly` actions) and can be claimed there with `waitForResult`.
 */
import { EventEmitter } from 'node:events';
import type { IpcProxy } from '../protocol/messages/message.js';
import type { ExecNotify } from '../protocol/messages/notify.js';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import type { Client } from './client.js';
import { ClientError, ClientErrorCode } from './errors.js';
import { DEFAULT_LIVENESS_INTERVAL_MS } from './liveness.js';
import type { SessionNotify } from './session.js';

/** Makes one connected, registered Client; should honour `signal`. */
export type ClientFactory = (signal: AbortSignal) => Promise<Client>;

/** Options of {@link ReconnectingClient}. */
export interface ReconnectOptions extends BackoffOptions {
  /**
   * Liveness poke interval applied to every connection, ms; default
   * {@link DEFAULT_LIVENESS_INTERVAL_MS}; 0 leaves each Client as the
   * factory made it.
   */
  readonly livenessIntervalMs?: number;
  /** Wait for the liveness poke notify, ms; default 10 000. */
  readonly livenessTimeoutMs?: number;
  /** Failed attempts in a row before giving up (event `gaveUp`, then closed); default Infinity. */
  readonly maxRetries?: number;
  /** Random source in [0, 1) for the jitter; default Math.random. */
  readonly random?: () => number;
}

/** Argument of the `reconnecting` event. */
export interface ReconnectInfo {
  /** Retry number since the last good connection, from 1. */
  readonly attempt: number;
  /** Wait before this attempt, ms. */
  readonly delayMs: number;
  /** Why: the lost connection's error or the failed attempt's. */
  readonly error: Error;
}

/** Events of {@link ReconnectingClient}. */
export interface ReconnectingClientEvents {
  /** A new connection is registered and ready. */
  connected: [Client];
  /** The current connection ended (CONNECTION_LOST, LIVENESS_FAILED, PROTOCOL, …). */
  disconnected: [ClientError];
  /** A retry is scheduled. */
  reconnecting: [ReconnectInfo];
  /** `maxRetries` failed attempts in a row; the client closes itself next. */
  gaveUp: [Error];
  /** Forwarded from the current connection. */
  notify: [SessionNotify];
  exec: [ExecNotify];
  ipc: [IpcProxy];
  /** {@link ReconnectingClient.close} was called (or it gave up). */
  close: [];
}

interface Waiter {
  readonly resolve: (c: Client) => void;
  readonly reject: (e: Error) => void;
}

/**
 * Keeps one executor connection alive. Call {@link ReconnectingClient.start};
 * the operation methods forward to the current Client and reject with
 * NOT_CONNECTED while there is none (they do not wait for a reconnect;
 * use {@link ReconnectingClient.ready} for that).
 */
export class ReconnectingClient extends EventEmitter<ReconnectingClientEvents> {
  readonly #factory: ClientFactory;
  readonly #options: ReconnectOptions;
  readonly #waiters = new Set<Waiter>();
  #client: Client | undefined;
  #detach: (() => void) | undefined;
  #attempt: AbortController | undefined;
  #timer: NodeJS.Timeout | undefined;
  #retries = 0;
  #started = false;
  #closed = false;

  constructor(factory: ClientFactory, options: ReconnectOptions = {}) {
    super();
    this.#factory = factory;
    this.#options = options;
  }

  /** The connected Client, or undefined between connections. */
  get client(): Client | undefined {
    return this.#client;
  }
  get connected(): boolean {
    return this.#client?.connected ?? false;
  }
  get closed(): boolean {
    return this.#closed;
  }

  /** Begin connecting (at once); idempotent. */
  start(): this {
    if (!this.#started && !this.#closed) {
      this.#started = true;
      void this.#connect();
    }
    return this;
  }

  /**
   * The connected Client, waiting for a connection if needed. Rejects with
   * NOT_CONNECTED once closed, TIMEOUT after `timeoutMs`, ABORTED.
   */
  ready(options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<Client> {
    if (this.#client?.connected) return Promise.resolve(this.#client);
    if (this.#closed) return Promise.reject(notConnected('reconnecting client is closed'));
    const { timeoutMs = 0, signal } = options;
    if (signal?.aborted) return Promise.reject(new ClientError(ClientErrorCode.Aborted, 'wait aborted', { cause: signal.reason }));
    return new Promise<Client>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#waiters.delete(w);
      };
      const w: Waiter = { resolve: (c) => (done(), resolve(c)), reject: (e) => (done(), reject(e)) };
      const onAbort = (): void => w.reject(new ClientError(ClientErrorCode.Aborted, 'wait aborted', { cause: signal?.reason }));
      const timer = timeoutMs > 0 ? setTimeout(() => w.reject(new ClientError(ClientErrorCode.Timeout, `not connected within ${timeoutMs} ms`)), timeoutMs) : undefined;
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(w);
    });
  }

  /** Stop for good: cancel the retry timer and any attempt, close the connection. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#attempt?.abort(notConnected('reconnecting client closed'));
    this.#attempt = undefined;
    const c = this.#client;
    this.#release();
    c?.close();
    for (const w of [...this.#waiters]) w.reject(notConnected('reconnecting client closed'));
    this.emit('close');
  }

  /** Forwards to {@link Client.registerResource}. */
  registerResource(...a: Parameters<Client['registerResource']>): ReturnType<Client['registerResource']> {
    return this.#call((c) => c.registerResource(...a));
  }
  /** Forwards to {@link Client.unregisterResource}. */
  unregisterResource(...a: Parameters<Client['unregisterResource']>): ReturnType<Client['unregisterResource']> {
    return this.#call((c) => c.unregisterResource(...a));
  }
  /** Forwards to {@link Client.getResourceInfo}. */
  getResourceInfo(...a: Parameters<Client['getResourceInfo']>): ReturnType<Client['getResourceInfo']> {
    return this.#call((c) => c.getResourceInfo(...a));
  }
  /** Forwards to {@link Client.exec}; see the class notes on results across a reconnect. */
  exec(...a: Parameters<Client['exec']>): ReturnType<Client['exec']> {
    return this.#call((c) => c.exec(...a));
  }
  /** Forwards to {@link Client.waitForResult}; rejects when that connection ends. */
  waitForResult(...a: Parameters<Client['waitForResult']>): ReturnType<Client['waitForResult']> {
    return this.#call((c) => c.waitForResult(...a));
  }
  /** Forwards to {@link Client.cancel}. */
  cancel(...a: Parameters<Client['cancel']>): ReturnType<Client['cancel']> {
    return this.#call((c) => c.cancel(...a));
  }
  /** Forwards to {@link Client.getRecurring}. */
  getRecurring(...a: Parameters<Client['getRecurring']>): ReturnType<Client['getRecurring']> {
    return this.#call((c) => c.getRecurring(...a));
  }
  /** Forwards to {@link Client.poke}. */
  poke(...a: Parameters<Client['poke']>): ReturnType<Client['poke']> {
    return this.#call((c) => c.poke(...a));
  }
  /** Forwards to {@link Client.check}. */
  check(...a: Parameters<Client['check']>): ReturnType<Client['check']> {
    return this.#call((c) => c.check(...a));
  }
  /** Forwards to {@link Client.alertExec}. */
  alertExec(...a: Parameters<Client['alertExec']>): ReturnType<Client['alertExec']> {
    return this.#call((c) => c.alertExec(...a));
  }

  #call<T>(fn: (c: Client) => Promise<T>): Promise<T> {
    const c = this.#client;
    if (!c?.connected) return Promise.reject(notConnected(this.#closed ? 'reconnecting client is closed' : 'disconnected; reconnect pending'));
    return fn(c);
  }

  async #connect(): Promise<void> {
    this.#timer = undefined;
    const ac = new AbortController();
    this.#attempt = ac;
    let client: Client;
    try {
      client = await this.#factory(ac.signal);
    } catch (err) {
      if (this.#attempt === ac) this.#attempt = undefined;
      if (!this.#closed) this.#retry(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    if (this.#attempt === ac) this.#attempt = undefined;
    if (this.#closed) return client.close();
    this.#adopt(client);
  }

  #adopt(client: Client): void {
    const onClose = (e: ClientError | undefined): void => this.#lost(client, e);
    const onNotify = (n: SessionNotify): boolean => this.emit('notify', n);
    const onExec = (n: ExecNotify): boolean => this.emit('exec', n);
    const onIpc = (m: IpcProxy): boolean => this.emit('ipc', m);
    client.on('close', onClose).on('notify', onNotify).on('exec', onExec).on('ipc', onIpc);
    this.#client = client;
    this.#detach = () => client.off('close', onClose).off('notify', onNotify).off('exec', onExec).off('ipc', onIpc);
    if (!client.connected) return this.#lost(client, new ClientError(ClientErrorCode.ConnectionLost, 'factory returned a closed client'));
    const intervalMs = this.#options.livenessIntervalMs ?? DEFAULT_LIVENESS_INTERVAL_MS;
    if (intervalMs > 0) {
      client.monitorLiveness({ intervalMs, ...(this.#options.livenessTimeoutMs !== undefined ? { timeoutMs: this.#options.livenessTimeoutMs } : {}) });
    }
    this.#retries = 0;
    this.emit('connected', client);
    for (const w of [...this.#waiters]) w.resolve(client);
  }

  #lost(client: Client, e: ClientError | undefined): void {
    if (this.#client !== client || this.#closed) return;
    this.#release();
    const err = e ?? new ClientError(ClientErrorCode.ConnectionLost, 'connection closed');
    this.emit('disconnected', err);
    this.#retry(err);
  }

  #release(): void {
    this.#detach?.();
    this.#detach = undefined;
    this.#client = undefined;
  }

  #retry(error: Error): void {
    if (this.#closed) return;
    const attempt = ++this.#retries;
    if (attempt > (this.#options.maxRetries ?? Infinity)) {
      this.emit('gaveUp', error);
      return this.close();
    }
    const delayMs = backoffDelay(attempt, this.#options, this.#options.random);
    this.emit('reconnecting', { attempt, delayMs, error });
    if (this.#closed) return; // a listener closed us
    this.#timer = setTimeout(() => void this.#connect(), delayMs);
  }
}

function notConnected(message: string): ClientError {
  return new ClientError(ClientErrorCode.NotConnected, message);
}
