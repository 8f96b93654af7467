/**
 * A push queue exposed as an async iterator, used for notification streams
 * (spec/protocol.md §6.4). Ending it lets consumers drain what was queued,
 * then finish. With watermarks it reports pressure: `onPressure(true)` when
 * it reaches `highWaterMark` items, `onPressure(false)` when it has drained
 * to `lowWaterMark` or was ended by its consumer (§4.7).
 */

/** Options of {@link NotifyQueue}. */
export interface NotifyQueueOptions {
  /** Called once when the consumer breaks out of its loop (`return()`). */
  readonly onReturn?: () => void;
  /** Items at which pressure starts; default Infinity (never). */
  readonly highWaterMark?: number;
  /** Items at or below which pressure ends; default half the high mark. */
  readonly lowWaterMark?: number;
  /** Pressure changed: true = over the high mark, false = relieved. */
  readonly onPressure?: (full: boolean) => void;
}

export class NotifyQueue<T> implements AsyncIterableIterator<T> {
  readonly #items: T[] = [];
  readonly #waiters: ((r: IteratorResult<T>) => void)[] = [];
  readonly #onReturn: () => void;
  readonly #high: number;
  readonly #low: number;
  readonly #onPressure: (full: boolean) => void;
  #ended = false;
  #full = false;
  #returned = false;

  constructor(options: NotifyQueueOptions | (() => void) = {}) {
    const o = typeof options === 'function' ? { onReturn: options } : options;
    this.#onReturn = o.onReturn ?? (() => {});
    this.#high = o.highWaterMark !== undefined && o.highWaterMark > 0 ? o.highWaterMark : Infinity;
    this.#low = Math.min(o.lowWaterMark ?? Math.floor(this.#high / 2), this.#high - 1);
    this.#onPressure = o.onPressure ?? (() => {});
  }

  /** Items queued and not yet taken. */
  get size(): number {
    return this.#items.length;
  }

  /** True while over the high-water mark and not yet drained to the low one. */
  get full(): boolean {
    return this.#full;
  }

  push(item: T): void {
    if (this.#ended) return;
    const w = this.#waiters.shift();
    if (w) return w({ value: item, done: false });
    this.#items.push(item);
    if (!this.#full && this.#items.length >= this.#high) this.#setFull(true);
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    for (const w of this.#waiters.splice(0)) w({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#items.length > 0) {
      const value = this.#items.shift()!;
      if (this.#full && this.#items.length <= this.#low) this.#setFull(false);
      return Promise.resolve({ value, done: false });
    }
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  return(): Promise<IteratorResult<T>> {
    this.#items.length = 0;
    if (this.#full) this.#setFull(false);
    this.end();
    if (!this.#returned) {
      this.#returned = true;
      this.#onReturn();
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  #setFull(full: boolean): void {
    this.#full = full;
    this.#onPressure(full);
  }
}
