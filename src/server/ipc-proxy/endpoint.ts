/**
 * The daemon's end of the IPC proxy (spec/protocol.md §8.11): the list of
 * providers, newest first; local sessions bound to one provider for life;
 * the `ipc_fwd` messages providers send back (response, event, destroy,
 * shutdown answers). It plugs into each connection as its `IpcHandler`.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { userInfo } from 'node:os';
import { IpcServer, LrmdRc } from '../../protocol/constants.js';
import type { IpcProxy } from '../../protocol/messages/ipc-proxy.js';
import { silentLogger, type Logger } from '../session/logger.js';
import type { IpcHandler } from '../session/server-session.js';
import { ProxyError, ProxyErrorCode } from './errors.js';
import { DEFAULT_PROXY_REQUEST_TIMEOUT_MS, ProxySession, type ProxySessionLink } from './session.js';

/** Sends one daemon → provider message on a provider's connection. */
export type ProviderSend = (message: IpcProxy) => void;

/** Options of {@link IpcProxyEndpoint}. */
export interface IpcProxyEndpointOptions {
  /** Default time limit of proxied requests; default 30 000 ms; 0 = none. */
  readonly requestTimeoutMs?: number;
  readonly logger?: Logger;
}

/** Options of {@link IpcProxyEndpoint.openSession}. */
export interface OpenSessionOptions {
  /** `lrmd_ipc_user` (§8.2); default the daemon's user name. */
  readonly user?: string;
  /** The pid in `lrmd_ipc_client`; default the daemon's. */
  readonly pid?: number;
}

/** The proxy part of the daemon's status. */
export interface ProxyStatus {
  /** Registered IPC providers (connection ids), newest first. */
  readonly providers: readonly string[];
  /** Open sessions per endpoint. */
  readonly sessions: Readonly<Record<string, number>>;
}

/** Events of {@link IpcProxyEndpoint}. */
export interface IpcProxyEndpointEvents {
  /** A provider answered `shutdown_req` (§8.9); the argument is its connection id. */
  shutdownAck: [string];
  shutdownNack: [string];
  providerAdded: [string];
  /** A provider left; the argument is its id, the number is how many remain. */
  providerRemoved: [string, number];
}

/** Endpoints a local session may name, and the name that goes on the wire (§8.4). */
const WIRE_SERVER: Readonly<Record<string, string>> = {
  [IpcServer.cibRo]: IpcServer.cibRo,
  [IpcServer.cibRw]: IpcServer.cibRw,
  [IpcServer.cibShm]: IpcServer.cibRw,
  [IpcServer.attrd]: IpcServer.attrd,
  [IpcServer.fencer]: IpcServer.fencer,
  [IpcServer.controller]: IpcServer.controller,
};

function defaultUser(): string {
  try {
    return userInfo().username;
  } catch {
    /* c8 ignore next 2 -- a uid without a passwd entry */
    return '#unprivileged';
  }
}

/**
 * The proxy endpoint. {@link forward} is the `IpcHandler` of every
 * connection; the daemon calls {@link addProvider} / {@link removeProvider}
 * as provider connections register and close.
 */
export class IpcProxyEndpoint extends EventEmitter<IpcProxyEndpointEvents> implements IpcHandler {
  readonly #log: Logger;
  readonly #timeoutMs: number;
  /** Newest first (§8.1). */
  #providers: { readonly id: string; readonly send: ProviderSend }[] = [];
  readonly #sessions = new Map<string, ProxySession>();
  readonly #user = defaultUser();
  #closed: ProxyError | undefined;

  constructor(options: IpcProxyEndpointOptions = {}) {
    super();
    this.#log = options.logger ?? silentLogger;
    this.#timeoutMs = options.requestTimeoutMs ?? DEFAULT_PROXY_REQUEST_TIMEOUT_MS;
  }

  /** Provider connection ids, newest first. */
  get providers(): readonly string[] {
    return this.#providers.map((p) => p.id);
  }

  /** Open sessions. */
  get sessions(): readonly ProxySession[] {
    return [...this.#sessions.values()];
  }

  /** A connection registered as IPC provider; it becomes the newest (§8.1). */
  addProvider(id: string, send: ProviderSend): void {
    this.#providers = [{ id, send }, ...this.#providers.filter((p) => p.id !== id)];
    this.#log.info({ client: id, providers: this.#providers.length }, 'IPC provider registered');
    this.emit('providerAdded', id);
  }

  /** A provider's connection closed: every session bound to it ends with PROXY_PROVIDER_LOST (§8.8). */
  removeProvider(id: string): void {
    const before = this.#providers.length;
    this.#providers = this.#providers.filter((p) => p.id !== id);
    if (this.#providers.length === before) return;
    let ended = 0;
    for (const s of [...this.#sessions.values()]) {
      if (s.providerId !== id) continue;
      ended++;
      s.end(new ProxyError(ProxyErrorCode.ProviderLost, 'the IPC provider of this session disconnected'));
    }
    this.#log.info({ client: id, providers: this.#providers.length, sessionsEnded: ended }, 'IPC provider gone');
    this.emit('providerRemoved', id, this.#providers.length);
  }

  /**
   * Open a session to `server` (`cib_ro`, `cib_rw`, `cib_shm`, `attrd`,
   * `stonith-ng`, `crmd`) through the newest provider: sends `new` at once.
   * Throws ProxyError PROXY_NO_PROVIDER, PROXY_BAD_SERVER, PROXY_CLOSED.
   * A provider that cannot serve it answers `destroy`: the session then
   * closes with PROXY_SESSION_CLOSED.
   */
  openSession(server: string, options: OpenSessionOptions = {}): ProxySession {
    if (this.#closed) throw this.#closed;
    const wire = WIRE_SERVER[server];
    if (wire === undefined) {
      throw new ProxyError(ProxyErrorCode.BadServer, server === IpcServer.pacemakerd ? 'pacemakerd is not relayed to the cluster' : `unknown IPC endpoint ${server}`);
    }
    const provider = this.#providers[0];
    if (!provider) throw new ProxyError(ProxyErrorCode.NoProvider, 'no IPC provider is connected (the cluster has not connected to this node)');
    const id = randomUUID();
    const pid = options.pid ?? process.pid;
    const link: ProxySessionLink = {
      send: (m) => this.#sendTo(provider.id, m),
      closed: (s) => {
        if (this.#sessions.get(s.id) === s) this.#sessions.delete(s.id);
      },
      defaultTimeoutMs: this.#timeoutMs,
    };
    const session = new ProxySession(
      { id, server: wire, providerId: provider.id, client: `proxy-${wire}-${pid}-${id.slice(0, 8)}`, user: options.user ?? this.#user },
      link,
    );
    this.#sessions.set(id, session);
    this.#log.debug({ session: id, server: wire, provider: provider.id }, 'proxied session opened');
    provider.send({ kind: 'ipc', msgId: 0, ipcOp: 'new', server: wire, session: id });
    return session;
  }

  /**
   * Send `shutdown_req` (session "0") to the newest provider (§8.9).
   * Returns its id, or undefined when there is none.
   */
  requestShutdown(): string | undefined {
    const provider = this.#providers[0];
    if (!provider) return undefined;
    provider.send({ kind: 'ipc', msgId: 0, ipcOp: 'shutdown_req', session: '0' });
    this.#log.info({ client: provider.id }, 'shutdown requested from the cluster');
    return provider.id;
  }

  /**
   * `ipc_fwd` from connection `clientId` (§5.11, §8.3). Always rc 0, as
   * Pacemaker: a message for a session this connection does not carry
   * (unknown, ended, or bound to another provider) gets a `destroy` back
   * instead; one of a daemon → provider operation is logged and dropped.
   */
  forward(clientId: string, m: IpcProxy): number {
    switch (m.ipcOp) {
      case 'shutdown_ack':
        this.#log.info({ client: clientId }, 'shutdown acknowledged by the cluster');
        this.emit('shutdownAck', clientId);
        return LrmdRc.ok;
      case 'shutdown_nack':
        this.#log.info({ client: clientId }, 'shutdown refused by the cluster');
        this.emit('shutdownNack', clientId);
        return LrmdRc.ok;
      case 'response':
      case 'event':
      case 'destroy':
        break;
      default:
        this.#log.warn({ client: clientId, ipcOp: m.ipcOp }, 'ignored an IPC proxy message that only flows to providers');
        return LrmdRc.ok;
    }
    const session = this.#sessions.get(m.session);
    if (!session || session.providerId !== clientId) {
      if (m.ipcOp !== 'destroy') {
        this.#log.debug({ client: clientId, session: m.session, ipcOp: m.ipcOp }, 'IPC message for an unknown session; answered destroy');
        this.#sendTo(clientId, { kind: 'ipc', msgId: 0, ipcOp: 'destroy', session: m.session });
      }
      return LrmdRc.ok;
    }
    if (m.ipcOp === 'destroy') {
      session.end(new ProxyError(ProxyErrorCode.SessionClosed, `the provider ended the ${session.server} session`));
    } else if (m.ipcOp === 'event') {
      if (m.body) session.onEvent(m.body);
    } else if (!session.onResponse(m.ipcMsgId, m.body)) {
      // Pacemaker passes it to the client anyway; nobody waits here, so it becomes an event.
      this.#log.debug({ session: m.session, ipcMsgId: m.ipcMsgId }, 'response for no waiting request; delivered as event');
      if (m.body) session.onEvent(m.body);
    }
    return LrmdRc.ok;
  }

  status(): ProxyStatus {
    const sessions: Record<string, number> = {};
    for (const s of this.#sessions.values()) sessions[s.server] = (sessions[s.server] ?? 0) + 1;
    return { providers: this.providers, sessions };
  }

  /** End every session with PROXY_CLOSED and refuse new ones. Idempotent. */
  close(): void {
    this.#closed ??= new ProxyError(ProxyErrorCode.Closed, 'the daemon is shutting down');
    for (const s of [...this.#sessions.values()]) s.end(this.#closed);
  }

  #sendTo(providerId: string, m: IpcProxy): boolean {
    const p = this.#providers.find((x) => x.id === providerId);
    if (!p) return false;
    p.send(m);
    return true;
  }
}
