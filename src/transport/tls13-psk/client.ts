/**
 * The client state machine (RFC 8446 §2, §4.1.1-§4.1.4, §4.4.4; spec §4.9):
 * ClientHello with one external PSK (psk_dhe_ke only) and a key share,
 * at most one HelloRetryRequest, then EncryptedExtensions and the server's
 * Finished, then our Finished. Certificates are never accepted.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { AlertDescription, ExtensionType, HandshakeType, HRR_RANDOM, LEGACY_VERSION, NamedGroup, PSK_DHE_KE, TLS13 } from './constants.js';
import { CIPHER_SUITES, suiteById, type CipherSuite } from './cipher-suites.js';
import { Connection, type ConnectionSink } from './connection.js';
import { badRecord, handshakeFailed, TlsEngineError } from './engine-error.js';
import { handshakeMessage, type HandshakeMessage } from './handshake-reader.js';
import { applicationSecrets, earlySecret, finishedVerifyData, handshakeSecrets, pskBinder, Transcript } from './key-schedule.js';
import { generateKeyShare, SUPPORTED_GROUPS, type KeyShare } from './key-share.js';
import {
  decodeEncryptedExtensions,
  decodeServerHello,
  decodeServerShare,
  decodeU16,
  encodeClientHello,
  encodeClientShares,
  encodeOfferedPsk,
  encodeU16List,
  findExtension,
  type Extension,
} from './messages.js';
import { TransportErrorCode } from '../errors.js';
import { HASH_LENGTH } from './hkdf.js';

/** Options of a {@link ClientConnection}. */
export interface ClientConnectionOptions {
  readonly psk: Uint8Array;
  readonly identity: Uint8Array;
  /** Suites offered, in order; default every supported one. */
  readonly suites?: readonly CipherSuite[];
  /** Groups offered in supported_groups; default X25519 and secp256r1. */
  readonly groups?: readonly NamedGroup[];
  /** Group of the first key share; default the first of `groups`. */
  readonly keyShareGroup?: NamedGroup;
  readonly maxHandshakeMessage?: number;
}

type State = 'start' | 'waitServerHello' | 'waitEncryptedExtensions' | 'waitFinished' | 'connected';

/** Extensions a ServerHello may carry (RFC 8446 §4.2 table). */
const SERVER_HELLO_EXTENSIONS = new Set<number>([ExtensionType.supportedVersions, ExtensionType.keyShare, ExtensionType.preSharedKey]);
/** Extensions a HelloRetryRequest may carry. */
const HRR_EXTENSIONS = new Set<number>([ExtensionType.supportedVersions, ExtensionType.keyShare, ExtensionType.cookie]);
/** Extensions that must not appear in EncryptedExtensions. */
const NOT_IN_EE = new Set<number>([
  ExtensionType.supportedVersions,
  ExtensionType.keyShare,
  ExtensionType.preSharedKey,
  ExtensionType.pskKeyExchangeModes,
  ExtensionType.cookie,
  ExtensionType.earlyData,
  ExtensionType.signatureAlgorithms,
]);

export class ClientConnection extends Connection {
  readonly #opts: ClientConnectionOptions;
  readonly #suites: readonly CipherSuite[];
  readonly #groups: readonly NamedGroup[];
  readonly #early: Buffer;
  readonly #transcript = new Transcript();
  readonly #random = randomBytes(32);
  #share: KeyShare;
  #state: State = 'start';
  #retried = false;
  #hrrSuite: number | undefined;
  #handshakeSecret: Buffer | undefined;
  #clientHs: Buffer | undefined;
  #serverHs: Buffer | undefined;

  constructor(sink: ConnectionSink, options: ClientConnectionOptions) {
    super(sink, options.maxHandshakeMessage);
    this.#opts = options;
    this.#suites = options.suites ?? CIPHER_SUITES;
    this.#groups = options.groups ?? SUPPORTED_GROUPS;
    this.#early = earlySecret(options.psk);
    this.#share = generateKeyShare(options.keyShareGroup ?? this.#groups[0]!);
  }

  protected get isServer(): boolean {
    return false;
  }

  /** Send the first ClientHello. */
  start(): void {
    if (this.#state !== 'start') return;
    this.#sendClientHello(undefined);
    this.#state = 'waitServerHello';
  }

  #sendClientHello(cookie: Buffer | undefined): void {
    const extensions: Extension[] = [
      { type: ExtensionType.supportedVersions, data: encodeU16List([TLS13], 1) },
      { type: ExtensionType.supportedGroups, data: encodeU16List(this.#groups, 2) },
      { type: ExtensionType.keyShare, data: encodeClientShares([{ group: this.#share.group, key: this.#share.publicKey }]) },
      { type: ExtensionType.pskKeyExchangeModes, data: Buffer.from([1, PSK_DHE_KE]) },
      ...(cookie ? [{ type: ExtensionType.cookie, data: cookie }] : []),
      // pre_shared_key must be last (RFC 8446 §4.2.11); its binder is filled in below.
      { type: ExtensionType.preSharedKey, data: encodeOfferedPsk(this.#opts.identity, Buffer.alloc(HASH_LENGTH)) },
    ];
    const body = encodeClientHello({ random: this.#random, sessionId: Buffer.alloc(0), cipherSuites: this.#suites.map((s) => s.id), extensions });
    const msg = handshakeMessage(HandshakeType.clientHello, body);
    const truncated = msg.subarray(0, msg.length - (2 + 1 + HASH_LENGTH));
    pskBinder(this.#early, this.#transcript.digestWith(truncated)).copy(msg, msg.length - HASH_LENGTH);
    this.#transcript.add(msg);
    // The first ClientHello says TLS 1.0 in its record header, for old middleboxes (RFC 8446 §5.1).
    this.sendHandshake([msg], cookie === undefined && !this.#retried ? 0x0301 : LEGACY_VERSION);
  }

  /**
   * GnuTLS answers a ClientHello whose binder or identity it rejects with
   * illegal_parameter; before any ServerHello that is what it means.
   */
  protected override receivedAlert(description: number): TlsEngineError {
    if (this.#state === 'waitServerHello' && description === AlertDescription.illegalParameter) {
      return new TlsEngineError(TransportErrorCode.TlsPskMismatch, undefined, 'the server refused our ClientHello (illegal_parameter): the key or identity does not match');
    }
    return super.receivedAlert(description);
  }

  protected onHandshakeMessage(msg: HandshakeMessage): void {
    switch (this.#state) {
      case 'waitServerHello':
        if (msg.type !== HandshakeType.serverHello) throw unexpected(msg);
        return this.#onServerHello(msg);
      case 'waitEncryptedExtensions':
        if (msg.type !== HandshakeType.encryptedExtensions) throw unexpected(msg);
        for (const e of decodeEncryptedExtensions(msg.body)) {
          if (NOT_IN_EE.has(e.type)) throw badRecord(`extension ${e.type} in EncryptedExtensions`, AlertDescription.illegalParameter);
        }
        this.#transcript.add(msg.raw);
        this.#state = 'waitFinished';
        return;
      case 'waitFinished':
        if (msg.type !== HandshakeType.finished) throw unexpected(msg);
        return this.#onFinished(msg);
      default:
        throw unexpected(msg);
    }
  }

  #onServerHello(msg: HandshakeMessage): void {
    const sh = decodeServerHello(msg.body);
    const version = findExtension(sh.extensions, ExtensionType.supportedVersions);
    if (version === undefined) throw handshakeFailed('the server does not speak TLS 1.3', AlertDescription.protocolVersion);
    if (decodeU16(version) !== TLS13 || sh.legacyVersion !== LEGACY_VERSION) throw handshakeFailed('the server chose a version not offered', AlertDescription.illegalParameter);
    if (sh.sessionId.length !== 0 || sh.compressionMethod !== 0) throw badRecord('bad legacy fields in ServerHello', AlertDescription.illegalParameter);
    const suite = this.#suites.find((s) => s.id === sh.cipherSuite) && suiteById(sh.cipherSuite);
    if (!suite || (this.#hrrSuite !== undefined && this.#hrrSuite !== suite.id)) throw handshakeFailed('the server chose a suite not offered', AlertDescription.illegalParameter);
    if (sh.random.equals(HRR_RANDOM)) return this.#onHelloRetryRequest(msg, sh.extensions, suite);
    for (const e of sh.extensions) {
      if (!SERVER_HELLO_EXTENSIONS.has(e.type)) throw badRecord(`extension ${e.type} in ServerHello`, AlertDescription.unsupportedExtension);
    }
    const psk = findExtension(sh.extensions, ExtensionType.preSharedKey);
    if (psk === undefined) throw handshakeFailed('the server did not accept the PSK', AlertDescription.missingExtension);
    if (decodeU16(psk) !== 0) throw handshakeFailed('the server chose a PSK not offered', AlertDescription.illegalParameter);
    const shareData = findExtension(sh.extensions, ExtensionType.keyShare);
    if (shareData === undefined) throw handshakeFailed('the server chose psk_ke; only psk_dhe_ke is allowed', AlertDescription.missingExtension);
    const share = decodeServerShare(shareData);
    if (share.group !== this.#share.group) throw handshakeFailed('the server answered another key share group', AlertDescription.illegalParameter);
    const shared = this.#share.computeSecret(share.key);
    this.suite = suite;
    this.#transcript.add(msg.raw);
    const hs = handshakeSecrets(this.#early, shared, this.#transcript.digest());
    this.#handshakeSecret = hs.secret;
    this.#clientHs = hs.client;
    this.#serverHs = hs.server;
    this.setReadSecret(hs.server);
    this.setWriteSecret(hs.client);
    this.#state = 'waitEncryptedExtensions';
  }

  #onHelloRetryRequest(msg: HandshakeMessage, extensions: readonly Extension[], suite: CipherSuite): void {
    if (this.#retried) throw badRecord('a second HelloRetryRequest', AlertDescription.unexpectedMessage);
    this.#retried = true;
    for (const e of extensions) {
      if (!HRR_EXTENSIONS.has(e.type)) throw badRecord(`extension ${e.type} in HelloRetryRequest`, AlertDescription.unsupportedExtension);
    }
    const groupData = findExtension(extensions, ExtensionType.keyShare);
    const cookie = findExtension(extensions, ExtensionType.cookie);
    const group = groupData === undefined ? undefined : decodeU16(groupData);
    if (group === undefined && cookie === undefined) throw badRecord('a HelloRetryRequest that changes nothing', AlertDescription.illegalParameter);
    if (group !== undefined && (group === this.#share.group || !this.#groups.includes(group as NamedGroup))) {
      throw handshakeFailed('the server asked for a group not offered', AlertDescription.illegalParameter);
    }
    this.#hrrSuite = suite.id;
    this.#transcript.replaceWithMessageHash();
    this.#transcript.add(msg.raw);
    if (group !== undefined) this.#share = generateKeyShare(group as NamedGroup);
    this.#sendClientHello(cookie);
  }

  #onFinished(msg: HandshakeMessage): void {
    const expected = finishedVerifyData(this.#serverHs!, this.#transcript.digest());
    if (msg.body.length !== expected.length || !timingSafeEqual(msg.body, expected)) {
      throw new TlsEngineError(TransportErrorCode.TlsPskMismatch, AlertDescription.decryptError, "the server's Finished does not verify");
    }
    this.#transcript.add(msg.raw);
    const ap = applicationSecrets(this.#handshakeSecret!, this.#transcript.digest());
    const fin = handshakeMessage(HandshakeType.finished, finishedVerifyData(this.#clientHs!, this.#transcript.digest()));
    this.#transcript.add(fin);
    this.setReadSecret(ap.server);
    this.sendHandshake([fin]);
    this.setWriteSecret(ap.client);
    this.#state = 'connected';
    this.finishHandshake();
  }
}

function unexpected(msg: HandshakeMessage): TlsEngineError {
  return badRecord(`unexpected handshake message ${msg.type}`, AlertDescription.unexpectedMessage);
}
