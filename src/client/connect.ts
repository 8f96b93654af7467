/**
 * One call from "host, port, key" to a registered {@link Client}
 * (spec/protocol.md §4): key lookup, TCP, PSK-TLS, register handshake.
 */
import type { Duplex } from 'node:stream';
import type * as tls from 'node:tls';
import { loadAuthKey, type LoadAuthKeyOptions } from '../transport/authkey.js';
import { connectPskTls, DEFAULT_REMOTE_PORT } from '../transport/psk-tls.js';
import { Client, type ClientOptions } from './client.js';

/** Where and how to connect; every field has a default. */
export interface ConnectOptions extends ClientOptions {
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** Default `PCMK_remote_port` from `env`, else 3121. */
  readonly port?: number;
  /** The PSK itself; when absent it is loaded with {@link loadAuthKey}. */
  readonly key?: Uint8Array;
  /** Key file lookup when `key` is absent: path, env, 2.1 or 3.0 rules. */
  readonly authkey?: Omit<LoadAuthKeyOptions, 'readFile'>;
  /** Environment for `PCMK_remote_port`; default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  readonly connectTimeoutMs?: number;
  readonly handshakeTimeoutMs?: number;
  /** Time limit of the register reply; default 10 000 ms. */
  readonly registerTimeoutMs?: number;
  readonly maxVersion?: tls.SecureVersion;
  readonly signal?: AbortSignal;
  /**
   * Open the secure stream yourself (X.509, a proxy, a memory pair); host,
   * port and key are then ignored.
   */
  readonly transport?: (signal?: AbortSignal) => Promise<Duplex>;
}

/** The port to use: `port`, else a valid `PCMK_remote_port`, else 3121. */
export function resolvePort(port: number | undefined, env: NodeJS.ProcessEnv = process.env): number {
  if (port !== undefined) return port;
  const fromEnv = Number.parseInt(env.PCMK_remote_port ?? '', 10);
  return Number.isInteger(fromEnv) && fromEnv > 0 && fromEnv < 65536 ? fromEnv : DEFAULT_REMOTE_PORT;
}

/**
 * Connect and register. Rejects with the TransportError of the failed step
 * (AUTHKEY_*, PSK_TOO_LONG, CONNECT_*, TLS_HANDSHAKE_*) or the ClientError
 * of the handshake (REGISTER_FAILED, TIMEOUT, CONNECTION_LOST, ABORTED).
 */
export async function connectClient(options: ConnectOptions = {}): Promise<Client> {
  const { signal } = options;
  let socket: Duplex;
  if (options.transport) {
    socket = await options.transport(signal);
  } else {
    const key = options.key ?? (await loadAuthKey({ ...options.authkey, ...(options.env ? { env: options.env } : {}) })).key;
    socket = await connectPskTls({
      host: options.host ?? '127.0.0.1',
      port: resolvePort(options.port, options.env),
      key,
      ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
      ...(options.handshakeTimeoutMs !== undefined ? { handshakeTimeoutMs: options.handshakeTimeoutMs } : {}),
      ...(options.maxVersion !== undefined ? { maxVersion: options.maxVersion } : {}),
      ...(signal ? { signal } : {}),
    });
  }
  const client = new Client(options);
  await client.connect(socket, {
    ...(options.registerTimeoutMs !== undefined ? { timeoutMs: options.registerTimeoutMs } : {}),
    ...(signal ? { signal } : {}),
  });
  return client;
}
