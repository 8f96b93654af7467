/**
 * The daemon-wide call id counter (spec/protocol.md §3.6): one counter for
 * every request of every client, first value 1, back to 1 after the largest
 * 32-bit signed value.
 */

const MAX_CALL_ID = 0x7fffffff;

/** A call id source. */
export interface CallIdCounter {
  /** Take the next id. */
  next(): number;
  /** The id {@link next} would return now, without taking it. */
  peek(): number;
  /** The id handed out last (0 before the first). */
  readonly last: number;
}

/** A counter whose first {@link CallIdCounter.next} returns `start + 1` (default 1). */
export function createCallIdCounter(start = 0): CallIdCounter {
  let last = start;
  const following = (): number => (last >= MAX_CALL_ID || last < 0 ? 1 : last + 1);
  return {
    next() {
      last = following();
      return last;
    },
    peek: following,
    get last() {
      return last;
    },
  };
}
