// A tiny stand-in for the remote daemon's side of the IPC proxy
// (spec/protocol.md §8): answers register, sends lrmd_ipc_proxy
// notifications, records what the provider sends (ipc_fwd) and answers each
// with an ignorable lrmd_reply, as the real daemon does.
import type { Duplex } from 'node:stream';
import { Client } from '../../../src/client/client.js';
import { MessageDecoder, encodeMessageFrame, type IpcProxy, type Message } from '../../../src/protocol/index.js';
import { RecordWriter, createMemoryPair } from '../../../src/transport/index.js';

export class FakeDaemon {
  readonly clientEnd: Duplex;
  readonly serverEnd: Duplex;
  /** Provider → daemon IPC messages, in order. */
  readonly received: IpcProxy[] = [];
  readonly #writer: RecordWriter;
  readonly #decoder = new MessageDecoder();
  #waiters: { pred: (m: IpcProxy) => boolean; resolve: (m: IpcProxy) => void; from: number }[] = [];

  constructor() {
    [this.clientEnd, this.serverEnd] = createMemoryPair();
    this.#writer = new RecordWriter(this.serverEnd);
    this.serverEnd.on('error', () => {});
    this.serverEnd.on('data', (d: Buffer) => {
      for (const f of this.#decoder.push(d)) {
        const m = f.message;
        if (!m) continue;
        if (m.kind === 'request' && m.op === 'register') {
          this.send({ kind: 'reply', msgId: m.msgId, rc: 0, op: 'register', clientId: '0b6e9d62-5b4c-4d8e-9c53-2bde3c4ad0f1', protocolVersion: '1.1' });
        } else if (m.kind === 'ipc') {
          this.received.push(m);
          this.send({ kind: 'reply', msgId: m.msgId, rc: 0 });
          this.#wake();
        }
      }
    });
  }

  /** A registered provider connection to this daemon. */
  async connect(): Promise<Client> {
    const c = new Client({ isIpcProvider: true, encodings: [] });
    await c.connect(this.clientEnd);
    return c;
  }

  send(m: Message): void {
    void this.#writer.write(encodeMessageFrame(m)).catch(() => {});
  }

  /** Send a daemon → provider notification. */
  ipc(m: Omit<IpcProxy, 'kind' | 'msgId'> & Pick<IpcProxy, 'ipcOp'>): void {
    this.send({ kind: 'ipc', msgId: 0, msgType: 'notify', ...m } as IpcProxy);
  }

  open(session: string, server: string): void {
    this.ipc({ ipcOp: 'new', session, server } as IpcProxy);
  }

  request(session: string, ipcMsgId: number, xml: string, flags = 0x300): void {
    this.ipc({ ipcOp: 'request', session, ipcMsgId, ipcMsgFlags: flags, client: `proxy-x-1-${session.slice(0, 8)}`, user: 'root', body: { xml } } as IpcProxy);
  }

  /** The next received message (counting from now, or from index `from`) that passes `pred`. */
  next(pred: (m: IpcProxy) => boolean = () => true, from = this.received.length): Promise<IpcProxy> {
    return new Promise((resolve) => {
      this.#waiters.push({ pred, resolve, from });
      this.#wake();
    });
  }

  /** Wait until nothing more arrives for `quietMs`. */
  async settle(quietMs = 30): Promise<void> {
    let n = -1;
    while (n !== this.received.length) {
      n = this.received.length;
      await new Promise((r) => setTimeout(r, quietMs));
    }
  }

  kill(): void {
    this.serverEnd.destroy();
  }

  #wake(): void {
    this.#waiters = this.#waiters.filter((w) => {
      const hit = this.received.slice(w.from).find(w.pred);
      if (hit) w.resolve(hit);
      return !hit;
    });
  }
}
