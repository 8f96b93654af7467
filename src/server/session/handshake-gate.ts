/**
 * Connections that have not finished their handshake, TLS and `register`
 * together (spec/protocol.md §4.1, §10): at most `max` at once, each given
 * `timeoutMs` from accept. A connection over the cap is refused by the
 * caller at once; one that runs out of time is ended through its `abort`.
 * Nothing about such a connection reaches other clients (§6.3).
 */

/** One connection in its handshake. */
export interface HandshakeTicket {
  /** Epoch ms of the accept. */
  readonly since: number;
  /** Who it is, for logs. */
  readonly remote: string;
  /** Replace what ends the connection on timeout (the TLS socket once it exists, then the session). */
  setAbort(abort: () => void): void;
  /** Leave the gate: handshake done or connection gone. Idempotent. */
  release(): void;
}

/** Options of {@link HandshakeGate}. */
export interface HandshakeGateOptions {
  /** Connections allowed in their handshake at once. */
  readonly max: number;
  /** Time from accept to the end of `register`; 0 = none. */
  readonly timeoutMs: number;
  /** Told about each timeout, after the connection's abort ran. */
  readonly onTimeout?: (ticket: HandshakeTicket) => void;
}

/** Counts and times the connections in their handshake. */
export class HandshakeGate {
  readonly #options: HandshakeGateOptions;
  /** Each ticket with what ends its connection now. */
  readonly #tickets = new Map<HandshakeTicket, () => void>();

  constructor(options: HandshakeGateOptions) {
    this.#options = options;
  }

  /** Connections in their handshake now. */
  get size(): number {
    return this.#tickets.size;
  }

  /** True when another connection would pass the cap. */
  get full(): boolean {
    return this.#tickets.size >= this.#options.max;
  }

  /** Admit a connection, or return undefined when the gate is full (the caller closes it). */
  enter(remote: string, abort: () => void): HandshakeTicket | undefined {
    if (this.full) return undefined;
    const tickets = this.#tickets;
    const onTimeout = this.#options.onTimeout;
    let timer: NodeJS.Timeout | undefined;
    const ticket: HandshakeTicket = {
      since: Date.now(),
      remote,
      setAbort: (fn) => {
        if (tickets.has(ticket)) tickets.set(ticket, fn);
      },
      release: () => {
        if (timer) clearTimeout(timer);
        timer = undefined;
        tickets.delete(ticket);
      },
    };
    tickets.set(ticket, abort);
    if (this.#options.timeoutMs > 0) {
      timer = setTimeout(() => {
        const end = tickets.get(ticket);
        if (!end) return;
        ticket.release();
        end();
        onTimeout?.(ticket);
      }, this.#options.timeoutMs);
    }
    return ticket;
  }

  /** End every connection still in its handshake (daemon shutdown). */
  abortAll(): void {
    for (const [ticket, end] of [...this.#tickets]) {
      ticket.release();
      end();
    }
  }
}
