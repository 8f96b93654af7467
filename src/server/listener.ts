/**
 * The daemon's TCP and TLS front (spec/protocol.md §4.1, §4.6, §4.9):
 * accepts TCP connections itself, lets the caller refuse one before any TLS
 * work is done (the handshake cap), then hands it to a PSK-TLS or X.509 TLS
 * server, or to the built-in TLS 1.3 engine for PSKs over 512 bytes. Only
 * sockets whose handshake succeeded come out.
 */
import net from 'node:net';
import type tls from 'node:tls';
import { acceptBuiltin, createPskTlsServer, PSK_IDENTITY, selectPskEngine, type PskEngine } from '../transport/psk-tls.js';
import { createX509TlsServer, type X509Credentials } from '../transport/x509-tls.js';

/** PSK (the key file's bytes) or X.509 credentials (§4.6). */
export type ListenerCredentials = { readonly key: Uint8Array } | { readonly x509: X509Credentials };

/** Options of {@link TlsListener}. */
export interface TlsListenerOptions {
  readonly credentials: ListenerCredentials;
  /** PSK engine (§4.9); default `auto`: node:tls up to 512-byte keys, the built-in engine above. */
  readonly engine?: PskEngine;
  /** Limit of the TLS handshake from accept, enforced by node:tls too; default 10 000 ms. */
  readonly handshakeTimeoutMs?: number;
  /**
   * Called for each TCP connection before TLS starts. Return false to refuse
   * it: it is destroyed at once and nothing else happens.
   */
  readonly admit: (raw: net.Socket) => boolean;
  /**
   * A connection finished its TLS handshake; `raw` is the TCP socket that
   * was admitted. With the built-in engine `socket` is really a
   * Tls13PskSocket (a Duplex with remoteAddress, remotePort, getProtocol,
   * getCipher, setNoDelay), not a tls.TLSSocket: use only those members.
   */
  readonly onSecure: (socket: tls.TLSSocket, raw: net.Socket | undefined) => void;
  /**
   * A TLS handshake failed (wrong key, not TLS, node's own time limit); the
   * connection is already being destroyed. Not called for a connection that
   * was closed before its handshake ended.
   */
  readonly onTlsError?: (err: Error, remote: string) => void;
}

/** `address:port` of a socket's peer. */
export function remoteOf(socket: { readonly remoteAddress?: string | undefined; readonly remotePort?: number | undefined }): string {
  const a = socket.remoteAddress;
  if (a === undefined) return 'unknown';
  return a.includes(':') ? `[${a}]:${socket.remotePort}` : `${a}:${socket.remotePort}`;
}

/** A listening socket, with the TLS server behind it. */
export class TlsListener {
  readonly #options: TlsListenerOptions;
  readonly #tcp: net.Server;
  /** The node:tls server; undefined when the built-in engine handles the handshakes. */
  readonly #tls: tls.Server | undefined;
  readonly #builtinKey: Uint8Array | undefined;
  readonly #handshakeTimeoutMs: number;
  /** Admitted TCP sockets whose TLS handshake has not finished, by peer address. */
  readonly #handshaking = new Map<string, net.Socket>();

  /** Throws the TransportError of unusable credentials (PSK_TOO_LONG, AUTHKEY_EMPTY, X509_*). */
  constructor(options: TlsListenerOptions) {
    this.#options = options;
    const handshakeTimeoutMs = (this.#handshakeTimeoutMs = options.handshakeTimeoutMs ?? 10_000);
    const onSecure = (socket: tls.TLSSocket): void => {
      const key = remoteOf(socket);
      const raw = this.#handshaking.get(key);
      this.#handshaking.delete(key);
      options.onSecure(socket, raw);
    };
    const creds = options.credentials;
    if (!('x509' in creds) && selectPskEngine(creds.key, options.engine) === 'builtin') {
      // Checks the key (PSK_TOO_LONG, AUTHKEY_EMPTY) as the node path does.
      createPskTlsServer({ key: creds.key, engine: 'builtin' }, () => {});
      this.#builtinKey = creds.key;
    } else {
      const server =
        'x509' in creds
          ? createX509TlsServer({ ...creds.x509, handshakeTimeoutMs }, onSecure)
          : createPskTlsServer({ key: creds.key, identity: PSK_IDENTITY, handshakeTimeoutMs, engine: 'node' }, onSecure);
      server.on('tlsClientError', (err, socket) => {
        // A connection already gone (timed out by the owner, or left by the peer) is no TLS failure.
        const code = (err as { code?: unknown }).code;
        if (socket.remoteAddress === undefined && (code === 'ECONNRESET' || code === 'ERR_TLS_HANDSHAKE_TIMEOUT')) return;
        options.onTlsError?.(err, remoteOf(socket));
      });
      this.#tls = server;
    }
    this.#tcp = net.createServer((raw) => this.#onConnection(raw));
  }

  /** TCP connections admitted whose TLS handshake is still running. */
  get handshaking(): number {
    return this.#handshaking.size;
  }

  /** Where it listens, once listening. */
  get address(): { address: string; port: number } | undefined {
    const a = this.#tcp.address();
    return a !== null && typeof a === 'object' ? { address: a.address, port: a.port } : undefined;
  }

  /**
   * Start listening. No `host` means every address, dual-stack where IPv6
   * exists, as Pacemaker binds the wildcard (§4.1). Rejects with node's
   * error (EADDRINUSE, EACCES, ...).
   */
  listen(port: number, host?: string): Promise<{ address: string; port: number }> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.#tcp.once('error', onError);
      this.#tcp.listen({ port, ...(host !== undefined ? { host } : {}) }, () => {
        this.#tcp.off('error', onError);
        resolve(this.address!);
      });
    });
  }

  /**
   * Stop accepting and destroy the connections still in their TLS
   * handshake. Resolves once every TCP connection is gone; the caller must
   * end the established ones.
   */
  close(): Promise<void> {
    const closed = new Promise<void>((resolve) => {
      if (!this.#tcp.listening) return resolve();
      this.#tcp.close(() => resolve());
    });
    for (const raw of this.#handshaking.values()) raw.destroy();
    this.#handshaking.clear();
    return closed;
  }

  #onConnection(raw: net.Socket): void {
    raw.setNoDelay(true);
    // A reset before the TLS server takes over must not become an uncaught error.
    raw.on('error', () => {});
    if (!this.#options.admit(raw)) {
      raw.destroy();
      return;
    }
    const key = remoteOf(raw);
    this.#handshaking.set(key, raw);
    raw.once('close', () => {
      if (this.#handshaking.get(key) === raw) this.#handshaking.delete(key);
    });
    if (this.#tls) {
      // node:tls documents emitting 'connection' to hand it a socket.
      this.#tls.emit('connection', raw);
      return;
    }
    const remote = key;
    const s = acceptBuiltin(raw, this.#builtinKey!, PSK_IDENTITY, this.#handshakeTimeoutMs);
    const onError = (err: Error): void => {
      // A connection closed before its handshake ended (by its owner or the peer) is no TLS failure.
      if (raw.destroyed || raw.readableEnded) return;
      this.#options.onTlsError?.(err, remote);
    };
    s.once('error', onError);
    s.once('secure', () => {
      s.off('error', onError);
      if (this.#handshaking.get(key) === raw) this.#handshaking.delete(key);
      // See TlsListenerOptions.onSecure: a Duplex standing in for tls.TLSSocket.
      this.#options.onSecure(s as unknown as tls.TLSSocket, raw);
    });
  }
}
