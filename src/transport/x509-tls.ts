/**
 * X.509 mode of the transport (spec/protocol.md §4.6), as Pacemaker 3.0 offers
 * it instead of PSK: PEM certificate, unencrypted key, a private CA file as
 * the only trust anchor, an optional CRL. The server requires a client
 * certificate; both sides verify the peer's chain and, like Pacemaker, not
 * its name unless the client pins one with `peerName`. No PSK is involved.
 */
import net from 'node:net';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { X509Certificate, constants as cryptoConstants } from 'node:crypto';
import { aborted, step } from './connect-step.js';
import { TransportError, TransportErrorCode } from './errors.js';

/**
 * PEM data: bytes, PEM text (a string containing `-----BEGIN `), or else a
 * file path, read when the credentials are used.
 */
export type PemSource = Uint8Array | string;

/** The four X.509 inputs (§4.6). `ca` may hold several certificates, `crl` several CRLs. */
export interface X509Credentials {
  /** Trusted CA certificate(s); the system trust store is never used. */
  readonly ca: PemSource;
  /** Our certificate, optionally followed by intermediates. */
  readonly cert: PemSource;
  /** Our private key, unencrypted. */
  readonly key: PemSource;
  /** Revocation lists; without one no revocation check is made. */
  readonly crl?: PemSource;
}

/** Options of {@link connectX509Tls}. */
export interface X509TlsConnectOptions extends X509Credentials {
  readonly host: string;
  readonly port: number;
  /**
   * When set, the server certificate must match this DNS name or IP address
   * (`tls.checkServerIdentity`). Default: chain verification only, as Pacemaker.
   */
  readonly peerName?: string;
  /** TCP connect limit, default 10 000 ms. */
  readonly connectTimeoutMs?: number;
  /** TLS handshake limit after TCP connect, default 5000 ms (Pacemaker's client value). */
  readonly handshakeTimeoutMs?: number;
  /** Highest TLS version offered, default TLS 1.3. */
  readonly maxVersion?: tls.SecureVersion;
  readonly signal?: AbortSignal;
}

/** Options of {@link createX509TlsServer}. */
export interface X509TlsServerOptions extends X509Credentials {
  /** Handshake limit from accept, default 10 000 ms (the daemon's value). */
  readonly handshakeTimeoutMs?: number;
  readonly maxVersion?: tls.SecureVersion;
}

/** Credentials read from the environment, with the files they came from. */
export interface X509EnvCredentials extends X509Credentials {
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly crl?: Buffer;
  readonly paths: { readonly ca: string; readonly cert: string; readonly key: string; readonly crl?: string };
}

/** Names Pacemaker 3.0 reads, without prefix: `PCMK_x`, else `HA_x`, else `CIB_x` (§4.6). */
export const X509_ENV_NAMES = { ca: 'ca_file', cert: 'cert_file', key: 'key_file', crl: 'crl_file' } as const;

type Field = keyof typeof X509_ENV_NAMES;

/**
 * Read the X.509 settings from `env` the way Pacemaker 3.0 does: for each of
 * `ca_file`, `cert_file`, `key_file`, `crl_file` the `PCMK_` name, else `HA_`,
 * and when that is empty the `CIB_` name. Returns undefined when none is set
 * (PSK mode). Throws TransportError: X509_CONFIG_INCOMPLETE when some are
 * set but not all of CA, certificate and key (Pacemaker would silently use
 * PSK); X509_FILE_UNREADABLE; X509_CREDENTIALS_INVALID.
 */
export function x509OptionsFromEnv(env: NodeJS.ProcessEnv = process.env): X509EnvCredentials | undefined {
  const get = (name: string): string | undefined => (env[`PCMK_${name}`] ?? env[`HA_${name}`]) || env[`CIB_${name}`] || undefined;
  const ca = get(X509_ENV_NAMES.ca);
  const cert = get(X509_ENV_NAMES.cert);
  const key = get(X509_ENV_NAMES.key);
  const crl = get(X509_ENV_NAMES.crl);
  if (ca === undefined && cert === undefined && key === undefined && crl === undefined) return undefined;
  if (ca === undefined || cert === undefined || key === undefined) {
    const missing = (['ca', 'cert', 'key'] as const).filter((f) => get(X509_ENV_NAMES[f]) === undefined).map((f) => `PCMK_${X509_ENV_NAMES[f]}`);
    throw new TransportError(TransportErrorCode.X509ConfigIncomplete, `X.509 mode needs CA, certificate and key files; not set: ${missing.join(', ')}`);
  }
  const paths = { ca, cert, key, ...(crl === undefined ? {} : { crl }) };
  const raw = readCredentials(paths);
  checkCredentials(raw);
  return { ...raw, paths };
}

/**
 * Open TCP to `host:port` and run the X.509 handshake; resolves with the
 * secure socket (NODELAY set) once our verification of the server passed.
 * Rejects with TransportError: X509_FILE_UNREADABLE / X509_CREDENTIALS_INVALID
 * before connecting; CONNECT_FAILED / CONNECT_TIMEOUT; TLS_CERT_INVALID (we
 * refused the server's certificate or name); TLS_CERT_REJECTED (a certificate
 * alert from the server); TLS_HANDSHAKE_FAILED / TLS_HANDSHAKE_TIMEOUT; ABORTED.
 * A server that refuses our certificate, Pacemaker's and ours alike, just
 * closes: with TLS 1.2 that is TLS_HANDSHAKE_FAILED; with TLS 1.3 our side
 * has already finished, so this resolves and the socket then fails or closes
 * (CLOSED through {@link TransportError.fromSocketError}).
 */
export async function connectX509Tls(options: X509TlsConnectOptions): Promise<tls.TLSSocket> {
  const { host, port, peerName, connectTimeoutMs = 10_000, handshakeTimeoutMs = 5000, signal } = options;
  const creds = loadCredentials(options);
  const secureContext = tls.createSecureContext({ ...creds, minVersion: 'TLSv1.2', maxVersion: options.maxVersion ?? 'TLSv1.3' });
  if (signal?.aborted) throw aborted(signal);

  const tcp = await step<net.Socket>('connect', connectTimeoutMs, signal, (done, on) => {
    const s = net.connect({ host, port });
    s.setNoDelay(true);
    on(s, 'connect', () => done(null, s));
    on(s, 'error', (err) => done(err as Error));
    return s;
  });

  return step<tls.TLSSocket>('handshake', handshakeTimeoutMs, signal, (done, on) => {
    // No SNI, as Pacemaker's client; the name check, if any, is ours alone.
    const s = tls.connect({
      socket: tcp,
      secureContext,
      rejectUnauthorized: true,
      checkServerIdentity: (_host, cert) => (peerName === undefined ? undefined : tls.checkServerIdentity(peerName, cert)),
    });
    on(s, 'secureConnect', () => done(null, s));
    on(s, 'error', (err) => done(err as Error));
    on(s, 'close', () => done(new Error('connection closed during the TLS handshake')));
    return s;
  }, tcp);
}

/**
 * An X.509 TLS server that requires a client certificate and verifies its
 * chain against `ca` (and `crl`), with no name check, as Pacemaker 3.0's
 * remote daemon does. `onSecureConnection` gets only verified sockets
 * (NODELAY set; `getPeerCertificate()` tells who it is). TLS 1.2 session
 * tickets are off; node:tls cannot stop TLS 1.3 ones (§4.6). Throws
 * X509_FILE_UNREADABLE / X509_CREDENTIALS_INVALID synchronously. A refused
 * client is closed without an alert and reported on the server's
 * `tlsClientError` event as TLS_CERT_INVALID, `cause.code` naming OpenSSL's
 * reason (CERT_REVOKED, CERT_HAS_EXPIRED, INVALID_PURPOSE, …) or
 * NO_PEER_CERTIFICATE; other handshake failures there are node's own errors.
 */
export function createX509TlsServer(options: X509TlsServerOptions, onSecureConnection: (socket: tls.TLSSocket) => void): tls.Server {
  const creds = loadCredentials(options);
  const server: tls.Server = tls.createServer(
    {
      ...creds,
      requestCert: true,
      // Checked below instead, so that a refusal is reported with its reason.
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
      maxVersion: options.maxVersion ?? 'TLSv1.3',
      secureOptions: cryptoConstants.SSL_OP_NO_TICKET,
      dhparam: 'auto',
      handshakeTimeout: options.handshakeTimeoutMs ?? 10_000,
    },
    (socket) => {
      if (!socket.authorized) {
        // node reports a missing certificate as an issuer problem; name it.
        const none = Object.keys(socket.getPeerCertificate()).length === 0;
        const reason = none ? 'NO_PEER_CERTIFICATE' : String(socket.authorizationError);
        const cause = Object.assign(new Error(`client certificate refused: ${reason}`), { code: reason });
        socket.destroy();
        server.emit('tlsClientError', new TransportError(TransportErrorCode.TlsCertInvalid, cause.message, { cause }), socket);
        return;
      }
      socket.setNoDelay(true);
      onSecureConnection(socket);
    },
  );
  server.on('connection', (s: net.Socket) => s.setNoDelay(true));
  server.on('tlsClientError', (_err, socket) => socket.destroy());
  return server;
}

interface RawCredentials {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
  crl?: Buffer;
}

/** What node:tls gets: the CRL file cut into one entry per CRL, as it loads only one per entry. */
interface TlsCredentials {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
  crl?: string[];
}

/** Read and check the credentials, so a bad file is reported as such and not as a failed handshake. */
function loadCredentials(c: X509Credentials): TlsCredentials {
  return checkCredentials(readCredentials(c));
}

function readCredentials(c: X509Credentials): RawCredentials {
  const raw: RawCredentials = { ca: read('ca', c.ca), cert: read('cert', c.cert), key: read('key', c.key) };
  if (c.crl !== undefined) raw.crl = read('crl', c.crl);
  return raw;
}

function checkCredentials(raw: RawCredentials): TlsCredentials {
  const caBlocks = pemBlocks(raw.ca, 'CERTIFICATE');
  if (caBlocks.length === 0) invalid('ca', 'no certificate in the CA file');
  for (const b of caBlocks) parse('ca', () => new X509Certificate(b));
  const out: TlsCredentials = { ca: raw.ca, cert: raw.cert, key: raw.key };
  if (raw.crl !== undefined) {
    out.crl = pemBlocks(raw.crl, 'X509 CRL');
    if (out.crl.length === 0) invalid('crl', 'no CRL in the CRL file');
  }
  parse('cert', () => tls.createSecureContext({ cert: out.cert, key: out.key, ...(out.crl ? { crl: out.crl } : {}) }));
  return out;
}

function read(field: Field, src: PemSource): Buffer {
  if (typeof src !== 'string') return Buffer.from(src.buffer, src.byteOffset, src.length);
  if (src.includes('-----BEGIN ')) return Buffer.from(src, 'utf8');
  try {
    return readFileSync(src);
  } catch (err) {
    throw new TransportError(TransportErrorCode.X509FileUnreadable, `cannot read the ${field} file ${src}: ${(err as Error).message}`, { cause: err });
  }
}

function pemBlocks(pem: Buffer, label: string): string[] {
  const re = new RegExp(`-----BEGIN ${label}-----[\\s\\S]*?-----END ${label}-----`, 'g');
  return pem.toString('latin1').match(re) ?? [];
}

function parse(field: Field, fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    invalid(field, (err as Error).message, err);
  }
}

function invalid(field: Field, why: string, cause?: unknown): never {
  const what = field === 'cert' ? 'certificate, key or CRL' : field;
  throw new TransportError(TransportErrorCode.X509CredentialsInvalid, `unusable X.509 ${what}: ${why}`, cause === undefined ? undefined : { cause });
}
