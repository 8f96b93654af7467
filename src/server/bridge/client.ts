/**
 * The client side of the local bridge (spec/protocol.md §8.13): one request,
 * one answer, for the command line.
 */
import net from 'node:net';
import { BridgeError, BridgeErrorCode } from './errors.js';
import { BRIDGE_PATH_ENV, DEFAULT_BRIDGE_PATH, LineSplitter, MAX_BRIDGE_ANSWER_BYTES, type BridgeAnswer, type BridgeRequest } from './protocol.js';

/** Options of {@link callBridge}. */
export interface CallBridgeOptions {
  /** Limit of the whole call; default 60 000 ms; 0 = none. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** The socket path: `explicit`, else `PCMK_REMOTE_BRIDGE`, else the default. */
export function resolveBridgePath(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return explicit || env[BRIDGE_PATH_ENV] || DEFAULT_BRIDGE_PATH;
}

/**
 * Send one request and resolve with its result. Rejects with BridgeError:
 * BRIDGE_UNAVAILABLE (no daemon there, or no permission), BRIDGE_TIMEOUT,
 * BRIDGE_CLOSED, BRIDGE_PROTOCOL, or the daemon's own code (`PROXY_*`).
 */
export function callBridge(path: string, request: Omit<BridgeRequest, 'id'>, options: CallBridgeOptions = {}): Promise<unknown> {
  return new Promise<unknown>((resolve, reject) => {
    const socket = net.connect(path);
    const lines = new LineSplitter(MAX_BRIDGE_ANSWER_BYTES);
    let settled = false;
    const ms = options.timeoutMs ?? 60_000;
    const finish = (f: () => void): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      f();
    };
    const timer = ms > 0 ? setTimeout(() => finish(() => reject(new BridgeError(BridgeErrorCode.Timeout, `no answer from the daemon within ${ms} ms`))), ms) : undefined;
    const onAbort = (): void => finish(() => reject(new BridgeError('ABORTED', 'aborted')));
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });

    socket.once('connect', () => socket.write(JSON.stringify({ ...request, id: 1 }) + '\n'));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? '';
      const unavailable = ['ENOENT', 'ECONNREFUSED', 'EACCES', 'EPERM', 'ENOTDIR', 'ENOTSOCK'].includes(code);
      const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied (the bridge is root-only)' : code === 'ENOENT' ? 'no daemon bridge socket' : err.message;
      finish(() => reject(new BridgeError(unavailable ? BridgeErrorCode.Unavailable : BridgeErrorCode.Closed, `cannot reach the daemon at ${path}: ${why}`, { cause: err })));
    });
    socket.on('close', () => finish(() => reject(new BridgeError(BridgeErrorCode.Closed, 'the daemon closed the bridge connection'))));
    socket.on('data', (chunk: Buffer) => {
      let got: string[];
      try {
        got = lines.push(chunk);
      } catch (err) {
        return finish(() => reject(new BridgeError(BridgeErrorCode.Protocol, (err as Error).message)));
      }
      for (const line of got) {
        let a: BridgeAnswer;
        try {
          a = JSON.parse(line) as BridgeAnswer;
        } catch {
          return finish(() => reject(new BridgeError(BridgeErrorCode.Protocol, 'unreadable answer from the daemon')));
        }
        if (a.ok) return finish(() => resolve(a.result));
        const e = a.error;
        return finish(() => reject(new BridgeError(e.code, e.message, e.rc !== undefined ? { rc: e.rc } : {})));
      }
    });
  });
}
