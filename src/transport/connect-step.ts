/**
 * One step of opening a connection (TCP connect, then the TLS handshake)
 * under a time limit and an AbortSignal, shared by the PSK and X.509
 * modes (spec/protocol.md §4.1, §4.6). On failure every socket involved is
 * destroyed and the error becomes a TransportError of that phase.
 */
import type net from 'node:net';
import { TransportError, TransportErrorCode } from './errors.js';

export type Done<T> = (err: Error | null, value?: T) => void;
export type On = (socket: net.Socket, event: string, fn: (arg?: unknown) => void) => void;

/** Run one connection step with a time limit and the abort signal; on failure destroy everything. */
export function step<T extends net.Socket>(
  phase: 'connect' | 'handshake',
  timeoutMs: number,
  signal: AbortSignal | undefined,
  start: (done: Done<T>, on: On) => net.Socket,
  under?: net.Socket,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let socket: net.Socket | undefined;
    const listeners: Array<[net.Socket, string, (arg?: unknown) => void]> = [];
    const on: On = (s, event, fn) => {
      listeners.push([s, event, fn]);
      s.on(event, fn);
    };
    const finish: Done<T> = (err, value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      for (const [s, event, fn] of listeners) s.off(event, fn);
      if (err || !value) {
        // Keep a late socket error from becoming an uncaught exception.
        socket?.on('error', () => {});
        socket?.destroy();
        under?.destroy();
        reject(TransportError.fromSocketError(err, phase));
      } else {
        resolve(value);
      }
    };
    const onAbort = (): void => finish(aborted(signal!));
    const timer = setTimeout(() => {
      const code = phase === 'connect' ? TransportErrorCode.ConnectTimeout : TransportErrorCode.TlsHandshakeTimeout;
      finish(new TransportError(code, `${phase === 'connect' ? 'TCP connect' : 'TLS handshake'} did not finish in ${timeoutMs} ms`));
    }, timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    socket = start(finish, on);
  });
}

/** The error of a step cut short by its AbortSignal. */
export function aborted(signal: AbortSignal): TransportError {
  return new TransportError(TransportErrorCode.Aborted, 'aborted', { cause: signal.reason });
}
