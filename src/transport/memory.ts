/**
 * A linked in-memory duplex pair, for tests and examples: bytes written to
 * one end are read from the other, in order, delivered asynchronously.
 * Ending one end ends the other's readable side; destroying one end gives
 * the other end-of-stream, and its later writes fail (EPIPE or write-after-end).
 * Backpressure is real: a write completes only when the reader has room.
 */
import { Duplex } from 'node:stream';

class MemoryEnd extends Duplex {
  peer: MemoryEnd | undefined;
  #waiting: (() => void) | undefined;

  constructor() {
    super({ allowHalfOpen: false });
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    const peer = this.peer;
    if (!peer || peer.destroyed || peer.readableEnded) {
      cb(Object.assign(new Error('write to a closed memory peer'), { code: 'EPIPE' }));
      return;
    }
    const copy = Buffer.from(chunk);
    process.nextTick(() => {
      if (peer.destroyed) return cb(Object.assign(new Error('write to a closed memory peer'), { code: 'EPIPE' }));
      if (peer.push(copy)) cb();
      else peer.#waiting = () => cb();
    });
  }

  override _final(cb: (err?: Error | null) => void): void {
    const peer = this.peer;
    process.nextTick(() => {
      if (peer && !peer.destroyed) peer.push(null);
      cb();
    });
  }

  override _read(): void {
    const w = this.#waiting;
    this.#waiting = undefined;
    w?.();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    const peer = this.peer;
    this.peer = undefined;
    const w = this.#waiting;
    this.#waiting = undefined;
    w?.();
    if (peer && !peer.destroyed && !peer.readableEnded) process.nextTick(() => peer.destroyed || peer.push(null));
    cb(err);
  }
}

/** Create two linked in-memory duplex ends. */
export function createMemoryPair(): [Duplex, Duplex] {
  const a = new MemoryEnd();
  const b = new MemoryEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
