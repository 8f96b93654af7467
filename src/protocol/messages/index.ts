/**
 * Typed messages and their XML mapping, one codec for client and server
 * (spec/protocol.md §3–§8).
 */
export type * from './message.js';
export { isExecNotify, isIpcProxy, isNotify, isReply, isRequest } from './message.js';
export { decodeMessage, opaqueIpcBodies, type DecodeMessageOptions } from './xml-decode.js';
export { encodeMessage, ipcMsgType } from './xml-encode.js';
export { decodeParams, encodeParams, isAttributeParamName } from './params.js';
export { parseBoolean, parseInteger } from './fields.js';
