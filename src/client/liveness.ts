/**
 * Liveness check of a connection, modelled on the controller's monitor of
 * a remote connection (spec/protocol.md §5.8, §4.7): poke every interval and
 * expect a poke notification within a limit; when none comes, the
 * connection is declared dead (LIVENESS_FAILED).
 *
 * A check that times out while reading was paused for backpressure proves
 * nothing (the notification may sit unread in our own buffers), so it is
 * skipped and retried at the next interval.
 */
import { ClientError, ClientErrorCode, isClientError } from './errors.js';

/** Default time between two pokes (the controller's 10 s, §5.8). */
export const DEFAULT_LIVENESS_INTERVAL_MS = 10_000;
/** Default wait for the poke notification. */
export const DEFAULT_LIVENESS_TIMEOUT_MS = 10_000;

/** Settings of a liveness check. */
export interface LivenessOptions {
  /** ms from one poke to the next; default {@link DEFAULT_LIVENESS_INTERVAL_MS}; 0 = off. */
  readonly intervalMs?: number;
  /** ms to wait for the poke notification; default {@link DEFAULT_LIVENESS_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
}

/** What the monitor needs from a connection. */
export interface LivenessTarget {
  poke(options: { timeoutMs: number; signal: AbortSignal }): Promise<unknown>;
  /** Reading paused for backpressure right now. */
  readonly paused: boolean;
  /** Pauses so far, to notice one that began and ended during a check. */
  readonly pauseCount: number;
}

/**
 * Pokes `target` periodically until stopped. Calls `onFail` once, with a
 * ClientError LIVENESS_FAILED, when a poke goes unanswered; stops by itself
 * when a poke fails otherwise (the connection is already gone).
 */
export class LivenessMonitor {
  readonly #target: LivenessTarget;
  readonly #intervalMs: number;
  readonly #timeoutMs: number;
  readonly #onFail: (err: ClientError) => void;
  #timer: NodeJS.Timeout | undefined;
  #inFlight: AbortController | undefined;
  #stopped = false;

  constructor(target: LivenessTarget, options: LivenessOptions, onFail: (err: ClientError) => void) {
    this.#target = target;
    this.#intervalMs = options.intervalMs ?? DEFAULT_LIVENESS_INTERVAL_MS;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_LIVENESS_TIMEOUT_MS;
    this.#onFail = onFail;
  }

  /** True until {@link LivenessMonitor.stop} or a failure. */
  get running(): boolean {
    return !this.#stopped;
  }

  /** Schedule the first poke one interval from now. */
  start(): this {
    if (this.#intervalMs <= 0) this.#stopped = true;
    else this.#schedule(this.#intervalMs);
    return this;
  }

  /** Cancel the timer and any poke in flight; idempotent. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#inFlight?.abort();
    this.#inFlight = undefined;
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#check(), Math.max(0, delayMs));
  }

  async #check(): Promise<void> {
    this.#timer = undefined;
    const started = Date.now();
    if (this.#target.paused) return this.#schedule(this.#intervalMs);
    const mark = this.#target.pauseCount;
    const ac = new AbortController();
    this.#inFlight = ac;
    try {
      await this.#target.poke({ timeoutMs: this.#timeoutMs, signal: ac.signal });
    } catch (err) {
      if (this.#stopped) return;
      const inconclusive = this.#target.paused || this.#target.pauseCount !== mark;
      if (!isClientError(err, ClientErrorCode.Timeout) || !inconclusive) {
        this.stop();
        if (isClientError(err, ClientErrorCode.Timeout)) {
          this.#onFail(new ClientError(ClientErrorCode.LivenessFailed, `no poke notify within ${this.#timeoutMs} ms`, { cause: err }));
        }
        return;
      }
    } finally {
      if (this.#inFlight === ac) this.#inFlight = undefined;
    }
    this.#schedule(this.#intervalMs - (Date.now() - started));
  }
}
