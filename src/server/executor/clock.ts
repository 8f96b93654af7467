/**
 * Time source and timers of the executor, injectable so tests can drive time.
 */

/** Opaque handle of a pending timer. */
export type TimerHandle = unknown;

/** What the executor needs from time. */
export interface Clock {
  /** Milliseconds since the epoch. Used for epoch stamps and durations alike. */
  now(): number;
  /** Run `fn` once after `ms` milliseconds. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancel a timer; unknown or fired handles are ignored. */
  clearTimeout(handle: TimerHandle): void;
}

/**
 * The real clock. Timers are unref'd: a pending recurring action does not by
 * itself keep the process alive (the daemon's listening socket does).
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
