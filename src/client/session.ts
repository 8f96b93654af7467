/**
 * One executor connection seen from the cluster side: msg ids, reply
 * matching, per-request time limits and notification delivery
 * (spec/protocol.md §3.2, §3.5, §5.0, §6.4).
 *
 * Replies are matched on `lrmd_remote_msg_id`. Fire-and-forget requests
 * (`lrmd_rsc_poke`, `lrmd_check`, `ipc_fwd`, §3.5) resolve once written; a
 * reply that arrives for them later, or for a request that already timed out,
 * is dropped (event `lateReply`). Notifications are delivered in arrival
 * order, including those that precede the reply of the request that caused
 * them (§5.0).
 *
 * Backpressure (§4.7): when a notification iterator holds `notifyHighWaterMark`
 * unconsumed items, the session pauses reading the socket, so TCP pushes
 * back on the daemon; it resumes once every iterator has drained to
 * `notifyLowWaterMark`. Nothing is dropped, but replies wait behind the
 * pause too, and request time limits keep running.
 */
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { MessageDecoder, encodeMessageFrame, type MessageDecodeOptions } from '../protocol/codec.js';
import { ProtocolError } from '../protocol/errors.js';
import type { FrameDecoderOptions } from '../protocol/frame-decoder.js';
import { Encoding } from '../protocol/frame.js';
import type { IpcProxy, Notify, Reply, Request, UnknownNotify } from '../protocol/messages/message.js';
import { RecordWriter } from '../transport/record-writer.js';
import { ClientError, ClientErrorCode } from './errors.js';
import { NotifyQueue } from './notify-queue.js';

/** Default time limit of a request awaiting its reply (liblrmd's sync limit, §3.5). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** Default unconsumed notifications per iterator at which reading pauses (§4.7). */
export const DEFAULT_NOTIFY_HIGH_WATER_MARK = 1000;

/** A notification as the session delivers it. */
export type SessionNotify = Notify | UnknownNotify;

/** `Omit` applied to each member of a union. */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A request without its msg id; the session assigns it. */
export type OutgoingRequest = DistributiveOmit<Request, 'msgId'>;

/** Options of {@link Session.request}. */
export interface RequestOptions {
  /** Reply time limit in ms; default {@link DEFAULT_REQUEST_TIMEOUT_MS}; 0 = none. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** false: fire-and-forget, resolve with `undefined` once written (§3.5). Default true. */
  readonly expectReply?: boolean;
}

/** Options of {@link Session}. */
export interface SessionOptions {
  readonly defaultTimeoutMs?: number;
  readonly decoder?: FrameDecoderOptions & MessageDecodeOptions;
  /**
   * Unconsumed notifications in one iterator at which reading the socket
   * pauses; default {@link DEFAULT_NOTIFY_HIGH_WATER_MARK}; 0 = never (§4.7).
   */
  readonly notifyHighWaterMark?: number;
  /** Items every iterator must drain to before reading resumes; default half the high mark. */
  readonly notifyLowWaterMark?: number;
}

/** Events of {@link Session}. */
export interface SessionEvents {
  notify: [SessionNotify];
  /** An `lrmd_ipc_proxy` message from the peer (§8). */
  ipc: [IpcProxy];
  /** A payload that failed to decode; it was dropped and the session goes on. */
  decodeError: [ProtocolError];
  /** A reply nobody waits for: fire-and-forget, timed out or aborted. */
  lateReply: [Reply];
  /** Reading the socket paused (true) or resumed (false) for backpressure (§4.7). */
  backpressure: [boolean];
  /** The connection ended; `err` is set when it ended abnormally. */
  close: [ClientError | undefined];
}

interface Pending {
  readonly op: string;
  readonly resolve: (r: Reply) => void;
  readonly reject: (e: Error) => void;
}

/** Largest msg id before wrapping back to 1 (§3.2). */
const MAX_MSG_ID = 0x7fff_ffff;

/**
 * Request/reply matching over a Duplex (a TLS socket or one end of a memory
 * pair). The session owns the socket: {@link Session.close} destroys it.
 */
export class Session extends EventEmitter<SessionEvents> {
  readonly #socket: Duplex;
  readonly #writer: RecordWriter;
  readonly #decoder: MessageDecoder;
  readonly #pending = new Map<number, Pending>();
  readonly #queues = new Set<NotifyQueue<SessionNotify>>();
  readonly #full = new Set<NotifyQueue<SessionNotify>>();
  readonly #defaultTimeoutMs: number;
  readonly #highWater: number;
  readonly #lowWater: number | undefined;
  #encoding: Encoding = Encoding.xml;
  #pauses = 0;
  #lastId = 0;
  #closed: ClientError | undefined;

  constructor(socket: Duplex, options: SessionOptions = {}) {
    super();
    this.#socket = socket;
    this.#writer = new RecordWriter(socket);
    this.#decoder = new MessageDecoder(options.decoder);
    this.#defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.#highWater = options.notifyHighWaterMark ?? DEFAULT_NOTIFY_HIGH_WATER_MARK;
    this.#lowWater = options.notifyLowWaterMark;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (err) => this.#shutdown(new ClientError(ClientErrorCode.ConnectionLost, `connection lost: ${err.message}`, { cause: err })));
    socket.on('end', () => this.#shutdown(new ClientError(ClientErrorCode.ConnectionLost, 'peer closed the connection')));
    socket.on('close', () => this.#shutdown(new ClientError(ClientErrorCode.ConnectionLost, 'connection closed')));
  }

  /** True once the connection ended or {@link Session.close} was called. */
  get closed(): boolean {
    return this.#closed !== undefined;
  }

  /** Requests awaiting a reply. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Encoding of the requests sent from now on (§13.1); `xml` until negotiated. */
  get encoding(): Encoding {
    return this.#encoding;
  }

  /** Switch the encoding of later requests; only after the register reply agreed (§13.1). */
  setEncoding(encoding: Encoding): void {
    this.#encoding = encoding;
  }

  /** Undo 2.1.x backslash escapes in later exec results (§3.11). */
  get legacyEscapes(): boolean {
    return this.#decoder.legacyEscapes;
  }
  set legacyEscapes(on: boolean) {
    this.#decoder.legacyEscapes = on;
  }

  /** True while reading is paused because an iterator is full (§4.7). */
  get paused(): boolean {
    return this.#full.size > 0;
  }

  /** How many times reading has paused so far; lets a watcher see a pause it missed. */
  get pauseCount(): number {
    return this.#pauses;
  }

  /**
   * Send a request and, unless `expectReply` is false, resolve with the reply
   * carrying its msg id. Rejects with ClientError TIMEOUT, ABORTED,
   * NOT_CONNECTED or CONNECTION_LOST; never with a peer rc (the caller maps those).
   */
  request(msg: OutgoingRequest, options: RequestOptions & { expectReply: false }): Promise<undefined>;
  request(msg: OutgoingRequest, options?: RequestOptions): Promise<Reply>;
  request(msg: OutgoingRequest, options: RequestOptions = {}): Promise<Reply | undefined> {
    if (this.#closed) return Promise.reject(new ClientError(ClientErrorCode.NotConnected, 'session is closed', { cause: this.#closed }));
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const msgId = this.#nextId();
    const full = { ...msg, msgId } as Request;
    const written = this.#writer.write(encodeMessageFrame(full, { id: BigInt(msgId), encoding: this.#encoding }));
    if (options.expectReply === false) {
      return written.then(
        () => undefined,
        (err: unknown) => Promise.reject(this.#lost(err)),
      );
    }
    return new Promise<Reply>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? this.#defaultTimeoutMs;
      let timer: NodeJS.Timeout | undefined;
      const onAbort = (): void => settle(() => reject(abortError(signal!)));
      const settle = (fn: () => void): void => {
        if (!this.#pending.delete(msgId)) return;
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        fn();
      };
      this.#pending.set(msgId, {
        op: msg.op,
        resolve: (r) => settle(() => resolve(r)),
        reject: (e) => settle(() => reject(e)),
      });
      if (timeoutMs > 0) {
        timer = setTimeout(
          () => settle(() => reject(new ClientError(ClientErrorCode.Timeout, `${msg.op}: no reply within ${timeoutMs} ms`))),
          timeoutMs,
        );
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      written.catch((err: unknown) => settle(() => reject(this.#lost(err))));
    });
  }

  /**
   * Notifications from now on, in arrival order, as an async iterator; it
   * ends when the session closes. Each call gets its own queue: consume it,
   * or break out of the loop; a full queue pauses reading (§4.7).
   */
  notifications(): AsyncIterableIterator<SessionNotify> {
    const q: NotifyQueue<SessionNotify> = new NotifyQueue<SessionNotify>({
      onReturn: () => this.#queues.delete(q),
      highWaterMark: this.#highWater,
      ...(this.#lowWater !== undefined ? { lowWaterMark: this.#lowWater } : {}),
      onPressure: (full) => this.#onPressure(q, full),
    });
    if (this.#closed) q.end();
    else this.#queues.add(q);
    return q;
  }

  /**
   * Close the connection. Pending requests reject with `reason`, else
   * CONNECTION_LOST; the `close` event carries `reason` (undefined when
   * closed without one).
   */
  close(reason?: ClientError): void {
    this.#shutdown(reason);
    this.#writer.detach();
    this.#socket.end();
    this.#socket.destroy();
  }

  #nextId(): number {
    this.#lastId = this.#lastId >= MAX_MSG_ID ? 1 : this.#lastId + 1;
    return this.#lastId;
  }

  #onData(chunk: Buffer): void {
    let frames;
    try {
      frames = this.#decoder.push(chunk);
    } catch (err) {
      const e = new ClientError(ClientErrorCode.Protocol, `unreadable stream: ${(err as Error).message}`, { cause: err });
      this.#shutdown(e);
      this.#socket.destroy();
      return;
    }
    for (const f of frames) {
      if (f.error) {
        this.emit('decodeError', f.error);
        continue;
      }
      const m = f.message;
      if (m.kind === 'reply') {
        const p = this.#pending.get(m.msgId);
        if (p) p.resolve(m);
        else this.emit('lateReply', m);
      } else if (m.kind === 'notify') {
        this.emit('notify', m);
        for (const q of this.#queues) q.push(m);
      } else if (m.kind === 'ipc') {
        this.emit('ipc', m);
      }
      // A request from a server is meaningless here; ignored.
    }
  }

  #onPressure(q: NotifyQueue<SessionNotify>, full: boolean): void {
    if (this.#closed) return;
    const was = this.paused;
    if (full) this.#full.add(q);
    else this.#full.delete(q);
    if (was === this.paused) return;
    if (this.paused) {
      this.#pauses++;
      this.#socket.pause();
    } else {
      this.#socket.resume();
    }
    this.emit('backpressure', this.paused);
  }

  #lost(err: unknown): ClientError {
    if (err instanceof ClientError) return err;
    return new ClientError(ClientErrorCode.ConnectionLost, `send failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }

  #shutdown(reason: ClientError | undefined): void {
    if (this.#closed) return;
    const err = reason ?? new ClientError(ClientErrorCode.ConnectionLost, 'session closed');
    this.#closed = err;
    for (const p of [...this.#pending.values()]) p.reject(err);
    for (const q of this.#queues) q.end();
    this.#queues.clear();
    this.#full.clear();
    this.emit('close', reason);
  }
}

function abortError(signal: AbortSignal): ClientError {
  return new ClientError(ClientErrorCode.Aborted, 'request aborted', { cause: signal.reason });
}
