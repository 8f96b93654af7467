/**
 * The cluster-side executor client (spec/protocol.md §4, §5): the register
 * handshake, then one typed async method per operation. Negative `lrmd_rc`
 * values become {@link PeerError}; local failures {@link ClientError}.
 */
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { CallOpt, LrmdRc, Op } from '../protocol/constants.js';
import type { Params } from '../protocol/messages/common.js';
import type { ExecNotify, GenericNotify } from '../protocol/messages/notify.js';
import type { RecurringEntry, Reply, RscDefinition } from '../protocol/messages/reply.js';
import { PROTOCOL_VERSION } from '../protocol/version.js';
import { ClientError, ClientErrorCode, PeerError } from './errors.js';
import { ExecResults } from './exec-results.js';
import { Session, type OutgoingRequest, type RequestOptions, type SessionEvents, type SessionNotify, type SessionOptions } from './session.js';

/** Options of {@link Client}. */
export interface ClientOptions extends SessionOptions {
  /** `lrmd_clientname` (§4.2). Default `pcmk-remote`. */
  readonly clientName?: string;
  /** Announced protocol version; default {@link PROTOCOL_VERSION} (`1.2`). */
  readonly protocolVersion?: string;
  /** Ask for the IPC proxy role (§8.1). */
  readonly isIpcProvider?: boolean;
  /** Unclaimed exec results kept for {@link Client.waitForResult}. */
  readonly maxBufferedResults?: number;
}

/** Per-call options: time limit and AbortSignal. */
export type CallOptions = Omit<RequestOptions, 'expectReply'>;

/** Arguments of {@link Client.registerResource} (§5.2). */
export interface RegisterResourceArgs {
  readonly rscId: string;
  /** Resource class: `ocf`, `lsb`, `systemd`, `service`, `stonith`. */
  readonly standard: string;
  readonly provider?: string;
  readonly agent: string;
  /** Cancel its recurring actions when the last client leaves; sent as 0x3 (§3.7). */
  readonly dropRecurring?: boolean;
}

/** Arguments of {@link Client.exec} (§5.5). */
export interface ExecArgs {
  readonly rscId: string;
  readonly action: string;
  /** ms; 0 (default) = one-shot. */
  readonly interval?: number;
  /** Agent time limit in ms (kill timer); default 20 000; 0 = none. */
  readonly actionTimeoutMs?: number;
  readonly startDelayMs?: number;
  readonly userData?: string;
  readonly params?: Params;
  readonly notifyOrigOnly?: boolean;
  readonly notifyChangesOnly?: boolean;
}

/** Arguments of {@link Client.alertExec} (§5.10). */
export interface AlertExecArgs {
  readonly alertId: string;
  readonly alertPath: string;
  /** Alert agent time limit in ms; default 30 000. */
  readonly alertTimeoutMs?: number;
  readonly params?: Params;
}

/** Events of {@link Client}. */
export interface ClientEvents extends Omit<SessionEvents, 'close'> {
  /** An exec result (§6.1), also delivered through `notify`. */
  exec: [ExecNotify];
  close: [ClientError | undefined];
}

/**
 * One connection to an executor. `connect(socket)` takes an established
 * Duplex (see `connectPskTls`) and registers; after a lost connection make
 * a new Client (as Pacemaker makes a new `lrmd_t`).
 */
export class Client extends EventEmitter<ClientEvents> {
  readonly #options: ClientOptions;
  readonly #results: ExecResults;
  #session: Session | undefined;
  #clientId: string | undefined;
  #peerVersion: string | undefined;
  #uptime: number | undefined;
  #nodeStartState: string | undefined;

  constructor(options: ClientOptions = {}) {
    super();
    this.#options = options;
    this.#results = new ExecResults(options.maxBufferedResults);
  }

  /** The server's id for this connection, after connect (§4.3). */
  get clientId(): string | undefined {
    return this.#clientId;
  }
  /** The server's protocol version; `1.0` when its reply named none (§4.3). */
  get peerProtocolVersion(): string | undefined {
    return this.#peerVersion;
  }
  /** Seconds since the daemon started (2.1.6+), if it said. */
  get uptime(): number | undefined {
    return this.#uptime;
  }
  get nodeStartState(): string | undefined {
    return this.#nodeStartState;
  }
  /** True between a successful connect and the end of the connection. */
  get connected(): boolean {
    return this.#session !== undefined && !this.#session.closed && this.#clientId !== undefined;
  }

  /**
   * Take over `socket` and perform the register handshake (§4). Rejects
   * with REGISTER_FAILED (rc -71, wrong `lrmd_op`, missing client id:
   * the liblrmd rule, §4.5), TIMEOUT (3.0.2+ stays silent on a refused
   * version), ABORTED or CONNECTION_LOST; the socket is closed then.
   */
  async connect(socket: Duplex, options: CallOptions = {}): Promise<void> {
    if (this.#session) throw new ClientError(ClientErrorCode.Protocol, 'connect() may be called once; make a new Client');
    const session = new Session(socket, this.#options);
    this.#session = session;
    session.on('notify', (n) => this.#onNotify(n));
    session.on('ipc', (m) => this.emit('ipc', m));
    session.on('decodeError', (e) => this.emit('decodeError', e));
    session.on('lateReply', (r) => this.emit('lateReply', r));
    session.on('close', (e) => {
      this.#results.close(e ?? new ClientError(ClientErrorCode.ConnectionLost, 'client closed'));
      this.emit('close', e);
    });
    try {
      const reply = await session.request(
        {
          kind: 'request',
          op: 'register',
          clientName: this.#options.clientName ?? 'pcmk-remote',
          protocolVersion: this.#options.protocolVersion ?? PROTOCOL_VERSION,
          ...(this.#options.isIpcProvider ? { isIpcProvider: true } : {}),
        },
        options,
      );
      if (reply.rc === LrmdRc.EPROTO || reply.op?.toLowerCase() !== Op.register || !reply.clientId) {
        throw new ClientError(ClientErrorCode.RegisterFailed, `register refused: rc ${reply.rc}, op ${reply.op ?? '(none)'}`, {
          cause: reply.rc < 0 ? new PeerError(reply.rc, Op.register) : undefined,
        });
      }
      this.#clientId = reply.clientId;
      this.#peerVersion = reply.protocolVersion ?? '1.0';
      this.#uptime = reply.uptime;
      this.#nodeStartState = reply.nodeStartState;
    } catch (err) {
      session.close();
      throw err;
    }
  }

  /** Close the connection; pending calls reject with CONNECTION_LOST. */
  close(): void {
    this.#session?.close();
  }

  /** Notifications from now on, in order, ending when the connection ends. */
  notifications(): AsyncIterableIterator<SessionNotify> {
    return this.#live().notifications();
  }

  /** `lrmd_rsc_register` (§5.2). */
  async registerResource(args: RegisterResourceArgs, options?: CallOptions): Promise<void> {
    const callOptions = args.dropRecurring ? CallOpt.dropRecurringCompat : CallOpt.none;
    const { rscId, standard, provider, agent } = args;
    await this.#call({ kind: 'request', op: 'lrmd_rsc_register', timeout: 0, callOptions, rscId, standard, agent, ...(provider !== undefined ? { provider } : {}) }, options);
  }

  /** `lrmd_rsc_unregister` (§5.4). `inProgress` when an action was running (rc -115, still success). */
  async unregisterResource(rscId: string, options?: CallOptions): Promise<{ inProgress: boolean }> {
    const r = await this.#call({ kind: 'request', op: 'lrmd_rsc_unregister', timeout: 0, callOptions: 0, rscId }, options, [LrmdRc.EINPROGRESS]);
    return { inProgress: r.rc === LrmdRc.EINPROGRESS };
  }

  /** `lrmd_rsc_info` (§5.3): the definition, or `undefined` when not registered. */
  async getResourceInfo(rscId: string, options?: CallOptions): Promise<RscDefinition | undefined> {
    const r = await this.#call({ kind: 'request', op: 'lrmd_rsc_info', timeout: 0, callOptions: 0, rscId }, options, [LrmdRc.ENODEV]);
    const rsc = r.rsc;
    if (r.rc === LrmdRc.ENODEV || !rsc?.standard || !rsc.agent || (rsc.standard === 'ocf' && !rsc.provider)) return undefined;
    return rsc;
  }

  /**
   * `lrmd_rsc_exec` (§5.5): resolves when the action is queued, with its
   * call id; await its result with {@link Client.waitForResult}.
   */
  async exec(args: ExecArgs, options?: CallOptions): Promise<{ callId: number }> {
    const callOptions = (args.notifyOrigOnly ? CallOpt.notifyOrigOnly : 0) | (args.notifyChangesOnly ? CallOpt.notifyChangesOnly : 0);
    const actionTimeout = args.actionTimeoutMs ?? 20_000;
    const r = await this.#call(
      {
        kind: 'request',
        op: 'lrmd_rsc_exec',
        timeout: actionTimeout,
        callOptions,
        rscId: args.rscId,
        action: args.action,
        interval: args.interval ?? 0,
        actionTimeout,
        startDelay: args.startDelayMs ?? 0,
        params: args.params ?? {},
        ...(args.userData !== undefined ? { userData: args.userData } : {}),
      },
      options,
    );
    const callId = r.rc > 0 ? r.rc : r.callId;
    if (callId === undefined || callId <= 0) throw new ClientError(ClientErrorCode.Protocol, `exec reply without a call id (rc ${r.rc})`);
    return { callId };
  }

  /**
   * The first exec result carrying `callId` (§6.1), even one that arrived
   * before the exec reply. No time limit unless `timeoutMs` is given;
   * rejects with CONNECTION_LOST when the connection ends.
   */
  waitForResult(callId: number, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<ExecNotify> {
    return this.#results.wait(callId, options);
  }

  /** `lrmd_rsc_cancel` (§5.6); the cancelled result comes as an exec notify. */
  async cancel(args: { rscId: string; action: string; interval: number }, options?: CallOptions): Promise<void> {
    await this.#call({ kind: 'request', op: 'lrmd_rsc_cancel', timeout: 0, callOptions: 0, ...args }, options);
  }

  /** `lrmd_get_recurring` (§5.7), for one resource or all. */
  async getRecurring(rscId?: string, options?: CallOptions): Promise<readonly RecurringEntry[]> {
    const r = await this.#call({ kind: 'request', op: 'lrmd_get_recurring', timeout: 0, callOptions: 0, ...(rscId !== undefined ? { rscId } : {}) }, options);
    return r.recurring ?? [];
  }

  /**
   * `lrmd_rsc_poke` (§5.8), fire-and-forget: resolves with the first poke
   * notification that arrives after sending (any client's poke counts, as
   * for the controller's liveness check). TIMEOUT after 10 s by default.
   */
  async poke(options: CallOptions = {}): Promise<GenericNotify> {
    const session = this.#live();
    let stop: (err: Error) => void = () => {};
    const arrived = new Promise<GenericNotify>((resolve, reject) => {
      const limit = options.timeoutMs ?? this.#options.defaultTimeoutMs ?? 10_000;
      const timer = limit > 0 ? setTimeout(() => finish(new ClientError(ClientErrorCode.Timeout, `no poke notify within ${limit} ms`)), limit) : undefined;
      const onNotify = (n: SessionNotify): void => {
        if (n.op === Op.poke && !('unknown' in n)) finish(undefined, n as GenericNotify);
      };
      const onClose = (e: ClientError | undefined): void => finish(e ?? new ClientError(ClientErrorCode.ConnectionLost, 'closed'));
      const onAbort = (): void => finish(new ClientError(ClientErrorCode.Aborted, 'poke aborted', { cause: options.signal?.reason }));
      const finish = (err: Error | undefined, n?: GenericNotify): void => {
        clearTimeout(timer);
        session.off('notify', onNotify).off('close', onClose);
        options.signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(n!);
      };
      stop = finish;
      session.on('notify', onNotify).on('close', onClose);
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await session.request({ kind: 'request', op: 'lrmd_rsc_poke', timeout: 0, callOptions: 0 }, { ...options, expectReply: false });
    } catch (err) {
      stop(err as Error);
    }
    return arrived;
  }

  /** `lrmd_check` (§5.9): never answered; resolves once written. */
  async check(args: { watchdog?: string } = {}): Promise<void> {
    await this.#live().request({ kind: 'request', op: 'lrmd_check', timeout: 0, callOptions: 0, ...args }, { expectReply: false });
  }

  /** `lrmd_alert_exec` (§5.10): resolves when the alert agent was started; no result follows. */
  async alertExec(args: AlertExecArgs, options?: CallOptions): Promise<void> {
    const alertTimeout = args.alertTimeoutMs ?? 30_000;
    const { alertId, alertPath } = args;
    await this.#call({ kind: 'request', op: 'lrmd_alert_exec', timeout: alertTimeout, callOptions: CallOpt.notifyOrigOnly, alertId, alertPath, alertTimeout, params: args.params ?? {} }, options);
  }

  #live(): Session {
    const s = this.#session;
    if (!s || s.closed || this.#clientId === undefined) throw new ClientError(ClientErrorCode.NotConnected, 'client is not connected');
    return s;
  }

  async #call(msg: OutgoingRequest, options: CallOptions = {}, accepted: readonly number[] = []): Promise<Reply> {
    const r = await this.#live().request(msg, options);
    if (r.rc < 0 && !accepted.includes(r.rc)) throw new PeerError(r.rc, msg.op);
    return r;
  }

  #onNotify(n: SessionNotify): void {
    this.emit('notify', n);
    if (n.op === Op.rscExec && !('unknown' in n)) {
      this.#results.add(n as ExecNotify);
      this.emit('exec', n as ExecNotify);
    }
  }
}
