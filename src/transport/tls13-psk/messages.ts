/**
 * Encoding and decoding of the handshake messages and extensions a PSK-only
 * TLS 1.3 handshake uses (RFC 8446 §4.1.2, §4.1.3, §4.2, §4.3.1, §4.6.3).
 * Decoders check structure only; the state machines judge the values.
 * Malformed input throws TLS_BAD_RECORD (decode_error / illegal_parameter).
 */
import { AlertDescription, LEGACY_VERSION } from './constants.js';
import { ByteReader, u16, vec } from './byte-reader.js';
import { badRecord } from './engine-error.js';

export interface Extension {
  readonly type: number;
  readonly data: Buffer;
}

export interface ClientHello {
  readonly legacyVersion: number;
  readonly random: Buffer;
  readonly sessionId: Buffer;
  readonly cipherSuites: readonly number[];
  readonly compressionMethods: Buffer;
  readonly extensions: readonly Extension[];
}

export interface ServerHello {
  readonly legacyVersion: number;
  readonly random: Buffer;
  readonly sessionId: Buffer;
  readonly cipherSuite: number;
  readonly compressionMethod: number;
  readonly extensions: readonly Extension[];
}

export interface KeyShareEntry {
  readonly group: number;
  readonly key: Buffer;
}

export interface PskIdentity {
  readonly identity: Buffer;
  readonly obfuscatedTicketAge: number;
}

export interface OfferedPsks {
  readonly identities: readonly PskIdentity[];
  readonly binders: readonly Buffer[];
  /** Bytes of the binders list, its 2-byte length included: what the truncated ClientHello leaves out. */
  readonly bindersLength: number;
}

function readExtensions(r: ByteReader): Extension[] {
  const list = new ByteReader(r.vec(2));
  const out: Extension[] = [];
  const seen = new Set<number>();
  while (list.remaining > 0) {
    const type = list.u16();
    if (seen.has(type)) throw badRecord(`extension ${type} appears twice`, AlertDescription.illegalParameter);
    seen.add(type);
    out.push({ type, data: list.vec(2) });
  }
  return out;
}

export function encodeExtensions(extensions: readonly Extension[]): Buffer {
  return vec(2, ...extensions.flatMap((e) => [u16(e.type), vec(2, e.data)]));
}

export function decodeClientHello(body: Buffer): ClientHello {
  const r = new ByteReader(body);
  const legacyVersion = r.u16();
  const random = r.bytes(32);
  const sessionId = r.vec(1);
  if (sessionId.length > 32) throw badRecord('legacy_session_id over 32 bytes', AlertDescription.illegalParameter);
  const suites = r.vec(2);
  if (suites.length % 2 !== 0 || suites.length === 0) throw badRecord('bad cipher_suites list');
  const cipherSuites: number[] = [];
  for (let i = 0; i < suites.length; i += 2) cipherSuites.push(suites.readUInt16BE(i));
  const compressionMethods = r.vec(1);
  const extensions = r.remaining === 0 ? [] : readExtensions(r);
  r.end('ClientHello');
  return { legacyVersion, random, sessionId, cipherSuites, compressionMethods, extensions };
}

export function encodeClientHello(hello: Omit<ClientHello, 'legacyVersion' | 'compressionMethods'>): Buffer {
  return Buffer.concat([
    u16(LEGACY_VERSION),
    hello.random,
    vec(1, hello.sessionId),
    vec(2, ...hello.cipherSuites.map(u16)),
    vec(1, Uint8Array.of(0)),
    encodeExtensions(hello.extensions),
  ]);
}

export function decodeServerHello(body: Buffer): ServerHello {
  const r = new ByteReader(body);
  const legacyVersion = r.u16();
  const random = r.bytes(32);
  const sessionId = r.vec(1);
  const cipherSuite = r.u16();
  const compressionMethod = r.u8();
  const extensions = readExtensions(r);
  r.end('ServerHello');
  return { legacyVersion, random, sessionId, cipherSuite, compressionMethod, extensions };
}

export function encodeServerHello(hello: Omit<ServerHello, 'legacyVersion' | 'compressionMethod'>): Buffer {
  return Buffer.concat([u16(LEGACY_VERSION), hello.random, vec(1, hello.sessionId), u16(hello.cipherSuite), Uint8Array.of(0), encodeExtensions(hello.extensions)]);
}

/** EncryptedExtensions: only the list of extensions. */
export function decodeEncryptedExtensions(body: Buffer): Extension[] {
  const r = new ByteReader(body);
  const list = readExtensions(r);
  r.end('EncryptedExtensions');
  return list;
}

export function findExtension(extensions: readonly Extension[], type: number): Buffer | undefined {
  return extensions.find((e) => e.type === type)?.data;
}

/** A list of u16 values in a vector with a `prefix`-byte length (supported_versions, supported_groups). */
export function decodeU16List(data: Buffer, prefix: 1 | 2): number[] {
  const r = new ByteReader(data);
  const list = r.vec(prefix);
  r.end('extension');
  if (list.length % 2 !== 0 || list.length === 0) throw badRecord('bad u16 list in an extension');
  const out: number[] = [];
  for (let i = 0; i < list.length; i += 2) out.push(list.readUInt16BE(i));
  return out;
}

export function encodeU16List(values: readonly number[], prefix: 1 | 2): Buffer {
  return vec(prefix, ...values.map(u16));
}

/** A single u16 (ServerHello supported_versions, HRR key_share, ServerHello pre_shared_key). */
export function decodeU16(data: Buffer): number {
  const r = new ByteReader(data);
  const v = r.u16();
  r.end('extension');
  return v;
}

/** psk_key_exchange_modes: a vector of u8. */
export function decodeU8List(data: Buffer): number[] {
  const r = new ByteReader(data);
  const list = r.vec(1);
  r.end('extension');
  if (list.length === 0) throw badRecord('empty psk_key_exchange_modes');
  return [...list];
}

/** ClientHello key_share: client_shares. */
export function decodeClientShares(data: Buffer): KeyShareEntry[] {
  const r = new ByteReader(data);
  const list = new ByteReader(r.vec(2));
  r.end('key_share');
  const out: KeyShareEntry[] = [];
  while (list.remaining > 0) out.push({ group: list.u16(), key: list.vec(2) });
  return out;
}

export function encodeClientShares(shares: readonly KeyShareEntry[]): Buffer {
  return vec(2, ...shares.map(encodeShare));
}

/** ServerHello key_share: one entry. */
export function decodeServerShare(data: Buffer): KeyShareEntry {
  const r = new ByteReader(data);
  const entry = { group: r.u16(), key: r.vec(2) };
  r.end('key_share');
  return entry;
}

export function encodeShare(share: KeyShareEntry): Buffer {
  return Buffer.concat([u16(share.group), vec(2, share.key)]);
}

/** ClientHello pre_shared_key: identities and binders. */
export function decodeOfferedPsks(data: Buffer): OfferedPsks {
  const r = new ByteReader(data);
  const ids = new ByteReader(r.vec(2));
  const start = r.offset;
  const bl = new ByteReader(r.vec(2));
  const bindersLength = r.offset - start;
  r.end('pre_shared_key');
  const identities: PskIdentity[] = [];
  while (ids.remaining > 0) {
    const identity = ids.vec(2);
    if (identity.length === 0) throw badRecord('empty PSK identity');
    identities.push({ identity, obfuscatedTicketAge: ids.u32() });
  }
  const binders: Buffer[] = [];
  while (bl.remaining > 0) {
    const b = bl.vec(1);
    if (b.length < 32) throw badRecord('PSK binder under 32 bytes');
    binders.push(b);
  }
  if (identities.length === 0 || identities.length !== binders.length) {
    throw badRecord('PSK identities and binders do not pair up', AlertDescription.illegalParameter);
  }
  return { identities, binders, bindersLength };
}

/** The pre_shared_key extension data with one identity; `binder` may be zeros while the binder is computed. */
export function encodeOfferedPsk(identity: Uint8Array, binder: Uint8Array): Buffer {
  return Buffer.concat([vec(2, vec(2, identity), Buffer.alloc(4)), vec(2, vec(1, binder))]);
}

/** KeyUpdate.request_update: 0 update_not_requested, 1 update_requested. */
export function decodeKeyUpdate(body: Buffer): boolean {
  if (body.length !== 1 || body[0]! > 1) throw badRecord('bad KeyUpdate', body.length === 1 ? AlertDescription.illegalParameter : AlertDescription.decodeError);
  return body[0] === 1;
}
