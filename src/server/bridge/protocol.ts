/**
 * The local bridge's wire format (spec/protocol.md §8.13): newline-delimited
 * JSON over a Unix stream socket. Each request is one line
 * `{"id":N,"op":"…",…}`; each answer one line `{"id":N,"ok":true,"result":…}`
 * or `{"id":N,"ok":false,"error":{"code":"…","message":"…","rc":N}}`.
 * Answers may come in any order; `id` matches them.
 */

/** Default socket path. */
export const DEFAULT_BRIDGE_PATH = '/run/pcmk-remote/bridge.sock';
/** Environment variable naming another socket path (daemon and command line). */
export const BRIDGE_PATH_ENV = 'PCMK_REMOTE_BRIDGE';
/** Largest request line the daemon reads. */
export const MAX_BRIDGE_REQUEST_BYTES = 1024 * 1024;
/** Largest answer line the client reads (a CIB may be large). */
export const MAX_BRIDGE_ANSWER_BYTES = 64 * 1024 * 1024;

/** Operations of the bridge. */
export const BridgeOp = {
  /** The proxy's status: providers and sessions. */
  status: 'status',
  /** Set a node attribute: name, value, lifetime?, node?. */
  attrSet: 'attr.set',
  /** Remove a transient attribute's value: name, node?. */
  attrDelete: 'attr.delete',
  /** One node's value: name, lifetime?, node. */
  attrGet: 'attr.get',
  /** Every node's transient value: name, node?. */
  attrQuery: 'attr.query',
  /** The CIB or an xpath of it: xpath?. */
  cibQuery: 'cib.query',
  /** This node's cluster name: the daemon's own, else asked of the cluster (§8.12.1). */
  nodeName: 'node.name',
} as const;
export type BridgeOp = (typeof BridgeOp)[keyof typeof BridgeOp];

/** A request line. Fields besides `id` and `op` depend on the operation. */
export interface BridgeRequest {
  readonly id: number;
  readonly op: string;
  readonly name?: string;
  readonly value?: string;
  readonly lifetime?: 'reboot' | 'forever';
  readonly node?: string;
  readonly xpath?: string;
  /** Per exchange with the cluster; default the daemon's. */
  readonly timeoutMs?: number;
  /** The local caller, for `lrmd_ipc_client` / `lrmd_ipc_user` (§8.2). */
  readonly pid?: number;
  readonly user?: string;
}

/** An answer line. */
export type BridgeAnswer =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: { readonly code: string; readonly message: string; readonly rc?: number } };

/**
 * Splits a byte stream into lines; a line longer than `max` bytes is an
 * error (`onTooLong`), after which the splitter is spent.
 */
export class LineSplitter {
  readonly #max: number;
  #parts: Buffer[] = [];
  #size = 0;
  #spent = false;

  constructor(max: number) {
    this.#max = max;
  }

  /** Complete lines in `chunk` (without `\n`); throws RangeError past the limit. */
  push(chunk: Buffer): string[] {
    if (this.#spent) return [];
    const out: string[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      const piece = chunk.subarray(start, nl);
      if (this.#size + piece.length > this.#max) return this.#fail();
      this.#parts.push(piece);
      out.push(Buffer.concat(this.#parts).toString('utf8'));
      this.#parts = [];
      this.#size = 0;
      start = nl + 1;
    }
    const rest = chunk.subarray(start);
    if (this.#size + rest.length > this.#max) return this.#fail();
    if (rest.length > 0) {
      this.#parts.push(Buffer.from(rest));
      this.#size += rest.length;
    }
    return out;
  }

  #fail(): never {
    this.#spent = true;
    throw new RangeError(`line longer than ${this.#max} bytes`);
  }
}
