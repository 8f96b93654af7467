/**
 * PSK-TLS client and server (spec/protocol.md §4.1, §4.9): identity `lrmd`,
 * the key file's raw bytes as the PSK, no certificates, TCP_NODELAY on.
 * Two engines: node:tls (TLS 1.3 preferred, the TLS 1.2 PSK and DHE-PSK
 * suites allowed, keys up to 512 bytes) and the built-in TLS 1.3 engine
 * (keys of any length, up to 64 KiB); `engine: 'auto'` picks the built-in
 * one only for keys over 512 bytes.
 */
import net from 'node:net';
import tls from 'node:tls';
import { constants as cryptoConstants } from 'node:crypto';
import { aborted, step } from './connect-step.js';
import { TransportError, TransportErrorCode } from './errors.js';
import { acceptTls13Psk, connectTls13Psk } from './tls13-psk/connect.js';
import type { Tls13PskSocket } from './tls13-psk/socket.js';

/** PSK identity Pacemaker clients send; 3.0.2+ servers accept no other. */
export const PSK_IDENTITY = 'lrmd';

/** Largest PSK node:tls (OpenSSL's PSK_MAX_PSK_LEN) accepts, in bytes. */
export const MAX_PSK_LENGTH = 512;

/** Largest PSK the built-in engine accepts, in bytes (a sanity limit: Pacemaker's keys are 256 or 4096). */
export const MAX_BUILTIN_PSK_LENGTH = 65_536;

/**
 * Which TLS implementation carries a PSK connection (§4.9): `node` is
 * node:tls (OpenSSL), `builtin` the TLS 1.3 engine of this package, `auto`
 * (the default) node:tls for keys up to 512 bytes and the built-in engine above.
 */
export type PskEngine = 'auto' | 'node' | 'builtin';

/** A secure PSK connection: a tls.TLSSocket (node engine) or a {@link Tls13PskSocket} (built-in engine). */
export type PskTlsSocket = tls.TLSSocket | Tls13PskSocket;

/** The engine `engine` resolves to for `key` (§4.9). */
export function selectPskEngine(key: Uint8Array, engine: PskEngine = 'auto'): 'node' | 'builtin' {
  if (engine !== 'auto') return engine;
  return key.length > MAX_PSK_LENGTH ? 'builtin' : 'node';
}

/** Default port of pacemaker-remoted. */
export const DEFAULT_REMOTE_PORT = 3121;

/**
 * Suites offered: TLS 1.3 (the legacy PSK callback needs a SHA-256 suite)
 * and the TLS 1.2 families GnuTLS enables with `NORMAL:+DHE-PSK:+PSK`.
 */
export const PSK_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'DHE-PSK-AES128-GCM-SHA256',
  'DHE-PSK-AES256-GCM-SHA384',
  'DHE-PSK-CHACHA20-POLY1305',
  'PSK-AES128-GCM-SHA256',
  'PSK-AES256-GCM-SHA384',
  'PSK-CHACHA20-POLY1305',
  'DHE-PSK-AES128-CBC-SHA256',
  'PSK-AES128-CBC-SHA256',
].join(':');

/** Options of {@link connectPskTls}. */
export interface PskTlsConnectOptions {
  readonly host: string;
  readonly port: number;
  /** The PSK: raw key file bytes, at most {@link MAX_PSK_LENGTH}. */
  readonly key: Uint8Array;
  /** Default `lrmd`. */
  readonly identity?: string;
  /** TCP connect limit, default 10 000 ms. */
  readonly connectTimeoutMs?: number;
  /** TLS handshake limit after TCP connect, default 5000 ms (Pacemaker's client value). */
  readonly handshakeTimeoutMs?: number;
  /** Highest TLS version offered; `'TLSv1.2'` to test older peers. Default TLS 1.3. The built-in engine speaks TLS 1.3 only. */
  readonly maxVersion?: tls.SecureVersion;
  /** Default `auto`: node:tls up to 512-byte keys, the built-in TLS 1.3 engine above (§4.9). */
  readonly engine?: PskEngine;
  readonly signal?: AbortSignal;
}

/** Options of {@link createPskTlsServer}. */
export interface PskTlsServerOptions {
  readonly key: Uint8Array;
  /** Handshake limit from accept, default 10 000 ms (the daemon's value). */
  readonly handshakeTimeoutMs?: number;
  /** Accept only this identity (as 3.0.2+ does); default any, as 2.1.5 does. */
  readonly identity?: string;
  readonly maxVersion?: tls.SecureVersion;
  /** Default `auto`: node:tls up to 512-byte keys, the built-in TLS 1.3 engine above (§4.9). */
  readonly engine?: PskEngine;
}

/**
 * Throws AUTHKEY_EMPTY for an empty key and PSK_TOO_LONG for a key the
 * engine cannot take: over 512 bytes (OpenSSL's cap) with `engine: 'node'`,
 * over 65 536 bytes otherwise (§4.9).
 */
export function assertUsablePsk(key: Uint8Array, engine: PskEngine = 'auto'): void {
  if (key.length === 0) throw new TransportError(TransportErrorCode.AuthkeyEmpty, 'the PSK key is empty');
  if (engine === 'node' && key.length > MAX_PSK_LENGTH) {
    throw new TransportError(
      TransportErrorCode.PskTooLong,
      `the PSK key has ${key.length} bytes; node:tls (OpenSSL) accepts at most ${MAX_PSK_LENGTH}. ` +
        "Use the built-in engine (engine 'auto' or 'builtin') or a key of 512 bytes or less.",
    );
  }
  if (key.length > MAX_BUILTIN_PSK_LENGTH) {
    throw new TransportError(TransportErrorCode.PskTooLong, `the PSK key has ${key.length} bytes; at most ${MAX_BUILTIN_PSK_LENGTH} are accepted`);
  }
}

/**
 * Open TCP to `host:port`, then run the PSK-TLS handshake with the engine
 * {@link selectPskEngine} picks. Resolves with the secure socket (NODELAY
 * set): a tls.TLSSocket or, with the built-in engine, a Tls13PskSocket;
 * both are Duplex streams. Rejects with TransportError: PSK_TOO_LONG /
 * AUTHKEY_EMPTY before connecting; CONNECT_FAILED / CONNECT_TIMEOUT;
 * TLS_HANDSHAKE_FAILED (node engine: wrong key; not a TLS peer) /
 * TLS_HANDSHAKE_TIMEOUT; built-in engine also TLS_PSK_MISMATCH (wrong key or
 * identity), TLS_ALERT, TLS_BAD_RECORD, TLS_DECRYPT_ERROR (§12.2); ABORTED
 * when `signal` fires.
 */
export async function connectPskTls(options: PskTlsConnectOptions & { readonly engine: 'node' }): Promise<tls.TLSSocket>;
export async function connectPskTls(options: PskTlsConnectOptions & { readonly engine: 'builtin' }): Promise<Tls13PskSocket>;
export async function connectPskTls(options: PskTlsConnectOptions): Promise<PskTlsSocket>;
export async function connectPskTls(options: PskTlsConnectOptions): Promise<PskTlsSocket> {
  const { host, port, key, identity = PSK_IDENTITY, connectTimeoutMs = 10_000, handshakeTimeoutMs = 5000, signal } = options;
  const engine = selectPskEngine(key, options.engine);
  assertUsablePsk(key, engine);
  const psk = Buffer.from(key.buffer, key.byteOffset, key.length);
  if (signal?.aborted) throw aborted(signal);

  const tcp = await step<net.Socket>('connect', connectTimeoutMs, signal, (done, on) => {
    const s = net.connect({ host, port });
    s.setNoDelay(true);
    on(s, 'connect', () => done(null, s));
    on(s, 'error', (err) => done(err as Error));
    return s;
  });

  if (engine === 'builtin') {
    return connectTls13Psk(tcp, { key: psk, identity, handshakeTimeoutMs, ...(signal ? { signal } : {}) });
  }
  return step<tls.TLSSocket>('handshake', handshakeTimeoutMs, signal, (done, on) => {
    const s = tls.connect({
      socket: tcp,
      pskCallback: () => ({ psk, identity }),
      ciphers: PSK_CIPHERS,
      minVersion: 'TLSv1.2',
      maxVersion: options.maxVersion ?? 'TLSv1.3',
      checkServerIdentity: () => undefined,
    });
    on(s, 'secureConnect', () => done(null, s));
    on(s, 'error', (err) => done(err as Error));
    on(s, 'close', () => done(new Error('connection closed during the TLS handshake')));
    return s;
  }, tcp);
}

/**
 * A PSK-TLS server. `onSecureConnection` gets each socket after its
 * handshake (NODELAY set). With node:tls, TLS 1.2 tickets are off; node:tls
 * still sends a TLS 1.3 ticket, which clients ignore (spec/protocol.md §4.1);
 * the built-in engine sends none (§4.9). Throws PSK_TOO_LONG / AUTHKEY_EMPTY
 * synchronously. Failed handshakes are reported on the server's
 * `tlsClientError` event (error, socket) and their socket is destroyed.
 * With the built-in engine the server is a plain net.Server.
 */
export function createPskTlsServer(options: PskTlsServerOptions & { readonly engine: 'node' }, onSecureConnection: (socket: tls.TLSSocket) => void): tls.Server;
export function createPskTlsServer(options: PskTlsServerOptions & { readonly engine: 'builtin' }, onSecureConnection: (socket: Tls13PskSocket) => void): net.Server;
export function createPskTlsServer(options: PskTlsServerOptions, onSecureConnection: (socket: PskTlsSocket) => void): net.Server;
export function createPskTlsServer(options: PskTlsServerOptions, onSecure: (socket: never) => void): net.Server {
  // Each overload pairs the engine with the socket type its callback gets.
  const onSecureConnection = onSecure as (socket: PskTlsSocket) => void;
  const engine = selectPskEngine(options.key, options.engine);
  assertUsablePsk(options.key, engine);
  const psk = Buffer.from(options.key.buffer, options.key.byteOffset, options.key.length);
  const want = options.identity;
  if (engine === 'builtin') {
    const server = net.createServer((raw) => {
      raw.setNoDelay(true);
      const s = acceptBuiltin(raw, psk, want, options.handshakeTimeoutMs ?? 10_000);
      s.once('secure', () => {
        s.off('error', onError);
        onSecureConnection(s);
      });
      const onError = (err: Error): void => {
        server.emit('tlsClientError', err, s);
      };
      s.once('error', onError);
    });
    return server;
  }
  const server = tls.createServer(
    {
      pskCallback: (_socket, identity) => (want === undefined || identity === want ? psk : null),
      ciphers: PSK_CIPHERS,
      minVersion: 'TLSv1.2',
      maxVersion: options.maxVersion ?? 'TLSv1.3',
      secureOptions: cryptoConstants.SSL_OP_NO_TICKET,
      dhparam: 'auto',
      handshakeTimeout: options.handshakeTimeoutMs ?? 10_000,
    },
    (socket) => {
      socket.setNoDelay(true);
      onSecureConnection(socket);
    },
  );
  server.on('connection', (s: net.Socket) => s.setNoDelay(true));
  // Node reports a failed or timed-out handshake here but may leave the socket open.
  server.on('tlsClientError', (_err, socket) => socket.destroy());
  return server;
}

/**
 * Start the built-in engine's server handshake on an accepted TCP socket
 * (§4.9). The result emits `secure`, or `error` and closes.
 */
export function acceptBuiltin(raw: net.Socket, key: Uint8Array, identity: string | undefined, handshakeTimeoutMs: number): Tls13PskSocket {
  return acceptTls13Psk(raw, { key, ...(identity !== undefined ? { identity } : {}), handshakeTimeoutMs });
}
