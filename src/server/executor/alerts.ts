/**
 * `lrmd_alert_exec` (spec/protocol.md §5.10, §11): start an alert agent in
 * the background and answer at once; the result is only reported to the
 * owner's error hook. On shutdown, running alerts are awaited for up to the
 * largest alert timeout plus 5 s, and new ones are accepted without running.
 */
import { LrmdRc } from '../../protocol/constants.js';
import type { AlertExecRequest } from '../../protocol/messages/request.js';
import type { AlertAction } from '../agents/types.js';
import type { Clock, TimerHandle } from './clock.js';

/** Runs one alert agent; settles when it is done. */
export type AlertRunner = (action: AlertAction) => Promise<unknown>;

/** Grace period added to the largest alert timeout when draining (§5.10). */
export const ALERT_DRAIN_GRACE_MS = 5000;

interface InflightAlert {
  readonly controller: AbortController;
  readonly timeoutMs: number;
}

/** Alert runs of one executor. */
export class Alerts {
  readonly #run: AlertRunner | undefined;
  readonly #clock: Clock;
  readonly #onError: (error: unknown) => void;
  readonly #inflight = new Set<InflightAlert>();
  readonly #idle: (() => void)[] = [];
  #sequence = 0;
  #draining = false;

  constructor(run: AlertRunner | undefined, clock: Clock, onError: (error: unknown) => void) {
    this.#run = run;
    this.#clock = clock;
    this.#onError = onError;
  }

  /** Alert runs not yet settled. */
  get inFlight(): number {
    return this.#inflight.size;
  }

  /**
   * Start an alert; returns the `lrmd_rc` of the reply: -22 without id or
   * path (present but empty is accepted, as Pacemaker does), 0 while draining (nothing runs), -7 when no alert runner is
   * configured or it throws at once, else 0.
   */
  exec(req: AlertExecRequest): number {
    if (req.alertId === undefined || req.alertPath === undefined) return LrmdRc.EINVAL;
    if (this.#draining) return LrmdRc.ok;
    if (this.#run === undefined) return LrmdRc.E2BIG;
    // A per-executor sequence, under both its current and its 2.1.5 name (§5.10).
    const seq = String(++this.#sequence);
    const params = { ...req.params, CRM_alert_node_sequence: seq, CRM_notify_node_sequence: seq };
    const entry: InflightAlert = { controller: new AbortController(), timeoutMs: req.alertTimeout };
    let done: Promise<unknown>;
    try {
      done = Promise.resolve(
        this.#run({
          alertId: req.alertId,
          path: req.alertPath,
          timeoutMs: req.alertTimeout,
          params,
          signal: entry.controller.signal,
        }),
      );
    } catch (err) {
      this.#onError(err);
      return LrmdRc.E2BIG;
    }
    this.#inflight.add(entry);
    done.then(
      () => this.#settle(entry),
      (err: unknown) => {
        this.#onError(err);
        this.#settle(entry);
      },
    );
    return LrmdRc.ok;
  }

  /**
   * Stop accepting alerts and wait for the running ones, at most the largest
   * alert timeout plus {@link ALERT_DRAIN_GRACE_MS}; then abort what is left.
   */
  async drain(): Promise<void> {
    this.#draining = true;
    if (this.#inflight.size === 0) return;
    let longest = 0;
    for (const e of this.#inflight) longest = Math.max(longest, e.timeoutMs);
    let timer: TimerHandle | undefined;
    await new Promise<void>((resolve) => {
      this.#idle.push(resolve);
      timer = this.#clock.setTimeout(resolve, longest + ALERT_DRAIN_GRACE_MS);
    });
    this.#clock.clearTimeout(timer);
    for (const e of this.#inflight) e.controller.abort();
  }

  #settle(entry: InflightAlert): void {
    this.#inflight.delete(entry);
    if (this.#inflight.size === 0) for (const wake of this.#idle.splice(0)) wake();
  }
}
