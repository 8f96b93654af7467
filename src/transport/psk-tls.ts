/**
 * PSK-TLS client and server over node:tls (spec/protocol.md §4.1): identity
 * `lrmd`, the key file's raw bytes as the PSK, no certificates, TLS 1.3
 * preferred with the TLS 1.2 PSK and DHE-PSK suites allowed, TCP_NODELAY on.
 */
import net from 'node:net';
import tls from 'node:tls';
import { constants as cryptoConstants } from 'node:crypto';
import { aborted, step } from './connect-step.js';
import { TransportError, TransportErrorCode } from './errors.js';

/** PSK identity Pacemaker clients send; 3.0.2+ servers accept no other. */
export const PSK_IDENTITY = 'lrmd';

/** Largest PSK node:tls (OpenSSL's PSK_MAX_PSK_LEN) accepts, in bytes. */
export const MAX_PSK_LENGTH = 512;

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
  /** Highest TLS version offered; `'TLSv1.2'` to test older peers. Default TLS 1.3. */
  readonly maxVersion?: tls.SecureVersion;
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
}

/**
 * Throws PSK_TOO_LONG above 512 bytes and AUTHKEY_EMPTY for an empty key.
 * The 512-byte cap is OpenSSL's, reached through node:tls.
 */
export function assertUsablePsk(key: Uint8Array): void {
  if (key.length === 0) throw new TransportError(TransportErrorCode.AuthkeyEmpty, 'the PSK key is empty');
  if (key.length > MAX_PSK_LENGTH) {
    throw new TransportError(
      TransportErrorCode.PskTooLong,
      `the PSK key has ${key.length} bytes; node:tls (OpenSSL) accepts at most ${MAX_PSK_LENGTH}. ` +
        'Use a key of 512 bytes or less (pcs creates 256-byte keys); the built-in TLS engine will lift this limit.',
    );
  }
}

/**
 * Open TCP to `host:port`, then run the PSK-TLS handshake. Resolves with the
 * secure socket (NODELAY set). Rejects with TransportError: PSK_TOO_LONG /
 * AUTHKEY_EMPTY before connecting; CONNECT_FAILED / CONNECT_TIMEOUT;
 * TLS_HANDSHAKE_FAILED (wrong key, not a TLS peer) / TLS_HANDSHAKE_TIMEOUT;
 * ABORTED when `signal` fires.
 */
export async function connectPskTls(options: PskTlsConnectOptions): Promise<tls.TLSSocket> {
  const { host, port, key, identity = PSK_IDENTITY, connectTimeoutMs = 10_000, handshakeTimeoutMs = 5000, signal } = options;
  assertUsablePsk(key);
  const psk = Buffer.from(key.buffer, key.byteOffset, key.length);
  if (signal?.aborted) throw aborted(signal);

  const tcp = await step<net.Socket>('connect', connectTimeoutMs, signal, (done, on) => {
    const s = net.connect({ host, port });
    s.setNoDelay(true);
    on(s, 'connect', () => done(null, s));
    on(s, 'error', (err) => done(err as Error));
    return s;
  });

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
 * handshake (NODELAY set). TLS 1.2 tickets are off; node:tls still sends a
 * TLS 1.3 ticket, which clients ignore (spec/protocol.md §4.1).
 * Throws PSK_TOO_LONG / AUTHKEY_EMPTY synchronously. Failed handshakes are
 * reported on the server's `tlsClientError` event and their socket is destroyed.
 */
export function createPskTlsServer(options: PskTlsServerOptions, onSecureConnection: (socket: tls.TLSSocket) => void): tls.Server {
  assertUsablePsk(options.key);
  const psk = Buffer.from(options.key.buffer, options.key.byteOffset, options.key.length);
  const want = options.identity;
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
