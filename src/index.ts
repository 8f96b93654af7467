/**
 * pcmk-remote: the Pacemaker Remote protocol in TypeScript.
 *
 * The root exports the codec's main entry points, the transport and the
 * cluster-side client. The subpaths `pcmk-remote/protocol`,
 * `pcmk-remote/transport` and `pcmk-remote/client` hold each layer whole.
 *
 * @packageDocumentation
 */
export {
  MessageDecoder,
  encodeMessageFrame,
  decodePayload,
  messageToXml,
  type DecodedFrame,
  type MessageDecodeOptions,
  type Message,
  type Request,
  type Reply,
  type Notify,
  type IpcProxy,
  type ExecNotify,
  isRequest,
  isReply,
  isNotify,
  isIpcProxy,
  isExecNotify,
  CallOpt,
  OcfExit,
  ExecStatus,
  LrmdRc,
  Op,
  IpcOp,
  DEFAULT_PORT,
  PSK_IDENTITY,
  PROTOCOL_VERSION,
  ErrorCode,
  PcmkRemoteError,
  ProtocolError,
  isProtocolError,
} from './protocol/index.js';
export * from './client/index.js';
export {
  TransportError,
  TransportErrorCode,
  isTransportError,
  loadAuthKey,
  authKeyCandidates,
  DEFAULT_AUTHKEY_PATH,
  COROSYNC_AUTHKEY_PATH,
  connectPskTls,
  createPskTlsServer,
  assertUsablePsk,
  MAX_PSK_LENGTH,
  PSK_CIPHERS,
  createMemoryPair,
  connectX509Tls,
  createX509TlsServer,
  x509OptionsFromEnv,
  type X509Credentials,
  type X509TlsConnectOptions,
  type X509TlsServerOptions,
  type AuthKey,
  type LoadAuthKeyOptions,
  type PskTlsConnectOptions,
  type PskTlsServerOptions,
} from './transport/index.js';
