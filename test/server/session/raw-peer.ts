// A byte-level client for the server tests: writes typed messages or raw
// bytes, records every decoded frame with its encoding and header id, and
// lets a test wait for the next message that matches.
import type { Duplex } from 'node:stream';
import { MessageDecoder, encodeMessageFrame } from '../../../src/protocol/codec.js';
import { Encoding } from '../../../src/protocol/frame.js';
import type { Message, Reply } from '../../../src/protocol/messages/message.js';
import { RecordWriter } from '../../../src/transport/record-writer.js';

export interface Received {
  readonly message: Message;
  readonly encoding: Encoding;
  readonly id: bigint;
}

export class RawPeer {
  readonly received: Received[] = [];
  readonly closed: Promise<void>;
  #isClosed = false;
  readonly #writer: RecordWriter;
  readonly #decoder = new MessageDecoder();
  #waiters: { pred: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];
  readonly #consumed = new Set<number>();

  constructor(readonly socket: Duplex) {
    this.#writer = new RecordWriter(socket);
    socket.on('error', () => {});
    socket.on('data', (d: Buffer) => {
      for (const f of this.#decoder.push(d)) {
        if (f.error) throw f.error;
        this.received.push({ message: f.message, encoding: f.frame.encoding, id: f.frame.header.id });
      }
      this.#wake();
    });
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.#isClosed = true;
        resolve();
      }),
    );
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  send(m: Message, encoding: Encoding = Encoding.xml): Promise<void> {
    return this.#writer.write(encodeMessageFrame(m, { encoding }));
  }

  /** Like `send`, but never rejects (the server may close first). */
  push(m: Message, encoding: Encoding = Encoding.xml): Promise<void> {
    return this.send(m, encoding).catch(() => {});
  }

  sendBytes(bytes: Uint8Array): Promise<void> {
    return this.#writer.writeBuffers([bytes]);
  }

  register(extra: Record<string, unknown> = {}, msgId = 1): Promise<void> {
    return this.send({ kind: 'request', op: 'register', msgId, clientName: 'raw', protocolVersion: '1.2', ...extra } as Message);
  }

  /** The next message (not yet consumed by `next`) matching `pred`. */
  next(pred: (m: Message) => boolean = () => true, timeoutMs = 5000): Promise<Message> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching message in ${timeoutMs} ms`)), timeoutMs);
      this.#waiters.push({
        pred,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
      this.#wake();
    });
  }

  reply(msgId: number, timeoutMs?: number): Promise<Reply> {
    return this.next((m) => m.kind === 'reply' && m.msgId === msgId, timeoutMs) as Promise<Reply>;
  }

  encodingOf(m: Message): Encoding | undefined {
    return this.received.find((r) => r.message === m)?.encoding;
  }

  destroy(): void {
    this.socket.destroy();
  }

  #wake(): void {
    for (const w of [...this.#waiters]) {
      for (let i = 0; i < this.received.length; i++) {
        const m = this.received[i]!.message;
        if (!this.#consumed.has(i) && w.pred(m)) {
          this.#waiters.splice(this.#waiters.indexOf(w), 1);
          this.#consumed.add(i);
          w.resolve(m);
          break;
        }
      }
    }
  }
}

/** Resolve when `cond()` holds; poll every 5 ms. */
export async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
