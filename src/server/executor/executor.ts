/**
 * The executor core of the reference daemon (spec/protocol.md §5, §6): it
 * keeps resources and clients, answers every executor request and produces
 * the notifications, with no transport and no agent processes of its own.
 * A session layer owns the connections and the `register` handshake; agent
 * runners run the agents.
 */
import { CallOpt } from '../../protocol/constants.js';
import type { ExecNotify } from '../../protocol/messages/notify.js';
import type { Reply } from '../../protocol/messages/reply.js';
import type { CheckRequest, Request, UnknownRequest } from '../../protocol/messages/request.js';
import type { Action } from './action.js';
import { Alerts, type AlertRunner } from './alerts.js';
import { createCallIdCounter, type CallIdCounter } from './call-ids.js';
import { ClientRegistry, type ClientSink } from './clients.js';
import { systemClock, type Clock } from './clock.js';
import type { OpContext } from './context.js';
import { dispatch } from './dispatch.js';
import { ExecutorError, ExecutorErrorCode } from './errors.js';
import { buildGenericNotify, buildNewClientNotify, buildReply } from './messages.js';
import type { Resource } from './resource.js';
import { Scheduler, type ActionRunner } from './scheduler.js';
import { buildStatus, type ExecutorStatus } from './status.js';

/** Where an error reported to {@link ExecutorOptions.onError} came from. */
export type ErrorSource = { readonly kind: 'sink'; readonly clientId: string } | { readonly kind: 'alert' };

/** Options of {@link Executor}. */
export interface ExecutorOptions {
  /** Runs resource actions: the dispatcher over the agent runners (§11). Timeouts are its job. */
  readonly runner: ActionRunner;
  /** Runs alert agents (§5.10). Without it `lrmd_alert_exec` is answered -7. */
  readonly runAlert?: AlertRunner;
  /** Time and timers; default {@link systemClock}. */
  readonly clock?: Clock;
  /** Called for `lrmd_check` (§5.9); no reply is sent whatever it does. */
  readonly onCheck?: (request: CheckRequest, clientId: string) => void;
  /** A client's sink threw, or an alert run failed; delivery goes on. */
  readonly onError?: (error: unknown, source: ErrorSource) => void;
  /** Every exec result, once, before it is delivered to the clients (for logs). */
  readonly onResult?: (result: ExecNotify) => void;
}

/** Everything the executor may receive from a client besides `register`. */
export type ExecutorRequest = Request | UnknownRequest;

/**
 * Transport-free executor. All methods are synchronous except {@link close};
 * messages reach clients through their sinks, in wire order (§5.13).
 */
export class Executor {
  readonly #clock: Clock;
  readonly #clients: ClientRegistry;
  readonly #resources = new Map<string, Resource>();
  readonly #scheduler: Scheduler;
  readonly #alerts: Alerts;
  readonly #callIds: CallIdCounter = createCallIdCounter();
  readonly #onCheck: ExecutorOptions['onCheck'];
  readonly #onResult: ExecutorOptions['onResult'];
  readonly #startedAt: number;
  #closed = false;

  constructor(options: ExecutorOptions) {
    const clock = options.clock ?? systemClock;
    const onError = options.onError ?? (() => {});
    this.#clock = clock;
    this.#onCheck = options.onCheck;
    this.#onResult = options.onResult;
    this.#startedAt = clock.now();
    this.#clients = new ClientRegistry((clientId, err) => onError(err, { kind: 'sink', clientId }));
    this.#alerts = new Alerts(options.runAlert, clock, (err) => onError(err, { kind: 'alert' }));
    this.#scheduler = new Scheduler({
      clock,
      runner: options.runner,
      lookup: (id) => this.#resources.get(id),
      resources: () => this.#resources.values(),
      notify: (a, n) => this.#deliverResult(a, n),
    });
  }

  /** True after {@link close}. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Add a client. `name` is its `lrmd_clientname`; a client without one gets
   * no notifications (§6.4). Call {@link announceNewClient} afterwards when the
   * others should hear of it.
   * @throws ExecutorError EXECUTOR_DUPLICATE_CLIENT, EXECUTOR_CLOSED
   */
  attachClient(id: string, name: string | undefined, sink: ClientSink): void {
    this.#assertOpen();
    this.#clients.add({ id, name, sink, attachedAt: this.#clock.now() });
  }

  /**
   * Remove a client (§5.14.9). When it was the last one, every resource
   * registered with drop-recurring (bit 0x1, so both 0x1 and 2.1.5's 0x3
   * count) loses its recurring actions. Resources stay registered; one-shot
   * actions continue. Returns false when the client was not attached.
   */
  detachClient(id: string): boolean {
    if (!this.#clients.remove(id)) return false;
    if (this.#clients.size === 0 && !this.#closed) {
      for (const rsc of [...this.#resources.values()]) {
        if ((rsc.callOptions & CallOpt.dropRecurring) !== 0) this.#scheduler.cancelAllRecurring(rsc);
      }
    }
    return true;
  }

  /** Send the new-client notification to every named client except `id` (§6.3). */
  announceNewClient(id: string): void {
    this.#clients.notifyAll(buildNewClientNotify(), id);
  }

  /**
   * Take a call id for a request the executor does not handle itself
   * (`register`, `ipc_fwd`): every request consumes one (§3.6).
   */
  allocateCallId(): number {
    return this.#callIds.next();
  }

  /** The call id the next request will get (§3.6), for a log line written before it is handled. */
  get nextCallId(): number {
    return this.#callIds.peek();
  }

  /**
   * Handle one request of an attached client. Its reply, and the
   * notifications it causes, go to the sinks in the order of §5.13:
   * cancellations it triggers first, then the reply, then a generic
   * notification. Returns the reply (already sent), or undefined for
   * `lrmd_check`, which is never answered.
   * @throws ExecutorError EXECUTOR_UNKNOWN_CLIENT, EXECUTOR_CLOSED
   */
  handle(clientId: string, request: ExecutorRequest): Reply | undefined {
    this.#assertOpen();
    if (!this.#clients.has(clientId)) {
      throw new ExecutorError(ExecutorErrorCode.UnknownClient, `client ${clientId} is not attached`);
    }
    const callId = this.#callIds.next();
    const ctx: OpContext = {
      clientId,
      callId,
      resources: this.#resources,
      scheduler: this.#scheduler,
      clock: this.#clock,
    };
    const answer = dispatch(ctx, { alerts: this.#alerts, onCheck: this.#onCheck }, request);
    if (answer === undefined) return undefined;
    const reply = buildReply(request.msgId, callId, answer);
    this.#clients.sendTo(clientId, reply);
    if (answer.generic) {
      this.#clients.notifyAll(buildGenericNotify(answer.generic.op, answer.rc, callId, answer.generic.rscId));
    }
    return reply;
  }

  /** A snapshot for a status endpoint. */
  status(): ExecutorStatus {
    return buildStatus({
      startedAt: this.#startedAt,
      now: this.#clock.now(),
      lastCallId: this.#callIds.last,
      clients: this.#clients.list(),
      resources: this.#resources.values(),
      runs: this.#scheduler.runs(),
      alertsInFlight: this.#alerts.inFlight,
    });
  }

  /**
   * Shut down: abort agent runs, stop timers, send nothing more, then wait
   * for running alerts (§5.10). Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#scheduler.close();
    await this.#alerts.drain();
  }

  /** Exec results go to the requester alone under notify_orig_only, else to all (§6.4). */
  #deliverResult(a: Action, n: ExecNotify): void {
    this.#onResult?.(n);
    if ((a.callOptions & CallOpt.notifyOrigOnly) !== 0) this.#clients.notifyOne(a.clientId, n);
    else this.#clients.notifyAll(n);
  }

  #assertOpen(): void {
    if (this.#closed) throw new ExecutorError(ExecutorErrorCode.Closed, 'the executor is closed');
  }
}

/** Create an {@link Executor}. */
export function createExecutor(options: ExecutorOptions): Executor {
  return new Executor(options);
}
