/**
 * The local bridge (spec/protocol.md §8.13): the daemon's proxy API over a
 * root-only Unix socket, for shell agents and the command line.
 */
export { startBridge, type BridgeServer, type BridgeServerOptions } from './server.js';
export { callBridge, resolveBridgePath, type CallBridgeOptions } from './client.js';
export {
  BridgeOp,
  BRIDGE_PATH_ENV,
  DEFAULT_BRIDGE_PATH,
  MAX_BRIDGE_ANSWER_BYTES,
  MAX_BRIDGE_REQUEST_BYTES,
  LineSplitter,
  type BridgeAnswer,
  type BridgeRequest,
} from './protocol.js';
export { BridgeError, BridgeErrorCode, isBridgeError } from './errors.js';
