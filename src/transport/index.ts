/**
 * Transport: key loading, PSK-TLS connect and listen, the record writer and
 * an in-memory pair (spec/protocol.md §2.5, §4.1).
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
