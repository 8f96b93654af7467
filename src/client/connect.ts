/**
 * One call from "host, port, key" to a registered {@link Client}
 * (spec/protocol.md §4): key lookup, TCP, PSK-TLS or X.509 (§4.6),
 * register handshake.
 */
import type { Duplex } from 'node:stream';
import type * as tls from 'node:tls';
import { loadAuthKey, type LoadAuthKeyOptions } from '../transport/authkey.js';
import { connectPskTls, DEFAULT_REMOTE_PORT, type PskEngine } from '../transport/psk-tls.js';
import { connectX509Tls, x509OptionsFromEnv, type X509Credentials } from '../transport/x509-tls.js';
import { Client, type ClientOptions } from './client.js';
import { ReconnectingClient, type ReconnectOptions } from './reconnecting-client.js';

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
  /**
   * PSK engine (spec/protocol.md §4.9): `auto` (default) uses node:tls up to
   * 512-byte keys and the built-in TLS 1.3 engine above; `node` or
   * `builtin` forces one.
   */
  readonly engine?: PskEngine;
  readonly signal?: AbortSignal;
  /**
   * X.509 mode instead of PSK (§4.6): the credentials, or `'env'` to read
   * `PCMK_ca_file`, `PCMK_cert_file`, `PCMK_key_file` and `PCMK_crl_file`
   * as Pacemaker 3.0 does (PSK when none is set). Default PSK.
   */
  readonly x509?: (X509Credentials & { readonly peerName?: string }) | 'env';
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
  } else if (options.x509 !== undefined && (options.x509 !== 'env' || x509OptionsFromEnv(options.env ?? process.env))) {
    const creds = options.x509 === 'env' ? x509OptionsFromEnv(options.env ?? process.env)! : options.x509;
    socket = await connectX509Tls({
      ...creds,
      host: options.host ?? '127.0.0.1',
      port: resolvePort(options.port, options.env),
      ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
      ...(options.handshakeTimeoutMs !== undefined ? { handshakeTimeoutMs: options.handshakeTimeoutMs } : {}),
      ...(options.maxVersion !== undefined ? { maxVersion: options.maxVersion } : {}),
      ...(signal ? { signal } : {}),
    });
  } else {
    const key = options.key ?? (await loadAuthKey({ ...options.authkey, ...(options.env ? { env: options.env } : {}) })).key;
    socket = await connectPskTls({
      host: options.host ?? '127.0.0.1',
      port: resolvePort(options.port, options.env),
      key,
      ...(options.engine !== undefined ? { engine: options.engine } : {}),
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

/**
 * A started {@link ReconnectingClient} whose connections come from
 * {@link connectClient} with `options` (its `signal` is replaced by the
 * wrapper's own; stop with `close()`). Liveness is on (every 10 s) unless
 * `livenessIntervalMs` is 0 (§4.7).
 */
export function createReconnectingClient(options: ConnectOptions & ReconnectOptions = {}): ReconnectingClient {
  return new ReconnectingClient((signal) => connectClient({ ...options, signal }), options).start();
}
