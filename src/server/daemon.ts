/**
 * The reference remote daemon (spec/protocol.md §4, §5.16, §10): a TLS
 * listener, one {@link ServerSession} per connection, one executor, the
 * agent runners. A thin composition; each part is usable on its own.
 *
 * Limits the real daemon lacks (§10): a cap on connections in their
 * handshake, one time limit for TLS and `register` together, a frame size
 * limit, an optional idle limit, and a cap on connections.
 */
import { EventEmitter } from 'node:events';
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import type tls from 'node:tls';
import { DEFAULT_MAX_FRAME_SIZE } from '../protocol/header.js';
import type { Encoding } from '../protocol/frame.js';
import { loadAuthKey, type LoadAuthKeyOptions } from '../transport/authkey.js';
import { assertUsablePsk, DEFAULT_REMOTE_PORT, type PskEngine } from '../transport/psk-tls.js';
import type { X509Credentials } from '../transport/x509-tls.js';
import { startBridge, type BridgeServer } from './bridge/server.js';
import { createProxyApi, type ProxyApi } from './ipc-proxy/api.js';
import { IpcProxyEndpoint, type ProxyStatus } from './ipc-proxy/endpoint.js';
import { createAgentRunners, describeAlertResult, type AgentRunners, type AgentRunnersOptions, type InProcessRegistry } from './agents/index.js';
import { createExecutor, type Executor, type ExecutorStatus } from './executor/index.js';
import { remoteOf, TlsListener, type ListenerCredentials } from './listener.js';
import { SessionError, SessionErrorCode } from './session/errors.js';
import { HandshakeGate, type HandshakeTicket } from './session/handshake-gate.js';
import { errorFields, silentLogger, type Logger } from './session/logger.js';
import { DEFAULT_SERVER_ENCODINGS } from './session/register.js';
import { debugEnabled, resultFields } from './session/request-log.js';
import { ServerSession } from './session/server-session.js';

/** A pino-compatible logger (fields first, message second). */
export interface DaemonLogger extends Logger {}

/** Default {@link DaemonLimits.maxPendingHandshakes}. */
export const DEFAULT_MAX_PENDING_HANDSHAKES = 64;
/** Default {@link DaemonLimits.handshakeTimeoutMs}: the real daemon's TLS limit (§4.1). */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
/** Default {@link DaemonLimits.maxClients}. */
export const DEFAULT_MAX_CLIENTS = 256;

/**
 * Default {@link RemoteDaemonOptions.shutdownWaitMs}: 25 minutes, under the
 * 30 minutes systemd gives `pacemaker_remote.service` to stop, so that the
 * daemon still ends by itself, cleanly, before it would be killed.
 */
export const DEFAULT_SHUTDOWN_WAIT_MS = 25 * 60_000;

/** Limits of {@link RemoteDaemon} (§10); every one has a default. */
export interface DaemonLimits {
  /**
   * Connections that have not finished TLS and `register`, at once; one more
   * is closed as soon as TCP accepts it. Default 64.
   */
  readonly maxPendingHandshakes?: number;
  /**
   * Time from accept to the end of `register`, TLS included; default 10 000 ms,
   * the real daemon's TLS limit. 0 = no limit for `register`; the TLS
   * handshake alone then keeps an 11 s limit.
   */
  readonly handshakeTimeoutMs?: number;
  /** Largest frame accepted from a client; default 20 MiB. A larger one closes that connection. */
  readonly maxFrameSize?: number;
  /** Close a connection that sent nothing for this long; default 0 = never. */
  readonly idleTimeoutMs?: number;
  /** Open connections, those in their handshake included; one more is closed at accept. Default 256. */
  readonly maxClients?: number;
}

/** Options of {@link createRemoteDaemon}. */
export interface RemoteDaemonOptions {
  /** The PSK; else loaded with `loadAuthKey(authkey)` (§4.1). Ignored in X.509 mode. */
  readonly key?: Uint8Array;
  /** PSK engine (§4.9): `auto` (default) serves keys over 512 bytes with the built-in TLS 1.3 engine. */
  readonly engine?: PskEngine;
  /** Key file lookup when `key` is absent; `env` defaults to {@link RemoteDaemonOptions.env}. */
  readonly authkey?: LoadAuthKeyOptions;
  /** X.509 mode instead of PSK (§4.6). */
  readonly x509?: X509Credentials;
  /** Address to bind; default `PCMK_remote_address`, else every address (dual-stack). */
  readonly address?: string;
  /** Port; default `PCMK_remote_port`, else 3121. 0 picks a free port. */
  readonly port?: number;
  /** Environment for `PCMK_remote_*`, `PCMK_node_start_state` and the key lookup; default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Options for `createAgentRunners`, or a ready agent layer. */
  readonly agents?: AgentRunnersOptions | AgentRunners;
  readonly limits?: DaemonLimits;
  /** Default: silent. */
  readonly logger?: DaemonLogger;
  /** Encodings accepted from pcmk-remote clients (§13.1); default protobuf and XML. `['xml']` turns protobuf off. */
  readonly encodings?: readonly Encoding[];
  /** The IPC proxy endpoint (§8.11). */
  readonly proxy?: {
    /** Default time limit of each proxied exchange; default 30 000 ms. */
    readonly requestTimeoutMs?: number;
    /** This node's cluster name, when known ({@link ProxyApi.nodeName}). */
    readonly nodeName?: string;
  };
  /**
   * Serve the local bridge (§8.13) on this Unix socket once listening.
   * `optional`: a socket that cannot be created is logged, not fatal.
   */
  readonly bridge?: { readonly path: string; readonly optional?: boolean };
  /** Longest wait of a graceful {@link RemoteDaemon.shutdown} for the cluster; default {@link DEFAULT_SHUTDOWN_WAIT_MS}; 0 = none. */
  readonly shutdownWaitMs?: number;
}

/**
 * How a graceful shutdown ended (§8.9, §8.14): `no-provider` (none was
 * connected), `nack` (the cluster refused), `acked` (the cluster stopped
 * the node's resources and disconnected), `providers-gone` (the providers
 * left without an answer), `timeout` (the wait limit passed).
 */
export type ShutdownOutcome = 'no-provider' | 'nack' | 'acked' | 'providers-gone' | 'timeout';

/** One registered connection, for a status endpoint. */
export interface ConnectionStatus {
  /** The client id sent in the register reply. */
  readonly id: string;
  /** `lrmd_clientname`. */
  readonly name?: string;
  /** Peer `address:port`, or `stream` for {@link RemoteDaemon.acceptStream}. */
  readonly remote: string;
  /** ISO time of the successful `register`. */
  readonly since: string;
  readonly encoding: Encoding;
  readonly ipcProvider: boolean;
}

/** A snapshot of the daemon. */
export interface DaemonStatus {
  readonly uptimeSec: number;
  readonly listening?: { readonly address: string; readonly port: number };
  /** Registered connections, oldest first. */
  readonly connections: readonly ConnectionStatus[];
  /** Connections in their TLS handshake or waiting for `register`. */
  readonly pendingHandshakes: number;
  readonly executor: ExecutorStatus;
  /** IPC providers and proxied sessions per endpoint (§8.11). */
  readonly proxy: ProxyStatus;
  /** The local bridge's socket, when served. */
  readonly bridge?: string;
  /** True from a graceful shutdown's `shutdown_req` on. */
  readonly shuttingDown?: boolean;
}

/** Events of {@link RemoteDaemon}. */
export interface RemoteDaemonEvents {
  listening: [{ address: string; port: number }];
  /** A connection registered. */
  connect: [ConnectionStatus];
  /** A connection ended; registered ones only carry a status. */
  disconnect: [{ readonly id: string; readonly remote: string; readonly registered: boolean }, SessionError];
  /** A connection was turned away before it registered: a limit, a failed TLS handshake, a timeout. */
  refused: [{ readonly remote: string }, SessionError];
  /** A graceful shutdown sent `shutdown_req` to this provider (§8.9). */
  shutdownRequested: [{ readonly provider: string }];
}

/** Options of {@link RemoteDaemon.acceptStream}. */
export interface AcceptStreamOptions {
  /** Shown in status and logs; default `stream`. */
  readonly remote?: string;
}

/** The running daemon. */
export interface RemoteDaemon extends EventEmitter<RemoteDaemonEvents> {
  /** Bind and listen; resolves with the address. Calling it again returns the same address. */
  listen(): Promise<{ address: string; port: number }>;
  /**
   * Serve an established secure stream (a memory pair end, a socket
   * authenticated elsewhere), as if its TLS handshake had just completed.
   * Returns false, and destroys it, when a limit refuses it.
   */
  acceptStream(stream: Duplex, options?: AcceptStreamOptions): boolean;
  /** Stop listening, close every connection, close the executor (agents are aborted, alerts awaited). */
  close(): Promise<void>;
  /**
   * Graceful stop (§8.9, §8.14): without a provider, close at once.
   * Otherwise send `shutdown_req` to the newest provider and stop
   * listening; on `shutdown_nack` close at once; on `shutdown_ack` (or no
   * answer) keep serving until the last provider disconnects, bounded by
   * `waitMs` (default the daemon's `shutdownWaitMs`). Then {@link close}.
   * Calling it again returns the same promise.
   */
  shutdown(options?: { readonly waitMs?: number }): Promise<ShutdownOutcome>;
  /** The IPC proxy's in-process API (§8.12). */
  readonly proxy: ProxyApi;
  status(): DaemonStatus;
  /** Where in-process TypeScript agents are defined (§11.10). */
  readonly agents: InProcessRegistry;
  readonly executor: Executor;
}

/**
 * Build a daemon; it does nothing until {@link RemoteDaemon.listen} or
 * {@link RemoteDaemon.acceptStream}. Async because the key may be read
 * from disk. Rejects with TransportError: AUTHKEY_MISSING /
 * AUTHKEY_UNREADABLE / AUTHKEY_EMPTY / PSK_TOO_LONG, X509_FILE_UNREADABLE /
 * X509_CREDENTIALS_INVALID. Unlike Pacemaker, which reads the key at each
 * handshake, a missing key stops the daemon from starting.
 */
export async function createRemoteDaemon(options: RemoteDaemonOptions = {}): Promise<RemoteDaemon> {
  const env = options.env ?? process.env;
  let credentials: ListenerCredentials;
  if (options.x509 !== undefined) {
    credentials = { x509: options.x509 };
  } else {
    const key = options.key ?? (await loadAuthKey({ env, ...options.authkey })).key;
    assertUsablePsk(key, options.engine);
    credentials = { key };
  }
  return new Daemon(options, env, credentials);
}

/** The port: `port`, else a valid `PCMK_remote_port`, else 3121. */
function resolvePort(port: number | undefined, env: NodeJS.ProcessEnv): number {
  if (port !== undefined) return port;
  const fromEnv = Number.parseInt(env.PCMK_remote_port ?? '', 10);
  return Number.isInteger(fromEnv) && fromEnv > 0 && fromEnv < 65536 ? fromEnv : DEFAULT_REMOTE_PORT;
}

function isAgentRunners(a: AgentRunnersOptions | AgentRunners): a is AgentRunners {
  return typeof (a as AgentRunners).run === 'function' && typeof (a as AgentRunners).runAlert === 'function';
}

class Daemon extends EventEmitter<RemoteDaemonEvents> implements RemoteDaemon {
  readonly executor: Executor;
  readonly agents: InProcessRegistry;
  readonly proxy: ProxyApi;
  readonly #endpoint: IpcProxyEndpoint;
  #bridge: BridgeServer | undefined;
  #draining = false;
  #graceful: Promise<ShutdownOutcome> | undefined;
  readonly #options: RemoteDaemonOptions;
  readonly #env: NodeJS.ProcessEnv;
  readonly #credentials: ListenerCredentials;
  readonly #log: Logger;
  readonly #startedAt = Date.now();
  readonly #gate: HandshakeGate;
  readonly #tickets = new WeakMap<net.Socket, HandshakeTicket>();
  /** Every session, registered or not; pending ones are also in the gate. */
  readonly #sessions = new Set<ServerSession>();
  readonly #maxClients: number;
  #listener: TlsListener | undefined;
  #listening: Promise<{ address: string; port: number }> | undefined;
  #closing: Promise<void> | undefined;
  #frameId = 0n;

  constructor(options: RemoteDaemonOptions, env: NodeJS.ProcessEnv, credentials: ListenerCredentials) {
    super();
    this.#options = options;
    this.#env = env;
    this.#credentials = credentials;
    const log = (this.#log = options.logger ?? silentLogger);
    const limits = options.limits ?? {};
    this.#maxClients = limits.maxClients ?? DEFAULT_MAX_CLIENTS;
    this.#gate = new HandshakeGate({
      max: limits.maxPendingHandshakes ?? DEFAULT_MAX_PENDING_HANDSHAKES,
      timeoutMs: limits.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
      onTimeout: (t) => {
        log.warn({ remote: t.remote }, 'handshake (TLS and register) timed out; connection dropped');
        this.emit('refused', { remote: t.remote }, new SessionError(SessionErrorCode.HandshakeTimeout, 'handshake timed out'));
      },
    });
    const runners = options.agents !== undefined && isAgentRunners(options.agents) ? options.agents : createAgentRunners(options.agents ?? {});
    this.agents = runners.registry;
    this.#endpoint = new IpcProxyEndpoint({
      logger: log,
      ...(options.proxy?.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.proxy.requestTimeoutMs } : {}),
    });
    this.proxy = createProxyApi(this.#endpoint, options.proxy?.nodeName !== undefined ? { nodeName: options.proxy.nodeName } : {});
    this.agents.proxy = this.proxy;
    this.executor = createExecutor({
      runner: {
        run: (a) => {
          if (debugEnabled(log)) log.debug({ rscId: a.rscId, action: a.action, interval: a.intervalMs, agent: `${a.standard}:${a.provider ? `${a.provider}:` : ''}${a.agent}` }, 'agent run');
          return runners.run(a);
        },
      },
      runAlert: async (alert) => {
        const r = await runners.runAlert(alert);
        const d = describeAlertResult(r);
        log[d.level === 'notice' ? 'info' : 'debug']({ alertId: alert.alertId, path: alert.path, rc: r.rc, status: r.status }, d.message);
        return r;
      },
      onCheck: (req, clientId) => log.info({ client: clientId, watchdog: req.watchdog ?? null }, 'lrmd_check received'),
      onResult: (n) => {
        if (debugEnabled(log)) log.debug(resultFields(n), 'exec result');
      },
      onError: (err, source) => log.error({ source, ...errorFields(err) }, 'executor error'),
    });
  }

  listen(): Promise<{ address: string; port: number }> {
    if (this.#closing) return Promise.reject(new SessionError(SessionErrorCode.DaemonClosing, 'the daemon is closed'));
    this.#listening ??= this.#startListening();
    return this.#listening;
  }

  async #startListening(): Promise<{ address: string; port: number }> {
    const limits = this.#options.limits ?? {};
    const listener = new TlsListener({
      credentials: this.#credentials,
      ...(this.#options.engine !== undefined ? { engine: this.#options.engine } : {}),
      // node:tls's own limit is only a backstop behind the gate's (TLS and register together).
      handshakeTimeoutMs: (limits.handshakeTimeoutMs || DEFAULT_HANDSHAKE_TIMEOUT_MS) + 1000,
      admit: (raw) => this.#admit(raw, remoteOf(raw)),
      onSecure: (socket, raw) => this.#onSecure(socket, raw),
      onTlsError: (err, remote) => {
        this.#log.info({ remote, ...errorFields(err) }, 'TLS handshake failed');
        this.emit('refused', { remote }, new SessionError(SessionErrorCode.TlsFailed, `TLS handshake failed: ${err.message}`, { cause: err }));
      },
    });
    this.#listener = listener;
    const env = this.#env;
    const host = this.#options.address ?? (env.PCMK_remote_address || undefined);
    try {
      const where = await listener.listen(resolvePort(this.#options.port, env), host);
      this.#log.info(where, 'listening');
      await this.#startBridge();
      this.emit('listening', where);
      return where;
    } catch (err) {
      this.#listener = undefined;
      this.#listening = undefined;
      throw err;
    }
  }

  async #startBridge(): Promise<void> {
    const b = this.#options.bridge;
    if (!b || this.#bridge) return;
    try {
      this.#bridge = await startBridge({ path: b.path, api: this.proxy, logger: this.#log });
    } catch (err) {
      if (!b.optional) {
        await this.#listener?.close();
        throw err;
      }
      this.#log.warn({ path: b.path, ...errorFields(err) }, 'local bridge not started');
    }
  }

  acceptStream(stream: Duplex, options: AcceptStreamOptions = {}): boolean {
    const remote = options.remote ?? 'stream';
    if (this.#closing || this.#draining || !this.#admitStream(stream, remote)) {
      stream.destroy();
      return false;
    }
    const ticket = this.#gate.enter(remote, () => stream.destroy());
    /* c8 ignore next 4 -- #admitStream checked the gate just before */
    if (!ticket) {
      stream.destroy();
      return false;
    }
    this.#startSession(stream, remote, ticket);
    return true;
  }

  status(): DaemonStatus {
    const connections: ConnectionStatus[] = [];
    for (const s of this.#sessions) if (s.registered) connections.push(this.#connectionStatus(s));
    const listening = this.#listener?.address;
    return {
      uptimeSec: this.#uptimeSec(),
      ...(listening ? { listening } : {}),
      connections,
      pendingHandshakes: this.#gate.size,
      executor: this.executor.status(),
      proxy: this.#endpoint.status(),
      ...(this.#bridge ? { bridge: this.#bridge.path } : {}),
      ...(this.#draining ? { shuttingDown: true } : {}),
    };
  }

  shutdown(options: { readonly waitMs?: number } = {}): Promise<ShutdownOutcome> {
    this.#graceful ??= this.#gracefulShutdown(options.waitMs ?? this.#options.shutdownWaitMs ?? DEFAULT_SHUTDOWN_WAIT_MS);
    return this.#graceful;
  }

  async #gracefulShutdown(waitMs: number): Promise<ShutdownOutcome> {
    const provider = this.#closing ? undefined : this.#endpoint.requestShutdown();
    if (provider === undefined) {
      this.#log.info({}, 'no IPC provider: stopping at once');
      await this.close();
      return 'no-provider';
    }
    // §8.9: no new connections from now on; those open stay.
    this.#draining = true;
    this.emit('shutdownRequested', { provider });
    void this.#listening?.then(() => this.#listener?.close()).catch(() => {});
    const ep = this.#endpoint;
    const outcome = await new Promise<ShutdownOutcome>((resolve) => {
      let acked = false;
      const onAck = (): void => {
        acked = true;
        this.#log.info({ waitMs }, 'waiting for the cluster to stop this node\'s resources and disconnect');
      };
      const onNack = (): void => done('nack');
      const onRemoved = (_id: string, remaining: number): void => {
        if (remaining === 0) done(acked ? 'acked' : 'providers-gone');
      };
      const timer = waitMs > 0 ? setTimeout(() => done('timeout'), waitMs) : undefined;
      const done = (o: ShutdownOutcome): void => {
        if (timer) clearTimeout(timer);
        ep.off('shutdownAck', onAck).off('shutdownNack', onNack).off('providerRemoved', onRemoved);
        resolve(o);
      };
      ep.on('shutdownAck', onAck).on('shutdownNack', onNack).on('providerRemoved', onRemoved);
      if (ep.providers.length === 0) done('providers-gone');
    });
    this.#log[outcome === 'timeout' ? 'warn' : 'info']({ outcome }, 'graceful shutdown: stopping');
    await this.close();
    return outcome;
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    this.#log.info({ connections: this.#sessions.size }, 'shutting down');
    const listening = this.#listening?.catch(() => undefined);
    const stopped = listening?.then(() => this.#listener?.close());
    this.#gate.abortAll();
    this.#endpoint.close();
    const bridge = this.#bridge?.close();
    for (const s of [...this.#sessions]) s.close(new SessionError(SessionErrorCode.DaemonClosing, 'the daemon is shutting down'));
    await this.executor.close();
    await stopped;
    await bridge;
  }

  #uptimeSec(): number {
    return Math.floor((Date.now() - this.#startedAt) / 1000);
  }

  /** Limits checked at TCP accept: refuse before any TLS work. */
  #admit(raw: net.Socket, remote: string): boolean {
    if (this.#closing || this.#draining || !this.#admitStream(raw, remote)) return false;
    const ticket = this.#gate.enter(remote, () => raw.destroy());
    /* c8 ignore next -- #admitStream checked the gate just before */
    if (!ticket) return false;
    this.#tickets.set(raw, ticket);
    raw.once('close', () => ticket.release());
    return true;
  }

  #admitStream(_stream: Duplex, remote: string): boolean {
    let reason: string | undefined;
    if (this.#gate.full) reason = `${this.#gate.size} connections are in their handshake`;
    else if (this.#sessions.size + this.#listenerHandshaking() >= this.#maxClients) reason = `${this.#maxClients} connections are open`;
    if (reason === undefined) return true;
    this.#log.warn({ remote }, `connection refused: ${reason}`);
    this.emit('refused', { remote }, new SessionError(SessionErrorCode.LimitReached, reason));
    return false;
  }

  #listenerHandshaking(): number {
    return this.#listener?.handshaking ?? 0;
  }

  #onSecure(socket: tls.TLSSocket, raw: net.Socket | undefined): void {
    const remote = remoteOf(socket);
    const ticket = raw !== undefined ? this.#tickets.get(raw) : undefined;
    if (this.#closing || ticket === undefined) {
      // Timed out in the same tick, or the daemon is closing.
      socket.destroy();
      return;
    }
    this.#log.debug({ remote }, 'TLS handshake done');
    this.#startSession(socket, remote, ticket);
  }

  #startSession(stream: Duplex, remote: string, ticket: HandshakeTicket): void {
    const limits = this.#options.limits ?? {};
    const session = new ServerSession(stream, {
      executor: this.executor,
      remote,
      encodings: this.#options.encodings ?? DEFAULT_SERVER_ENCODINGS,
      maxFrameSize: limits.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE,
      idleTimeoutMs: limits.idleTimeoutMs ?? 0,
      uptimeSec: () => this.#uptimeSec(),
      ...(this.#env.PCMK_node_start_state ? { nodeStartState: this.#env.PCMK_node_start_state } : {}),
      ipc: this.#endpoint,
      nextFrameId: () => (this.#frameId = this.#frameId >= 0xffff_ffff_ffff_ffffn ? 1n : this.#frameId + 1n),
      logger: this.#log,
    });
    this.#sessions.add(session);
    ticket.setAbort(() => session.close(new SessionError(SessionErrorCode.HandshakeTimeout, 'TLS and register did not finish in time')));
    stream.once('close', () => ticket.release());
    session.once('registered', () => {
      ticket.release();
      if (session.ipcProvider) this.#endpoint.addProvider(session.id, (m) => void session.sendIpc(m));
      this.emit('connect', this.#connectionStatus(session));
    });
    session.once('close', (reason) => {
      ticket.release();
      this.#sessions.delete(session);
      this.#endpoint.removeProvider(session.id);
      const registered = session.since !== undefined;
      this.#log[registered ? 'info' : 'debug']({ client: session.id, remote, name: session.name ?? null, reason: reason.code }, 'connection closed');
      this.emit('disconnect', { id: session.id, remote, registered }, reason);
    });
  }

  #connectionStatus(s: ServerSession): ConnectionStatus {
    return {
      id: s.id,
      ...(s.name !== undefined ? { name: s.name } : {}),
      remote: s.remote,
      since: (s.since ?? new Date()).toISOString(),
      encoding: s.encoding,
      ipcProvider: s.ipcProvider,
    };
  }
}
