/**
 * The part of a TLS 1.3 connection both sides share, free of I/O
 * (spec/protocol.md §4.9): records in, handshake messages and application
 * data out; key changes; alerts; KeyUpdate; close_notify. The client and
 * server state machines extend it. Methods throw TlsEngineError; the owner
 * then sends {@link Connection.alertFor} and drops the connection.
 */
import { AlertDescription, ContentType, HandshakeType, MAX_PLAINTEXT } from './constants.js';
import type { CipherSuite } from './cipher-suites.js';
import { badRecord, fromReceivedAlert, TlsEngineError } from './engine-error.js';
import { handshakeMessage, HandshakeReader, type HandshakeMessage } from './handshake-reader.js';
import { nextTrafficSecret, trafficKeys } from './key-schedule.js';
import { decodeKeyUpdate } from './messages.js';
import { RecordProtection } from './record-protection.js';
import { TransportErrorCode } from '../errors.js';
import { plainRecords, RecordReader } from './record-layer.js';

/** Where a connection puts what it produces. */
export interface ConnectionSink {
  /** Bytes for the peer. */
  send(bytes: Buffer): void;
  /** Decrypted application data. */
  data(bytes: Buffer): void;
  /** The handshake finished; application data may flow. */
  secure(): void;
  /** The peer sent close_notify: it will send nothing more. */
  closeNotify(): void;
}

interface Direction {
  secret: Buffer;
  protection: RecordProtection;
}

export abstract class Connection {
  protected readonly sink: ConnectionSink;
  readonly #records = new RecordReader();
  readonly #handshake: HandshakeReader;
  #read: Direction | undefined;
  #write: Direction | undefined;
  #suite: CipherSuite | undefined;
  #connected = false;
  #peerClosed = false;
  #closeSent = false;
  #alertSent = false;
  /** A ChangeCipherSpec record is only tolerated until the handshake ends (RFC 8446 §5). */
  #ccsAllowed = true;

  constructor(sink: ConnectionSink, maxHandshakeMessage?: number) {
    this.sink = sink;
    this.#handshake = new HandshakeReader(maxHandshakeMessage);
  }

  /** True once the handshake finished. */
  get connected(): boolean {
    return this.#connected;
  }

  /** The negotiated suite, once the hello messages are exchanged. */
  get suite(): CipherSuite | undefined {
    return this.#suite;
  }

  /** Bytes of an incomplete record held. */
  get bufferedBytes(): number {
    return this.#records.buffered;
  }

  protected set suite(suite: CipherSuite) {
    this.#suite = suite;
  }

  /** Process bytes from the peer. */
  receive(chunk: Buffer): void {
    this.#records.push(chunk);
    for (let rec = this.#records.next(); rec !== undefined; rec = this.#records.next()) {
      if (this.#peerClosed) continue;
      if (rec.type === ContentType.changeCipherSpec) {
        if (!this.#ccsAllowed || rec.fragment.length !== 1 || rec.fragment[0] !== 1) {
          throw badRecord('unexpected ChangeCipherSpec', AlertDescription.unexpectedMessage);
        }
        continue;
      }
      let type: number;
      let content: Buffer;
      if (this.#read) {
        if (rec.type !== ContentType.applicationData) throw badRecord('unprotected record after keys were set', AlertDescription.unexpectedMessage);
        ({ type, content } = this.#read.protection.open(rec.header, rec.fragment));
      } else {
        if (rec.type === ContentType.applicationData) throw badRecord('application data before the handshake', AlertDescription.unexpectedMessage);
        if (rec.fragment.length > MAX_PLAINTEXT) throw badRecord('record over 2^14 bytes', AlertDescription.recordOverflow);
        type = rec.type;
        content = rec.fragment;
      }
      this.#dispatch(type, content);
    }
  }

  #dispatch(type: number, content: Buffer): void {
    switch (type) {
      case ContentType.handshake:
        this.#handshake.push(content);
        for (let msg = this.#handshake.next(); msg !== undefined; msg = this.#handshake.next()) this.#onMessage(msg);
        return;
      case ContentType.alert: {
        if (content.length !== 2) throw badRecord('bad alert record');
        const description = content[1]!;
        if (description === AlertDescription.closeNotify) {
          this.#peerClosed = true;
          this.sink.closeNotify();
          return;
        }
        if (description === AlertDescription.userCanceled) return;
        throw this.receivedAlert(description);
      }
      case ContentType.applicationData:
        if (!this.#connected) throw badRecord('application data before the handshake ended', AlertDescription.unexpectedMessage);
        if (content.length > 0) this.sink.data(content);
        return;
      default:
        throw badRecord(`unexpected inner content type ${type}`, AlertDescription.unexpectedMessage);
    }
  }

  #onMessage(msg: HandshakeMessage): void {
    if (!this.#connected) {
      this.onHandshakeMessage(msg);
      return;
    }
    switch (msg.type) {
      case HandshakeType.newSessionTicket:
        // Resumption is not offered (§4.10): tickets are dropped.
        if (this.isServer) throw badRecord('NewSessionTicket from a client', AlertDescription.unexpectedMessage);
        return;
      case HandshakeType.keyUpdate: {
        const requested = decodeKeyUpdate(msg.body);
        this.#rotateRead();
        if (requested) this.updateKeys(false);
        return;
      }
      default:
        throw badRecord(`handshake message ${msg.type} after the handshake`, AlertDescription.unexpectedMessage);
    }
  }

  /** The error for a fatal alert from the peer (engine-error.ts fromReceivedAlert). */
  protected receivedAlert(description: number): TlsEngineError {
    return fromReceivedAlert(description, !this.#connected);
  }

  /** True for the server side. */
  protected abstract get isServer(): boolean;

  /** A handshake message received before the handshake ended. */
  protected abstract onHandshakeMessage(msg: HandshakeMessage): void;

  /** Set the keys for records received from now on. */
  protected setReadSecret(secret: Buffer): void {
    if (this.#handshake.pending) throw badRecord('handshake message spans a key change', AlertDescription.unexpectedMessage);
    this.#read = { secret, protection: new RecordProtection(this.#suite!, trafficKeys(secret, this.#suite!.keyLength)) };
  }

  /** Set the keys for records sent from now on. */
  protected setWriteSecret(secret: Buffer): void {
    this.#write = { secret, protection: new RecordProtection(this.#suite!, trafficKeys(secret, this.#suite!.keyLength)) };
  }

  /** Mark the handshake done and tell the sink. */
  protected finishHandshake(): void {
    this.#connected = true;
    this.#ccsAllowed = false;
    this.sink.secure();
  }

  /** Send handshake messages: protected once write keys exist, else plaintext. */
  protected sendHandshake(messages: readonly Buffer[], recordVersion?: number): void {
    const data = messages.length === 1 ? messages[0]! : Buffer.concat(messages);
    if (!this.#write) {
      this.sink.send(plainRecords(ContentType.handshake, data, recordVersion));
      return;
    }
    this.sink.send(this.#seal(ContentType.handshake, data));
  }

  /** Send the middlebox-compatibility ChangeCipherSpec record (RFC 8446 appendix D.4). */
  protected sendChangeCipherSpec(): void {
    this.sink.send(plainRecords(ContentType.changeCipherSpec, Uint8Array.of(1)));
  }

  #seal(type: number, data: Buffer): Buffer {
    const w = this.#write!;
    if (data.length <= MAX_PLAINTEXT) return w.protection.seal(type, data);
    const parts: Buffer[] = [];
    for (let off = 0; off < data.length; off += MAX_PLAINTEXT) parts.push(w.protection.seal(type, data.subarray(off, off + MAX_PLAINTEXT)));
    return Buffer.concat(parts);
  }

  #rotateRead(): void {
    this.setReadSecret(nextTrafficSecret(this.#read!.secret));
  }

  /**
   * Send a KeyUpdate and switch to the next write keys; `requestPeer` asks
   * the peer to update its keys as well (RFC 8446 §4.6.3).
   */
  updateKeys(requestPeer: boolean): void {
    if (!this.#connected || this.#closeSent) throw new TlsEngineError(TransportErrorCode.Closed, undefined, 'not connected');
    this.sink.send(this.#seal(ContentType.handshake, handshakeMessage(HandshakeType.keyUpdate, Uint8Array.of(requestPeer ? 1 : 0))));
    this.setWriteSecret(nextTrafficSecret(this.#write!.secret));
  }

  /**
   * Protected records holding `chunks` (each cut at 2^14 bytes, never two
   * chunks in one record: spec/protocol.md §2.5), appended to `out` as
   * buffers to be written in order (a large record is several buffers).
   */
  encodeApplicationData(chunks: readonly Uint8Array[], out: Buffer[] = []): Buffer[] {
    if (!this.#connected || this.#closeSent) throw new TlsEngineError(TransportErrorCode.Closed, undefined, 'the TLS connection is not open for writing');
    const w = this.#write!.protection;
    for (const chunk of chunks) {
      for (let off = 0; off < chunk.length; off += MAX_PLAINTEXT) w.sealTo(out, ContentType.applicationData, chunk.subarray(off, off + MAX_PLAINTEXT));
    }
    return out;
  }

  /** The close_notify alert record, once; undefined if already sent or an alert ended the connection. */
  closeNotify(): Buffer | undefined {
    if (this.#closeSent || this.#alertSent) return undefined;
    this.#closeSent = true;
    return this.#alert(AlertDescription.closeNotify);
  }

  /** The alert record to send for `err` (once), or undefined. */
  alertFor(err: unknown): Buffer | undefined {
    if (this.#alertSent || this.#closeSent) return undefined;
    const description = err instanceof TlsEngineError ? err.alert : AlertDescription.internalError;
    if (description === undefined) return undefined;
    this.#alertSent = true;
    return this.#alert(description);
  }

  #alert(description: number): Buffer {
    const body = Uint8Array.of(description === AlertDescription.closeNotify ? 1 : 2, description);
    return this.#write ? this.#write.protection.seal(ContentType.alert, body) : plainRecords(ContentType.alert, body);
  }
}
