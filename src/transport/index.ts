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
  selectPskEngine,
  MAX_BUILTIN_PSK_LENGTH,
  DEFAULT_REMOTE_PORT,
  MAX_PSK_LENGTH,
  PSK_CIPHERS,
  PSK_IDENTITY,
  type PskTlsConnectOptions,
  type PskTlsServerOptions,
  type PskEngine,
  type PskTlsSocket,
} from './psk-tls.js';
export {
  Tls13PskSocket,
  connectTls13Psk,
  acceptTls13Psk,
  type Tls13PskSocketOptions,
  type Tls13CipherInfo,
  type Tls13PskConnectOptions,
  type Tls13PskAcceptOptions,
  NamedGroup,
} from './tls13-psk/index.js';
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
