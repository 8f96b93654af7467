/**
 * Transport: key loading, PSK-TLS and X.509 TLS connect and listen, the record writer and
 * an in-memory pair (spec/protocol.md §2.5, §4.1, §4.6).
 */
export { TransportError, TransportErrorCode, isTransportError, type SocketPhase } from './errors.js';
export { loadAuthKey, authKeyCandidates, DEFAULT_AUTHKEY_PATH, COROSYNC_AUTHKEY_PATH, type AuthKey, type LoadAuthKeyOptions } from './authkey.js';
export {
  connectPskTls,
  createPskTlsServer,
  assertUsablePsk,
  DEFAULT_REMOTE_PORT,
  MAX_PSK_LENGTH,
  PSK_CIPHERS,
  PSK_IDENTITY,
  type PskTlsConnectOptions,
  type PskTlsServerOptions,
} from './psk-tls.js';
export { RecordWriter, type FrameBuffers } from './record-writer.js';
export { createMemoryPair } from './memory.js';
export {
  connectX509Tls,
  createX509TlsServer,
  x509OptionsFromEnv,
  X509_ENV_NAMES,
  type PemSource,
  type X509Credentials,
  type X509EnvCredentials,
  type X509TlsConnectOptions,
  type X509TlsServerOptions,
} from './x509-tls.js';
