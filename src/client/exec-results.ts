/**
 * Exec results by call id (spec/protocol.md §5.5, §6.1). A result may arrive
 * before the caller learns its call id (the exec reply is processed after
 * the notify in the same read, or the caller awaits late), so the first
 * result of each call id is kept, up to a limit, until someone asks for it.
 */
import type { ExecNotify } from '../protocol/messages/notify.js';
import { ClientError, ClientErrorCode } from './errors.js';

interface Waiter {
  readonly resolve: (n: ExecNotify) => void;
  readonly reject: (e: Error) => void;
}

/** Default number of unclaimed first results kept. */
export const DEFAULT_MAX_BUFFERED_RESULTS = 1024;

export class ExecResults {
  readonly #buffered = new Map<number, ExecNotify>();
  readonly #waiters = new Map<number, Set<Waiter>>();
  readonly #max: number;
  #closed: Error | undefined;

  constructor(max = DEFAULT_MAX_BUFFERED_RESULTS) {
    this.#max = max;
  }

  /** Record a result: hand it to waiters, else keep it if it is the call's first. */
  add(n: ExecNotify): void {
    const ws = this.#waiters.get(n.callId);
    if (ws) {
      this.#waiters.delete(n.callId);
      for (const w of ws) w.resolve(n);
      return;
    }
    if (this.#buffered.has(n.callId)) return;
    this.#buffered.set(n.callId, n);
    if (this.#buffered.size > this.#max) {
      const oldest = this.#buffered.keys().next().value as number;
      this.#buffered.delete(oldest);
    }
  }

  /**
   * The first result of `callId` (taken out of the buffer if it is there).
   * Rejects with TIMEOUT, ABORTED, or the close reason.
   */
  wait(callId: number, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<ExecNotify> {
    const got = this.#buffered.get(callId);
    if (got) {
      this.#buffered.delete(callId);
      return Promise.resolve(got);
    }
    if (this.#closed) return Promise.reject(this.#closed);
    const { timeoutMs = 0, signal } = options;
    if (signal?.aborted) return Promise.reject(new ClientError(ClientErrorCode.Aborted, 'wait aborted', { cause: signal.reason }));
    return new Promise<ExecNotify>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const set = this.#waiters.get(callId);
        set?.delete(w);
        if (set?.size === 0) this.#waiters.delete(callId);
      };
      const w: Waiter = {
        resolve: (n) => (done(), resolve(n)),
        reject: (e) => (done(), reject(e)),
      };
      const onAbort = (): void => w.reject(new ClientError(ClientErrorCode.Aborted, 'wait aborted', { cause: signal?.reason }));
      let set = this.#waiters.get(callId);
      if (!set) this.#waiters.set(callId, (set = new Set()));
      set.add(w);
      if (timeoutMs > 0) {
        timer = setTimeout(() => w.reject(new ClientError(ClientErrorCode.Timeout, `no result for call ${callId} within ${timeoutMs} ms`)), timeoutMs);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Reject every waiter and later waits (results already buffered stay claimable). */
  close(err: Error): void {
    this.#closed ??= err;
    for (const set of [...this.#waiters.values()]) for (const w of [...set]) w.reject(err);
    this.#waiters.clear();
  }
}
