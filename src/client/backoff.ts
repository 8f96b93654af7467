/**
 * Reconnect delays: exponential growth with a cap, randomised so that many
 * clients that lost the same daemon do not return in step (spec/protocol.md
 * §4.7).
 */

/** Settings of {@link backoffDelay}. */
export interface BackoffOptions {
  /**
   * Delay before the first retry, ms; default 1000 (the controller retries a
   * failed connect every second, protocol notes §9.3).
   */
  readonly initialDelayMs?: number;
  /** Upper bound of the un-jittered delay, ms; default 30 000. */
  readonly maxDelayMs?: number;
  /** Growth per attempt; default 2. */
  readonly factor?: number;
  /** Relative spread, 0..1: the delay is scaled by a random factor in [1 − jitter, 1 + jitter]; default 0.2. */
  readonly jitter?: number;
}

export const DEFAULT_BACKOFF: Required<BackoffOptions> = {
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  factor: 2,
  jitter: 0.2,
};

/**
 * Delay before retry number `attempt` (1 = first retry):
 * `min(max, initial × factor^(attempt−1)) × (1 ± jitter)`, rounded, never
 * negative. `random` returns a number in [0, 1).
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const initial = options.initialDelayMs ?? DEFAULT_BACKOFF.initialDelayMs;
  const max = options.maxDelayMs ?? DEFAULT_BACKOFF.maxDelayMs;
  const factor = options.factor ?? DEFAULT_BACKOFF.factor;
  const jitter = Math.min(Math.max(options.jitter ?? DEFAULT_BACKOFF.jitter, 0), 1);
  const base = Math.min(max, initial * factor ** Math.max(0, attempt - 1));
  return Math.max(0, Math.round(base * (1 + jitter * (2 * random() - 1))));
}
