/**
 * The cluster-side executor client (spec/protocol.md §4, §5): the register
 * handshake, then one typed async method per operation. Negative `lrmd_rc`
 * values become {@link PeerError}; local failures {@link ClientError}.
 */
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { CallOpt, LrmdRc, Op } from '../protocol/constants.js';
import { Encoding } from '../protocol/frame.js';
import type { IpcProxy } from '../protocol/messages/ipc-proxy.js';
import type { ExecNotify, GenericNotify } from '../protocol/messages/notify.js';
import type { RecurringEntry, Reply, RscDefinition } from '../protocol/messages/reply.js';
import { compareVersions, PROTOCOL_VERSION } from '../protocol/version.js';
import { ClientError, ClientErrorCode, PeerError } from './errors.js';
import { ExecResults } from './exec-results.js';
import { LivenessMonitor, type LivenessOptions } from './liveness.js';
import type { AlertExecArgs, CallOptions, ExecArgs, RegisterResourceArgs } from './operation-args.js';
import { pokeAndWait } from './poke.js';
import { Session, type DistributiveOmit, type OutgoingRequest, type SessionEvents, type SessionNotify, type SessionOptions } from './session.js';

export type { AlertExecArgs, CallOptions, ExecArgs, RegisterResourceArgs } from './operation-args.js';

/** Encodings offered by default: protobuf first; Pacemaker ignores the offer (§13.1). */
export const DEFAULT_ENCODINGS: readonly Encoding[] = [Encoding.protobuf, Encoding.xml];

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
  /**
   * Payload encodings offered in `register`, preferred first (§13.1);
   * default {@link DEFAULT_ENCODINGS}; `[]` sends no offer (plain Pacemaker).
   */
  readonly encodings?: readonly Encoding[];
  /** Poke every this many ms once connected (§4.7); 0 or absent = off. */
  readonly livenessIntervalMs?: number;
  /** Wait for the liveness poke notify; default 10 000 ms. */
  readonly livenessTimeoutMs?: number;
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
  #encoding: Encoding = Encoding.xml;
  #liveness: LivenessMonitor | undefined;

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
  /** Encoding of the requests this client sends: `protobuf` once agreed (§13.1), else `xml`. */
  get encoding(): Encoding {
    return this.#encoding;
  }
  /** True while reading is paused because a notification iterator is full (§4.7). */
  get paused(): boolean {
    return this.#session?.paused ?? false;
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
   * When the reply names `protobuf` (§13.1), later requests go as protobuf.
   */
  async connect(socket: Duplex, options: CallOptions = {}): Promise<void> {
    if (this.#session) throw new ClientError(ClientErrorCode.Protocol, 'connect() may be called once; make a new Client');
    const session = new Session(socket, this.#options);
    this.#session = session;
    session.on('notify', (n) => this.#onNotify(n));
    session.on('ipc', (m) => this.emit('ipc', m));
    session.on('decodeError', (e) => this.emit('decodeError', e));
    session.on('lateReply', (r) => this.emit('lateReply', r));
    session.on('backpressure', (p) => this.emit('backpressure', p));
    session.on('close', (e) => {
      this.#liveness?.stop();
      this.#results.close(e ?? new ClientError(ClientErrorCode.ConnectionLost, 'client closed'));
      this.emit('close', e);
    });
    const offered = this.#options.encodings ?? DEFAULT_ENCODINGS;
    try {
      const reply = await session.request(
        {
          kind: 'request',
          op: 'register',
          clientName: this.#options.clientName ?? 'pcmk-remote',
          protocolVersion: this.#options.protocolVersion ?? PROTOCOL_VERSION,
          ...(this.#options.isIpcProvider ? { isIpcProvider: true } : {}),
          ...(offered.length > 0 ? { encodings: offered } : {}),
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
      // §13.1 rule 4: anything but an offered `protobuf` means XML.
      if (reply.encoding?.trim() === Encoding.protobuf && offered.includes(Encoding.protobuf)) this.#encoding = Encoding.protobuf;
      session.setEncoding(this.#encoding);
      // §3.11: a 1.1-or-older server is 2.1.x, which backslash-escapes output and exit reasons.
      if (this.#options.decoder?.legacyEscapes === undefined && compareVersions(this.#peerVersion, '1.1') <= 0) session.legacyEscapes = true;
    } catch (err) {
      session.close();
      throw err;
    }
    const intervalMs = this.#options.livenessIntervalMs ?? 0;
    if (intervalMs > 0) this.monitorLiveness({ intervalMs, ...(this.#options.livenessTimeoutMs !== undefined ? { timeoutMs: this.#options.livenessTimeoutMs } : {}) });
  }

  /**
   * Start (or restart with new settings) the liveness check (§4.7): a poke
   * every `intervalMs`; when its notify does not come within `timeoutMs`
   * the connection is closed with LIVENESS_FAILED (the `close` event's
   * error and the rejection of pending calls). `intervalMs: 0` stops it.
   * Throws NOT_CONNECTED when not connected.
   */
  monitorLiveness(options: LivenessOptions = {}): void {
    const session = this.#live();
    this.#liveness?.stop();
    this.#liveness = new LivenessMonitor(
      { poke: (o) => this.poke(o), get paused() { return session.paused; }, get pauseCount() { return session.pauseCount; } },
      options,
      (err) => session.close(err),
    ).start();
  }

  /** Close the connection; pending calls reject with CONNECTION_LOST. */
  close(): void {
    this.#liveness?.stop();
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
    requireText({ rscId, standard, agent, ...(standard.toLowerCase() === 'ocf' ? { provider: provider ?? '' } : {}) });
    await this.#call({ kind: 'request', op: 'lrmd_rsc_register', timeout: 0, callOptions, rscId, standard, agent, ...(provider !== undefined ? { provider } : {}) }, options);
  }

  /** `lrmd_rsc_unregister` (§5.4). `inProgress` when an action was running (rc -115, still success). */
  async unregisterResource(rscId: string, options?: CallOptions): Promise<{ inProgress: boolean }> {
    requireText({ rscId });
    const r = await this.#call({ kind: 'request', op: 'lrmd_rsc_unregister', timeout: 0, callOptions: 0, rscId }, options, [LrmdRc.EINPROGRESS]);
    return { inProgress: r.rc === LrmdRc.EINPROGRESS };
  }

  /** `lrmd_rsc_info` (§5.3): the definition, or `undefined` when not registered. */
  async getResourceInfo(rscId: string, options?: CallOptions): Promise<RscDefinition | undefined> {
    requireText({ rscId });
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
    requireText({ rscId: args.rscId, action: args.action });
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
    requireText({ rscId: args.rscId, action: args.action });
    await this.#call({ kind: 'request', op: 'lrmd_rsc_cancel', timeout: 0, callOptions: 0, ...args }, options);
  }

  /** `lrmd_get_recurring` (§5.7), for one resource or all; PeerError ENODEV for an unknown resource. */
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
    return pokeAndWait(this.#live(), { ...options, timeoutMs: options.timeoutMs ?? this.#options.defaultTimeoutMs ?? 10_000 });
  }

  /** `lrmd_check` (§5.9): never answered; resolves once written. */
  async check(args: { watchdog?: string } = {}): Promise<void> {
    await this.#live().request({ kind: 'request', op: 'lrmd_check', timeout: 0, callOptions: 0, ...args }, { expectReply: false });
  }

  /** `lrmd_alert_exec` (§5.10): resolves when the alert agent was started; no result follows. */
  async alertExec(args: AlertExecArgs, options?: CallOptions): Promise<void> {
    const alertTimeout = args.alertTimeoutMs ?? 30_000;
    const { alertId, alertPath } = args;
    requireText({ alertId, alertPath });
    await this.#call({ kind: 'request', op: 'lrmd_alert_exec', timeout: alertTimeout, callOptions: CallOpt.notifyOrigOnly, alertId, alertPath, alertTimeout, params: args.params ?? {} }, options);
  }

  /**
   * Send a provider → daemon IPC proxy message (§8.3: `response`, `event`,
   * `destroy`, `shutdown_ack`, `shutdown_nack`) as a fire-and-forget
   * `ipc_fwd` request (§5.11); resolves once written, its reply is dropped.
   * Throws NOT_CONNECTED; rejects with CONNECTION_LOST.
   */
  async sendIpc(message: DistributiveOmit<IpcProxy, 'msgId' | 'kind'>): Promise<void> {
    // The codec encodes an `ipc` message carrying op ipc_fwd as an executor request (§8.2).
    const msg = { ...message, kind: 'ipc', op: Op.ipcFwd } as unknown as OutgoingRequest;
    await this.#live().request(msg, { expectReply: false });
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

/** liblrmd refuses empty ids, classes and agents before sending (-22); so do we. */
function requireText(fields: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value !== 'string' || value === '') throw new ClientError(ClientErrorCode.InvalidArgument, `${name} must be a non-empty string`);
  }
}
