/**
 * One client connection of the daemon, after its TLS handshake
 * (spec/protocol.md §4, §5.16, §13.1): waits for `register`, then attaches
 * the connection to the executor and hands it every request. Everything the
 * executor sends this client goes through one FIFO writer, header and
 * payload as separate records (§2.5), in the order the executor produced it.
 *
 * Errors stay local to the connection: a frame the decoder cannot get past
 * (a stream error of §12.1) closes this connection only; a message that does
 * not decode is logged and dropped, and the session goes on.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { MessageDecoder, encodeMessageFrame } from '../../protocol/codec.js';
import { LrmdRc, Op } from '../../protocol/constants.js';
import { Encoding } from '../../protocol/frame.js';
import type { IpcProxy } from '../../protocol/messages/ipc-proxy.js';
import type { Message } from '../../protocol/messages/message.js';
import type { Reply } from '../../protocol/messages/reply.js';
import type { RegisterRequest } from '../../protocol/messages/request.js';
import { RecordWriter } from '../../transport/record-writer.js';
import type { Outgoing } from '../executor/clients.js';
import { isExecutorError, ExecutorErrorCode } from '../executor/errors.js';
import type { Executor, ExecutorRequest } from '../executor/executor.js';
import { buildReply } from '../executor/messages.js';
import { SessionError, SessionErrorCode } from './errors.js';
import { debugEnabled, ipcFields, requestFields } from './request-log.js';
import { errorFields, silentLogger, type Logger } from './logger.js';
import { buildRegisterReply, chooseEncoding, DEFAULT_SERVER_ENCODINGS, registerRc, type EncodingChoice } from './register.js';

/** Queued outgoing bytes at which the session stops reading the peer's requests. */
export const DEFAULT_PAUSE_QUEUED_BYTES = 8 * 1024 * 1024;
/** Queued outgoing bytes at which the session gives up on a peer that does not read. */
export const DEFAULT_MAX_QUEUED_BYTES = 64 * 1024 * 1024;
/** How long a refused client's connection may take to flush the -71 reply before it is cut (§4.5). */
export const REFUSAL_FLUSH_MS = 2000;

/**
 * Messages of an IPC provider (§8): `ipc_fwd` requests. The daemon plugs in
 * its proxy endpoint (§8.11); without one, {@link refuseIpc} answers them.
 */
export interface IpcHandler {
  /** Handle one `ipc_fwd` of client `clientId`; returns the reply's `lrmd_rc`. */
  forward(clientId: string, message: IpcProxy): number;
}

/**
 * The answer of an executor without the proxy (§5.11): -93
 * (EPROTONOSUPPORT), as Pacemaker's executor built without remote support.
 */
export const refuseIpc: IpcHandler = { forward: () => LrmdRc.EPROTONOSUPPORT };

/** Options of {@link ServerSession}. */
export interface ServerSessionOptions {
  readonly executor: Executor;
  /** The client id sent in the register reply; default a random UUID (§4.3). */
  readonly clientId?: string;
  /** Who the peer is, for logs and status (`address:port`). */
  readonly remote?: string;
  /** Encodings accepted from the client's offer, preferred order ignored (§13.1); default protobuf and XML. */
  readonly encodings?: readonly Encoding[];
  /** Largest accepted frame; default 20 MiB (§10). */
  readonly maxFrameSize?: number;
  /** Close the connection when nothing arrives for this long; 0 or absent = never. */
  readonly idleTimeoutMs?: number;
  /** Seconds since the daemon started, for the register reply. */
  readonly uptimeSec?: () => number;
  /** `node_start_state` for the register reply (§4.3); absent = not sent. */
  readonly nodeStartState?: string;
  /** `ipc_fwd` handling; default {@link refuseIpc}. */
  readonly ipc?: IpcHandler;
  /** Header ids of outgoing frames; default 0 (receivers ignore it, §2.1). */
  readonly nextFrameId?: () => bigint;
  /** Stop reading the peer while this many bytes wait to be written to it. */
  readonly pauseQueuedBytes?: number;
  /** Close the connection when this many bytes wait to be written to it. */
  readonly maxQueuedBytes?: number;
  readonly logger?: Logger;
}

/** Events of {@link ServerSession}. */
export interface ServerSessionEvents {
  /** `register` succeeded: the client is attached and was announced (§4.4). */
  registered: [];
  /** The connection ended; the reason says why. */
  close: [SessionError];
}

type State = 'awaiting' | 'registered' | 'closing' | 'closed';

/**
 * A connection from `register` to close. Takes ownership of `socket`:
 * closing the session destroys it.
 */
export class ServerSession extends EventEmitter<ServerSessionEvents> {
  readonly id: string;
  readonly remote: string;
  readonly #socket: Duplex;
  readonly #executor: Executor;
  readonly #decoder: MessageDecoder;
  readonly #writer: RecordWriter;
  readonly #log: Logger;
  readonly #accepted: readonly Encoding[];
  readonly #uptimeSec: () => number;
  readonly #nodeStartState: string | undefined;
  readonly #ipc: IpcHandler;
  readonly #nextFrameId: () => bigint;
  readonly #pauseAt: number;
  readonly #maxQueued: number;
  #state: State = 'awaiting';
  #name: string | undefined;
  #choice: EncodingChoice = { encoding: Encoding.xml };
  #ipcProvider = false;
  #since: Date | undefined;
  #idle: NodeJS.Timeout | undefined;
  #attached = false;
  #paused = false;
  #reason: SessionError | undefined;

  constructor(socket: Duplex, options: ServerSessionOptions) {
    super();
    this.id = options.clientId ?? randomUUID();
    this.remote = options.remote ?? 'stream';
    this.#socket = socket;
    this.#executor = options.executor;
    this.#decoder = new MessageDecoder(options.maxFrameSize !== undefined ? { maxFrameSize: options.maxFrameSize } : {});
    this.#writer = new RecordWriter(socket);
    this.#log = options.logger ?? silentLogger;
    this.#accepted = options.encodings ?? DEFAULT_SERVER_ENCODINGS;
    this.#uptimeSec = options.uptimeSec ?? (() => 0);
    this.#nodeStartState = options.nodeStartState;
    this.#ipc = options.ipc ?? refuseIpc;
    this.#nextFrameId = options.nextFrameId ?? (() => 0n);
    this.#pauseAt = options.pauseQueuedBytes ?? DEFAULT_PAUSE_QUEUED_BYTES;
    this.#maxQueued = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
    const idleMs = options.idleTimeoutMs ?? 0;
    if (idleMs > 0) {
      this.#idle = setTimeout(() => this.close(new SessionError(SessionErrorCode.IdleTimeout, `nothing received for ${idleMs} ms`)), idleMs);
    }
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (err) => this.close(new SessionError(SessionErrorCode.ConnectionLost, `connection lost: ${err.message}`, { cause: err })));
    socket.on('end', () => this.#onEnd());
    socket.on('close', () => this.close(new SessionError(SessionErrorCode.PeerClosed, 'connection closed')));
  }

  /** `lrmd_clientname` of the register request. */
  get name(): string | undefined {
    return this.#name;
  }
  /** Encoding of what the daemon sends after the register reply (§13.1). */
  get encoding(): Encoding {
    return this.#choice.encoding;
  }
  /** True once `register` succeeded, until the session closes. */
  get registered(): boolean {
    return this.#state === 'registered';
  }
  /** True after the session closed. */
  get closed(): boolean {
    return this.#state === 'closed';
  }
  /** The client asked for the IPC provider role (§8.1). */
  get ipcProvider(): boolean {
    return this.#ipcProvider;
  }
  /** When `register` succeeded. */
  get since(): Date | undefined {
    return this.#since;
  }
  /** Why the session closed, once it has. */
  get closeReason(): SessionError | undefined {
    return this.#state === 'closed' ? this.#reason : undefined;
  }

  /**
   * Send a daemon → provider IPC proxy message (§8.3) as a notification.
   * Nothing happens once the session closed; returns false then.
   */
  sendIpc(message: IpcProxy): boolean {
    if (this.#state !== 'registered') return false;
    void this.#send(message, this.#choice.encoding);
    return true;
  }

  /**
   * End the connection now: detach from the executor, drop what was not
   * written, destroy the socket. Idempotent; the first reason wins.
   */
  close(reason: SessionError = new SessionError(SessionErrorCode.DaemonClosing, 'session closed')): void {
    if (this.#state === 'closed') return;
    // A refusal being flushed keeps its own reason, whatever ends the socket.
    if (this.#state === 'closing' && this.#reason) reason = this.#reason;
    this.#state = 'closed';
    this.#reason = reason;
    if (this.#idle) clearTimeout(this.#idle);
    if (this.#attached) this.#executor.detachClient(this.id);
    this.#attached = false;
    this.#writer.detach();
    this.#socket.destroy();
    this.emit('close', reason);
  }

  #onData(chunk: Buffer): void {
    if (this.#state === 'closed' || this.#state === 'closing') return;
    this.#idle?.refresh();
    let frames;
    try {
      frames = this.#decoder.push(chunk);
    } catch (err) {
      this.#log.warn({ client: this.id, remote: this.remote, ...errorFields(err) }, 'unreadable frame stream; closing the connection');
      this.close(new SessionError(SessionErrorCode.StreamError, `unreadable frame stream: ${(err as Error).message}`, { cause: err }));
      return;
    }
    for (const f of frames) {
      if (this.#state !== 'awaiting' && this.#state !== 'registered') return;
      if (f.error) {
        this.#log.warn({ client: this.id, remote: this.remote, ...errorFields(f.error) }, 'dropped a message that does not decode');
        continue;
      }
      this.#dispatch(f.message);
    }
  }

  #onEnd(): void {
    try {
      this.#decoder.end();
    } catch (err) {
      this.#log.debug({ client: this.id, remote: this.remote, ...errorFields(err) }, 'connection ended inside a frame');
    }
    this.close(new SessionError(SessionErrorCode.PeerClosed, 'peer closed the connection'));
  }

  #dispatch(m: Message): void {
    if (m.kind === 'request') {
      if (!('unknown' in m) && m.op === Op.register) return this.#onRegister(m);
      if (this.#state !== 'registered') return this.#refuseUnregistered(m.op);
      return this.#handle(m);
    }
    if (m.kind === 'ipc') {
      if (this.#state !== 'registered') return this.#refuseUnregistered(`lrmd_ipc_proxy ${m.ipcOp}`);
      return this.#onIpc(m);
    }
    // A reply or notification from a client means nothing to a server.
    this.#log.debug({ client: this.id, kind: m.kind }, `ignored a ${m.kind} from a client`);
  }

  #handle(request: ExecutorRequest): void {
    if (debugEnabled(this.#log)) this.#log.debug({ client: this.id, ...requestFields(request), callId: this.#executor.nextCallId }, 'request');
    try {
      this.#executor.handle(this.id, request);
    } catch (err) {
      if (isExecutorError(err, ExecutorErrorCode.Closed)) {
        this.close(new SessionError(SessionErrorCode.DaemonClosing, 'the executor is closed'));
        return;
      }
      this.#log.error({ client: this.id, op: request.op, ...errorFields(err) }, 'request failed in the executor');
    }
  }

  /**
   * `register` (§4.2–§4.5, §13.1). The reply is always XML. A refused
   * version gets the -71 reply, then the connection is closed once the
   * reply is written. A second `register` is answered again with the same
   * client id and encoding; the first name stays, as in Pacemaker.
   */
  #onRegister(req: RegisterRequest): void {
    const callId = this.#executor.allocateCallId();
    const rc = registerRc(req.protocolVersion);
    const first = this.#state === 'awaiting';
    const choice = first ? chooseEncoding(req.encodings, this.#accepted) : this.#choice;
    // §13.1 rule 2: name an encoding only in answer to an offer.
    const announce = req.encodings !== undefined && req.encodings.length > 0 ? choice.announce : undefined;
    const reply = buildRegisterReply({
      msgId: req.msgId,
      callId,
      rc,
      clientId: this.id,
      uptimeSec: this.#uptimeSec(),
      ...(this.#nodeStartState !== undefined ? { nodeStartState: this.#nodeStartState } : {}),
      ...(announce !== undefined ? { encoding: announce } : {}),
    });
    const written = this.#send(reply, Encoding.xml);
    if (rc !== LrmdRc.ok) {
      this.#log.warn(
        { client: this.id, remote: this.remote, clientName: req.clientName, protocolVersion: req.protocolVersion ?? null },
        'refused a client whose protocol version is below 1.0',
      );
      this.#closeAfter(written, new SessionError(SessionErrorCode.VersionRefused, `protocol version ${req.protocolVersion ?? '(none)'} refused`));
      return;
    }
    if (req.isIpcProvider) this.#ipcProvider = true;
    if (!first) return;
    try {
      this.#executor.attachClient(this.id, req.clientName, { send: (msg) => void this.#send(msg, this.#choice.encoding) });
    } catch (err) {
      this.close(new SessionError(SessionErrorCode.DaemonClosing, 'the executor refused the client', { cause: err }));
      return;
    }
    this.#attached = true;
    this.#name = req.clientName;
    this.#choice = choice;
    this.#state = 'registered';
    this.#since = new Date();
    this.#log.info(
      { client: this.id, remote: this.remote, clientName: req.clientName, protocolVersion: req.protocolVersion, encoding: choice.encoding, ipcProvider: this.#ipcProvider },
      'client registered',
    );
    this.emit('registered');
    // Only now may other clients hear of it (§6.3).
    if (this.#state === 'registered') this.#executor.announceNewClient(this.id);
  }

  /** `ipc_fwd` goes to the IPC handler; any other IPC message is an unknown operation (§5.11, §5.12). */
  #onIpc(m: IpcProxy): void {
    const callId = this.#executor.allocateCallId();
    if (debugEnabled(this.#log)) this.#log.debug({ client: this.id, ...ipcFields(m), callId }, 'request');
    let rc: number = LrmdRc.EOPNOTSUPP;
    if (m.op === Op.ipcFwd) {
      try {
        rc = this.#ipc.forward(this.id, m);
      } catch (err) {
        this.#log.error({ client: this.id, ...errorFields(err) }, 'IPC handler failed');
        rc = LrmdRc.EPROTO;
      }
    }
    this.#send(buildReply(m.msgId, callId, { rc }), this.#choice.encoding);
  }

  /** A request before `register` ends the connection: nothing of an unregistered peer reaches the executor (§4.2). */
  #refuseUnregistered(what: string): void {
    this.#log.warn({ client: this.id, remote: this.remote, op: what }, 'request before register; closing the connection');
    this.close(new SessionError(SessionErrorCode.NotRegistered, `${what} before register`));
  }

  /** Queue one message; resolves when written, never rejects. */
  #send(msg: Outgoing | Reply | IpcProxy, encoding: Encoding): Promise<void> {
    if (this.#state === 'closed') return Promise.resolve();
    let frame;
    try {
      frame = encodeMessageFrame(msg, { encoding, id: this.#nextFrameId() });
    } catch (err) {
      this.#log.error({ client: this.id, kind: msg.kind, ...errorFields(err) }, 'cannot encode a message; not sent');
      return Promise.resolve();
    }
    const written = this.#writer.write(frame).then(
      () => this.#afterWrite(),
      () => {},
    );
    const queued = this.#writer.queuedBytes;
    if (queued > this.#maxQueued) {
      this.#log.warn({ client: this.id, remote: this.remote, queuedBytes: queued }, 'client does not read; closing the connection');
      this.close(new SessionError(SessionErrorCode.SlowConsumer, `${queued} bytes wait to be written`));
    } else if (queued > this.#pauseAt && !this.#paused) {
      this.#paused = true;
      this.#socket.pause();
    }
    return written;
  }

  #afterWrite(): void {
    if (this.#paused && this.#writer.queuedBytes <= this.#pauseAt / 2 && this.#state !== 'closed') {
      this.#paused = false;
      this.#socket.resume();
    }
  }

  /** Stop reading, then close once `written` settled and the socket flushed (bounded by {@link REFUSAL_FLUSH_MS}). */
  #closeAfter(written: Promise<void>, reason: SessionError): void {
    this.#state = 'closing';
    this.#reason = reason;
    const cut = setTimeout(() => this.close(reason), REFUSAL_FLUSH_MS);
    void written.then(() => {
      if (this.#state === 'closed') return;
      this.#socket.end(() => this.close(reason));
    });
    this.once('close', () => clearTimeout(cut));
  }
}
