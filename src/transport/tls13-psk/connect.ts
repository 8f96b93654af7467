/**
 * Running the handshake of the built-in engine over an open byte stream
 * (spec/protocol.md §4.9): the client side as a promise, the server side
 * as a socket that announces `secure` or an error.
 */
import type { Duplex } from 'node:stream';
import { TransportError, TransportErrorCode } from '../errors.js';
import { aborted } from '../connect-step.js';
import { Tls13PskSocket, type Tls13PskSocketOptions } from './socket.js';

/** Options of {@link connectTls13Psk}. */
export type Tls13PskConnectOptions = Omit<Tls13PskSocketOptions, 'role'> & { readonly signal?: AbortSignal };

/**
 * Run the client handshake over `socket` (already connected). Resolves
 * with the secure Duplex; rejects with a TransportError (TLS_PSK_MISMATCH,
 * TLS_HANDSHAKE_FAILED, TLS_HANDSHAKE_TIMEOUT, TLS_ALERT, TLS_BAD_RECORD,
 * TLS_DECRYPT_ERROR, ABORTED) after destroying `socket`.
 */
export function connectTls13Psk(socket: Duplex, options: Tls13PskConnectOptions): Promise<Tls13PskSocket> {
  const { signal, ...rest } = options;
  return new Promise<Tls13PskSocket>((resolve, reject) => {
    if (signal?.aborted) {
      socket.destroy();
      reject(aborted(signal));
      return;
    }
    const tls = new Tls13PskSocket(socket, { ...rest, role: 'client' });
    const onAbort = (): void => {
      tls.destroy(aborted(signal!));
    };
    const onSecure = (): void => {
      done();
      resolve(tls);
    };
    const onError = (err: Error): void => {
      done();
      reject(TransportError.fromSocketError(err, 'handshake'));
    };
    const onClose = (): void => {
      done();
      reject(new TransportError(TransportErrorCode.TlsHandshakeFailed, 'connection closed during the TLS handshake'));
    };
    const done = (): void => {
      signal?.removeEventListener('abort', onAbort);
      tls.off('secure', onSecure);
      tls.off('error', onError);
      tls.off('close', onClose);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    tls.on('secure', onSecure);
    tls.on('error', onError);
    tls.on('close', onClose);
  });
}

/** Options of {@link acceptTls13Psk}. */
export type Tls13PskAcceptOptions = Omit<Tls13PskSocketOptions, 'role'>;

/**
 * Start the server handshake on an accepted `socket`. The returned Duplex
 * emits `secure` when the client is authenticated, or `error` (then closes).
 */
export function acceptTls13Psk(socket: Duplex, options: Tls13PskAcceptOptions): Tls13PskSocket {
  return new Tls13PskSocket(socket, { ...options, role: 'server' });
}
