/**
 * Writes frames so that every buffer becomes TLS records of its own
 * (spec/protocol.md §2.5, §4.1): the 40-byte header alone, then the payload,
 * never bytes of two buffers in one record. Node's tls socket merges queued
 * writes into one record (writev) when a write is still in flight, so each
 * buffer is written only after the previous write's callback. A payload over
 * 16 KiB is still one write: TLS cuts it into records holding only it.
 */
import type { Duplex } from 'node:stream';
import { TransportError, TransportErrorCode } from './errors.js';

/** The two buffers of one frame, as `encodeMessageFrame` returns them. */
export interface FrameBuffers {
  readonly header: Uint8Array;
  readonly payload: Uint8Array;
}

interface Pending {
  readonly buffers: readonly Uint8Array[];
  readonly bytes: number;
  readonly resolve: () => void;
  readonly reject: (err: TransportError) => void;
}

/**
 * A FIFO of frames for one socket. `write` resolves when the frame's last
 * buffer has been handed to the socket; after the first failure the writer
 * is dead and every pending and later frame rejects with that error
 * (CLOSED for a lost connection).
 */
export class RecordWriter {
  readonly #socket: Duplex;
  readonly #queue: Pending[] = [];
  #busy = false;
  #queuedBytes = 0;
  #failure: TransportError | undefined;
  readonly #onClose = (): void => this.#fail(new TransportError(TransportErrorCode.Closed, 'connection closed'));

  constructor(socket: Duplex) {
    this.#socket = socket;
    socket.once('close', this.#onClose);
  }

  /** Bytes waiting in the queue, the frame being written included. */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  /** Frames waiting in the queue, the frame being written included. */
  get queuedFrames(): number {
    return this.#queue.length;
  }

  /** Send one frame: header, then payload, as separate writes. */
  write(frame: FrameBuffers): Promise<void> {
    return this.writeBuffers([frame.header, frame.payload]);
  }

  /** Send buffers in order, each as its own write; empty buffers are skipped. */
  writeBuffers(buffers: readonly Uint8Array[]): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise<void>((resolve, reject) => {
      const nonEmpty = buffers.filter((b) => b.length > 0);
      const bytes = nonEmpty.reduce((n, b) => n + b.length, 0);
      this.#queue.push({ buffers: nonEmpty, bytes, resolve, reject });
      this.#queuedBytes += bytes;
      void this.#pump();
    });
  }

  /** Stop using the socket: pending frames reject with CLOSED. Does not close the socket. */
  detach(): void {
    this.#socket.off('close', this.#onClose);
    this.#fail(new TransportError(TransportErrorCode.Closed, 'writer detached'));
  }

  async #pump(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      while (!this.#failure && this.#queue.length > 0) {
        const item = this.#queue[0]!;
        for (const buf of item.buffers) {
          await this.#writeOne(buf);
          if (this.#failure) return;
        }
        this.#queue.shift();
        this.#queuedBytes -= item.bytes;
        item.resolve();
      }
    } catch (err) {
      this.#fail(TransportError.fromSocketError(err, 'io'));
    } finally {
      this.#busy = false;
    }
  }

  #writeOne(buf: Uint8Array): Promise<void> {
    const socket = this.#socket;
    if (socket.destroyed || !socket.writable) {
      return Promise.reject(new TransportError(TransportErrorCode.Closed, 'connection is not writable'));
    }
    return new Promise<void>((resolve, reject) => {
      socket.write(buf, (err) => (err ? reject(err) : resolve()));
    });
  }

  #fail(err: TransportError): void {
    if (this.#failure) return;
    this.#failure = err;
    const pending = this.#queue.splice(0);
    this.#queuedBytes = 0;
    for (const p of pending) p.reject(err);
  }
}
