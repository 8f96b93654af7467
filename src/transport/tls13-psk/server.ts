/**
 * The server state machine (RFC 8446 §2, §4.1, §4.2.9-§4.2.11, §4.4.4;
 * spec §4.9): requires an external PSK with psk_dhe_ke, checks the binder
 * in constant time, asks once for another key share (HelloRetryRequest)
 * when the client's shares name no group of ours, then sends ServerHello,
 * EncryptedExtensions and Finished in one flight and waits for the
 * client's Finished. No tickets, no early data, no certificates.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { AlertDescription, ExtensionType, HandshakeType, HRR_RANDOM, LEGACY_VERSION, PSK_DHE_KE, TLS13, type NamedGroup } from './constants.js';
import { CIPHER_SUITES, type CipherSuite } from './cipher-suites.js';
import { Connection, type ConnectionSink } from './connection.js';
import { badRecord, handshakeFailed, TlsEngineError } from './engine-error.js';
import { handshakeMessage, type HandshakeMessage } from './handshake-reader.js';
import { applicationSecrets, earlySecret, finishedVerifyData, handshakeSecrets, pskBinder, Transcript } from './key-schedule.js';
import { generateKeyShare, SUPPORTED_GROUPS } from './key-share.js';
import {
  decodeClientHello,
  decodeClientShares,
  decodeOfferedPsks,
  decodeU16List,
  decodeU8List,
  encodeServerHello,
  encodeShare,
  encodeU16List,
  encodeExtensions,
  findExtension,
  type ClientHello,
} from './messages.js';
import { TransportErrorCode } from '../errors.js';
import { u16 } from './byte-reader.js';

/** Options of a {@link ServerConnection}. */
export interface ServerConnectionOptions {
  readonly psk: Uint8Array;
  /** Accept only this identity; undefined accepts any (as Pacemaker 2.1.5 does). */
  readonly identity?: Uint8Array;
  /** Suites accepted, in our order of preference; default every supported one. */
  readonly suites?: readonly CipherSuite[];
  /** Groups accepted, in our order of preference (for HelloRetryRequest); default X25519, secp256r1. */
  readonly groups?: readonly NamedGroup[];
  readonly maxHandshakeMessage?: number;
}

type State = 'waitClientHello' | 'waitSecondClientHello' | 'waitFinished' | 'connected';

export class ServerConnection extends Connection {
  readonly #opts: ServerConnectionOptions;
  readonly #suites: readonly CipherSuite[];
  readonly #groups: readonly NamedGroup[];
  readonly #early: Buffer;
  readonly #transcript = new Transcript();
  #state: State = 'waitClientHello';
  #retryGroup: NamedGroup | undefined;
  #retrySuite: CipherSuite | undefined;
  #ccsSent = false;
  #clientHs: Buffer | undefined;
  #clientAp: Buffer | undefined;

  constructor(sink: ConnectionSink, options: ServerConnectionOptions) {
    super(sink, options.maxHandshakeMessage);
    this.#opts = options;
    this.#suites = options.suites ?? CIPHER_SUITES;
    this.#groups = options.groups ?? SUPPORTED_GROUPS;
    this.#early = earlySecret(options.psk);
  }

  protected get isServer(): boolean {
    return true;
  }

  protected onHandshakeMessage(msg: HandshakeMessage): void {
    switch (this.#state) {
      case 'waitClientHello':
      case 'waitSecondClientHello':
        if (msg.type !== HandshakeType.clientHello) throw unexpected(msg);
        return this.#onClientHello(msg);
      case 'waitFinished':
        if (msg.type !== HandshakeType.finished) throw unexpected(msg);
        return this.#onFinished(msg);
      default:
        throw unexpected(msg);
    }
  }

  #onClientHello(msg: HandshakeMessage): void {
    const ch = decodeClientHello(msg.body);
    const retry = this.#state === 'waitSecondClientHello';
    const versions = findExtension(ch.extensions, ExtensionType.supportedVersions);
    if (ch.legacyVersion < LEGACY_VERSION || versions === undefined || !decodeU16List(versions, 1).includes(TLS13)) {
      throw handshakeFailed('the client does not offer TLS 1.3', AlertDescription.protocolVersion);
    }
    if (ch.compressionMethods.length !== 1 || ch.compressionMethods[0] !== 0) throw badRecord('compression offered', AlertDescription.illegalParameter);
    if (findExtension(ch.extensions, ExtensionType.earlyData) !== undefined) {
      throw handshakeFailed('early data is not supported', AlertDescription.illegalParameter);
    }
    const suite = retry ? this.#retrySuite : this.#suites.find((s) => ch.cipherSuites.includes(s.id));
    if (suite === undefined || !ch.cipherSuites.includes(suite.id)) throw handshakeFailed('no common cipher suite');
    const modes = findExtension(ch.extensions, ExtensionType.pskKeyExchangeModes);
    const pskData = findExtension(ch.extensions, ExtensionType.preSharedKey);
    if (pskData === undefined || modes === undefined || !decodeU8List(modes).includes(PSK_DHE_KE)) {
      throw handshakeFailed('the client offers no PSK with psk_dhe_ke', AlertDescription.handshakeFailure);
    }
    if (ch.extensions[ch.extensions.length - 1]!.type !== ExtensionType.preSharedKey) {
      throw badRecord('pre_shared_key is not the last extension', AlertDescription.illegalParameter);
    }
    const offered = decodeOfferedPsks(pskData);
    const want = this.#opts.identity;
    const index = want === undefined ? 0 : offered.identities.findIndex((i) => i.identity.equals(want));
    if (index < 0) throw new TlsEngineError(TransportErrorCode.TlsPskMismatch, AlertDescription.unknownPskIdentity, 'the client offered no known PSK identity');
    // The binder proves the client holds the key (RFC 8446 §4.2.11.2), compared in constant time.
    const truncated = msg.raw.subarray(0, msg.raw.length - offered.bindersLength);
    const expected = pskBinder(this.#early, this.#transcript.digestWith(truncated));
    const binder = offered.binders[index]!;
    if (binder.length !== expected.length || !timingSafeEqual(binder, expected)) {
      throw new TlsEngineError(TransportErrorCode.TlsPskMismatch, AlertDescription.decryptError, 'the PSK binder does not verify: the keys differ');
    }
    const sharesData = findExtension(ch.extensions, ExtensionType.keyShare);
    const shares = sharesData === undefined ? [] : decodeClientShares(sharesData);
    const share = shares.find((s) => this.#groups.includes(s.group as NamedGroup));
    if (retry) {
      if (shares.length !== 1 || share?.group !== this.#retryGroup) throw handshakeFailed('the second ClientHello lacks the requested key share', AlertDescription.illegalParameter);
    } else if (share === undefined) {
      return this.#helloRetry(msg, ch, suite);
    }
    this.#respond(msg, ch, suite, share!.group as NamedGroup, share!.key, index);
  }

  #helloRetry(msg: HandshakeMessage, ch: ClientHello, suite: CipherSuite): void {
    const groupsData = findExtension(ch.extensions, ExtensionType.supportedGroups);
    const groups = groupsData === undefined ? [] : decodeU16List(groupsData, 2);
    const group = this.#groups.find((g) => groups.includes(g));
    if (group === undefined) throw handshakeFailed('no common key exchange group');
    this.#retryGroup = group;
    this.#retrySuite = suite;
    this.#transcript.add(msg.raw);
    this.#transcript.replaceWithMessageHash();
    const hrr = handshakeMessage(
      HandshakeType.serverHello,
      encodeServerHello({
        random: HRR_RANDOM,
        sessionId: ch.sessionId,
        cipherSuite: suite.id,
        extensions: [
          { type: ExtensionType.supportedVersions, data: u16(TLS13) },
          { type: ExtensionType.keyShare, data: u16(group) },
        ],
      }),
    );
    this.#transcript.add(hrr);
    this.sendHandshake([hrr]);
    this.#compatCcs(ch);
    this.#state = 'waitSecondClientHello';
  }

  /** A client in middlebox compatibility mode (a session id) gets one ChangeCipherSpec (RFC 8446 D.4). */
  #compatCcs(ch: ClientHello): void {
    if (ch.sessionId.length === 0 || this.#ccsSent) return;
    this.#ccsSent = true;
    this.sendChangeCipherSpec();
  }

  #respond(msg: HandshakeMessage, ch: ClientHello, suite: CipherSuite, group: NamedGroup, clientKey: Buffer, index: number): void {
    const ours = generateKeyShare(group);
    const shared = ours.computeSecret(clientKey);
    this.suite = suite;
    this.#transcript.add(msg.raw);
    const sh = handshakeMessage(
      HandshakeType.serverHello,
      encodeServerHello({
        random: randomBytes(32),
        sessionId: ch.sessionId,
        cipherSuite: suite.id,
        extensions: [
          { type: ExtensionType.supportedVersions, data: u16(TLS13) },
          { type: ExtensionType.keyShare, data: encodeShare({ group, key: ours.publicKey }) },
          { type: ExtensionType.preSharedKey, data: u16(index) },
        ],
      }),
    );
    this.#transcript.add(sh);
    const hs = handshakeSecrets(this.#early, shared, this.#transcript.digest());
    this.sendHandshake([sh]);
    this.#compatCcs(ch);
    this.setWriteSecret(hs.server);
    const ee = handshakeMessage(HandshakeType.encryptedExtensions, encodeExtensions([]));
    this.#transcript.add(ee);
    const fin = handshakeMessage(HandshakeType.finished, finishedVerifyData(hs.server, this.#transcript.digest()));
    this.#transcript.add(fin);
    this.sendHandshake([ee, fin]);
    const ap = applicationSecrets(hs.secret, this.#transcript.digest());
    this.#clientHs = hs.client;
    this.#clientAp = ap.client;
    this.setWriteSecret(ap.server);
    this.setReadSecret(hs.client);
    this.#state = 'waitFinished';
  }

  #onFinished(msg: HandshakeMessage): void {
    const expected = finishedVerifyData(this.#clientHs!, this.#transcript.digest());
    if (msg.body.length !== expected.length || !timingSafeEqual(msg.body, expected)) {
      throw new TlsEngineError(TransportErrorCode.TlsPskMismatch, AlertDescription.decryptError, "the client's Finished does not verify");
    }
    this.#transcript.add(msg.raw);
    this.setReadSecret(this.#clientAp!);
    this.#state = 'connected';
    this.finishHandshake();
  }
}

function unexpected(msg: HandshakeMessage): TlsEngineError {
  return badRecord(`unexpected handshake message ${msg.type}`, AlertDescription.unexpectedMessage);
}
