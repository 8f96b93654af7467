/**
 * pcmk-remote: the Pacemaker Remote protocol in TypeScript.
 *
 * The codec is complete; transport, client and the reference daemon build on
 * it. Tool authors who need the lower layers import `pcmk-remote/protocol`.
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
