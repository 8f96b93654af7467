/**
 * The daemon's per-connection layer (spec/protocol.md §4, §5.16, §13.1):
 * the `register` handshake, the executor attachment, the handshake gate.
 */
export {
  ServerSession,
  refuseIpc,
  DEFAULT_MAX_QUEUED_BYTES,
  DEFAULT_PAUSE_QUEUED_BYTES,
  REFUSAL_FLUSH_MS,
  type IpcHandler,
  type ServerSessionEvents,
  type ServerSessionOptions,
} from './server-session.js';
export {
  buildRegisterReply,
  chooseEncoding,
  registerRc,
  DEFAULT_SERVER_ENCODINGS,
  REGISTER_ORIGIN,
  type EncodingChoice,
  type RegisterReplyFields,
} from './register.js';
export { HandshakeGate, type HandshakeGateOptions, type HandshakeTicket } from './handshake-gate.js';
export { SessionError, SessionErrorCode, isSessionError } from './errors.js';
export { silentLogger, errorFields, type Logger } from './logger.js';
