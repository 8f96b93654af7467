/**
 * The Duplex of the built-in TLS 1.3 PSK engine (spec/protocol.md §4.9):
 * drives a client or server {@link Connection} over a byte stream (a TCP
 * socket), with the handshake time limit, backpressure both ways, alerts
 * and close_notify. It offers the parts of tls.TLSSocket the stack uses.
 *
 * Each write() becomes records of its own (never two writes in one record,
 * §2.5); records of writes made in the same event-loop turn leave in one
 * socket write, so a frame's header and payload records share a TCP segment.
 */
import { Duplex } from 'node:stream';
import type net from 'node:net';
import { TransportError, TransportErrorCode } from '../errors.js';
import { suiteByName, type CipherSuite } from './cipher-suites.js';
import { ClientConnection } from './client.js';
import type { NamedGroup } from './constants.js';
import type { Connection, ConnectionSink } from './connection.js';
import { ServerConnection } from './server.js';

/** Queued records totalling up to this many bytes are joined into one buffer; larger batches go out with writev. */
const COPY_BELOW = 4096;
/** Application data of one read up to this size is pushed as one buffer. */
const JOIN_BELOW = 4096;

/** Options of a {@link Tls13PskSocket}. */
export interface Tls13PskSocketOptions {
  readonly role: 'client' | 'server';
  /** The PSK: the key file's raw bytes, any length. */
  readonly key: Uint8Array;
  /** Client: identity sent, default `lrmd`. Server: the only identity accepted; undefined accepts any. */
  readonly identity?: string;
  /** Handshake limit in ms from construction; default 10 000. 0 disables it. */
  readonly handshakeTimeoutMs?: number;
  /** IANA names of the suites offered (client) or accepted (server), in order; default both. */
  readonly cipherSuites?: readonly string[];
  /** Groups offered or accepted; default X25519, secp256r1. */
  readonly groups?: readonly NamedGroup[];
  /** Client: group of the first key share (another one provokes a HelloRetryRequest). */
  readonly keyShareGroup?: NamedGroup;
}

/** What getCipher() reports, shaped like tls.TLSSocket's. */
export interface Tls13CipherInfo {
  readonly name: string;
  readonly standardName: string;
  readonly version: 'TLSv1.3';
}

/**
 * A TLS 1.3 PSK connection over `socket`. Emits `secure` (and, for a
 * client, `secureConnect`) when the handshake is done; errors are
 * TransportErrors (§12.2): TLS_PSK_MISMATCH, TLS_HANDSHAKE_FAILED,
 * TLS_HANDSHAKE_TIMEOUT, TLS_ALERT, TLS_BAD_RECORD, TLS_DECRYPT_ERROR, CLOSED.
 */
export class Tls13PskSocket extends Duplex {
  /** As tls.TLSSocket. */
  readonly encrypted = true;
  readonly #socket: Duplex;
  readonly #conn: Connection;
  #secure = false;
  #timer: NodeJS.Timeout | undefined;
  #pausedByUs = false;
  #out: Buffer[] = [];
  /** Application data opened during the current socket read, not yet pushed. */
  #inbox: Buffer[] = [];
  #inboxBytes = 0;
  /** Application bytes sealed into #out and not yet handed to the socket. */
  #outBytes = 0;
  #flushScheduled = false;
  #blocked = false;
  #waiting: Array<() => void> = [];
  #beforeSecure: Array<() => void> = [];
  #ending = false;

  constructor(socket: Duplex, options: Tls13PskSocketOptions) {
    super({ allowHalfOpen: false });
    this.#socket = socket;
    const sink: ConnectionSink = {
      send: (bytes) => this.#send(bytes),
      data: (bytes) => {
        this.#inbox.push(bytes);
        this.#inboxBytes += bytes.length;
      },
      secure: () => this.#onSecure(),
      closeNotify: () => {
        this.#deliver();
        this.push(null);
      },
    };
    const suites = options.cipherSuites?.map((n) => suiteByName(n)).filter((s): s is CipherSuite => s !== undefined);
    const identity = options.identity === undefined ? undefined : Buffer.from(options.identity, 'utf8');
    this.#conn =
      options.role === 'client'
        ? new ClientConnection(sink, {
            psk: options.key,
            identity: identity ?? Buffer.from('lrmd'),
            ...(suites ? { suites } : {}),
            ...(options.groups ? { groups: options.groups } : {}),
            ...(options.keyShareGroup !== undefined ? { keyShareGroup: options.keyShareGroup } : {}),
          })
        : new ServerConnection(sink, {
            psk: options.key,
            ...(identity ? { identity } : {}),
            ...(suites ? { suites } : {}),
            ...(options.groups ? { groups: options.groups } : {}),
          });
    const limit = options.handshakeTimeoutMs ?? 10_000;
    if (limit > 0) {
      this.#timer = setTimeout(
        () => this.#fail(new TransportError(TransportErrorCode.TlsHandshakeTimeout, `TLS handshake did not finish in ${limit} ms`)),
        limit,
      );
    }
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('error', this.#onError);
    socket.on('close', this.#onClose);
    if (options.role === 'client') this.#guard(() => (this.#conn as ClientConnection).start());
  }

  /** The transport underneath (the TCP socket). */
  get socket(): Duplex {
    return this.#socket;
  }

  get remoteAddress(): string | undefined {
    return (this.#socket as net.Socket).remoteAddress;
  }

  get remotePort(): number | undefined {
    return (this.#socket as net.Socket).remotePort;
  }

  get localAddress(): string | undefined {
    return (this.#socket as net.Socket).localAddress;
  }

  get localPort(): number | undefined {
    return (this.#socket as net.Socket).localPort;
  }

  /** True once the handshake finished. */
  get secure(): boolean {
    return this.#secure;
  }

  /** `'TLSv1.3'` once connected, else null (as tls.TLSSocket). */
  getProtocol(): string | null {
    return this.#secure ? 'TLSv1.3' : null;
  }

  /** The negotiated suite, or undefined before ServerHello. */
  getCipher(): Tls13CipherInfo | undefined {
    const s = this.#conn.suite;
    return s ? { name: s.name, standardName: s.name, version: 'TLSv1.3' } : undefined;
  }

  setNoDelay(noDelay = true): this {
    (this.#socket as Partial<net.Socket>).setNoDelay?.(noDelay);
    return this;
  }

  setKeepAlive(enable = false, initialDelay = 0): this {
    (this.#socket as Partial<net.Socket>).setKeepAlive?.(enable, initialDelay);
    return this;
  }

  /** Send a KeyUpdate (RFC 8446 §4.6.3); `requestPeer` asks the peer to update too. */
  updateKeys(requestPeer = false): void {
    this.#guard(() => this.#conn.updateKeys(requestPeer));
  }

  readonly #onData = (chunk: Buffer): void => {
    try {
      this.#conn.receive(chunk);
    } catch (err) {
      this.#deliver();
      this.#fail(err);
      return;
    }
    this.#deliver();
  };

  /**
   * Push what the records of one socket read held: small pieces joined
   * (one 'data' event for a frame's header and payload), large ones as they are.
   */
  #deliver(): void {
    const inbox = this.#inbox;
    if (inbox.length === 0) return;
    this.#inbox = [];
    const bytes = this.#inboxBytes;
    this.#inboxBytes = 0;
    let ok = true;
    if (inbox.length === 1 || bytes > JOIN_BELOW) {
      for (const b of inbox) ok = this.push(b);
    } else {
      ok = this.push(Buffer.concat(inbox, bytes));
    }
    if (!ok && !this.#pausedByUs && !this.destroyed) {
      this.#pausedByUs = true;
      this.#socket.pause();
    }
  }

  readonly #onEnd = (): void => {
    if (this.destroyed) return;
    if (!this.#secure) {
      this.#fail(new TransportError(TransportErrorCode.TlsHandshakeFailed, 'the peer closed the connection during the TLS handshake'));
    } else if (this.#conn.bufferedBytes > 0) {
      this.#fail(new TransportError(TransportErrorCode.TlsBadRecord, 'the connection ended inside a TLS record'));
    } else {
      // A peer closing TCP without close_notify: treated as the end of its data.
      this.push(null);
    }
  };

  readonly #onError = (err: Error): void => {
    this.#fail(TransportError.fromSocketError(err, this.#secure ? 'io' : 'handshake'));
  };

  readonly #onClose = (): void => {
    if (this.destroyed) return;
    if (!this.#secure) this.#fail(new TransportError(TransportErrorCode.TlsHandshakeFailed, 'connection closed during the TLS handshake'));
    else this.destroy();
  };

  #onSecure(): void {
    this.#secure = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.emit('secure');
    if (this.#conn instanceof ClientConnection) this.emit('secureConnect');
    const waiting = this.#beforeSecure.splice(0);
    for (const w of waiting) w();
  }

  /** Run `fn`; a thrown error fails the connection (after sending our alert). */
  #guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#fail(err);
    }
  }

  #fail(err: unknown): void {
    if (this.destroyed) return;
    const error = err instanceof TransportError ? err : new TransportError(TransportErrorCode.TlsBadRecord, String((err as Error)?.message ?? err), { cause: err });
    clearTimeout(this.#timer);
    const alert = this.#conn.alertFor(err);
    this.#flush();
    const s = this.#socket;
    if (alert && !s.destroyed && s.writable) {
      // Let the alert leave before the connection goes.
      this.#ending = true;
      s.end(alert);
      const t = setTimeout(() => s.destroy(), 2000);
      t.unref();
      s.once('finish', () => {
        clearTimeout(t);
        s.destroy();
      });
    }
    this.destroy(error);
  }

  #send(bytes: Buffer): void {
    this.#out.push(bytes);
    this.#scheduleFlush();
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    // setImmediate, not nextTick: a frame's payload is written only after its header's callback (record-writer.ts).
    setImmediate(() => {
      this.#flushScheduled = false;
      this.#flush();
    });
  }

  /** Hand everything queued to the socket, as one writev when there are several buffers. */
  readonly #flush = (): void => {
    const out = this.#out;
    if (out.length === 0) return;
    this.#out = [];
    this.#outBytes = 0;
    const s = this.#socket;
    if (s.destroyed || !s.writable) return;
    let ok: boolean;
    if (out.length === 1) {
      ok = s.write(out[0]!);
    } else if (this.#outBytesTotal(out) <= COPY_BELOW) {
      // A few small records (a frame's header and payload): one copy is cheaper than a writev.
      ok = s.write(Buffer.concat(out));
    } else {
      s.cork();
      for (const b of out) s.write(b);
      ok = s.writableLength < s.writableHighWaterMark;
      s.uncork();
    }
    if (!ok && !this.#blocked) {
      this.#blocked = true;
      s.once('drain', () => {
        this.#blocked = false;
        const waiting = this.#waiting.splice(0);
        for (const w of waiting) w();
      });
    }
  };

  #outBytesTotal(out: readonly Buffer[]): number {
    let n = 0;
    for (const b of out) n += b.length;
    return n;
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    this.#writeChunks(
      chunks.map((c) => c.chunk),
      callback,
    );
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#writeChunks([chunk], callback);
  }

  #writeChunks(chunks: Buffer[], callback: (error?: Error | null) => void): void {
    if (!this.#secure) {
      this.#beforeSecure.push(() => this.#writeChunks(chunks, callback));
      return;
    }
    try {
      this.#conn.encodeApplicationData(chunks, this.#out);
    } catch (err) {
      callback(err as Error);
      return;
    }
    for (const c of chunks) this.#outBytes += c.length;
    // Writes made in one turn leave together, but never more than a socket buffer's worth is held back.
    if (this.#outBytes >= this.#socket.writableHighWaterMark) this.#flush();
    else this.#scheduleFlush();
    // Backpressure: hold the callback while the socket's buffer is full.
    if (this.#blocked) this.#waiting.push(() => callback());
    else callback();
  }

  override _read(): void {
    if (this.#pausedByUs) {
      this.#pausedByUs = false;
      this.#socket.resume();
    }
  }

  override _final(callback: (error?: Error | null) => void): void {
    const bye = this.#secure ? this.#conn.closeNotify() : undefined;
    if (bye) this.#out.push(bye);
    this.#flush();
    if (!this.#socket.destroyed) this.#socket.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.#timer);
    const s = this.#socket;
    s.off('data', this.#onData);
    s.off('end', this.#onEnd);
    s.off('close', this.#onClose);
    // Late socket errors (a reset while the alert leaves) must not become uncaught.
    s.off('error', this.#onError);
    s.on('error', () => {});
    if (!this.#ending) {
      this.#flush();
      if (error === null && s.writableEnded && !s.writableFinished && !s.destroyed) {
        // A clean end: let close_notify and the last records leave first.
        const t = setTimeout(() => s.destroy(), 2000);
        t.unref();
        s.once('finish', () => {
          clearTimeout(t);
          s.destroy();
        });
      } else {
        s.destroy();
      }
    }
    callback(error);
  }
}
